// loadDicomSeries / loadDicomFile: decode the frames of a series in parallel straight
// into the output image, then convert each slice in place while it is hot in cache.
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>

#include "DicomCodecs.h"
#include "DicomFrameReader.h"
#include "DicomHeaderParse.h"
#include "DicomLoadPlan.h"
#include "DicomPalette.h"
#include "DicomSeriesBuilder.h"
#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/io/Dicom.h"

namespace stratum::io {

namespace {

using detail::LoadPlan;
using detail::PixelKind;

enum SliceState : std::uint8_t { Empty = 0, Done = 1, RawStored = 2 };

// One unit of parallel work: some frames of one file, in frame order.
struct WorkItem {
    std::size_t instance = 0;
    std::vector<std::pair<unsigned, std::size_t>> frames;  // (frame, k)
};

struct Failure {
    std::string path;
    std::string problem;
    std::size_t slices = 0;
};

std::vector<WorkItem> makeWorkItems(const DicomSeries& s, unsigned threads) {
    std::vector<std::vector<std::pair<unsigned, std::size_t>>> byInstance(s.instances.size());
    for (const DicomSlice& slice : s.slices)
        byInstance[slice.instance].emplace_back(slice.frame, slice.sliceIndex);
    std::vector<WorkItem> items;
    for (std::size_t i = 0; i < byInstance.size(); ++i) {
        auto& frames = byInstance[i];
        if (frames.empty()) continue;
        std::sort(frames.begin(), frames.end());
        // A multi-frame file is split so that its frames decode in parallel, except
        // where the decoder works on the whole file (GDCM).
        std::size_t chunk = frames.size();
        if (frames.size() > 1 && !detail::needsGdcm(s.instances[i].transferSyntaxUid))
            chunk = std::max<std::size_t>(1, (frames.size() + 4 * threads - 1) / (4 * threads));
        for (std::size_t at = 0; at < frames.size(); at += chunk) {
            WorkItem item{i, {}};
            item.frames.assign(
                frames.begin() + static_cast<std::ptrdiff_t>(at),
                frames.begin() + static_cast<std::ptrdiff_t>(std::min(frames.size(), at + chunk)));
            items.push_back(std::move(item));
        }
    }
    return items;
}

// Large buffers: ask for transparent huge pages before the first touch (fewer faults).
void adviseHugePages(void* data, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const auto begin = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

class SeriesLoader {
public:
    SeriesLoader(const DicomSeries& s, const DicomLoadOptions& o, const core::Task& t)
        : series_(s), options_(o), task_(t), plan_(detail::planLoad(s, o)) {}

    core::Image run(core::Warnings* warnings);

private:
    void decodeItem(const WorkItem& item);
    void decodeFrame(detail::DicomFrameReader& reader, std::size_t instance, unsigned frame,
                     std::size_t k, std::vector<std::byte>& temp);
    void widenToFloat();
    void fillEmpty();
    [[noreturn]] void throwNothingDecoded() const;

    const DicomSeries& series_;
    const DicomLoadOptions& options_;
    const core::Task& task_;
    LoadPlan plan_;
    core::Image image_;
    std::size_t pixels_ = 0;      // per slice
    std::size_t sliceBytes_ = 0;  // per slice, output
    std::vector<std::uint8_t> state_;
    std::vector<std::pair<std::size_t, unsigned>> sliceSource_;  // (instance, frame) of each k
    std::mutex failuresMutex_;
    std::vector<Failure> failures_;
    std::exception_ptr firstError_;
};

void SeriesLoader::decodeFrame(detail::DicomFrameReader& reader, std::size_t instance,
                               unsigned frame, std::size_t k, std::vector<std::byte>& temp) {
    std::byte* slot = static_cast<std::byte*>(image_.data()) + k * sliceBytes_;
    const std::size_t need = reader.bufferBytes();
    const DicomInstance& inst = series_.instances[instance];
    if (plan_.kind != PixelKind::Grey) {
        temp.resize(need);
        const detail::FrameLayout layout = reader.read(frame, temp);
        if (plan_.kind == PixelKind::Colour)
            detail::convertColour(temp.data(), pixels_, inst.bitsAllocated, layout, slot);
        else
            detail::applyPalette(temp.data(), pixels_, inst.bitsAllocated, reader.palette(),
                                 reinterpret_cast<std::uint8_t*>(slot));
        state_[k] = Done;
        return;
    }
    // Grey: decode into the slot itself when it is big enough (raw samples are never
    // wider than the output type), then convert in place.
    std::byte* target = slot;
    if (need > sliceBytes_) {
        temp.resize(need);
        target = temp.data();
    }
    reader.read(frame, {target, target == slot ? sliceBytes_ : need});
    const detail::GreyTransform& t = plan_.transform(instance, frame);
    if (plan_.checkEachSlice) {
        const auto [vlo, vhi] = detail::storedMinMax(target, pixels_, t);
        const auto [ylo, yhi] = t.outputRange(static_cast<double>(vlo), static_cast<double>(vhi));
        if (ylo < -32768 || yhi > 32767) {
            // Keep the raw samples (same width as int16); the volume becomes float32.
            if (target != slot) std::memcpy(slot, target, pixels_ * (t.bitsAllocated / 8));
            state_[k] = RawStored;
            return;
        }
    }
    detail::convertGrey(target, slot, pixels_, t, plan_.type);
    state_[k] = Done;
}

void SeriesLoader::decodeItem(const WorkItem& item) {
    task_.checkCancel();
    std::vector<std::byte> temp;
    try {
        detail::DicomFrameReader reader(series_.instances[item.instance]);
        for (const auto& [frame, k] : item.frames)
            decodeFrame(reader, item.instance, frame, k, temp);
    } catch (const core::Cancelled&) {
        throw;
    } catch (const std::exception& e) {
        std::lock_guard lock(failuresMutex_);
        if (!firstError_) firstError_ = std::current_exception();
        const auto* fileError = dynamic_cast<const core::FileError*>(&e);
        // Frames decoded before the error stay; the others are filled later.
        const auto lost = std::count_if(item.frames.begin(), item.frames.end(),
                                        [&](const auto& f) { return state_[f.second] == Empty; });
        failures_.push_back({series_.instances[item.instance].path.string(),
                             fileError ? fileError->problem() : e.what(),
                             static_cast<std::size_t>(lost)});
    }
}

void SeriesLoader::widenToFloat() {
    core::Image out(core::PixelType::Float32, 1, image_.geometry(),
                    core::Image::Init::Uninitialized);
    adviseHugePages(out.data(), out.byteSize());
    const auto* src = static_cast<const std::byte*>(image_.data());
    auto* dst = static_cast<std::byte*>(out.data());
    core::parallelFor(
        0, state_.size(),
        [&](std::size_t k) {
            const std::byte* from = src + k * sliceBytes_;
            std::byte* to = dst + k * pixels_ * sizeof(float);
            if (state_[k] == Done) {
                detail::GreyTransform asIs;  // int16 values already converted
                asIs.signedStored = true;
                detail::convertGrey(from, to, pixels_, asIs, core::PixelType::Float32);
            } else if (state_[k] == RawStored) {
                const auto [instance, frame] = sliceSource_[k];
                detail::convertGrey(from, to, pixels_, plan_.transform(instance, frame),
                                    core::PixelType::Float32);
                state_[k] = Done;
            }
        },
        options_.threads);
    plan_.type = core::PixelType::Float32;
    sliceBytes_ = pixels_ * sizeof(float);
    image_ = std::move(out);
}

// Gaps and failed slices: the lowest value of what was loaded (0 for colour).
void SeriesLoader::fillEmpty() {
    std::vector<std::size_t> empty;
    for (std::size_t k = 0; k < state_.size(); ++k)
        if (state_[k] == Empty) empty.push_back(k);
    if (empty.empty()) return;
    const std::size_t values = pixels_ * static_cast<std::size_t>(plan_.components);
    core::dispatchPixelType(plan_.type, [&](auto tag) {
        using T = decltype(tag);
        T lowest = std::numeric_limits<T>::max();
        if (plan_.kind == PixelKind::Grey) {
            const T* p = static_cast<const T*>(image_.data());
            for (std::size_t k = 0; k < state_.size(); ++k) {
                if (state_[k] != Done) continue;
                const T* s = p + k * values;
                lowest = std::min(lowest, *std::min_element(s, s + values));
            }
        } else {
            lowest = T{0};
        }
        T* p = static_cast<T*>(image_.data());
        for (std::size_t k : empty) std::fill(p + k * values, p + (k + 1) * values, lowest);
    });
}

void SeriesLoader::throwNothingDecoded() const {
    if (failures_.size() == 1 && firstError_) std::rethrow_exception(firstError_);
    std::string problem =
        "none of the " + std::to_string(failures_.size()) + " files of the series could be decoded";
    if (!failures_.empty()) problem += " (first error: " + failures_.front().problem + ")";
    const std::string path = failures_.empty() ? std::string() : failures_.front().path;
    throw core::FormatError(path, problem);
}

core::Image SeriesLoader::run(core::Warnings* warnings) {
    const core::Geometry& g = series_.geometry;
    image_ = core::Image(plan_.type, plan_.components, g, core::Image::Init::Uninitialized);
    adviseHugePages(image_.data(), image_.byteSize());
    pixels_ = g.size[0] * g.size[1];
    sliceBytes_ =
        pixels_ * static_cast<std::size_t>(plan_.components) * core::bytesPerComponent(plan_.type);
    state_.assign(g.size[2], Empty);
    sliceSource_.assign(g.size[2], {0, 0});
    for (const DicomSlice& s : series_.slices) sliceSource_[s.sliceIndex] = {s.instance, s.frame};

    const unsigned threads = options_.threads ? options_.threads : core::defaultThreadCount();
    const std::vector<WorkItem> items = makeWorkItems(series_, threads);
    {
        core::ProgressCounter counter(
            task_, items.size(),
            "Loading " + std::to_string(series_.slices.size()) + " DICOM slices");
        core::parallelFor(
            0, items.size(),
            [&](std::size_t i) {
                decodeItem(items[i]);
                counter.advance();
            },
            threads);
    }

    std::sort(failures_.begin(), failures_.end(),
              [](const Failure& a, const Failure& b) { return a.path < b.path; });
    task_.progress(1.0);
    const bool anyDecoded =
        std::any_of(state_.begin(), state_.end(), [](std::uint8_t s) { return s != Empty; });
    if (!anyDecoded) throwNothingDecoded();
    if (std::find(state_.begin(), state_.end(), RawStored) != state_.end()) widenToFloat();
    fillEmpty();
    detail::fillMetadata(image_.metadata(), series_, plan_);

    if (warnings) {
        warnings->insert(warnings->end(), series_.warnings.begin(), series_.warnings.end());
        for (const Failure& f : failures_)
            warnings->push_back({f.path, "could not decode (" + f.problem + "); " +
                                             std::to_string(f.slices) +
                                             (f.slices == 1 ? " slice" : " slices") +
                                             " filled with the lowest value"});
    }
    return std::move(image_);
}

}  // namespace

core::Image loadDicomSeries(const DicomSeries& series, const DicomLoadOptions& options,
                            const core::Task& task, core::Warnings* warnings) {
    detail::ensureDicomCodecs();
    task.checkCancel();
    SeriesLoader loader(series, options, task);
    return loader.run(warnings);
}

core::Image loadDicomFile(const std::filesystem::path& file, const DicomLoadOptions& options,
                          const core::Task& task, core::Warnings* warnings) {
    DicomInstance instance = readDicomHeader(file);
    if (!instance.hasPixelData || instance.rows == 0 || instance.columns == 0)
        throw core::FormatError(
            file.string(),
            "no image pixel data (SOP Class " +
                (instance.sopClassUid.empty() ? std::string("unknown") : instance.sopClassUid) +
                ")");
    if (const auto why = detail::unsupportedReason(instance))
        throw core::UnsupportedError(file.string(), *why);
    const DicomSeries series = detail::assembleSeries({std::move(instance)}, 0);
    return loadDicomSeries(series, options, task, warnings);
}

}  // namespace stratum::io
