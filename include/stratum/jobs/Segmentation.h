#pragma once
// Segmentation of volumes for the CLI (and later the GUI): reading the volume (io),
// running a segmentation model package (ai::Segmenter) and writing the label map and
// probability maps atomically. `stratum segment` (runs in `stratum-ai`).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"

namespace stratum::jobs {

struct SegmentVolumeOptions {
    std::filesystem::path model;   // package folder (task "segmentation")
    std::filesystem::path input;   // any file or folder io::readImage reads
    // Label map: .nii, .nii.gz, .nrrd, .mha, ...; for a DICOM input, .dcm writes a DICOM
    // SEG on the source series (io::writeDicomSeg, label names/colours from the manifest).
    std::filesystem::path output;
    // Folder receiving one float32 probability map per label,
    // <index>_<label>.nii.gz (created when missing); empty = none.
    std::filesystem::path probabilities;
    std::string device = "auto";
    double overlap = 0.5;  // sliding-window overlap, [0, 1)
    bool mirror = false;   // mirroring test-time augmentation
    int batchSize = 2;     // patches (3D) or slices (2D) per network call
};

struct SegmentVolumeResult {
    std::string modelName;
    std::filesystem::path model;
    std::string device;
    std::string disclaimer;
    std::filesystem::path input;
    std::filesystem::path output;
    core::Size3 size{};
    std::vector<std::string> labels;
    std::vector<std::uint64_t> voxelsPerLabel;  // in the label map, per label
    std::vector<std::filesystem::path> probabilityFiles;
    core::Warnings warnings;
};

// Errors name the file concerned: core::IoError / FormatError for the model or the
// input, core::InvalidArgument for options, an output onto the input, or a volume that
// does not fit the model.
SegmentVolumeResult segmentVolume(const SegmentVolumeOptions& options, const core::Task& task = {});
std::string toText(const SegmentVolumeResult& result);

}  // namespace stratum::jobs
