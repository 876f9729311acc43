#include "stratum/processing/Smoothing.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "Checks.h"
#include "stratum/core/Parallel.h"

namespace stratum::processing {
namespace {

// exp(-x^2 / 2 s^2) at x = -R..R, R = ceil(4 s), normalised to sum 1.
std::vector<float> gaussianKernel(double sigma) {
    const int radius = static_cast<int>(std::ceil(4.0 * sigma));
    std::vector<double> k(static_cast<std::size_t>(2 * radius + 1));
    double sum = 0.0;
    for (int i = -radius; i <= radius; ++i)
        sum += k[i + radius] = std::exp(-0.5 * i * i / (sigma * sigma));
    std::vector<float> out(k.size());
    for (std::size_t i = 0; i < k.size(); ++i) out[i] = static_cast<float>(k[i] / sum);
    return out;
}

long clampIndex(long i, long n) {
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

// Convolves `data` (float, x fastest) along `axis` with `kernel`, edge voxels repeated.
void convolveAxis(std::vector<float>& data, const core::Size3& s, int axis,
                  const std::vector<float>& kernel, const core::Task& task) {
    const long radius = static_cast<long>(kernel.size() / 2);
    const long n = static_cast<long>(s[axis]);
    std::vector<float> out(data.size());
    const std::size_t nx = s[0], ny = s[1], nz = s[2];
    if (axis == 0) {
        detail::parallelRanges(ny * nz, task, [&](std::size_t b, std::size_t e) {
            std::vector<float> pad(nx + 2 * static_cast<std::size_t>(radius));
            for (std::size_t r = b; r < e; ++r) {
                const float* src = data.data() + r * nx;
                for (long i = 0; i < static_cast<long>(pad.size()); ++i)
                    pad[i] = src[clampIndex(i - radius, n)];
                float* o = out.data() + r * nx;
                for (std::size_t x = 0; x < nx; ++x) {
                    float acc = 0.0f;
                    for (std::size_t k = 0; k < kernel.size(); ++k) acc += kernel[k] * pad[x + k];
                    o[x] = acc;
                }
            }
        });
    } else {
        // Lines along y or z: whole x-rows at a time (vectorised across x).
        const std::size_t stride = axis == 1 ? nx : nx * ny;
        const std::size_t groups = axis == 1 ? nz : 1;
        const std::size_t groupStride = axis == 1 ? nx * ny : 0;
        const std::size_t rowsPerLine = axis == 1 ? 1 : ny;  // x-rows per position along the axis
        detail::parallelRanges(
            groups * static_cast<std::size_t>(n), task, [&](std::size_t b, std::size_t e) {
                for (std::size_t u = b; u < e; ++u) {
                    const std::size_t g = u / static_cast<std::size_t>(n);
                    const long k = static_cast<long>(u % static_cast<std::size_t>(n));
                    float* o = out.data() + g * groupStride + static_cast<std::size_t>(k) * stride;
                    const std::size_t len = nx * rowsPerLine;
                    std::fill(o, o + len, 0.0f);
                    for (long j = -radius; j <= radius; ++j) {
                        const float w = kernel[static_cast<std::size_t>(j + radius)];
                        const float* src = data.data() + g * groupStride +
                                           static_cast<std::size_t>(clampIndex(k + j, n)) * stride;
                        for (std::size_t x = 0; x < len; ++x) o[x] += w * src[x];
                    }
                }
            });
    }
    data.swap(out);
}

}  // namespace

core::Image gaussian(const core::Image& image, const core::Vec3& sigmaMm, const core::Task& task) {
    detail::requireGrey(image, "gaussian");
    for (double s : sigmaMm)
        if (!(s >= 0.0) || !std::isfinite(s))
            throw core::InvalidArgument("gaussian: sigma " + std::to_string(s) +
                                        " mm is not a non-negative number");
    const core::Size3& s = image.size();
    std::vector<float> data(image.voxelCount());
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<float>(in[i]);
    });
    for (int a = 0; a < 3; ++a) {
        const double sigma = sigmaMm[a] / image.geometry().spacing[a];
        if (sigma <= 0.0 || s[a] == 1) continue;
        convolveAxis(data, s, a, gaussianKernel(sigma), task.sub(a / 3.0, (a + 1) / 3.0));
    }
    core::Image out = detail::sameGrid(image, image.pixelType());
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        T* o = out.data<T>();
        for (std::size_t i = 0; i < data.size(); ++i) o[i] = detail::saturate<T>(data[i]);
    });
    task.progress(1.0);
    return out;
}

}  // namespace stratum::processing
