#include "stratum/app/model/IntensityStats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "stratum/core/Error.h"

namespace stratum::app {

namespace {

constexpr int kBins = 4096;

template <class T>
IntensityStats statsTyped(const core::Image& image, std::size_t maxSamples) {
    const T* data = image.data<T>();
    const std::size_t n = image.voxelCount();
    const std::size_t stride = std::max<std::size_t>(1, n / std::max<std::size_t>(1, maxSamples));
    const int nc = image.components();

    IntensityStats s;
    double lo = std::numeric_limits<double>::max(), hi = -lo;
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; i += stride) {
        const double v = static_cast<double>(data[i * nc]);
        if (std::isnan(v)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        ++count;
    }
    if (count == 0) return s;
    s.min = lo;
    s.max = hi;
    s.samples = count;
    if (hi <= lo) {
        s.p005 = s.p01 = s.p99 = s.p995 = lo;
        return s;
    }
    std::vector<std::size_t> hist(kBins, 0);
    const double scale = kBins / (hi - lo);
    for (std::size_t i = 0; i < n; i += stride) {
        const double v = static_cast<double>(data[i * nc]);
        if (std::isnan(v)) continue;
        const int b = std::min(kBins - 1, static_cast<int>((v - lo) * scale));
        ++hist[b];
    }
    // Value at fraction q: the upper edge of the bin where the cumulative count reaches q.
    auto percentile = [&](double q) {
        const double target = q * static_cast<double>(count);
        std::size_t cumulative = 0;
        for (int b = 0; b < kBins; ++b) {
            cumulative += hist[b];
            if (static_cast<double>(cumulative) >= target) {
                if (b == 0 && q <= 0.5) return lo;
                return std::min(hi, lo + (b + 1) / scale);
            }
        }
        return hi;
    };
    s.p005 = percentile(0.005);
    s.p01 = percentile(0.01);
    s.p99 = percentile(0.99);
    s.p995 = percentile(0.995);
    return s;
}

}  // namespace

IntensityStats intensityStats(const core::Image& image, std::size_t maxSamples) {
    if (image.empty()) throw core::InvalidArgument("intensity statistics of an empty image");
    return core::dispatchPixelType(
        image.pixelType(), [&](auto tag) { return statsTyped<decltype(tag)>(image, maxSamples); });
}

}  // namespace stratum::app
