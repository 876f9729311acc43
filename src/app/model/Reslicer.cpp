#include "stratum/app/model/Reslicer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

using core::Vec3;

namespace {

constexpr float kOutside = std::numeric_limits<float>::quiet_NaN();
constexpr int kRowsPerBlock = 32;
constexpr std::size_t kParallelPixels = 128 * 1024;

bool nearInteger(double v) {
    return std::abs(v - std::round(v)) < 1e-6;
}

// Index-space affine map of the plane's pixel grid: index = i0 + x*dx + y*dy.
struct IndexMap {
    Vec3 i0, dx, dy;
    bool integral() const {
        for (int a = 0; a < 3; ++a)
            if (!nearInteger(i0[a]) || !nearInteger(dx[a]) || !nearInteger(dy[a])) return false;
        return true;
    }
};

IndexMap indexMap(const core::Geometry& g, const SlicePlane& plane) {
    const core::Mat3 inv = g.direction.inverse();
    IndexMap m;
    m.i0 = g.patientToIndex(plane.origin);
    const Vec3 rx = inv * (plane.spacingX * plane.right);
    const Vec3 ry = inv * (plane.spacingY * plane.down);
    for (int a = 0; a < 3; ++a) {
        m.dx[a] = rx[a] / g.spacing[a];
        m.dy[a] = ry[a] / g.spacing[a];
    }
    return m;
}

template <class Body>
void forRowBlocks(int height, std::size_t pixels, Body&& body) {
    const int blocks = (height + kRowsPerBlock - 1) / kRowsPerBlock;
    auto run = [&](std::size_t b) {
        const int y0 = static_cast<int>(b) * kRowsPerBlock;
        body(y0, std::min(height, y0 + kRowsPerBlock));
    };
    if (pixels >= kParallelPixels && blocks > 1)
        core::parallelFor(0, static_cast<std::size_t>(blocks), run);
    else
        for (int b = 0; b < blocks; ++b) run(static_cast<std::size_t>(b));
}

template <class T>
void resliceTyped(const core::Image& volume, const SlicePlane& plane, Interpolation interpolation,
                  float* out) {
    const T* data = volume.data<T>();
    const int nc = volume.components();
    const auto& size = volume.size();
    const std::int64_t sx = static_cast<std::int64_t>(size[0]),
                       sy = static_cast<std::int64_t>(size[1]),
                       sz = static_cast<std::int64_t>(size[2]);
    const IndexMap m = indexMap(volume.geometry(), plane);
    const int w = plane.width;

    if (m.integral() || interpolation == Interpolation::Nearest) {
        // Exact voxels: integer stepping when the grid falls on voxel centres,
        // otherwise the nearest voxel.
        const bool integral = m.integral();
        forRowBlocks(plane.height, plane.pixelCount(), [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                float* row = out + static_cast<std::size_t>(y) * w * nc;
                for (int x = 0; x < w; ++x) {
                    std::int64_t ijk[3];
                    for (int a = 0; a < 3; ++a) {
                        const double v = m.i0[a] + x * m.dx[a] + y * m.dy[a];
                        ijk[a] = integral ? std::llround(v)
                                          : static_cast<std::int64_t>(std::floor(v + 0.5));
                    }
                    float* o = row + static_cast<std::size_t>(x) * nc;
                    if (ijk[0] < 0 || ijk[1] < 0 || ijk[2] < 0 || ijk[0] >= sx || ijk[1] >= sy ||
                        ijk[2] >= sz) {
                        for (int c = 0; c < nc; ++c) o[c] = kOutside;
                        continue;
                    }
                    const T* v = data + ((ijk[2] * sy + ijk[1]) * sx + ijk[0]) * nc;
                    for (int c = 0; c < nc; ++c) o[c] = static_cast<float>(v[c]);
                }
            }
        });
        return;
    }

    const double limit[3] = {double(sx) - 0.5, double(sy) - 0.5, double(sz) - 0.5};
    forRowBlocks(plane.height, plane.pixelCount(), [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* row = out + static_cast<std::size_t>(y) * w * nc;
            for (int x = 0; x < w; ++x) {
                float* o = row + static_cast<std::size_t>(x) * nc;
                double p[3];
                bool inside = true;
                for (int a = 0; a < 3; ++a) {
                    p[a] = m.i0[a] + x * m.dx[a] + y * m.dy[a];
                    if (p[a] < -0.5 || p[a] > limit[a]) inside = false;
                }
                if (!inside) {
                    for (int c = 0; c < nc; ++c) o[c] = kOutside;
                    continue;
                }
                std::int64_t lo[3], hi[3];
                double f[3];
                const std::int64_t n[3] = {sx, sy, sz};
                for (int a = 0; a < 3; ++a) {
                    const double q = std::clamp(p[a], 0.0, double(n[a] - 1));
                    lo[a] = static_cast<std::int64_t>(std::floor(q));
                    hi[a] = std::min(lo[a] + 1, n[a] - 1);
                    f[a] = q - double(lo[a]);
                }
                auto at = [&](std::int64_t i, std::int64_t j, std::int64_t k, int c) {
                    return static_cast<double>(data[((k * sy + j) * sx + i) * nc + c]);
                };
                for (int c = 0; c < nc; ++c) {
                    const double c00 =
                        at(lo[0], lo[1], lo[2], c) * (1 - f[0]) + at(hi[0], lo[1], lo[2], c) * f[0];
                    const double c10 =
                        at(lo[0], hi[1], lo[2], c) * (1 - f[0]) + at(hi[0], hi[1], lo[2], c) * f[0];
                    const double c01 =
                        at(lo[0], lo[1], hi[2], c) * (1 - f[0]) + at(hi[0], lo[1], hi[2], c) * f[0];
                    const double c11 =
                        at(lo[0], hi[1], hi[2], c) * (1 - f[0]) + at(hi[0], hi[1], hi[2], c) * f[0];
                    const double c0 = c00 * (1 - f[1]) + c10 * f[1];
                    const double c1 = c01 * (1 - f[1]) + c11 * f[1];
                    o[c] = static_cast<float>(c0 * (1 - f[2]) + c1 * f[2]);
                }
            }
        }
    });
}

}  // namespace

void reslice(const core::Image& volume, const SlicePlane& plane, Interpolation interpolation,
             std::span<float> out) {
    if (volume.empty()) throw core::InvalidArgument("reslice: the volume is empty");
    if (plane.width < 0 || plane.height < 0)
        throw core::InvalidArgument("reslice: negative plane size");
    const std::size_t needed = plane.pixelCount() * static_cast<std::size_t>(volume.components());
    if (out.size() != needed)
        throw core::InvalidArgument("reslice: output holds " + std::to_string(out.size()) +
                                    " values, the plane needs " + std::to_string(needed));
    if (needed == 0) return;
    core::dispatchPixelType(volume.pixelType(), [&](auto tag) {
        resliceTyped<decltype(tag)>(volume, plane, interpolation, out.data());
    });
}

}  // namespace stratum::app
