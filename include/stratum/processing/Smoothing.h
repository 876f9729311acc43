#pragma once
// Gaussian smoothing.
#include "stratum/core/Geometry.h"
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::processing {

// Separable Gaussian with standard deviation `sigmaMm` (millimetres, per axis: the
// voxel sigma is sigmaMm / spacing). The kernel samples exp(-x^2 / 2s^2) at integer
// offsets up to ceil(4s), normalised to sum 1; borders repeat the edge voxel (zero-flux
// Neumann). A sigma of 0 leaves that axis alone. Same pixel type (integers rounded to
// nearest and clamped). Throws core::InvalidArgument for a negative sigma.
core::Image gaussian(const core::Image& image, const core::Vec3& sigmaMm,
                     const core::Task& task = {});

}  // namespace stratum::processing
