#pragma once
// Small grey previews of images for the study browser.
#include <cstdint>
#include <vector>

#include "stratum/core/Image.h"

namespace stratum::app {

struct GreyThumbnail {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  // rows top to bottom
};

// The middle slice of `image` (k = size/2, as stored), auto-windowed, box-filtered
// down so the longer side is at most `maxSize` pixels, keeping the physical aspect
// ratio (pixel spacing). RGB images are shown by their mean.
GreyThumbnail makeThumbnail(const core::Image& image, int maxSize = 64);

}  // namespace stratum::app
