#pragma once
// Median filter over a (2r+1) box window per axis (3x3: radius {1,1,0}; 3x3x3: {1,1,1}).
// Borders as ITK's MedianImageFilter: zero-flux Neumann (the edge voxel repeats), so the
// window always holds (2rx+1)(2ry+1)(2rz+1) values and the result is its exact middle
// value. Grey images of uint8, int16, uint16 or float32 (NaN values give undefined
// results). Small windows (up to 49 values) use a SIMD selection network (AVX2 when the
// CPU has it), larger integer windows a sliding histogram; both threads work on slabs.
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/processing/Radius.h"

namespace stratum::processing {

// Throws core::InvalidArgument for an empty or multi-component image or a negative
// radius; core::Cancelled when cancelled.
core::Image median(const core::Image& image, const Radius& radius, const core::Task& task = {});

}  // namespace stratum::processing
