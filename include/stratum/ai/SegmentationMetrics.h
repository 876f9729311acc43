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

}  // namespace stratum::ai
