#pragma once
// Reading the inputs of the mesh jobs (internal).
#include <filesystem>
#include <vector>

#include "stratum/core/Progress.h"
#include "stratum/io/ImageIO.h"
#include "stratum/mesh/LabelTable.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::jobs::detail {

// io::readImage, or for a folder with sliceSpacing > 0 the 2D images in it stacked
// (io::readImageStack). Errors name the path.
io::ReadResult readMeshInput(const std::filesystem::path& in, double sliceSpacing,
                             const core::Task& task);

// The table at `path`, or an empty one when `path` is empty.
mesh::LabelTable readLabelTable(const std::filesystem::path& path);

// Names and colours from the table (labels it does not list keep theirs).
void applyLabelTable(std::vector<mesh::SurfaceMesh>& meshes, const mesh::LabelTable& table);

// A file-name-safe version of a label name: letters, digits, '-', '_' kept; others -> '_'.
std::string safeFileName(const std::string& name);

}  // namespace stratum::jobs::detail
