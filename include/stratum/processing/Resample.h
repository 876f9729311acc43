#pragma once
// Resampling onto another grid in the same patient space.
//
// A voxel of the output at patient position p takes the input's interpolated value at
// p (continuous index = input.patientToIndex(p)), so anatomy stays where it is in
// patient coordinates whatever the grids. Positions outside the input (beyond half a
// voxel from its edge voxels' centres) get 0. Interpolation as ITK's
// NearestNeighbor (ties round up), Linear and cubic BSpline (with the exact recursive
// prefilter, mirror boundaries) interpolators; integer results are rounded to nearest
// and clamped to the pixel type.
#include <string>

#include "stratum/core/Geometry.h"
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::processing {

enum class Interpolation { Nearest, Linear, BSpline };

const char* interpolationName(Interpolation i);  // "nearest", "linear", "bspline"
Interpolation interpolationFromName(const std::string& name);

// Resamples onto `target` (size, spacing, origin, direction). Same pixel type; metadata kept.
core::Image resample(const core::Image& image, const core::Geometry& target,
                     Interpolation interpolation, const core::Task& task = {});

// The grid covering the same field of view (the box from the first voxel's outer
// corner to the last one's) with `spacing`: size round(n * s / s') (at least 1), the
// same direction, and the origin moved so that the outer corner stays put.
core::Geometry gridWithSpacing(const core::Geometry& g, const core::Vec3& spacing);
// The same with a given size: spacing n * s / n'.
core::Geometry gridWithSize(const core::Geometry& g, const core::Size3& size);

core::Image resampleToSpacing(const core::Image& image, const core::Vec3& spacing,
                              Interpolation interpolation, const core::Task& task = {});
core::Image resampleToSize(const core::Image& image, const core::Size3& size,
                           Interpolation interpolation, const core::Task& task = {});

}  // namespace stratum::processing
