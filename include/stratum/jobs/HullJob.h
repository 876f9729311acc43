#pragma once
// `stratum hull`: the visual hull of calibrated silhouette views, as a surface or a volume.
#include <filesystem>
#include <vector>

#include "stratum/core/Progress.h"
#include "stratum/jobs/MeshJob.h"

namespace stratum::jobs {

struct HullJobOptions {
    double threshold = 0.0;  // silhouette pixels > threshold (in stored pixel units) are inside
    double voxelMm = 1.0;
    int smoothIterations = 10;  // surface output only
    mesh::MeshWriteOptions write;
};

struct HullJobResult {
    std::size_t views = 0;
    core::Geometry grid;
    std::size_t voxelsInside = 0;
    double volumeMl = 0.0;            // voxels inside x voxel volume
    std::vector<MeshSummary> meshes;  // surface output
    std::vector<std::filesystem::path> written;
};

// Each VIEW is a calibration .json or an image with its <image>.json beside it. OUT is a
// surface (.stl, .obj, .ply, .vtp, .gltf, .glb) or a volume (.nii, .nii.gz, .nrrd, .mha).
HullJobResult carveHull(const std::vector<std::filesystem::path>& views,
                        const std::filesystem::path& out, const HullJobOptions& options = {},
                        const core::Task& task = {});

}  // namespace stratum::jobs
