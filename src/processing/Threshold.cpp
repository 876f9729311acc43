#include "stratum/processing/Threshold.h"

#include <cmath>
#include <vector>

#include "Checks.h"
#include "Histogram.h"

namespace stratum::processing {

core::Image threshold(const core::Image& image, double lower, double upper, int inside, int outside,
                      const core::Task& task) {
    detail::requireGrey(image, "threshold");
    if (!(lower <= upper))
        throw core::InvalidArgument("threshold: lower " + std::to_string(lower) +
                                    " is above upper " + std::to_string(upper));
    if (inside < 0 || inside > 255 || outside < 0 || outside > 255)
        throw core::InvalidArgument("threshold: inside and outside values must be within 0..255");
    core::Image out = detail::sameGrid(image, core::PixelType::UInt8);
    std::uint8_t* o = out.data<std::uint8_t>();
    const auto in8 = static_cast<std::uint8_t>(inside), out8 = static_cast<std::uint8_t>(outside);
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        detail::parallelRanges(image.voxelCount(), task, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) {
                const double v = static_cast<double>(in[i]);
                o[i] = (v >= lower && v <= upper) ? in8 : out8;
            }
        });
    });
    task.progress(1.0);
    return out;
}

double otsuThreshold(const core::Image& image, int bins, const core::Task& task) {
    detail::requireGrey(image, "otsu");
    if (bins < 2)
        throw core::InvalidArgument("otsu: bins must be at least 2, not " + std::to_string(bins));
    const detail::Histogram h = detail::histogramOf(image, bins, task.sub(0.0, 0.9));
    if (h.max <= h.min) return h.min;
    // Between-class variance w0 w1 (m0 - m1)^2 over every split after bin k.
    double total = 0.0, totalSum = 0.0;
    for (int k = 0; k < bins; ++k) {
        total += static_cast<double>(h.counts[k]);
        totalSum += static_cast<double>(h.counts[k]) * h.center(k);
    }
    double w0 = 0.0, sum0 = 0.0, best = -1.0;
    int bestK = 0;
    for (int k = 0; k < bins - 1; ++k) {
        w0 += static_cast<double>(h.counts[k]);
        sum0 += static_cast<double>(h.counts[k]) * h.center(k);
        const double w1 = total - w0;
        if (w0 == 0.0 || w1 == 0.0) continue;
        const double m0 = sum0 / w0, m1 = (totalSum - sum0) / w1;
        const double between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if (between > best) {
            best = between;
            bestK = k;
        }
    }
    task.progress(1.0);
    return h.upperEdge(bestK);
}

core::Image otsu(const core::Image& image, int bins, const core::Task& task) {
    const double t = otsuThreshold(image, bins, task.sub(0.0, 0.5));
    core::Image out = detail::sameGrid(image, core::PixelType::UInt8);
    std::uint8_t* o = out.data<std::uint8_t>();
    core::dispatchPixelType(image.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        const T* in = image.data<T>();
        detail::parallelRanges(image.voxelCount(), task, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) o[i] = static_cast<double>(in[i]) > t ? 1 : 0;
        });
    });
    task.progress(1.0);
    return out;
}

core::Image intensityWindow(const core::Image& image, double lower, double upper, double outLower,
                            double outUpper, const core::Task& task) {
    detail::requireGrey(image, "window");
    if (!(lower < upper))
        throw core::InvalidArgument("window: lower " + std::to_string(lower) +
                                    " must be below upper " + std::to_string(upper));
    core::Image out = detail::sameGrid(image, core::PixelType::Float32);
    float* o = out.data<float>();
    const double scale = (outUpper - outLower) / (upper - lower);
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        detail::parallelRanges(image.voxelCount(), task, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) {
                const double v = static_cast<double>(in[i]);
                o[i] = static_cast<float>(v <= lower   ? outLower
                                          : v >= upper ? outUpper
                                                       : outLower + (v - lower) * scale);
            }
        });
    });
    task.progress(1.0);
    return out;
}

}  // namespace stratum::processing
