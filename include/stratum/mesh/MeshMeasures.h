#pragma once
// Measures of a surface: area, enclosed volume, size and closedness.
#include <cstddef>

#include "stratum/core/Geometry.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::mesh {

struct MeshMeasures {
    std::size_t vertices = 0;
    std::size_t triangles = 0;
    double areaMm2 = 0.0;
    // Signed enclosed volume by the divergence theorem, in millilitres (1 mL = 1000 mm^3):
    // positive for a closed surface whose normals point outward. Meaningless for open surfaces.
    double volumeMl = 0.0;
    core::Vec3 boundsMin{0, 0, 0};  // axis-aligned bounding box (patient mm); zero when empty
    core::Vec3 boundsMax{0, 0, 0};
    std::size_t boundaryEdges = 0;     // edges used by exactly one triangle (holes)
    std::size_t nonManifoldEdges = 0;  // edges used by three or more triangles
    // Interior edges traversed in the same direction by both triangles (inconsistent winding).
    std::size_t inconsistentEdges = 0;
    std::size_t components = 0;  // connected pieces (triangles sharing vertices)

    // Closed 2-manifold: every edge shared by exactly two triangles.
    bool watertight() const noexcept {
        return triangles > 0 && boundaryEdges == 0 && nonManifoldEdges == 0;
    }
};

// Measures a mesh (validated first: core::InvalidArgument for bad indices).
MeshMeasures measureMesh(const SurfaceMesh& mesh);

}  // namespace stratum::mesh
