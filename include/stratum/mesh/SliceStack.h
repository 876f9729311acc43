#pragma once
// Slice stacking: 2D images (or 2D segmentation results) of equal size become one volume.
// Files on disk go through io::readImageStack; this takes images already in memory.
#include <span>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::mesh {

struct SliceStackOptions {
    double sliceSpacing = 1.0;  // mm between slice centres, > 0
    // In-plane pixel spacing (mm); <= 0 keeps the first slice's own spacing.
    double pixelSpacing = 0.0;
};

// Slice k of the result is slices[k]. Geometry: the first slice's origin and in-plane
// direction, slices stacked along the normal (row x column direction). All slices must be
// 2D with the same size, pixel type and components (core::InvalidArgument otherwise,
// naming the slice). Metadata from the first slice.
core::Image stackSlices(std::span<const core::Image> slices, const SliceStackOptions& options,
                        const core::Task& task = {});

}  // namespace stratum::mesh
