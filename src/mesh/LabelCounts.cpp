#include <algorithm>
#include <limits>

#include "LabelBoxes.h"
#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/mesh/SurfaceExtraction.h"

namespace stratum::mesh {
namespace detail {
namespace {

struct Accumulator {
    std::size_t voxels = 0;
    std::array<std::size_t, 3> lo{std::numeric_limits<std::size_t>::max(),
                                  std::numeric_limits<std::size_t>::max(),
                                  std::numeric_limits<std::size_t>::max()};
    std::array<std::size_t, 3> hi{0, 0, 0};

    void add(std::size_t i, std::size_t j, std::size_t k) {
        ++voxels;
        lo = {std::min(lo[0], i), std::min(lo[1], j), std::min(lo[2], k)};
        hi = {std::max(hi[0], i), std::max(hi[1], j), std::max(hi[2], k)};
    }
    void merge(const Accumulator& o) {
        if (!o.voxels) return;
        voxels += o.voxels;
        for (int d = 0; d < 3; ++d) {
            lo[d] = std::min(lo[d], o.lo[d]);
            hi[d] = std::max(hi[d], o.hi[d]);
        }
    }
};

template <class T>
std::vector<LabelBox> boxesOf(const core::Image& image, const core::Task& task, bool* sawNegative) {
    constexpr long kMin = std::numeric_limits<T>::min();
    constexpr std::size_t kRange = std::size_t{1} << (8 * sizeof(T));
    const core::Size3 size = image.size();
    const T* data = image.data<T>();
    const unsigned chunks = std::max(
        1u, std::min<unsigned>(core::defaultThreadCount(), static_cast<unsigned>(size[2])));
    std::vector<std::vector<Accumulator>> partial(chunks);
    std::vector<char> negative(chunks, 0);
    core::ProgressCounter progress(task, size[2], "finding labels");
    core::parallelFor(0, chunks, [&](std::size_t c) {
        std::vector<Accumulator>& acc = partial[c];
        acc.resize(kRange);
        const std::size_t k0 = size[2] * c / chunks, k1 = size[2] * (c + 1) / chunks;
        for (std::size_t k = k0; k < k1; ++k) {
            for (std::size_t j = 0; j < size[1]; ++j) {
                const T* row = data + (k * size[1] + j) * size[0];
                for (std::size_t i = 0; i < size[0]; ++i) {
                    const T v = row[i];
                    if (v > 0)
                        acc[static_cast<std::size_t>(static_cast<long>(v) - kMin)].add(i, j, k);
                    else if (v < 0)
                        negative[c] = 1;
                }
            }
            progress.advance();
        }
    });
    if (sawNegative)
        *sawNegative = std::any_of(negative.begin(), negative.end(), [](char n) { return n != 0; });
    std::vector<LabelBox> boxes;
    for (std::size_t index = 0; index < kRange; ++index) {
        Accumulator total;
        for (const auto& acc : partial) total.merge(acc[index]);
        if (!total.voxels) continue;
        boxes.push_back(
            {static_cast<int>(static_cast<long>(index) + kMin), total.voxels, total.lo, total.hi});
    }
    return boxes;
}

}  // namespace

std::vector<LabelBox> labelBoxes(const core::Image& labels, const core::Task& task,
                                 bool* sawNegative) {
    if (labels.empty()) throw core::InvalidArgument("label map: empty image");
    if (labels.components() != 1)
        throw core::InvalidArgument("label map: expected one component, the image has " +
                                    std::to_string(labels.components()));
    switch (labels.pixelType()) {
        case core::PixelType::UInt8:
            return boxesOf<std::uint8_t>(labels, task, sawNegative);
        case core::PixelType::Int16:
            return boxesOf<std::int16_t>(labels, task, sawNegative);
        case core::PixelType::UInt16:
            return boxesOf<std::uint16_t>(labels, task, sawNegative);
        case core::PixelType::Float32:
            break;
    }
    throw core::InvalidArgument(
        "label map: pixel type float32 is not a label type (expected uint8, int16 or uint16)");
}

}  // namespace detail

std::vector<LabelCount> countLabels(const core::Image& labels, const core::Task& task) {
    std::vector<LabelCount> counts;
    for (const detail::LabelBox& box : detail::labelBoxes(labels, task))
        counts.push_back({box.label, box.voxels});
    return counts;
}

bool looksLikeLabelMap(const core::Image& image, std::size_t maxLabels) {
    if (image.empty() || image.components() != 1 || image.pixelType() == core::PixelType::Float32)
        return false;
    bool negative = false;
    const auto boxes = detail::labelBoxes(image, {}, &negative);
    if (negative || boxes.empty() || boxes.size() > maxLabels) return false;
    // Segmentations are piecewise constant: neighbours along x differ only on region
    // borders. Scans (even 8-bit ones with few grey levels) differ almost everywhere.
    std::size_t pairs = 0, changes = 0;
    core::dispatchPixelType(image.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        const T* data = image.data<T>();
        const std::size_t nx = image.size()[0], rows = image.size()[1] * image.size()[2];
        for (std::size_t r = 0; r < rows; ++r) {
            const T* row = data + r * nx;
            for (std::size_t i = 1; i < nx; ++i) {
                if (row[i] == 0 && row[i - 1] == 0) continue;
                ++pairs;
                changes += row[i] != row[i - 1];
            }
        }
    });
    return pairs == 0 || changes <= pairs / 4;
}

}  // namespace stratum::mesh
