// stratum segment: a volume through a segmentation model package into a label map.
#include <cctype>
#include <sstream>

#include "Paths.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/core/Error.h"
#include "stratum/io/DicomSeg.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/Segmentation.h"

namespace stratum::jobs {
namespace {

// A file-name-safe form of a label name.
std::string fileSafe(const std::string& name) {
    std::string out;
    for (const char c : name)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return out.empty() ? "label" : out;
}

bool hasDcmExtension(const std::filesystem::path& output) {
    std::string ext = output.extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".dcm";
}

// An output named *.dcm for a DICOM input: the label map goes out as a DICOM SEG.
bool isDicomSegOutput(const std::filesystem::path& output, const core::Image& input) {
    return hasDcmExtension(output) && input.metadata().sourceFormat == "DICOM";
}

// A DICOM SEG never goes into the input folder (it would join the series it segments).
void refuseSegInsideInput(const std::filesystem::path& input, const std::filesystem::path& output) {
    if (!hasDcmExtension(output) || !std::filesystem::is_directory(input)) return;
    const std::filesystem::path folder = std::filesystem::weakly_canonical(input);
    const std::filesystem::path parent =
        std::filesystem::weakly_canonical(std::filesystem::absolute(output).parent_path());
    auto p = parent.begin();
    for (auto f = folder.begin(); f != folder.end(); ++f, ++p)
        if (p == parent.end() || *p != *f) return;
    throw core::InvalidArgument(output.string() + ": is inside the input folder (" + input.string() +
                                "); write the DICOM SEG elsewhere");
}

}  // namespace

SegmentVolumeResult segmentVolume(const SegmentVolumeOptions& options, const core::Task& task) {
    if (options.output.empty()) throw core::InvalidArgument("segment: no output file given");
    if (!(options.overlap >= 0.0 && options.overlap < 1.0))
        throw core::InvalidArgument("segment: --overlap must be in [0, 1), not " +
                                    std::to_string(options.overlap));
    detail::requireExists(options.input);
    if (detail::samePath(options.input, options.output))
        throw core::InvalidArgument(options.output.string() +
                                    ": the output would overwrite the input");
    if (!options.probabilities.empty() && detail::samePath(options.input, options.probabilities))
        throw core::InvalidArgument(options.probabilities.string() +
                                    ": the probability folder is the input");

    refuseSegInsideInput(options.input, options.output);

    SegmentVolumeResult result;
    task.progress(0.0, "loading the model");
    ai::Segmenter segmenter = ai::Segmenter::load(options.model, {options.device});
    const ai::ModelManifest& m = segmenter.manifest();
    result.modelName = m.name;
    result.model = options.model;
    result.device = segmenter.device().name();
    result.disclaimer = m.disclaimer;
    result.labels = m.labelNames();

    io::ReadResult read = io::readImage(options.input, task.sub(0.0, 0.1));
    result.warnings = read.warnings;
    result.input = options.input;
    result.size = read.image.size();

    ai::SegmentOptions o = segmenter.defaultOptions();
    o.overlap = options.overlap;
    o.mirror = options.mirror;
    o.batchSize = options.batchSize;
    o.probabilities = !options.probabilities.empty();
    ai::SegmentationResult seg;
    detail::namingPath(options.input,
                       [&] { seg = segmenter.segment(read.image, o, task.sub(0.1, 0.9)); });

    result.voxelsPerLabel.assign(result.labels.size(), 0);
    core::dispatchPixelType(seg.labels.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        const T* v = seg.labels.data<T>();
        for (std::size_t i = 0; i < seg.labels.voxelCount(); ++i)
            if (static_cast<std::size_t>(v[i]) < result.voxelsPerLabel.size())
                ++result.voxelsPerLabel[v[i]];
    });

    task.progress(0.9, "writing");
    if (isDicomSegOutput(options.output, read.image)) {
        // DICOM SEG on the source series: one segment per label present, named and
        // coloured as the model manifest says.
        std::vector<io::SegmentInfo> segments;
        for (std::size_t l = 1; l < m.labels.size(); ++l) {
            io::SegmentInfo s;
            s.labelValue = static_cast<unsigned>(l);
            s.name = m.labels[l].name;
            s.colour = m.labels[l].colour;
            s.algorithmName = m.name;
            segments.push_back(s);
        }
        io::DicomSegWriteOptions segOptions;
        segOptions.algorithmVersion = m.version;
        io::writeDicomSeg(seg.labels, segments, options.input, options.output, segOptions,
                          task.sub(0.9, 0.95));
    } else {
        io::writeImage(seg.labels, options.output);
    }
    result.output = options.output;
    if (!options.probabilities.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(options.probabilities, ec);
        if (ec)
            throw core::IoError(options.probabilities.string(),
                                "cannot create the folder: " + ec.message());
        for (std::size_t l = 0; l < seg.probabilities.size(); ++l) {
            const std::filesystem::path file =
                options.probabilities /
                (std::to_string(l) + "_" + fileSafe(result.labels.at(l)) + ".nii.gz");
            io::writeImage(seg.probabilities[l], file);
            result.probabilityFiles.push_back(file);
        }
    }
    task.progress(1.0);
    return result;
}

std::string toText(const SegmentVolumeResult& r) {
    std::ostringstream out;
    out << "model: " << r.modelName << " (" << r.model.string() << ", " << r.device << ")\n";
    out << r.input.string() << ": " << r.size[0] << "x" << r.size[1] << "x" << r.size[2] << " -> "
        << r.output.string() << '\n';
    for (std::size_t l = 0; l < r.labels.size(); ++l)
        out << "  " << l << " " << r.labels[l] << ": " << r.voxelsPerLabel[l] << " voxels\n";
    for (const auto& f : r.probabilityFiles) out << "probabilities: " << f.string() << '\n';
    out << r.disclaimer << '\n';
    return out.str();
}

}  // namespace stratum::jobs
