#pragma once
// Connected components of a binary object (voxels equal to `foreground`).
// Connectivity: faces only (6 in 3D, 4 in 2D) or, with fullyConnected, faces, edges and
// corners (26 / 8), as ITK's ConnectedComponentImageFilter.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::processing {

struct ComponentLabels {
    // uint16 labels: 0 background, 1 the largest component, 2 the next... (ties: the one
    // met first in x-fastest scan order first), as ITK's ConnectedComponent +
    // RelabelComponent filters.
    core::Image labels;
    std::vector<std::size_t> sizes;  // voxels of label 1, 2, ...
};

// Throws core::InvalidArgument when there are more than 65535 components.
ComponentLabels connectedComponents(const core::Image& image, double foreground = 1.0,
                                    bool fullyConnected = false, const core::Task& task = {});

// The object reduced to its largest component: other object voxels become `background`;
// non-object voxels keep their value.
core::Image keepLargestComponent(const core::Image& image, double foreground = 1.0,
                                 double background = 0.0, bool fullyConnected = false,
                                 const core::Task& task = {});

// Components of fewer than `minVoxels` voxels become `background`.
core::Image removeSmallComponents(const core::Image& image, std::size_t minVoxels,
                                  double foreground = 1.0, double background = 0.0,
                                  bool fullyConnected = false, const core::Task& task = {});

}  // namespace stratum::processing
