#pragma once
// Surface models for the 3D view, made on a worker thread (TaskRunner) with progress
// and cancel: per-label surfaces of a label map, the iso-surface of a volume, the
// intensity surface of a 2D X-ray, or the meshes of a file (e.g. a 2D-to-3D
// reconstruction written by `stratum hull`). Each model also gets its thinned
// level-of-detail copy for interaction when it is large (LevelOfDetail.h).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "stratum/app/model/LabelColorTable.h"
#include "stratum/app/model/LevelOfDetail.h"
#include "stratum/app/view3d/Scene3D.h"
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::app {

struct ModelBuildOptions {
    int smoothingIterations = 15;  // label surfaces (windowed sinc); iso-surfaces are smooth
    // Triangles already in the scene (for the level-of-detail budget).
    std::size_t sceneTriangles = 0;
    LodBudget budget;
};

// One model per label present (names and colours from `colors`).
std::vector<Model3D> buildLabelModels(const core::Image& labels, const LabelColorTable& colors,
                                      const std::string& source,
                                      const ModelBuildOptions& options = {},
                                      const core::Task& task = {});
// The surface at `isoValue`, closed at the image's edge.
Model3D buildIsoModel(const core::Image& volume, double isoValue,
                      const ModelBuildOptions& options = {}, const core::Task& task = {});
// The intensity surface of a 2D image (height field), pixel values as scalars.
Model3D buildHeightFieldModel(const core::Image& image, const ModelBuildOptions& options = {},
                              const core::Task& task = {});
// Every mesh of a surface file (STL, OBJ, PLY, VTP, glTF), in LPS.
std::vector<Model3D> loadModelFile(const std::filesystem::path& path,
                                   const ModelBuildOptions& options = {},
                                   const core::Task& task = {});
// Adds level-of-detail copies to models over the budget (in place).
void addLevelsOfDetail(std::vector<Model3D>& models, const ModelBuildOptions& options,
                       const core::Task& task = {});

// A copy of `mesh` with about (1 - reduction) of its triangles, by vertex clustering
// (vtkQuadricClustering: fast, for display only; not error-bounded).
std::shared_ptr<const mesh::SurfaceMesh> thinForInteraction(const mesh::SurfaceMesh& mesh,
                                                            double reduction,
                                                            const core::Task& task = {});

}  // namespace stratum::app
