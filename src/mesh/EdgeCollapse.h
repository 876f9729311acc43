#pragma once
// Decimation by half-edge collapses (internal): a vertex is merged into a neighbour, so the
// remaining vertices keep their exact positions on the input surface.
#include <cstddef>

#include "stratum/core/Progress.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::mesh::detail {

// Collapses in order of quadric error (Garland-Heckbert quadrics of the input triangles,
// area weighted) until at most `targetTriangles` remain or nothing more may go. A collapse
// is refused when it would
//   - remove a vertex on a boundary or non-manifold edge,
//   - break the link condition (the two neighbourhoods share more than the edge's two
//     opposite vertices: the surface would pinch or a piece would flatten),
//   - flip or flatten a triangle, or duplicate one,
//   - move the surface more than `maxError` from the removed vertex, counting the error
//     already carried by that vertex (a conservative running bound).
// Scalars of the kept vertices are kept; normals are not computed.
SurfaceMesh collapseEdges(const SurfaceMesh& mesh, std::size_t targetTriangles, double maxError,
                          const core::Task& task = {});

}  // namespace stratum::mesh::detail
