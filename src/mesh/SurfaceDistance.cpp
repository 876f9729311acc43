#include "SurfaceDistance.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stratum::mesh::detail {
namespace {

double dot3(const double a[3], const double b[3]) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

}  // namespace

// Closest point on a triangle by its Voronoi regions (vertex, edge, face), then the distance.
double pointTriangleDistance(const double p[3], const double a[3], const double b[3],
                             const double c[3]) {
    double ab[3], ac[3], ap[3];
    for (int i = 0; i < 3; ++i) {
        ab[i] = b[i] - a[i];
        ac[i] = c[i] - a[i];
        ap[i] = p[i] - a[i];
    }
    auto dist = [&](const double q[3]) {
        return std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) +
                         (p[2] - q[2]) * (p[2] - q[2]));
    };
    auto along = [&](const double from[3], const double* dir, double t) {
        double q[3];
        for (int i = 0; i < 3; ++i) q[i] = from[i] + t * dir[i];
        return dist(q);
    };
    const double d1 = dot3(ab, ap), d2 = dot3(ac, ap);
    if (d1 <= 0 && d2 <= 0) return dist(a);
    double bp[3];
    for (int i = 0; i < 3; ++i) bp[i] = p[i] - b[i];
    const double d3 = dot3(ab, bp), d4 = dot3(ac, bp);
    if (d3 >= 0 && d4 <= d3) return dist(b);
    const double vc = d1 * d4 - d3 * d2;
    if (vc <= 0 && d1 >= 0 && d3 <= 0) return along(a, ab, d1 / (d1 - d3));
    double cp[3];
    for (int i = 0; i < 3; ++i) cp[i] = p[i] - c[i];
    const double d5 = dot3(ab, cp), d6 = dot3(ac, cp);
    if (d6 >= 0 && d5 <= d6) return dist(c);
    const double vb = d5 * d2 - d1 * d6;
    if (vb <= 0 && d2 >= 0 && d6 <= 0) return along(a, ac, d2 / (d2 - d6));
    const double va = d3 * d6 - d5 * d4;
    if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
        double bc[3];
        for (int i = 0; i < 3; ++i) bc[i] = c[i] - b[i];
        return along(b, bc, (d4 - d3) / ((d4 - d3) + (d5 - d6)));
    }
    const double denom = 1.0 / (va + vb + vc);
    const double v = vb * denom, w = vc * denom;
    double q[3];
    for (int i = 0; i < 3; ++i) q[i] = a[i] + ab[i] * v + ac[i] * w;
    return dist(q);
}

SurfaceDistance::SurfaceDistance(const SurfaceMesh& surface, double cellSize)
    : surface_(surface), cell_(cellSize) {
    double lo[3] = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                    std::numeric_limits<double>::max()};
    double hi[3] = {-lo[0], -lo[1], -lo[2]};
    for (const Point3f& p : surface.vertices)
        for (int d = 0; d < 3; ++d) {
            lo[d] = std::min<double>(lo[d], p[d]);
            hi[d] = std::max<double>(hi[d], p[d]);
        }
    if (surface.vertices.empty()) lo[0] = lo[1] = lo[2] = hi[0] = hi[1] = hi[2] = 0;
    // At most 128 cells along the longest side (about 2 million cells).
    const double extent = std::max({hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], 1e-9});
    cell_ = std::max(cell_, extent / 128.0);
    for (int d = 0; d < 3; ++d) {
        origin_[d] = lo[d];
        dims_[d] = static_cast<long>((hi[d] - lo[d]) / cell_) + 1;
    }
    const std::size_t cells = std::size_t(dims_[0]) * dims_[1] * dims_[2];
    auto cellRange = [&](const Triangle& t, long from[3], long to[3]) {
        for (int d = 0; d < 3; ++d) {
            double a = surface.vertices[t[0]][d], b = a;
            for (int k = 1; k < 3; ++k) {
                a = std::min<double>(a, surface.vertices[t[k]][d]);
                b = std::max<double>(b, surface.vertices[t[k]][d]);
            }
            from[d] = std::clamp(static_cast<long>((a - origin_[d]) / cell_), 0L, dims_[d] - 1);
            to[d] = std::clamp(static_cast<long>((b - origin_[d]) / cell_), 0L, dims_[d] - 1);
        }
    };
    std::vector<std::uint32_t> count(cells + 1, 0);
    long from[3], to[3];
    for (const Triangle& t : surface.triangles) {
        cellRange(t, from, to);
        for (long z = from[2]; z <= to[2]; ++z)
            for (long y = from[1]; y <= to[1]; ++y)
                for (long x = from[0]; x <= to[0]; ++x)
                    ++count[(std::size_t(z) * dims_[1] + y) * dims_[0] + x + 1];
    }
    for (std::size_t c = 0; c < cells; ++c) count[c + 1] += count[c];
    start_ = count;
    items_.resize(count[cells]);
    for (std::uint32_t index = 0; index < surface.triangles.size(); ++index) {
        cellRange(surface.triangles[index], from, to);
        for (long z = from[2]; z <= to[2]; ++z)
            for (long y = from[1]; y <= to[1]; ++y)
                for (long x = from[0]; x <= to[0]; ++x)
                    items_[count[(std::size_t(z) * dims_[1] + y) * dims_[0] + x]++] = index;
    }
}

template <class F>
void SurfaceDistance::forTrianglesNear(const Point3f& p, double radius, F&& f) const {
    long from[3], to[3];
    for (int d = 0; d < 3; ++d) {
        from[d] = std::clamp(static_cast<long>(std::floor((p[d] - radius - origin_[d]) / cell_)),
                             0L, dims_[d] - 1);
        to[d] = std::clamp(static_cast<long>(std::floor((p[d] + radius - origin_[d]) / cell_)), 0L,
                           dims_[d] - 1);
    }
    for (long z = from[2]; z <= to[2]; ++z)
        for (long y = from[1]; y <= to[1]; ++y)
            for (long x = from[0]; x <= to[0]; ++x) {
                const std::size_t c = (std::size_t(z) * dims_[1] + y) * dims_[0] + x;
                for (std::uint32_t i = start_[c]; i < start_[c + 1]; ++i)
                    if (!f(items_[i])) return;
            }
}

double SurfaceDistance::distance(const Point3f& p, double radius) const {
    double best = std::numeric_limits<double>::max();
    const double q[3] = {p[0], p[1], p[2]};
    forTrianglesNear(p, radius, [&](std::uint32_t index) {
        const Triangle& t = surface_.triangles[index];
        double a[3], b[3], c[3];
        for (int d = 0; d < 3; ++d) {
            a[d] = surface_.vertices[t[0]][d];
            b[d] = surface_.vertices[t[1]][d];
            c[d] = surface_.vertices[t[2]][d];
        }
        best = std::min(best, pointTriangleDistance(q, a, b, c));
        return true;
    });
    return best;
}

bool SurfaceDistance::within(const Point3f& p, double radius) const {
    bool found = false;
    const double q[3] = {p[0], p[1], p[2]};
    forTrianglesNear(p, radius, [&](std::uint32_t index) {
        const Triangle& t = surface_.triangles[index];
        double a[3], b[3], c[3];
        for (int d = 0; d < 3; ++d) {
            a[d] = surface_.vertices[t[0]][d];
            b[d] = surface_.vertices[t[1]][d];
            c[d] = surface_.vertices[t[2]][d];
        }
        found = pointTriangleDistance(q, a, b, c) <= radius;
        return !found;
    });
    return found;
}

}  // namespace stratum::mesh::detail
