#pragma once
// Surfaces from volumes, in patient coordinates (LPS mm, the image's origin, spacing and
// direction, oblique and left-handed grids included): a voxel at index (i,j,k) maps to
// image.geometry().indexToPatient({i,j,k}) exactly as the image says.
//
// - Label maps: one closed surface per label value (> 0) with vtkDiscreteFlyingEdges3D
//   on the label's bounding box, padded so that labels touching the image edge close.
// - Intensity volumes: the iso-surface at a value with vtkFlyingEdges3D, run on the
//   image's own buffer (no copy).
#include <span>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/mesh/MeshCleanup.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::mesh {

struct SurfaceOptions {
    // Use every n-th voxel along each axis (1 = all): faster, coarser.
    int sampleRate = 1;
    // Iso-surfaces only: close the surface where it meets the image's edge (costs a padded
    // copy of the volume, made only when the surface reaches the edge).
    bool capBorders = false;
    // Applied to every surface after extraction. A decimation error bound <= 0 means
    // half the smallest voxel spacing (times sampleRate).
    CleanupOptions cleanup;

    void validate() const;
};

// Label values > 0 present in an integer-typed image (uint8, int16, uint16), sorted,
// with their voxel counts.
struct LabelCount {
    int label = 0;
    std::size_t voxels = 0;
};
std::vector<LabelCount> countLabels(const core::Image& labels, const core::Task& task = {});

// True for an integer-typed single-component image with at most `maxLabels` distinct
// values > 0 and nothing negative (a segmentation, not an intensity scan).
bool looksLikeLabelMap(const core::Image& image, std::size_t maxLabels = 512);

// One surface per requested label (all labels present when `labels` is empty), sorted by
// label; labels absent from the image are skipped. Each mesh has label set, name
// "label_<N>" and a palette colour. Throws core::InvalidArgument for a non-integer or
// multi-component image, core::Cancelled.
std::vector<SurfaceMesh> extractLabelSurfaces(const core::Image& labels, std::span<const int> which,
                                              const SurfaceOptions& options = {},
                                              const core::Task& task = {});

// The iso-surface at `isoValue` (any grey pixel type; normals point towards lower values).
SurfaceMesh extractIsoSurface(const core::Image& image, double isoValue,
                              const SurfaceOptions& options = {}, const core::Task& task = {});

}  // namespace stratum::mesh
