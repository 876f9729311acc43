// Connected components of a surface (triangles sharing vertices) with our own union-find.
#include <algorithm>
#include <cmath>

#include "UnionFind.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/MeshCleanup.h"

namespace stratum::mesh {
namespace {

struct Components {
    std::vector<std::uint32_t> ofTriangle;  // component index of each triangle
    std::size_t count = 0;
};

Components findComponents(const SurfaceMesh& mesh) {
    detail::UnionFind sets(mesh.vertices.size());
    for (const Triangle& t : mesh.triangles) {
        sets.unite(t[0], t[1]);
        sets.unite(t[1], t[2]);
    }
    Components c;
    std::vector<std::uint32_t> indexOfRoot(mesh.vertices.size(), UINT32_MAX);
    c.ofTriangle.resize(mesh.triangles.size());
    for (std::size_t t = 0; t < mesh.triangles.size(); ++t) {
        const std::uint32_t root = sets.find(mesh.triangles[t][0]);
        if (indexOfRoot[root] == UINT32_MAX)
            indexOfRoot[root] = static_cast<std::uint32_t>(c.count++);
        c.ofTriangle[t] = indexOfRoot[root];
    }
    return c;
}

// Absolute enclosed volume (mm^3) of each component.
std::vector<double> componentVolumes(const SurfaceMesh& mesh, const Components& c) {
    std::vector<double> volume6(c.count, 0.0);
    for (std::size_t t = 0; t < mesh.triangles.size(); ++t) {
        const Point3f& a = mesh.vertices[mesh.triangles[t][0]];
        const Point3f& b = mesh.vertices[mesh.triangles[t][1]];
        const Point3f& p = mesh.vertices[mesh.triangles[t][2]];
        // a . (b x p), relative to the first vertex of the mesh for rounding.
        const Point3f& r = mesh.vertices[mesh.triangles[0][0]];
        const double ax = a[0] - r[0], ay = a[1] - r[1], az = a[2] - r[2];
        const double bx = b[0] - r[0], by = b[1] - r[1], bz = b[2] - r[2];
        const double px = p[0] - r[0], py = p[1] - r[1], pz = p[2] - r[2];
        volume6[c.ofTriangle[t]] +=
            ax * (by * pz - bz * py) + ay * (bz * px - bx * pz) + az * (bx * py - by * px);
    }
    for (double& v : volume6) v = std::abs(v) / 6.0;
    return volume6;
}

// The triangles whose component is kept, with unused vertices dropped.
SurfaceMesh subset(const SurfaceMesh& mesh, const Components& c, const std::vector<bool>& keep) {
    SurfaceMesh out;
    out.label = mesh.label;
    out.name = mesh.name;
    out.color = mesh.color;
    std::vector<std::uint32_t> newIndex(mesh.vertices.size(), UINT32_MAX);
    for (std::size_t t = 0; t < mesh.triangles.size(); ++t) {
        if (!keep[c.ofTriangle[t]]) continue;
        Triangle tri = mesh.triangles[t];
        for (std::uint32_t& v : tri) {
            if (newIndex[v] == UINT32_MAX) {
                newIndex[v] = static_cast<std::uint32_t>(out.vertices.size());
                out.vertices.push_back(mesh.vertices[v]);
                if (!mesh.normals.empty()) out.normals.push_back(mesh.normals[v]);
                if (!mesh.scalars.empty()) out.scalars.push_back(mesh.scalars[v]);
            }
            v = newIndex[v];
        }
        out.triangles.push_back(tri);
    }
    return out;
}

}  // namespace

std::vector<SurfaceMesh> splitComponents(const SurfaceMesh& mesh) {
    mesh.validate();
    const Components c = findComponents(mesh);
    std::vector<SurfaceMesh> parts;
    for (std::size_t i = 0; i < c.count; ++i) {
        std::vector<bool> keep(c.count, false);
        keep[i] = true;
        parts.push_back(subset(mesh, c, keep));
    }
    return parts;
}

SurfaceMesh keepLargestComponent(const SurfaceMesh& mesh) {
    mesh.validate();
    const Components c = findComponents(mesh);
    if (c.count <= 1) return mesh;
    const std::vector<double> volumes = componentVolumes(mesh, c);
    std::vector<bool> keep(c.count, false);
    keep[std::max_element(volumes.begin(), volumes.end()) - volumes.begin()] = true;
    return subset(mesh, c, keep);
}

SurfaceMesh removeSmallComponents(const SurfaceMesh& mesh, double minVolumeMl) {
    if (!(minVolumeMl >= 0.0))
        throw core::InvalidArgument("minimum component volume must be >= 0 mL");
    mesh.validate();
    const Components c = findComponents(mesh);
    if (c.count == 0) return mesh;
    const std::vector<double> volumes = componentVolumes(mesh, c);
    std::vector<bool> keep(c.count);
    for (std::size_t i = 0; i < c.count; ++i) keep[i] = volumes[i] >= minVolumeMl * 1000.0;
    if (std::all_of(keep.begin(), keep.end(), [](bool k) { return k; })) return mesh;
    return subset(mesh, c, keep);
}

}  // namespace stratum::mesh
