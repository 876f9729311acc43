#pragma once
// Clean-up entry points for meshes this library built itself, which skip the index checks
// of the public functions (a full pass over large surfaces) (internal).
#include "stratum/core/Progress.h"
#include "stratum/mesh/MeshCleanup.h"

namespace stratum::mesh::detail {

SurfaceMesh cleanupValidMesh(SurfaceMesh mesh, const CleanupOptions& options,
                             const core::Task& task);
void computeNormalsOfValidMesh(SurfaceMesh& mesh);

}  // namespace stratum::mesh::detail
