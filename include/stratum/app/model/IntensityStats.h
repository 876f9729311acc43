#pragma once
// Value distribution of an image: the basis of automatic windows and drag speed.
#include <cstddef>

#include "stratum/core/Image.h"

namespace stratum::app {

struct IntensityStats {
    double min = 0.0;
    double max = 0.0;
    double p01 = 0.0;   // 1st percentile
    double p99 = 0.0;   // 99th percentile
    double p005 = 0.0;  // 0.5th percentile
    double p995 = 0.0;  // 99.5th percentile
    std::size_t samples = 0;
};

// Percentiles from a 4096-bin histogram of component 0 (NaN ignored), on at most
// about `maxSamples` voxels taken at a regular stride. Throws core::InvalidArgument
// on an empty image.
IntensityStats intensityStats(const core::Image& image, std::size_t maxSamples = 2'000'000);

}  // namespace stratum::app
