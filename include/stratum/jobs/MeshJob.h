#pragma once
// `stratum mesh`: a volume (label map or intensity), a folder of 2D slices, or a 2D image
// (height field) becomes surface files. Shared with the app.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"
#include "stratum/mesh/MeshExport.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::jobs {

// What a surface file holds, for reports and the pipeline's JSON summary.
struct MeshSummary {
    int label = 0;
    std::string name;
    mesh::Color color{0.8f, 0.8f, 0.8f};
    std::size_t vertices = 0;
    std::size_t triangles = 0;
    double areaMm2 = 0.0;
    double volumeMl = 0.0;
    bool watertight = false;
    core::Vec3 boundsMin{0, 0, 0};
    core::Vec3 boundsMax{0, 0, 0};
    std::vector<std::filesystem::path> files;  // files holding this surface
};
MeshSummary summarizeMesh(const mesh::SurfaceMesh& m);

struct MeshJobOptions {
    std::optional<int> label;   // mesh only this label value
    std::optional<double> iso;  // iso-surface of an intensity volume at this value
    int smoothIterations = 0;   // windowed-sinc iterations
    double passBand = 0.1;
    double decimate = 0.0;    // fraction of triangles to remove
    double maxErrorMm = 0.0;  // decimation bound; 0 = half the smallest voxel spacing
    bool largest = false;     // keep the largest connected piece of each surface
    double minComponentMl = 0.0;
    double fillHolesMm = 0.0;
    int sampleRate = 1;
    bool capBorders = true;  // iso-surfaces: close them at the image edge
    mesh::MeshWriteOptions write;
    std::filesystem::path labelsTsv;  // label names (and colours)
    double sliceSpacing = 0.0;        // IN is a folder of 2D images stacked at this spacing (mm)
    bool heightField = false;         // IN is a 2D image: its intensity surface
    double heightScale = 0.0;         // mm per unit value; 0 = automatic
    int heightStep = 1;
};

struct MeshJobResult {
    std::filesystem::path input;
    std::filesystem::path output;
    std::string mode;  // "labels", "iso", "height field"
    std::vector<MeshSummary> meshes;
    std::vector<std::filesystem::path> written;
    core::Warnings warnings;
};

// Reads IN (any io format; a folder with sliceSpacing > 0 is a 2D image stack), makes the
// surfaces and writes them to OUT (format by extension, mesh::writeMeshes). Without --iso,
// an integer image that looks like a label map is meshed per label; otherwise an iso value
// is required (core::InvalidArgument saying so). Errors name the file.
MeshJobResult meshImage(const std::filesystem::path& in, const std::filesystem::path& out,
                        const MeshJobOptions& options = {}, const core::Task& task = {});

}  // namespace stratum::jobs
