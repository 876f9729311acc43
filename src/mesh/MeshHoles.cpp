// Hole filling with our own code: every boundary loop small enough is closed by a fan of
// triangles around a new vertex at the loop's centroid, wound like the triangles beside it.
#include <cmath>
#include <unordered_map>

#include "stratum/core/Error.h"
#include "stratum/mesh/MeshCleanup.h"

namespace stratum::mesh {
namespace {

std::uint64_t key(std::uint32_t a, std::uint32_t b) {
    return (std::uint64_t(a) << 32) | b;
}

}  // namespace

SurfaceMesh fillHoles(const SurfaceMesh& mesh, double maxRadiusMm, const core::Task& task) {
    if (!(maxRadiusMm > 0.0 && std::isfinite(maxRadiusMm)))
        throw core::InvalidArgument("hole size must be > 0 mm, got " + std::to_string(maxRadiusMm));
    mesh.validate();
    // Directed edges; a boundary edge a->b has no twin b->a.
    std::unordered_map<std::uint64_t, int> directed;
    directed.reserve(mesh.triangles.size() * 3);
    for (const Triangle& t : mesh.triangles)
        for (int e = 0; e < 3; ++e) ++directed[key(t[e], t[(e + 1) % 3])];
    // Holes are walked against the surrounding triangles' direction: the new triangle on a
    // boundary edge a->b of an existing triangle uses b->a.
    std::unordered_multimap<std::uint32_t, std::uint32_t>
        next;  // b -> a for each boundary edge a->b
    for (const auto& [k, count] : directed) {
        const auto a = static_cast<std::uint32_t>(k >> 32),
                   b = static_cast<std::uint32_t>(k & 0xffffffffu);
        if (count == 1 && !directed.count(key(b, a))) next.emplace(b, a);
    }
    task.checkCancel();

    SurfaceMesh out = mesh;
    const bool scalars = !out.scalars.empty();
    while (!next.empty()) {
        // Walk one loop.
        std::vector<std::uint32_t> loop;
        auto it = next.begin();
        const std::uint32_t start = it->first;
        std::uint32_t current = start;
        bool closed = false;
        for (std::size_t guard = 0; guard <= mesh.vertices.size(); ++guard) {
            auto step = next.find(current);
            if (step == next.end()) break;
            loop.push_back(current);
            const std::uint32_t to = step->second;
            next.erase(step);
            current = to;
            if (current == start) {
                closed = true;
                break;
            }
        }
        if (!closed || loop.size() < 3) continue;
        // Centroid and radius of the loop.
        double c[3] = {0, 0, 0};
        for (std::uint32_t v : loop)
            for (int d = 0; d < 3; ++d) c[d] += out.vertices[v][d] / double(loop.size());
        double radius = 0;
        for (std::uint32_t v : loop)
            radius =
                std::max(radius, std::hypot(out.vertices[v][0] - c[0], out.vertices[v][1] - c[1],
                                            out.vertices[v][2] - c[2]));
        if (radius > maxRadiusMm) continue;
        if (loop.size() == 3) {
            out.triangles.push_back({loop[0], loop[1], loop[2]});
            continue;
        }
        const auto centre = static_cast<std::uint32_t>(out.vertices.size());
        out.vertices.push_back({float(c[0]), float(c[1]), float(c[2])});
        if (scalars) {
            double s = 0;
            for (std::uint32_t v : loop) s += out.scalars[v] / double(loop.size());
            out.scalars.push_back(float(s));
        }
        for (std::size_t i = 0; i < loop.size(); ++i)
            out.triangles.push_back({loop[i], loop[(i + 1) % loop.size()], centre});
        task.checkCancel();
    }
    if (!mesh.normals.empty()) {
        out.normals.clear();
        computeNormals(out);
    }
    task.progress(1.0);
    return out;
}

}  // namespace stratum::mesh
