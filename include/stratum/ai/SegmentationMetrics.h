#pragma once
// Overlap and surface-distance metrics of label maps (plain C++, no LibTorch).
#include <cstddef>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::ai {

struct LabelMetrics {
    int label = 0;
    std::size_t predictedVoxels = 0;
    std::size_t truthVoxels = 0;
    std::size_t intersection = 0;
    // 2|P n T| / (|P| + |T|) and |P n T| / |P u T|; both 1 when P and T are empty.
    double dice = 0.0;
    double iou = 0.0;
    // Surface voxels: label voxels with a 6-neighbour outside the label (voxels outside
    // the image count as outside). Distances between surface voxel centres in patient
    // millimetres (spacing and direction applied), from every surface voxel of P to the
    // nearest of T and from every one of T to the nearest of P, pooled:
    // hd95Mm = their 95th percentile (linear interpolation), meanSurfaceDistanceMm =
    // their mean (average symmetric surface distance). 0 when both are empty; +infinity
    // when exactly one is empty.
    double hd95Mm = 0.0;
    double meanSurfaceDistanceMm = 0.0;
};

struct SegmentationEvaluation {
    double voxelAccuracy = 0.0;  // fraction of voxels whose labels agree (all labels)
    std::vector<LabelMetrics> labels;
};

// Compares two label maps (one component, uint8/int16/uint16, the same size; spacing,
// origin and direction of `truth` are used and `predicted` must match them within
// 1e-4). `labels`: those to report; empty = every non-zero label in either map, in
// increasing order. The direction must be orthonormal. Throws core::InvalidArgument.
SegmentationEvaluation evaluateSegmentation(const core::Image& predicted, const core::Image& truth,
                                            std::vector<int> labels = {},
                                            const core::Task& task = {});

// Comparison of intensity outputs (e.g. a synthesised image against the reference).
struct IntensityComparison {
    double mse = 0.0;   // mean of (a - b)^2 over all voxels (and components)
    double ssim = 0.0;  // mean SSIM over all voxels (first component)
};

// SSIM parameters (Wang et al. 2004): a Gaussian window of sigma 1.5 voxels truncated
// at radius 5 (11 voxels wide, as the paper's 11x11 window), 2D for 2D images (z = 1)
// and 3D otherwise; constants C1 = (k1 L)^2 and C2 = (k2 L)^2 with k1 = 0.01,
// k2 = 0.03 and L the dynamic range (0: max - min of `reference`, or 1 when it is
// constant). Local statistics are weighted means over the window restricted to the
// image (weights renormalised at borders): mu, sigma^2 = E[x^2] - mu^2,
// sigma_xy = E[xy] - mu_x mu_y.
struct SsimOptions {
    double sigma = 1.5;
    int radius = 5;
    double k1 = 0.01;
    double k2 = 0.03;
    double dynamicRange = 0.0;
};

// Mean squared error; images of the same size and components, any pixel type.
// core::InvalidArgument otherwise.
double meanSquaredError(const core::Image& a, const core::Image& reference);
// Mean SSIM of `a` against `reference` (same size); 1 for identical images.
double structuralSimilarity(const core::Image& a, const core::Image& reference,
                            const SsimOptions& options = {}, const core::Task& task = {});
// Both; also checks the geometry like evaluateSegmentation.
IntensityComparison compareIntensities(const core::Image& a, const core::Image& reference,
                                       const core::Task& task = {});

}  // namespace stratum::ai
