#include "Histogram.h"

#include <cmath>
#include <mutex>

#include "Checks.h"

namespace stratum::processing::detail {

Histogram histogramOf(const core::Image& image, int bins, const core::Task& task) {
    Histogram h;
    const auto [lo, hi] = image.minMax();
    h.min = lo;
    h.max = hi;
    h.counts.assign(static_cast<std::size_t>(bins), 0);
    std::mutex mutex;
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        parallelRanges(image.voxelCount(), task, [&](std::size_t b, std::size_t e) {
            std::vector<std::size_t> local(static_cast<std::size_t>(bins), 0);
            for (std::size_t i = b; i < e; ++i) {
                const double v = static_cast<double>(in[i]);
                if (std::isnan(v)) continue;
                ++local[static_cast<std::size_t>(h.binOf(v))];
            }
            std::lock_guard lock(mutex);
            for (int k = 0; k < bins; ++k) h.counts[k] += local[k];
        });
    });
    return h;
}

}  // namespace stratum::processing::detail
