#pragma once
// Connected components of a binary set by runs (internal): the voxels of each x-row
// that belong to the set form runs; runs of neighbouring rows that touch are merged
// with union-find. Components are numbered in the order of their first voxel in
// x-fastest scan order.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::processing::detail {

struct Run {
    std::uint32_t x0, x1;  // [x0, x1)
    std::size_t row;       // z * ny + y
};

struct RunComponents {
    std::vector<Run> runs;                 // in scan order
    std::vector<std::uint32_t> component;  // per run, 0-based, in order of first appearance
    std::vector<std::size_t> sizes;        // voxels per component
    std::vector<bool> touchesBorder;       // per component (axes of one voxel have no border)
};

// The set: voxels equal to `foreground`, or (complement) different from it.
// fullyConnected: 26/8-connectivity, else 6/4.
RunComponents labelRuns(const core::Image& image, double foreground, bool complement,
                        bool fullyConnected, const core::Task& task);

}  // namespace stratum::processing::detail
