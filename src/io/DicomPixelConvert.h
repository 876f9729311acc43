#pragma once
// Turning decoded stored samples into output pixels: bit masking / sign extension,
// the modality LUT (rescale), MONOCHROME1 inversion, and YBR / planar colour to
// interleaved RGB.
#include <cstddef>
#include <cstdint>
#include <utility>

#include "DicomFrameReader.h"
#include "stratum/core/Image.h"

namespace stratum::io::detail {

// How one instance's stored grey samples map to output values:
//   v = sign-extended or masked (raw >> (highBit + 1 - bitsStored)) of bitsStored bits
//   y = slope * v + intercept;  if invert: y = invertSum - y
struct GreyTransform {
    unsigned bitsAllocated = 16;
    unsigned bitsStored = 16;
    unsigned highBit = 15;
    bool signedStored = false;
    double slope = 1.0;
    double intercept = 0.0;
    bool invert = false;
    double invertSum = 0.0;

    // Range of v allowed by bitsStored and the sign.
    std::pair<double, double> storedRange() const;
    // Range of y for v in [lo, hi].
    std::pair<double, double> outputRange(double lo, double hi) const;
    bool identity() const;
};

// Minimum and maximum stored value v over `n` samples of `raw`.
std::pair<std::int64_t, std::int64_t> storedMinMax(const std::byte* raw, std::size_t n,
                                                   const GreyTransform& t);

// Converts `n` raw stored samples at `src` into `out` values at `dst`. `dst` may equal
// `src` (in place; the output type must then be at least as wide as bitsAllocated)
// or not overlap it. Integer output types use integer arithmetic (slope, intercept and
// invertSum are rounded: callers pick integer types only for integral transforms) and
// assume the values fit.
void convertGrey(const std::byte* src, std::byte* dst, std::size_t n, const GreyTransform& t,
                 core::PixelType out);

// Decoded colour samples (8 or 16 bits, any layout/model from FrameLayout) to
// interleaved RGB of the same sample size at `rgb` (pixels * 3 samples).
void convertColour(const std::byte* src, std::size_t pixels, unsigned bitsAllocated,
                   const FrameLayout& layout, std::byte* rgb);

}  // namespace stratum::io::detail
