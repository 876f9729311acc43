#pragma once
// `stratum pipeline`: load -> preprocess -> segment -> mesh -> export, with a JSON summary.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"
#include "stratum/jobs/MeshJob.h"

namespace stratum::jobs {

struct PipelineOptions {
    // Intensity volumes: segment voxels >= iso. Without it: Otsu's threshold when the
    // processing library is built, 300 HU (bone) for CT, otherwise an error.
    std::optional<double> iso;
    // Preprocessing: Gaussian smoothing (mm) before thresholding; needs the processing library.
    double sigmaMm = 0.0;
    std::filesystem::path labelsTsv;
    std::vector<mesh::MeshFormat> formats{mesh::MeshFormat::Stl};
    int smoothIterations = 15;
    double decimate = 0.0;
    double maxErrorMm = 0.0;  // 0 = half the smallest voxel spacing
    bool largest = false;
    double minComponentMl = 0.0;
    mesh::CoordinateSystem coordinates = mesh::CoordinateSystem::Lps;
    double sliceSpacing = 0.0;  // IN is a folder of 2D images
};

struct PipelineResult {
    std::filesystem::path input;
    std::filesystem::path outputFolder;
    std::filesystem::path summary;   // OUTDIR/summary.json
    std::string inputKind;           // "label map" or "intensity"
    std::vector<std::string> steps;  // what each stage did, in words
    std::vector<MeshSummary> meshes;
    std::vector<std::filesystem::path> written;  // every file, summary.json last
    core::Warnings warnings;
};

// Whether this build can preprocess and segment with the processing library.
bool pipelineHasProcessing();

// OUTDIR must not exist or be empty; it is filled atomically (all files or none): one file
// per surface and format, `all_labels.<ext>` with every surface when there are several, and
// summary.json listing every file with label, name, triangles, area and volume.
PipelineResult runPipeline(const std::filesystem::path& in, const std::filesystem::path& outDir,
                           const PipelineOptions& options = {}, const core::Task& task = {});

}  // namespace stratum::jobs
