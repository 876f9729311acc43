#pragma once
// Argument checks and small helpers shared by the processing sources (internal).
#include <cstddef>
#include <functional>
#include <limits>
#include <string>

#include "stratum/core/Error.h"
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/processing/Radius.h"

namespace stratum::processing::detail {

// Throws InvalidArgument "<operation>: ..." for an empty or multi-component image.
void requireGrey(const core::Image& image, const char* operation);
// Throws InvalidArgument for a negative radius.
void requireRadius(const Radius& radius, const char* operation);
// Throws InvalidArgument unless `value` is exactly representable in the pixel type.
void requireRepresentable(double value, core::PixelType type, const char* operation,
                          const char* what);

// A new image with the same geometry and metadata, uninitialised pixels.
// Scratch for n values of T, allocated as image buffers are (2 MiB aligned with huge pages
// when large: fresh 4 KiB pages are expensive on virtual machines). The Image owns it.
template <class T>
core::Image scratchBuffer(std::size_t n) {
    core::Geometry g;
    g.size = {n, 1, 1};
    return core::Image(core::pixelTypeOf<T>(), 1, g, core::Image::Init::Uninitialized);
}

core::Image sameGrid(const core::Image& image, core::PixelType type);

// Rounds to nearest and clamps to T's range (plain cast for float).
template <class T>
T saturate(double v) {
    if constexpr (std::is_floating_point_v<T>) {
        return static_cast<T>(v);
    } else {
        if (!(v > static_cast<double>(std::numeric_limits<T>::lowest())))
            return std::numeric_limits<T>::lowest();
        if (!(v < static_cast<double>(std::numeric_limits<T>::max())))
            return std::numeric_limits<T>::max();
        return static_cast<T>(v < 0 ? v - 0.5 : v + 0.5);
    }
}

// Splits [0, n) into about `pieces` contiguous chunks; chunk c is [begin(c), begin(c+1)).
struct Chunks {
    std::size_t n;
    std::size_t count;
    std::size_t begin(std::size_t c) const { return n * c / count; }
};
Chunks chunksFor(std::size_t n, std::size_t minPerChunk = 1);

// Calls f(begin, end) over [0, n) in chunks on every thread; checks cancel per chunk.
void parallelRanges(std::size_t n, const core::Task& task,
                    const std::function<void(std::size_t, std::size_t)>& f);

}  // namespace stratum::processing::detail
