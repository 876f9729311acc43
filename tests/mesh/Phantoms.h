#pragma once
// Volumes with known answers for the mesh tests and benchmarks.
#include <cmath>
#include <cstdint>
#include <numbers>

#include "stratum/core/Image.h"

namespace stratum::test {

inline core::Geometry cubeGeometry(std::size_t n, double spacing = 1.0) {
    core::Geometry g;
    g.size = {n, n, n};
    g.spacing = {spacing, spacing, spacing};
    return g;
}

// Fills a float image with f(patient position).
template <class F>
core::Image floatField(const core::Geometry& g, F f) {
    core::Image image(core::PixelType::Float32, 1, g);
    float* p = image.data<float>();
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i)
                *p++ = static_cast<float>(f(g.indexToPatient({double(i), double(j), double(k)})));
    return image;
}

// uint8 label image: `label` where inside(patient position) is true.
template <class F>
void paintLabel(core::Image& labels, std::uint8_t label, F inside) {
    const core::Geometry& g = labels.geometry();
    std::uint8_t* p = labels.data<std::uint8_t>();
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i, ++p)
                if (inside(g.indexToPatient({double(i), double(j), double(k)}))) *p = label;
}

// Ellipsoid implicit value scaled to millimetres near the surface: > 0 inside, 0 on it.
inline double ellipsoidField(const core::Vec3& p, const core::Vec3& c, const core::Vec3& axes) {
    const double x = (p[0] - c[0]) / axes[0], y = (p[1] - c[1]) / axes[1],
                 z = (p[2] - c[2]) / axes[2];
    return (1.0 - std::sqrt(x * x + y * y + z * z)) * std::min({axes[0], axes[1], axes[2]});
}

inline double sphereArea(double r) {
    return 4.0 * std::numbers::pi * r * r;
}
inline double sphereVolumeMl(double r) {
    return 4.0 / 3.0 * std::numbers::pi * r * r * r / 1000.0;
}
inline double ellipsoidVolumeMl(const core::Vec3& a) {
    return 4.0 / 3.0 * std::numbers::pi * a[0] * a[1] * a[2] / 1000.0;
}

// Ellipsoid surface area by numerical integration over (theta, phi), accurate to ~1e-7.
inline double ellipsoidArea(const core::Vec3& a) {
    const int n = 2000;
    double area = 0.0;
    const double dt = std::numbers::pi / n, dp = 2.0 * std::numbers::pi / n;
    for (int it = 0; it < n; ++it) {
        const double t = (it + 0.5) * dt, st = std::sin(t), ct = std::cos(t);
        for (int ip = 0; ip < n; ++ip) {
            const double p = (ip + 0.5) * dp, sp = std::sin(p), cp = std::cos(p);
            // |r_t x r_p| for r = (a sin t cos p, b sin t sin p, c cos t)
            const double x = a[1] * a[2] * st * st * cp, y = a[0] * a[2] * st * st * sp,
                         z = a[0] * a[1] * st * ct;
            area += std::sqrt(x * x + y * y + z * z) * dt * dp;
        }
    }
    return area;
}

}  // namespace stratum::test
