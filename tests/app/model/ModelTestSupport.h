#pragma once
// Phantoms for the view-logic tests: voxels that say where they are.
#include <cmath>
#include <numbers>

#include "stratum/core/Image.h"

namespace stratum::test {

inline core::Geometry makeGeometry(core::Size3 size, core::Vec3 spacing = {1, 1, 1},
                                   core::Vec3 origin = {0, 0, 0},
                                   core::Mat3 direction = core::Mat3::identity()) {
    core::Geometry g;
    g.size = size;
    g.spacing = spacing;
    g.origin = origin;
    g.direction = direction;
    return g;
}

// int16: value(i, j, k) = 1000*k + 10*j + i - 500.
inline int indexValue(std::size_t i, std::size_t j, std::size_t k) {
    return static_cast<int>(1000 * k + 10 * j + i) - 500;
}

inline core::Image makeIndexPhantom(const core::Geometry& g) {
    core::Image img(core::PixelType::Int16, 1, g);
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i) img.setValue(i, j, k, indexValue(i, j, k));
    return img;
}

// float: value = a . patient + b, an affine function of the patient position, which
// trilinear interpolation reproduces exactly anywhere inside the volume.
inline core::Image makeAffinePhantom(const core::Geometry& g, const core::Vec3& a, double b) {
    core::Image img(core::PixelType::Float32, 1, g);
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i) {
                const core::Vec3 p = g.indexToPatient({double(i), double(j), double(k)});
                img.setValue(i, j, k, core::dot(a, p) + b);
            }
    return img;
}

// Rotation by `degrees` about unit `axis` (Rodrigues).
inline core::Mat3 rotation(core::Vec3 axis, double degrees) {
    axis = core::normalized(axis);
    const double t = degrees * std::numbers::pi / 180.0, c = std::cos(t), s = std::sin(t);
    const double x = axis[0], y = axis[1], z = axis[2];
    core::Mat3 r;
    r(0, 0) = c + x * x * (1 - c);
    r(0, 1) = x * y * (1 - c) - z * s;
    r(0, 2) = x * z * (1 - c) + y * s;
    r(1, 0) = y * x * (1 - c) + z * s;
    r(1, 1) = c + y * y * (1 - c);
    r(1, 2) = y * z * (1 - c) - x * s;
    r(2, 0) = z * x * (1 - c) - y * s;
    r(2, 1) = z * y * (1 - c) + x * s;
    r(2, 2) = c + z * z * (1 - c);
    return r;
}

}  // namespace stratum::test
