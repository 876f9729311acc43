#pragma once
// Distances from points to a triangle surface, with a uniform grid over the triangles
// (internal; used to verify the decimation error bound).
#include <cstdint>
#include <vector>

#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::mesh::detail {

class SurfaceDistance {
public:
    // `cellSize` (mm) > 0: the grid's cell edge; about the triangles' size works well.
    SurfaceDistance(const SurfaceMesh& surface, double cellSize);
    // True when some triangle of the surface lies within `radius` of `p`.
    bool within(const Point3f& p, double radius) const;
    // Exact distance from p to the closest triangle among those in cells within `radius`
    // (returns `radius` or more when none is that close).
    double distance(const Point3f& p, double radius) const;

private:
    template <class F>
    void forTrianglesNear(const Point3f& p, double radius, F&& f) const;

    const SurfaceMesh& surface_;
    double cell_;
    double origin_[3];
    long dims_[3];
    std::vector<std::uint32_t> start_;  // CSR: cell -> [start_[c], start_[c+1]) in items_
    std::vector<std::uint32_t> items_;
};

// Distance from p to triangle (a, b, c).
double pointTriangleDistance(const double p[3], const double a[3], const double b[3],
                             const double c[3]);

}  // namespace stratum::mesh::detail
