#include "stratum/processing/Contrast.h"

#include <algorithm>
#include <vector>

#include "Checks.h"
#include "Histogram.h"
#include "stratum/core/Parallel.h"

namespace stratum::processing {
namespace {

// Mapping of a (clipped) histogram: lo + cdf * (hi - lo).
std::vector<double> mappingOf(std::vector<double> counts, double clip, double lo, double hi) {
    const int bins = static_cast<int>(counts.size());
    if (clip > 0.0) {
        double excess = 0.0;
        for (double& c : counts)
            if (c > clip) {
                excess += c - clip;
                c = clip;
            }
        const double share = excess / bins;
        for (double& c : counts) c += share;
    }
    double total = 0.0;
    for (double c : counts) total += c;
    std::vector<double> map(counts.size());
    double run = 0.0;
    for (int k = 0; k < bins; ++k) {
        run += counts[k];
        map[k] = lo + (total > 0.0 ? run / total : 0.0) * (hi - lo);
    }
    return map;
}

// Tile k of n over [0, size): [size * k / n, size * (k + 1) / n); its centre.
double tileCenter(std::size_t size, int n, int k) {
    const double a = static_cast<double>(size * k / n);
    const double b = static_cast<double>(size * (k + 1) / n);
    return (a + b - 1.0) / 2.0;
}

// The two tiles around position p and the weight of the second (0 beyond the outer centres).
void between(double p, const std::vector<double>& centers, int& first, double& weight) {
    const int n = static_cast<int>(centers.size());
    if (p <= centers[0]) {
        first = 0;
        weight = 0.0;
        return;
    }
    if (p >= centers[n - 1]) {
        first = n - 1;
        weight = 0.0;
        return;
    }
    int k = 0;
    while (k + 1 < n && centers[k + 1] <= p) ++k;
    first = k;
    weight = (p - centers[k]) / (centers[k + 1] - centers[k]);
}

}  // namespace

core::Image histogramEqualize(const core::Image& image, int bins, const core::Task& task) {
    detail::requireGrey(image, "histogram equalisation");
    if (bins < 2) throw core::InvalidArgument("histogram equalisation: bins must be at least 2");
    const detail::Histogram h = detail::histogramOf(image, bins, task.sub(0.0, 0.5));
    std::vector<double> counts(h.counts.begin(), h.counts.end());
    const std::vector<double> map = mappingOf(counts, 0.0, h.min, h.max);
    core::Image out = detail::sameGrid(image, image.pixelType());
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        T* o = out.data<T>();
        detail::parallelRanges(image.voxelCount(), task, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i)
                o[i] = detail::saturate<T>(map[h.binOf(static_cast<double>(in[i]))]);
        });
    });
    task.progress(1.0);
    return out;
}

core::Image clahe(const core::Image& image, const ClaheOptions& options, const core::Task& task) {
    detail::requireGrey(image, "CLAHE");
    const core::Size3& s = image.size();
    if (options.tilesX < 1 || options.tilesY < 1 ||
        static_cast<std::size_t>(options.tilesX) > s[0] ||
        static_cast<std::size_t>(options.tilesY) > s[1])
        throw core::InvalidArgument("CLAHE: " + std::to_string(options.tilesX) + "x" +
                                    std::to_string(options.tilesY) + " tiles do not fit a " +
                                    std::to_string(s[0]) + "x" + std::to_string(s[1]) + " slice");
    if (!(options.clipLimit >= 0.0 && options.clipLimit <= 1.0))
        throw core::InvalidArgument("CLAHE: clip limit must be within 0..1, not " +
                                    std::to_string(options.clipLimit));
    if (options.bins < 2) throw core::InvalidArgument("CLAHE: bins must be at least 2");
    const int tx = options.tilesX, ty = options.tilesY, bins = options.bins;
    const auto [lo, hi] = image.minMax();
    detail::Histogram range;  // binning only
    range.min = lo;
    range.max = hi;
    range.counts.assign(static_cast<std::size_t>(bins), 0);
    std::vector<double> cx(static_cast<std::size_t>(tx)), cy(static_cast<std::size_t>(ty));
    for (int i = 0; i < tx; ++i) cx[i] = tileCenter(s[0], tx, i);
    for (int j = 0; j < ty; ++j) cy[j] = tileCenter(s[1], ty, j);
    core::Image out = detail::sameGrid(image, image.pixelType());
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        T* o = out.data<T>();
        std::vector<std::vector<double>> maps(static_cast<std::size_t>(tx * ty));
        for (std::size_t z = 0; z < s[2]; ++z) {
            const T* slice = in + z * s[0] * s[1];
            task.progress(static_cast<double>(z) / static_cast<double>(s[2]));
            core::parallelFor(0, static_cast<std::size_t>(tx * ty), [&](std::size_t k) {
                const int i = static_cast<int>(k) % tx, j = static_cast<int>(k) / tx;
                const std::size_t x0 = s[0] * i / tx, x1 = s[0] * (i + 1) / tx;
                const std::size_t y0 = s[1] * j / ty, y1 = s[1] * (j + 1) / ty;
                std::vector<double> counts(static_cast<std::size_t>(bins), 0.0);
                for (std::size_t y = y0; y < y1; ++y)
                    for (std::size_t x = x0; x < x1; ++x)
                        counts[range.binOf(static_cast<double>(slice[y * s[0] + x]))] += 1.0;
                const double voxels = static_cast<double>((x1 - x0) * (y1 - y0));
                const double clip =
                    options.clipLimit > 0.0 ? std::max(1.0, options.clipLimit * voxels) : 0.0;
                maps[k] = mappingOf(std::move(counts), clip, lo, hi);
            });
            const detail::Chunks c = detail::chunksFor(s[1], 8);
            core::parallelFor(0, c.count, [&](std::size_t chunk) {
                task.checkCancel();
                for (std::size_t y = c.begin(chunk); y < c.begin(chunk + 1); ++y) {
                    int j;
                    double wy;
                    between(static_cast<double>(y), cy, j, wy);
                    const int j2 = std::min(j + 1, ty - 1);
                    for (std::size_t x = 0; x < s[0]; ++x) {
                        int i;
                        double wx;
                        between(static_cast<double>(x), cx, i, wx);
                        const int i2 = std::min(i + 1, tx - 1);
                        const std::size_t idx = y * s[0] + x;
                        const int b = range.binOf(static_cast<double>(slice[idx]));
                        const double top =
                            (1 - wx) * maps[j * tx + i][b] + wx * maps[j * tx + i2][b];
                        const double bottom =
                            (1 - wx) * maps[j2 * tx + i][b] + wx * maps[j2 * tx + i2][b];
                        o[z * s[0] * s[1] + idx] =
                            detail::saturate<T>((1 - wy) * top + wy * bottom);
                    }
                }
            });
        }
    });
    task.progress(1.0);
    return out;
}

}  // namespace stratum::processing
