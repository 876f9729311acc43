// Binary morphology on bit-packed volumes: 64 voxels per word, a ball or box as chords
// (row dilations by shifts, ORed over the element's rows), both threads over slabs.
// Erosion is the complement of the dilation of the complement (outside = object).
#include <algorithm>
#include <vector>

#include "BitVolume.h"
#include "Checks.h"
#include "Labeling.h"
#include "stratum/core/Parallel.h"
#include "stratum/processing/Morphology.h"

namespace stratum::processing {
namespace {

using detail::BitVolume;

void checkValues(const core::Image& image, const BinaryValues& v, const char* name) {
    detail::requireGrey(image, name);
    detail::requireRepresentable(v.foreground, image.pixelType(), name, "foreground");
    detail::requireRepresentable(v.background, image.pixelType(), name, "background");
}

// Writes the result: voxels whose bit (at offset `pad`) is set become foreground; the
// others take `rest(input value)`.
template <class Rest>
core::Image compose(const core::Image& image, const BitVolume& bits, const Radius& pad,
                    double foreground, Rest rest, const core::Task& task) {
    core::Image out = detail::sameGrid(image, image.pixelType());
    const core::Size3& s = image.size();
    const std::size_t rows = s[1] * s[2];
    const detail::Chunks c = detail::chunksFor(rows, 64);
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T fg = static_cast<T>(foreground);
        const T* in = image.data<T>();
        T* o = out.data<T>();
        core::parallelFor(0, c.count, [&](std::size_t i) {
            task.checkCancel();
            std::vector<std::uint8_t> mask(s[0]);
            for (std::size_t r = c.begin(i); r < c.begin(i + 1); ++r) {
                detail::unpackRow(bits.row(r % s[1] + pad[1], r / s[1] + pad[2]),
                                  static_cast<std::size_t>(pad[0]), s[0], mask.data());
                // Locals: byte stores may alias anything captured by reference.
                const T* __restrict src = in + r * s[0];
                T* __restrict dst = o + r * s[0];
                const std::uint8_t* __restrict m = mask.data();
                const std::size_t nx = s[0];
                const T value = fg;
                const Rest restLocal = rest;
                for (std::size_t x = 0; x < nx; ++x) {
                    const T other = restLocal(src[x]);
                    dst[x] = m[x] ? value : other;
                }
            }
        });
    });
    task.progress(1.0);
    return out;
}

constexpr Radius kNoPad{0, 0, 0};

BitVolume packed(const core::Image& image, double foreground, bool complement, const Radius& pad,
                 const core::Task& task) {
    const core::Size3& s = image.size();
    BitVolume bits(s[0] + 2 * pad[0], s[1] + 2 * pad[1], s[2] + 2 * pad[2]);
    bits.pack(image, foreground, complement, pad, task);
    return bits;
}

}  // namespace

core::Image binaryDilate(const core::Image& image, const StructuringElement& se,
                         const BinaryValues& values, const core::Task& task) {
    checkValues(image, values, "binary dilate");
    const BitVolume object = packed(image, values.foreground, false, kNoPad, task.sub(0.0, 0.1));
    const BitVolume grown = object.dilated(se, task.sub(0.1, 0.8));
    return core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        return compose(
            image, grown, kNoPad, values.foreground, [](T v) { return v; }, task.sub(0.8, 1.0));
    });
}

core::Image binaryErode(const core::Image& image, const StructuringElement& se,
                        const BinaryValues& values, const core::Task& task) {
    checkValues(image, values, "binary erode");
    // Not-object, dilated (outside the image is object, so 0 in this complement).
    const BitVolume rest = packed(image, values.foreground, true, kNoPad, task.sub(0.0, 0.1));
    BitVolume kept = rest.dilated(se, task.sub(0.1, 0.8));
    kept.invert();
    return core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T fg = static_cast<T>(values.foreground);
        const T bg = static_cast<T>(values.background);
        return compose(
            image, kept, kNoPad, values.foreground, [fg, bg](T v) { return v == fg ? bg : v; },
            task.sub(0.8, 1.0));
    });
}

core::Image binaryOpen(const core::Image& image, const StructuringElement& se,
                       const BinaryValues& values, const core::Task& task) {
    const core::Image eroded = binaryErode(image, se, values, task.sub(0.0, 0.5));
    return binaryDilate(eroded, se, values, task.sub(0.5, 1.0));
}

core::Image binaryClose(const core::Image& image, const StructuringElement& se,
                        const BinaryValues& values, const core::Task& task) {
    checkValues(image, values, "binary close");
    // The object in a volume padded by the radius (ITK's SafeBorder): dilate with
    // background outside, then erode with object outside (no effect at the original voxels).
    Radius pad = se.radius();
    for (int a = 0; a < 3; ++a)
        if (image.size()[a] == 1) pad[a] = 0;
    const BitVolume object = packed(image, values.foreground, false, pad, task.sub(0.0, 0.1));
    BitVolume grown = object.dilated(se, task.sub(0.1, 0.45));
    grown.invert();
    BitVolume closed = grown.dilated(se, task.sub(0.45, 0.8));
    closed.invert();
    return core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        return compose(
            image, closed, pad, values.foreground, [](T v) { return v; }, task.sub(0.8, 1.0));
    });
}

core::Image fillHoles(const core::Image& image, double foreground, bool fullyConnected,
                      const core::Task& task) {
    detail::requireGrey(image, "fill holes");
    detail::requireRepresentable(foreground, image.pixelType(), "fill holes", "foreground");
    const detail::RunComponents rest =
        detail::labelRuns(image, foreground, true, fullyConnected, task.sub(0.0, 0.8));
    core::Image out = image.clone();
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T fg = static_cast<T>(foreground);
        T* o = out.data<T>();
        const std::size_t nx = image.size()[0];
        for (std::size_t i = 0; i < rest.runs.size(); ++i) {
            if (rest.touchesBorder[rest.component[i]]) continue;
            const detail::Run& run = rest.runs[i];
            std::fill(o + run.row * nx + run.x0, o + run.row * nx + run.x1, fg);
        }
    });
    task.progress(1.0);
    return out;
}

}  // namespace stratum::processing
