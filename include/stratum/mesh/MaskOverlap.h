#pragma once
// Overlap of two masks on the same grid (non-zero = inside): Dice and Jaccard (IoU).
#include <cstddef>

#include "stratum/core/Image.h"

namespace stratum::mesh {

struct MaskOverlap {
    std::size_t countA = 0;
    std::size_t countB = 0;
    std::size_t intersection = 0;
    double dice = 0.0;  // 2|A n B| / (|A| + |B|); 1 when both are empty
    double iou = 0.0;   // |A n B| / |A u B|; 1 when both are empty
};

// Throws core::InvalidArgument when the sizes differ or an image is empty/multi-component.
MaskOverlap maskOverlap(const core::Image& a, const core::Image& b);

}  // namespace stratum::mesh
