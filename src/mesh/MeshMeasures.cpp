#include "stratum/mesh/MeshMeasures.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "UnionFind.h"

namespace stratum::mesh {

// Vec3 is a std::array: bring core's vector operators into scope.
using core::operator+;
using core::operator-;
using core::operator*;
namespace {

struct EdgeCounts {
    std::size_t boundary = 0;
    std::size_t nonManifold = 0;
    std::size_t inconsistent = 0;
};

// Each triangle contributes its three directed edges; sorting by the undirected key groups
// the uses of every edge. Bit 0 of the entry says whether it ran from the larger index.
EdgeCounts countEdges(const SurfaceMesh& mesh) {
    std::vector<std::uint64_t> edges;
    edges.reserve(mesh.triangles.size() * 3);
    for (const Triangle& t : mesh.triangles)
        for (int e = 0; e < 3; ++e) {
            const std::uint64_t a = t[e], b = t[(e + 1) % 3];
            const std::uint64_t lo = std::min(a, b), hi = std::max(a, b);
            edges.push_back((lo << 33) | (hi << 1) | (a > b ? 1u : 0u));
        }
    std::sort(edges.begin(), edges.end());
    EdgeCounts counts;
    for (std::size_t i = 0; i < edges.size();) {
        std::size_t j = i;
        while (j < edges.size() && (edges[j] >> 1) == (edges[i] >> 1)) ++j;
        const std::size_t uses = j - i;
        if (uses == 1)
            ++counts.boundary;
        else if (uses > 2)
            ++counts.nonManifold;
        else if ((edges[i] & 1u) == (edges[i + 1] & 1u))
            ++counts.inconsistent;
        i = j;
    }
    return counts;
}

std::size_t countComponents(const SurfaceMesh& mesh) {
    detail::UnionFind sets(mesh.vertices.size());
    std::vector<bool> used(mesh.vertices.size(), false);
    for (const Triangle& t : mesh.triangles) {
        sets.unite(t[0], t[1]);
        sets.unite(t[1], t[2]);
        used[t[0]] = used[t[1]] = used[t[2]] = true;
    }
    std::size_t roots = 0;
    for (std::uint32_t v = 0; v < mesh.vertices.size(); ++v)
        if (used[v] && sets.find(v) == v) ++roots;
    return roots;
}

}  // namespace

MeshMeasures measureMesh(const SurfaceMesh& mesh) {
    mesh.validate();
    MeshMeasures m;
    m.vertices = mesh.vertices.size();
    m.triangles = mesh.triangles.size();
    if (mesh.triangles.empty()) return m;

    // Volume relative to a vertex of the mesh: the same for closed surfaces, better rounded
    // far from the patient origin.
    const Point3f& r = mesh.vertices[mesh.triangles[0][0]];
    const core::Vec3 ref{r[0], r[1], r[2]};
    double area = 0.0, volume6 = 0.0;
    for (const Triangle& t : mesh.triangles) {
        const Point3f& pa = mesh.vertices[t[0]];
        const Point3f& pb = mesh.vertices[t[1]];
        const Point3f& pc = mesh.vertices[t[2]];
        const core::Vec3 a = core::Vec3{pa[0], pa[1], pa[2]} - ref;
        const core::Vec3 b = core::Vec3{pb[0], pb[1], pb[2]} - ref;
        const core::Vec3 c = core::Vec3{pc[0], pc[1], pc[2]} - ref;
        area += 0.5 * core::norm(core::cross(b - a, c - a));
        volume6 += core::dot(a, core::cross(b, c));
    }
    m.areaMm2 = area;
    m.volumeMl = volume6 / 6.0 / 1000.0;

    core::Vec3 lo{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                  std::numeric_limits<double>::max()};
    core::Vec3 hi{-lo[0], -lo[1], -lo[2]};
    for (const Triangle& t : mesh.triangles)
        for (std::uint32_t index : t)
            for (int d = 0; d < 3; ++d) {
                lo[d] = std::min<double>(lo[d], mesh.vertices[index][d]);
                hi[d] = std::max<double>(hi[d], mesh.vertices[index][d]);
            }
    m.boundsMin = lo;
    m.boundsMax = hi;

    const EdgeCounts edges = countEdges(mesh);
    m.boundaryEdges = edges.boundary;
    m.nonManifoldEdges = edges.nonManifold;
    m.inconsistentEdges = edges.inconsistent;
    m.components = countComponents(mesh);
    return m;
}

}  // namespace stratum::mesh
