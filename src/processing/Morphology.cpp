// Grayscale morphology: erosion and dilation by chords (each x-run of the element is a
// running min/max along the row, combined over the element's (dy, dz) rows with SIMD),
// boxes by separable passes; opening/closing on the image padded as ITK's SafeBorder.
#include "stratum/processing/Morphology.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "Checks.h"
#include "SimdKernels.h"
#include "stratum/core/Parallel.h"

namespace stratum::processing {
namespace {

struct Dims {
    std::size_t nx, ny, nz;
    std::size_t slice() const { return nx * ny; }
};

// Per-thread scratch buffers, kept between the blocks a thread runs (no zero fill, and
// no page faults after the first block).
template <class T>
T* scratch(int slot, std::size_t count) {
    thread_local std::vector<T> buffers[2];
    std::vector<T>& b = buffers[slot];
    if (b.size() < count) b.resize(count);
    return b.data();
}

template <class T>
T neutral(bool isMin) {
    return isMin ? std::numeric_limits<T>::max() : std::numeric_limits<T>::lowest();
}

template <class T>
inline T op(T a, T b, bool isMin) {
    return isMin ? (b < a ? b : a) : (a < b ? b : a);
}

// A unit of parallel work: output slices [z0, z1) x rows [y0, y1).
struct Block {
    std::size_t z0, z1, y0, y1;
};

std::vector<Block> blocksFor(const Dims& d) {
    const std::size_t threads = core::defaultThreadCount();
    std::vector<Block> blocks;
    if (d.nz >= threads * 4) {
        const detail::Chunks c = detail::chunksFor(d.nz, 4);
        for (std::size_t i = 0; i < c.count; ++i)
            blocks.push_back({c.begin(i), c.begin(i + 1), 0, d.ny});
    } else {
        const detail::Chunks c = detail::chunksFor(d.ny, 16);
        for (std::size_t z = 0; z < d.nz; ++z)
            for (std::size_t i = 0; i < c.count; ++i)
                blocks.push_back({z, z + 1, c.begin(i), c.begin(i + 1)});
    }
    return blocks;
}

// Output voxel (x, y, z) of a chord filter is centred on input voxel (x, y, z) + offset.
struct Offset {
    long x = 0, y = 0, z = 0;
};

// Running min/max of one input row for every half width 0..maxW over the output's x
// range: rows[w][x] = op over in[x + ox - w .. x + ox + w] (outside the row ignored).
// `pad` is scratch of outNx + 2 maxW.
template <class T>
void rowRuns(const T* src, std::size_t inNx, std::size_t outNx, long ox, int maxW, bool isMin,
             T* pad, T* const* rows) {
    const T e = neutral<T>(isMin);
    const long w0 = maxW;
    const long length = static_cast<long>(outNx) + 2 * w0;
    // pad[p] = src[p + ox - w0]
    const long first = std::max(0L, ox - w0);
    const long last = std::min(static_cast<long>(inNx), ox - w0 + length);
    std::fill(pad, pad + length, e);
    if (last > first)
        std::memcpy(pad + (first - ox + w0), src + first,
                    static_cast<std::size_t>(last - first) * sizeof(T));
    const T* centre = pad + w0;
    if (rows[0] != centre) std::memcpy(rows[0], centre, outNx * sizeof(T));
    const T* prev = centre;
    for (int w = 1; w <= maxW; ++w) {
        T* r = rows[w];
        const T* left = centre - w;
        const T* right = centre + w;
        if (isMin)
            for (std::size_t x = 0; x < outNx; ++x) {
                T m = prev[x] < left[x] ? prev[x] : left[x];
                r[x] = right[x] < m ? right[x] : m;
            }
        else
            for (std::size_t x = 0; x < outNx; ++x) {
                T m = prev[x] < left[x] ? left[x] : prev[x];
                r[x] = m < right[x] ? right[x] : m;
            }
        prev = r;
    }
}

// Erosion (isMin) or dilation by the element's chords, outside the input ignored; the
// output grid `dout` sits at `off` in the input's (it may extend beyond it).
template <class T>
void chordFilter(const T* in, const Dims& di, T* out, const Dims& dout, const Offset& off,
                 const StructuringElement& se, bool isMin, const core::Task& task) {
    const auto& chords = se.chords();
    int maxW = 0, rz = 0, ry = 0;
    for (const auto& c : chords) {
        maxW = std::max(maxW, c.halfWidth);
        rz = std::max(rz, std::abs(c.dz));
        ry = std::max(ry, std::abs(c.dy));
    }
    // Width 0 is the input row itself when the x ranges agree.
    const bool direct = off.x == 0 && di.nx == dout.nx;
    const int stored = direct ? maxW : maxW + 1;  // widths kept in the ring
    const auto reduce = detail::simdKernels().reduce<T>();
    const std::vector<Block> blocks = blocksFor(dout);
    core::ProgressCounter progress(task, blocks.size());
    const std::size_t slots = static_cast<std::size_t>(2 * rz + 1);
    const long iny = static_cast<long>(di.ny), inz = static_cast<long>(di.nz);
    core::parallelFor(0, blocks.size(), [&](std::size_t b) {
        task.checkCancel();
        const Block& blk = blocks[b];
        // Input rows needed by this block's output rows.
        const long ya = std::max(0L, static_cast<long>(blk.y0) + off.y - ry);
        const long yb = std::min(iny, static_cast<long>(blk.y1) + off.y + ry);
        const std::size_t rowsHeld = static_cast<std::size_t>(std::max(0L, yb - ya));
        T* ring = scratch<T>(0, slots * static_cast<std::size_t>(stored) * rowsHeld * dout.nx);
        T* pad = scratch<T>(1, dout.nx + 2 * static_cast<std::size_t>(maxW));
        std::vector<long> slotSlice(slots, -1);
        std::vector<T*> rowPtrs(static_cast<std::size_t>(maxW) + 1);
        std::vector<const T*> sources;
        sources.reserve(chords.size());
        auto runs = [&](std::size_t slot, int w, long y) -> T* {
            const int k = direct ? w - 1 : w;
            return ring +
                   ((slot * stored + k) * rowsHeld + static_cast<std::size_t>(y - ya)) * dout.nx;
        };
        auto fill = [&](long z) {
            const std::size_t slot = static_cast<std::size_t>(z) % slots;
            if (slotSlice[slot] == z) return;
            for (long y = ya; y < yb; ++y) {
                const T* src = in + static_cast<std::size_t>(z) * di.slice() +
                               static_cast<std::size_t>(y) * di.nx;
                rowPtrs[0] = direct ? pad + maxW : runs(slot, 0, y);
                for (int w = 1; w <= maxW; ++w) rowPtrs[w] = runs(slot, w, y);
                rowRuns(src, di.nx, dout.nx, off.x, maxW, isMin, pad, rowPtrs.data());
            }
            slotSlice[slot] = z;
        };
        for (std::size_t z = blk.z0; z < blk.z1; ++z) {
            const long zc = static_cast<long>(z) + off.z;
            const long za = std::max(0L, zc - rz), zb = std::min(inz, zc + rz + 1);
            if (stored > 0)
                for (long zz = za; zz < zb; ++zz) fill(zz);
            for (std::size_t y = blk.y0; y < blk.y1; ++y) {
                T* o = out + z * dout.slice() + y * dout.nx;
                sources.clear();
                for (const auto& c : chords) {
                    const long sy = static_cast<long>(y) + off.y + c.dy;
                    const long sz = zc + c.dz;
                    if (sy < 0 || sy >= iny || sz < 0 || sz >= inz) continue;
                    if (direct && c.halfWidth == 0)
                        sources.push_back(in + static_cast<std::size_t>(sz) * di.slice() +
                                          static_cast<std::size_t>(sy) * di.nx);
                    else
                        sources.push_back(
                            runs(static_cast<std::size_t>(sz) % slots, c.halfWidth, sy));
                }
                if (sources.empty())  // beyond the input on every chord (extended output only)
                    std::fill(o, o + dout.nx, neutral<T>(isMin));
                else
                    reduce(o, sources.data(), static_cast<int>(sources.size()), dout.nx, isMin);
            }
        }
        progress.advance();
    });
}

// Boxes with many rows per element go through separable passes.
bool separable(const StructuringElement& se) {
    const Radius& r = se.radius();
    return se.shape() == Shape::Box && (2 * r[1] + 1) * (2 * r[2] + 1) > 49;
}

// Box: running min/max along x, then y, then z (each pass outside ignored).
template <class T>
void boxFilter(const T* in, T* out, const Dims& d, const Radius& r, bool isMin,
               const core::Task& task) {
    const auto reduce = detail::simdKernels().reduce<T>();
    core::Image tmpBuffer = detail::scratchBuffer<T>(d.nx * d.ny * d.nz);
    T* tmp = tmpBuffer.data<T>();
    const std::size_t rows = d.ny * d.nz;
    // x pass: in -> out
    {
        const detail::Chunks c = detail::chunksFor(rows, 64);
        core::ProgressCounter progress(task.sub(0.0, 0.4), c.count);
        core::parallelFor(0, c.count, [&](std::size_t i) {
            task.checkCancel();
            std::vector<T> pad(d.nx + 2 * static_cast<std::size_t>(r[0]));
            std::vector<T> scratchRows(static_cast<std::size_t>(std::max(r[0] - 1, 0)) * d.nx);
            std::vector<T*> rowPtrs(static_cast<std::size_t>(r[0]) + 1);
            for (std::size_t row = c.begin(i); row < c.begin(i + 1); ++row) {
                if (r[0] == 0) {
                    std::memcpy(out + row * d.nx, in + row * d.nx, d.nx * sizeof(T));
                    continue;
                }
                rowPtrs[0] = pad.data() + r[0];
                for (int w = 1; w < r[0]; ++w) rowPtrs[w] = scratchRows.data() + (w - 1) * d.nx;
                rowPtrs[r[0]] = out + row * d.nx;
                rowRuns(in + row * d.nx, d.nx, d.nx, 0, r[0], isMin, pad.data(), rowPtrs.data());
            }
            progress.advance();
        });
    }
    // y pass: out -> tmp; z pass: tmp -> out.
    auto axisPass = [&](const T* src, T* dst, std::size_t n, std::size_t stride, std::size_t groups,
                        std::size_t groupStride, int radius, const core::Task& sub) {
        const std::size_t units = groups * n;
        const detail::Chunks c = detail::chunksFor(units, 8);
        core::ProgressCounter progress(sub, c.count);
        core::parallelFor(0, c.count, [&](std::size_t i) {
            task.checkCancel();
            std::vector<const T*> rowsIn;
            for (std::size_t u = c.begin(i); u < c.begin(i + 1); ++u) {
                const std::size_t g = u / n;
                const long k = static_cast<long>(u % n);
                T* o = dst + g * groupStride + static_cast<std::size_t>(k) * stride;
                const long a = std::max(0L, k - radius);
                const long b = std::min(static_cast<long>(n) - 1, k + radius);
                const T* base = src + g * groupStride;
                rowsIn.clear();
                for (long j = a; j <= b; ++j)
                    rowsIn.push_back(base + static_cast<std::size_t>(j) * stride);
                reduce(o, rowsIn.data(), static_cast<int>(rowsIn.size()), stride, isMin);
            }
            progress.advance();
        });
    };
    axisPass(out, tmp, d.ny, d.nx, d.nz, d.slice(), r[1], task.sub(0.4, 0.7));
    axisPass(tmp, out, d.nz, d.slice(), 1, 0, r[2], task.sub(0.7, 1.0));
}

template <class T>
void flatFilter(const T* in, T* out, const Dims& d, const StructuringElement& se, bool isMin,
                const core::Task& task) {
    if (separable(se))
        boxFilter(in, out, d, se.radius(), isMin, task);
    else
        chordFilter(in, d, out, d, Offset{}, se, isMin, task);
}

Dims dimsOf(const core::Image& image) {
    return {image.size()[0], image.size()[1], image.size()[2]};
}

core::Image erodeOrDilate(const core::Image& image, const StructuringElement& se, bool isMin,
                          const char* name, const core::Task& task) {
    detail::requireGrey(image, name);
    core::Image out = detail::sameGrid(image, image.pixelType());
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        flatFilter(image.data<T>(), out.data<T>(), dimsOf(image), se, isMin, task);
    });
    task.progress(1.0);
    return out;
}

// Opening (erode first) or closing as ITK's SafeBorder: the first step on the image
// extended by the radius (outside ignored), the second back onto the image's grid.
core::Image openOrClose(const core::Image& image, const StructuringElement& se, bool opening,
                        const char* name, const core::Task& task) {
    detail::requireGrey(image, name);
    const Dims d = dimsOf(image);
    Radius r = se.radius();
    for (int a = 0; a < 3; ++a)
        if (image.size()[a] == 1) r[a] = 0;  // nothing to pad on a flat axis
    const Dims p{d.nx + 2 * r[0], d.ny + 2 * r[1], d.nz + 2 * r[2]};
    core::Image out = detail::sameGrid(image, image.pixelType());
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* in = image.data<T>();
        T* o = out.data<T>();
        if (!separable(se)) {
            core::Image firstBuffer = detail::scratchBuffer<T>(p.nx * p.ny * p.nz);
            T* first = firstBuffer.data<T>();
            chordFilter(in, d, first, p, Offset{-r[0], -r[1], -r[2]}, se, opening,
                        task.sub(0.0, 0.5));
            chordFilter(first, p, o, d, Offset{r[0], r[1], r[2]}, se, !opening,
                        task.sub(0.5, 1.0));
            return;
        }
        const std::size_t paddedCount = p.nx * p.ny * p.nz;
        core::Image paddedBuffer = detail::scratchBuffer<T>(paddedCount);
        T* const padded = paddedBuffer.data<T>();
        std::fill(padded, padded + paddedCount, neutral<T>(opening));
        for (std::size_t z = 0; z < d.nz; ++z)
            for (std::size_t y = 0; y < d.ny; ++y)
                std::memcpy(padded + ((z + r[2]) * p.ny + y + r[1]) * p.nx + r[0],
                            in + (z * d.ny + y) * d.nx, d.nx * sizeof(T));
        core::Image firstBuffer = detail::scratchBuffer<T>(paddedCount);
        T* const first = firstBuffer.data<T>();
        flatFilter(padded, first, p, se, opening, task.sub(0.0, 0.5));
        flatFilter(first, padded, p, se, !opening, task.sub(0.5, 1.0));
        for (std::size_t z = 0; z < d.nz; ++z)
            for (std::size_t y = 0; y < d.ny; ++y)
                std::memcpy(o + (z * d.ny + y) * d.nx,
                            padded + ((z + r[2]) * p.ny + y + r[1]) * p.nx + r[0],
                            d.nx * sizeof(T));
    });
    task.progress(1.0);
    return out;
}

}  // namespace

core::Image erode(const core::Image& image, const StructuringElement& se, const core::Task& task) {
    return erodeOrDilate(image, se, true, "erode", task);
}

core::Image dilate(const core::Image& image, const StructuringElement& se, const core::Task& task) {
    return erodeOrDilate(image, se, false, "dilate", task);
}

core::Image open(const core::Image& image, const StructuringElement& se, const core::Task& task) {
    return openOrClose(image, se, true, "open", task);
}

core::Image close(const core::Image& image, const StructuringElement& se, const core::Task& task) {
    return openOrClose(image, se, false, "close", task);
}

core::Image gradient(const core::Image& image, const StructuringElement& se,
                     const core::Task& task) {
    detail::requireGrey(image, "gradient");
    const core::Image dilated = dilate(image, se, task.sub(0.0, 0.5));
    const core::Image eroded = erode(image, se, task.sub(0.5, 0.95));
    core::Image out = detail::sameGrid(image, image.pixelType());
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T* a = dilated.data<T>();
        const T* b = eroded.data<T>();
        T* o = out.data<T>();
        for (std::size_t i = 0, n = image.voxelCount(); i < n; ++i)
            o[i] = detail::saturate<T>(static_cast<double>(a[i]) - static_cast<double>(b[i]));
    });
    task.progress(1.0);
    return out;
}

}  // namespace stratum::processing
