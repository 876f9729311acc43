#include "stratum/processing/Normalize.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <vector>

#include "Checks.h"

namespace stratum::processing {
namespace {

// out[i] = f(in[i]) as float32.
template <class F>
core::Image mapToFloat(const core::Image& image, const core::Task& task, F f) {
    core::Image out = detail::sameGrid(image, core::PixelType::Float32);
    float* o = out.data<float>();
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        detail::parallelRanges(image.voxelCount(), task, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i)
                o[i] = static_cast<float>(f(static_cast<double>(in[i])));
        });
    });
    task.progress(1.0);
    return out;
}

}  // namespace

core::Image minMaxNormalize(const core::Image& image, double outLower, double outUpper,
                            const core::Task& task) {
    detail::requireGrey(image, "min-max normalisation");
    const auto [lo, hi] = image.minMax();
    const double scale = hi > lo ? (outUpper - outLower) / (hi - lo) : 0.0;
    return mapToFloat(image, task, [=](double v) { return outLower + (v - lo) * scale; });
}

core::Image zScore(const core::Image& image, const core::Image* mask, const core::Task& task) {
    detail::requireGrey(image, "z-score");
    if (mask) {
        detail::requireGrey(*mask, "z-score mask");
        if (mask->size() != image.size())
            throw core::InvalidArgument("z-score: the mask's size differs from the image's");
    }
    // Sums in double per chunk (two passes: mean, then squared deviations).
    std::mutex mutex;
    double sum = 0.0, count = 0.0;
    std::vector<std::uint8_t> use;
    if (mask) {
        use.resize(image.voxelCount());
        core::dispatchPixelType(mask->pixelType(), [&](auto t) {
            using M = decltype(t);
            const M* m = mask->data<M>();
            for (std::size_t i = 0; i < use.size(); ++i) use[i] = m[i] != M{0};
        });
    }
    const core::Task stats = task.sub(0.0, 0.5);
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        detail::parallelRanges(image.voxelCount(), stats, [&](std::size_t b, std::size_t e) {
            double s = 0.0, c = 0.0;
            for (std::size_t i = b; i < e; ++i)
                if (use.empty() || use[i]) {
                    s += static_cast<double>(in[i]);
                    c += 1.0;
                }
            std::lock_guard lock(mutex);
            sum += s;
            count += c;
        });
    });
    if (count == 0.0) throw core::InvalidArgument("z-score: the mask selects no voxel");
    const double mean = sum / count;
    double squares = 0.0;
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        detail::parallelRanges(image.voxelCount(), stats, [&](std::size_t b, std::size_t e) {
            double s = 0.0;
            for (std::size_t i = b; i < e; ++i)
                if (use.empty() || use[i]) {
                    const double d = static_cast<double>(in[i]) - mean;
                    s += d * d;
                }
            std::lock_guard lock(mutex);
            squares += s;
        });
    });
    const double sd = std::sqrt(squares / count);
    const double inv = sd > 0.0 ? 1.0 / sd : 0.0;
    return mapToFloat(image, task.sub(0.5, 1.0), [=](double v) { return (v - mean) * inv; });
}

double percentile(const core::Image& image, double p, const core::Task& task) {
    detail::requireGrey(image, "percentile");
    if (!(p >= 0.0 && p <= 100.0))
        throw core::InvalidArgument("percentile: " + std::to_string(p) + " is not within 0..100");
    return core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        task.checkCancel();
        std::vector<T> values(image.pixels<T>().begin(), image.pixels<T>().end());
        const double pos = p / 100.0 * static_cast<double>(values.size() - 1);
        const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
        std::nth_element(values.begin(), values.begin() + static_cast<long>(lo), values.end());
        const double a = static_cast<double>(values[lo]);
        if (lo + 1 >= values.size() || pos == static_cast<double>(lo)) return a;
        // The next order statistic is the minimum of the upper part.
        const double b = static_cast<double>(
            *std::min_element(values.begin() + static_cast<long>(lo) + 1, values.end()));
        return a + (b - a) * (pos - static_cast<double>(lo));
    });
}

core::Image percentileClip(const core::Image& image, double lowerPercent, double upperPercent,
                           const core::Task& task) {
    detail::requireGrey(image, "percentile clip");
    if (!(lowerPercent >= 0.0 && lowerPercent < upperPercent && upperPercent <= 100.0))
        throw core::InvalidArgument("percentile clip: needs 0 <= lower < upper <= 100, not " +
                                    std::to_string(lowerPercent) + " and " +
                                    std::to_string(upperPercent));
    const double lo = percentile(image, lowerPercent, task.sub(0.0, 0.4));
    const double hi = percentile(image, upperPercent, task.sub(0.4, 0.8));
    core::Image out = detail::sameGrid(image, image.pixelType());
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        T* o = out.data<T>();
        // Interpolated bounds of an integer image round to the nearest value.
        const T tlo = detail::saturate<T>(lo);
        const T thi = detail::saturate<T>(hi);
        detail::parallelRanges(image.voxelCount(), task, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i)
                o[i] = in[i] < tlo ? tlo : (thi < in[i] ? thi : in[i]);
        });
    });
    task.progress(1.0);
    return out;
}

core::Image ctWindow(const core::Image& image, double center, double width,
                     const core::Task& task) {
    detail::requireGrey(image, "CT window");
    if (!(width > 0.0))
        throw core::InvalidArgument("CT window: width must be positive, not " +
                                    std::to_string(width));
    const double lower = center - width / 2.0;
    return mapToFloat(image, task,
                      [=](double v) { return std::clamp((v - lower) / width, 0.0, 1.0); });
}

}  // namespace stratum::processing
