#pragma once
// Per-label voxel counts and bounding boxes of an integer label image in one pass (internal).
#include <array>
#include <cstddef>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::mesh::detail {

struct LabelBox {
    int label = 0;
    std::size_t voxels = 0;
    std::array<std::size_t, 3> lo{0, 0, 0};  // inclusive index bounds
    std::array<std::size_t, 3> hi{0, 0, 0};
};

// Labels > 0, sorted; `sawNegative` is set when any value is < 0. Throws core::InvalidArgument
// for a float or multi-component image.
std::vector<LabelBox> labelBoxes(const core::Image& labels, const core::Task& task,
                                 bool* sawNegative = nullptr);

}  // namespace stratum::mesh::detail
