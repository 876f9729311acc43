#pragma once
// Sampling a volume on a SlicePlane (multi-planar reformatting).
#include <span>

#include "stratum/app/model/SlicePlane.h"
#include "stratum/core/Image.h"

namespace stratum::app {

enum class Interpolation { Nearest, Linear };

// Samples every component of `volume` at the pixel centres of `plane` into `out`
// (plane.width * plane.height * components floats, rows top to bottom, components
// interleaved). Pixels outside the volume (beyond half a voxel from its outer voxel
// centres) get NaN. When the plane's pixels fall on voxel centres (axis-aligned
// views), the values are the voxels themselves whatever the interpolation.
// Throws core::InvalidArgument when `out` has the wrong size or the volume is empty.
void reslice(const core::Image& volume, const SlicePlane& plane, Interpolation interpolation,
             std::span<float> out);

}  // namespace stratum::app
