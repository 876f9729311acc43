#pragma once
// Shape from silhouette: carve the visual hull of an object from calibrated views with
// segmented silhouettes. A voxel stays when its centre projects inside the silhouette in
// every view (outside any view's detector counts as outside).
#include <span>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/mesh/ProjectionGeometry.h"

namespace stratum::mesh {

struct HullView {
    core::Image
        silhouette;  // 2D, columns x rows of the view's detector; grey (or RGB: first channel)
    ProjectionGeometry geometry;
    double threshold = 0.5;  // inside where the pixel value is > threshold
};

// A grid for carving: a cube of `voxelMm` voxels centred where the views' central rays pass
// closest to each other, wide enough for the largest field of view among the views.
// Throws core::InvalidArgument (no views, voxelMm <= 0, more than `maxVoxelsPerSide`).
core::Geometry defaultHullGrid(std::span<const HullView> views, double voxelMm,
                               std::size_t maxVoxelsPerSide = 512);

// uint8 volume on `grid`: 1 inside the hull, 0 outside. Throws core::InvalidArgument (no
// views, a silhouette whose size differs from its detector, bad geometry), core::Cancelled.
core::Image carveVisualHull(std::span<const HullView> views, const core::Geometry& grid,
                            const core::Task& task = {});

}  // namespace stratum::mesh
