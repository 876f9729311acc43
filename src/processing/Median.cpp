#include "stratum/processing/Median.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "Checks.h"
#include "SimdKernels.h"
#include "stratum/core/Parallel.h"

namespace stratum::processing {
namespace {

using detail::Chunks;

constexpr std::size_t kSlack = 64;  // values of padding after each row buffer

struct Dims {
    std::size_t nx, ny, nz;
};

std::size_t clampIndex(long i, std::size_t n) {
    if (i < 0) return 0;
    if (i >= static_cast<long>(n)) return n - 1;
    return static_cast<std::size_t>(i);
}

// Copies a row into `dst` with rx repeated edge values on each side and kSlack after.
template <class T>
void padRow(const T* src, std::size_t nx, int rx, T* dst) {
    for (int i = 0; i < rx; ++i) dst[i] = src[0];
    std::memcpy(dst + rx, src, nx * sizeof(T));
    T* tail = dst + rx + nx;
    std::fill(tail, tail + static_cast<std::size_t>(rx) + kSlack, src[nx - 1]);
}

// Network median. The image is first copied once with its rows padded in x (edges
// repeated), so that every output row reads its window's rows in place.
template <class T>
void networkMedian(const T* in, T* out, const Dims& d, const Radius& r, const core::Task& task) {
    const auto fn = detail::simdKernels().median<T>();
    const int rowCount = (2 * r[1] + 1) * (2 * r[2] + 1);
    const std::size_t rows = d.ny * d.nz;
    const std::size_t stride = d.nx + 2 * static_cast<std::size_t>(r[0]) + kSlack;
    // The padded copy as an Image: its buffer is allocated like a volume's (huge pages).
    core::Geometry paddedGrid;
    paddedGrid.size = {stride, d.ny, d.nz};
    core::Image paddedImage(core::pixelTypeOf<T>(), 1, paddedGrid,
                            core::Image::Init::Uninitialized);
    T* const padded = paddedImage.data<T>();
    detail::parallelRanges(rows, task, [&](std::size_t b, std::size_t e) {
        for (std::size_t row = b; row < e; ++row)
            padRow(in + row * d.nx, d.nx, r[0], padded + row * stride);
    });
    const Chunks chunks = detail::chunksFor(rows, 16);
    core::ProgressCounter progress(task, chunks.count);
    core::parallelFor(0, chunks.count, [&](std::size_t c) {
        task.checkCancel();
        std::vector<const T*> pointers(static_cast<std::size_t>(rowCount));
        std::vector<T> result(d.nx + kSlack);
        for (std::size_t row = chunks.begin(c); row < chunks.begin(c + 1); ++row) {
            const long y = static_cast<long>(row % d.ny);
            const long z = static_cast<long>(row / d.ny);
            std::size_t k = 0;
            for (int dz = -r[2]; dz <= r[2]; ++dz)
                for (int dy = -r[1]; dy <= r[1]; ++dy, ++k)
                    pointers[k] =
                        padded +
                        (clampIndex(z + dz, d.nz) * d.ny + clampIndex(y + dy, d.ny)) * stride;
            fn(pointers.data(), rowCount, r[0], d.nx, result.data());
            std::memcpy(out + row * d.nx, result.data(), d.nx * sizeof(T));
        }
        progress.advance();
    });
}

// Sliding-histogram median for 8- and 16-bit integers (large windows): per output row
// a histogram of the window slides along x; a two-level histogram (256 coarse bins of
// 256) keeps the search for the median short.
template <class T>
void histogramMedian(const T* in, T* out, const Dims& d, const Radius& r, const core::Task& task) {
    constexpr bool wide = sizeof(T) == 2;
    constexpr std::size_t bins = wide ? 65536 : 256;
    constexpr long bias = std::is_signed_v<T> ? 32768 : 0;
    const int rowCount = (2 * r[1] + 1) * (2 * r[2] + 1);
    const long n = static_cast<long>(rowCount) * (2 * r[0] + 1);
    const long rank = n / 2;
    const std::size_t rows = d.ny * d.nz;
    const Chunks chunks = detail::chunksFor(rows, 4);
    core::ProgressCounter progress(task, chunks.count);
    core::parallelFor(0, chunks.count, [&](std::size_t c) {
        task.checkCancel();
        std::vector<std::uint32_t> fine(bins);
        std::vector<std::uint32_t> coarse(bins / 256);
        std::vector<const T*> srcRows(static_cast<std::size_t>(rowCount));
        for (std::size_t row = chunks.begin(c); row < chunks.begin(c + 1); ++row) {
            task.checkCancel();  // large windows: rows are slow
            const long y = static_cast<long>(row % d.ny);
            const long z = static_cast<long>(row / d.ny);
            std::size_t k = 0;
            for (int dz = -r[2]; dz <= r[2]; ++dz)
                for (int dy = -r[1]; dy <= r[1]; ++dy, ++k)
                    srcRows[k] =
                        in + (clampIndex(z + dz, d.nz) * d.ny + clampIndex(y + dy, d.ny)) * d.nx;
            std::fill(fine.begin(), fine.end(), 0u);
            std::fill(coarse.begin(), coarse.end(), 0u);
            long m = 0;      // current median bin
            long below = 0;  // values in bins < m
            auto add = [&](std::size_t x, int delta) {
                for (const T* s : srcRows) {
                    const long b = static_cast<long>(s[x]) + bias;
                    fine[static_cast<std::size_t>(b)] += static_cast<std::uint32_t>(delta);
                    coarse[static_cast<std::size_t>(b >> 8)] += static_cast<std::uint32_t>(delta);
                    if (b < m) below += delta;
                }
            };
            for (long dx = -r[0]; dx <= r[0]; ++dx) add(clampIndex(dx, d.nx), 1);
            T* o = out + row * d.nx;
            for (std::size_t x = 0;; ++x) {
                // Move m until below <= rank < below + fine[m].
                while (below > rank) {
                    // Whole coarse blocks below m's block when m starts a block.
                    while ((m & 255) == 0 && m > 0 &&
                           below - static_cast<long>(coarse[(m >> 8) - 1]) > rank) {
                        below -= coarse[(m >> 8) - 1];
                        m -= 256;
                    }
                    --m;
                    below -= fine[static_cast<std::size_t>(m)];
                }
                while (below + static_cast<long>(fine[static_cast<std::size_t>(m)]) <= rank) {
                    below += fine[static_cast<std::size_t>(m)];
                    ++m;
                    while ((m & 255) == 0 && m < static_cast<long>(bins) &&
                           below + static_cast<long>(coarse[m >> 8]) <= rank) {
                        below += coarse[m >> 8];
                        m += 256;
                    }
                }
                o[x] = static_cast<T>(m - bias);
                if (x + 1 == d.nx) break;
                add(clampIndex(static_cast<long>(x) - r[0], d.nx), -1);
                add(clampIndex(static_cast<long>(x) + 1 + r[0], d.nx), 1);
            }
        }
        progress.advance();
    });
}

// Any window, any type: gather and nth_element (slow; float windows above the network).
template <class T>
void selectMedian(const T* in, T* out, const Dims& d, const Radius& r, const core::Task& task) {
    const std::size_t rows = d.ny * d.nz;
    const Chunks chunks = detail::chunksFor(rows, 4);
    core::ProgressCounter progress(task, chunks.count);
    core::parallelFor(0, chunks.count, [&](std::size_t c) {
        task.checkCancel();
        std::vector<T> window;
        for (std::size_t row = chunks.begin(c); row < chunks.begin(c + 1); ++row) {
            task.checkCancel();
            const long y = static_cast<long>(row % d.ny);
            const long z = static_cast<long>(row / d.ny);
            for (std::size_t x = 0; x < d.nx; ++x) {
                window.clear();
                for (int dz = -r[2]; dz <= r[2]; ++dz)
                    for (int dy = -r[1]; dy <= r[1]; ++dy) {
                        const T* s =
                            in +
                            (clampIndex(z + dz, d.nz) * d.ny + clampIndex(y + dy, d.ny)) * d.nx;
                        for (int dx = -r[0]; dx <= r[0]; ++dx)
                            window.push_back(s[clampIndex(static_cast<long>(x) + dx, d.nx)]);
                    }
                auto mid = window.begin() + static_cast<long>(window.size() / 2);
                std::nth_element(window.begin(), mid, window.end());
                out[row * d.nx + x] = *mid;
            }
        }
        progress.advance();
    });
}

}  // namespace

core::Image median(const core::Image& image, const Radius& radiusIn, const core::Task& task) {
    detail::requireGrey(image, "median");
    detail::requireRadius(radiusIn, "median");
    const core::Size3& s = image.size();
    Radius r = radiusIn;
    // On an axis of one voxel the window repeats the same values 2r+1 times: same median.
    for (int a = 0; a < 3; ++a)
        if (s[a] == 1) r[a] = 0;
    const Dims d{s[0], s[1], s[2]};
    core::Image out = detail::sameGrid(image, image.pixelType());
    const long n = static_cast<long>(2 * r[0] + 1) * (2 * r[1] + 1) * (2 * r[2] + 1);
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        T* o = out.data<T>();
        constexpr bool integer = !std::is_floating_point_v<T>;
        // Integer windows beyond 49 values: the histogram wins over the network.
        if (n == 1) {
            std::memcpy(o, in, image.byteSize());
            return;
        }
        if constexpr (integer) {
            if (n > 49) return histogramMedian(in, o, d, r, task);
        }
        if (n <= detail::kMaxNetworkWindow)
            networkMedian(in, o, d, r, task);
        else
            selectMedian(in, o, d, r, task);
    });
    task.progress(1.0);
    return out;
}

}  // namespace stratum::processing
