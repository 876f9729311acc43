#include "stratum/processing/Resample.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "Checks.h"
#include "stratum/core/Parallel.h"

namespace stratum::processing {
namespace {

using core::operator+;
using core::operator-;

constexpr double kPole = -0.26794919243112270;  // sqrt(3) - 2: the cubic B-spline's pole

// ITK's mirror boundary (whole-sample symmetric) for index i on an axis of n samples.
inline long mirror(long i, long n) {
    if (n == 1) return 0;
    const long period = 2 * (n - 1);
    i = i % period;
    if (i < 0) i += period;
    return i < n ? i : period - i;
}

// In-place cubic B-spline prefilter of one line of n samples at `stride` (mirror boundaries).
void prefilterLine(float* p, long n, std::size_t stride, std::vector<double>& line) {
    if (n == 1) return;
    line.resize(static_cast<std::size_t>(n));
    const double lambda = (1.0 - kPole) * (1.0 - 1.0 / kPole);
    for (long k = 0; k < n; ++k) line[k] = p[static_cast<std::size_t>(k) * stride] * lambda;
    // Causal initialisation: sum of z^k c(k) over the mirrored signal (to 1e-10).
    const long horizon = std::min<long>(
        n, static_cast<long>(std::ceil(std::log(1e-10) / std::log(std::fabs(kPole)))));
    double zn = kPole, sum = line[0];
    if (horizon < n) {
        for (long k = 1; k < horizon; ++k) {
            sum += zn * line[k];
            zn *= kPole;
        }
    } else {
        const double iz = 1.0 / kPole;
        double z2n = std::pow(kPole, static_cast<double>(n - 1));
        sum = line[0] + z2n * line[n - 1];
        z2n *= z2n * iz;
        for (long k = 1; k <= n - 2; ++k) {
            sum += (zn + z2n) * line[k];
            zn *= kPole;
            z2n *= iz;
        }
        sum /= (1.0 - zn * zn);
    }
    line[0] = sum;
    for (long k = 1; k < n; ++k) line[k] += kPole * line[k - 1];
    line[n - 1] = (kPole / (kPole * kPole - 1.0)) * (kPole * line[n - 2] + line[n - 1]);
    for (long k = n - 2; k >= 0; --k) line[k] = kPole * (line[k + 1] - line[k]);
    for (long k = 0; k < n; ++k)
        p[static_cast<std::size_t>(k) * stride] = static_cast<float>(line[k]);
}

std::vector<float> bsplineCoefficients(const core::Image& image, const core::Task& task) {
    const core::Size3& s = image.size();
    std::vector<float> c(image.voxelCount());
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        for (std::size_t i = 0; i < c.size(); ++i) c[i] = static_cast<float>(in[i]);
    });
    const std::size_t strides[3] = {1, s[0], s[0] * s[1]};
    for (int a = 0; a < 3; ++a) {
        // Lines along axis a: one per position on the other two axes.
        const int b = a == 0 ? 1 : 0, d = a == 2 ? 1 : 2;
        const std::size_t lines = s[b] * s[d];
        detail::parallelRanges(lines, task.sub(a / 3.0, (a + 1) / 3.0),
                               [&](std::size_t lo, std::size_t hi) {
                                   std::vector<double> line;
                                   for (std::size_t l = lo; l < hi; ++l) {
                                       const std::size_t ib = l % s[b], id = l / s[b];
                                       prefilterLine(c.data() + ib * strides[b] + id * strides[d],
                                                     static_cast<long>(s[a]), strides[a], line);
                                   }
                               });
    }
    return c;
}

inline void cubicWeights(double t, double w[4]) {
    const double t2 = t * t, t3 = t2 * t, u = 1.0 - t;
    w[0] = u * u * u / 6.0;
    w[1] = (4.0 - 6.0 * t2 + 3.0 * t3) / 6.0;
    w[2] = (1.0 + 3.0 * t + 3.0 * t2 - 3.0 * t3) / 6.0;
    w[3] = t3 / 6.0;
}

}  // namespace

const char* interpolationName(Interpolation i) {
    switch (i) {
        case Interpolation::Nearest:
            return "nearest";
        case Interpolation::Linear:
            return "linear";
        case Interpolation::BSpline:
            return "bspline";
    }
    return "?";
}

Interpolation interpolationFromName(const std::string& name) {
    if (name == "nearest") return Interpolation::Nearest;
    if (name == "linear") return Interpolation::Linear;
    if (name == "bspline" || name == "cubic") return Interpolation::BSpline;
    throw core::InvalidArgument("unknown interpolation '" + name +
                                "' (nearest, linear or bspline)");
}

core::Geometry gridWithSpacing(const core::Geometry& g, const core::Vec3& spacing) {
    core::Geometry out = g;
    for (int a = 0; a < 3; ++a) {
        if (!(spacing[a] > 0.0) || !std::isfinite(spacing[a]))
            throw core::InvalidArgument("resample: spacing " + std::to_string(spacing[a]) +
                                        " mm is not positive");
        const double extent = static_cast<double>(g.size[a]) * g.spacing[a];
        out.size[a] =
            std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(extent / spacing[a])));
        out.spacing[a] = spacing[a];
    }
    // Keep the outer corner of the first voxel: origin - s/2 = origin' - s'/2 along each axis.
    core::Vec3 shift{0, 0, 0};
    for (int a = 0; a < 3; ++a) shift[a] = (out.spacing[a] - g.spacing[a]) / 2.0;
    core::Vec3 patientShift = g.direction * shift;
    out.origin = g.origin + patientShift;
    return out;
}

core::Geometry gridWithSize(const core::Geometry& g, const core::Size3& size) {
    core::Vec3 spacing{};
    for (int a = 0; a < 3; ++a) {
        if (size[a] == 0) throw core::InvalidArgument("resample: a size of 0 voxels");
        spacing[a] = static_cast<double>(g.size[a]) * g.spacing[a] / static_cast<double>(size[a]);
    }
    core::Geometry out = gridWithSpacing(g, spacing);
    out.size = size;
    return out;
}

core::Image resample(const core::Image& image, const core::Geometry& target,
                     Interpolation interpolation, const core::Task& task) {
    detail::requireGrey(image, "resample");
    target.validate();
    const core::Geometry& g = image.geometry();
    // Output index -> input continuous index: c = A * i + b.
    core::Mat3 inScale, outScale;
    for (int a = 0; a < 3; ++a) {
        inScale(a, a) = g.spacing[a];
        outScale(a, a) = target.spacing[a];
    }
    const core::Mat3 toInput = (g.direction * inScale).inverse();
    const core::Mat3 A = toInput * (target.direction * outScale);
    const core::Vec3 b = toInput * (target.origin - g.origin);
    const long n[3] = {static_cast<long>(g.size[0]), static_cast<long>(g.size[1]),
                       static_cast<long>(g.size[2])};
    const std::size_t sx = g.size[0], sxy = g.size[0] * g.size[1];

    std::vector<float> coefficients;
    if (interpolation == Interpolation::BSpline)
        coefficients = bsplineCoefficients(image, task.sub(0.0, 0.3));
    const core::Task sampling = interpolation == Interpolation::BSpline ? task.sub(0.3, 1.0) : task;

    core::Image out(image.pixelType(), 1, target, core::Image::Init::Uninitialized);
    out.metadata() = image.metadata();
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        T* o = out.data<T>();
        auto at = [&](long i, long j, long k) {
            return static_cast<double>(in[k * sxy + j * sx + i]);
        };
        auto sample = [&](const double c[3]) -> double {
            for (int a = 0; a < 3; ++a)
                if (!(c[a] >= -0.5 && c[a] < n[a] - 0.5)) return 0.0;
            switch (interpolation) {
                case Interpolation::Nearest:
                    return at(static_cast<long>(std::floor(c[0] + 0.5)),
                              static_cast<long>(std::floor(c[1] + 0.5)),
                              static_cast<long>(std::floor(c[2] + 0.5)));
                case Interpolation::Linear: {
                    long i0[3], i1[3];
                    double f[3];
                    for (int a = 0; a < 3; ++a) {
                        const double x = std::clamp(c[a], 0.0, static_cast<double>(n[a] - 1));
                        i0[a] = static_cast<long>(std::floor(x));
                        i1[a] = std::min(i0[a] + 1, n[a] - 1);
                        f[a] = x - static_cast<double>(i0[a]);
                    }
                    double v = 0.0;
                    for (int corner = 0; corner < 8; ++corner) {
                        double w = 1.0;
                        long idx[3];
                        for (int a = 0; a < 3; ++a) {
                            const bool up = (corner >> a) & 1;
                            w *= up ? f[a] : 1.0 - f[a];
                            idx[a] = up ? i1[a] : i0[a];
                        }
                        if (w != 0.0) v += w * at(idx[0], idx[1], idx[2]);
                    }
                    return v;
                }
                case Interpolation::BSpline: {
                    long idx[3][4];
                    double w[3][4];
                    for (int a = 0; a < 3; ++a) {
                        const double fl = std::floor(c[a]);
                        cubicWeights(c[a] - fl, w[a]);
                        for (int m = 0; m < 4; ++m)
                            idx[a][m] = mirror(static_cast<long>(fl) - 1 + m, n[a]);
                    }
                    double v = 0.0;
                    for (int kz = 0; kz < 4; ++kz)
                        for (int ky = 0; ky < 4; ++ky) {
                            const float* row =
                                coefficients.data() + idx[2][kz] * sxy + idx[1][ky] * sx;
                            double r = 0.0;
                            for (int kx = 0; kx < 4; ++kx) r += w[0][kx] * row[idx[0][kx]];
                            v += w[2][kz] * w[1][ky] * r;
                        }
                    return v;
                }
            }
            return 0.0;
        };
        const std::size_t rows = target.size[1] * target.size[2];
        const detail::Chunks c = detail::chunksFor(rows, 4);
        core::ProgressCounter progress(sampling, c.count);
        core::parallelFor(0, c.count, [&](std::size_t chunk) {
            sampling.checkCancel();
            for (std::size_t r = c.begin(chunk); r < c.begin(chunk + 1); ++r) {
                const double j = static_cast<double>(r % target.size[1]);
                const double k = static_cast<double>(r / target.size[1]);
                for (std::size_t i = 0; i < target.size[0]; ++i) {
                    const double id = static_cast<double>(i);
                    double ci[3];
                    for (int a = 0; a < 3; ++a)
                        ci[a] = A(a, 0) * id + A(a, 1) * j + A(a, 2) * k + b[a];
                    o[r * target.size[0] + i] = detail::saturate<T>(sample(ci));
                }
            }
            progress.advance();
        });
    });
    task.progress(1.0);
    return out;
}

core::Image resampleToSpacing(const core::Image& image, const core::Vec3& spacing,
                              Interpolation interpolation, const core::Task& task) {
    detail::requireGrey(image, "resample");
    return resample(image, gridWithSpacing(image.geometry(), spacing), interpolation, task);
}

core::Image resampleToSize(const core::Image& image, const core::Size3& size,
                           Interpolation interpolation, const core::Task& task) {
    detail::requireGrey(image, "resample");
    return resample(image, gridWithSize(image.geometry(), size), interpolation, task);
}

}  // namespace stratum::processing
