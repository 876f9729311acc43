#pragma once
// What lies under the cursor: patient position, voxel and value.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "stratum/core/Image.h"

namespace stratum::app {

struct PixelReadout {
    core::Vec3 patient{0, 0, 0};                 // mm, LPS
    core::Vec3 index{0, 0, 0};                   // continuous voxel index
    std::array<std::int64_t, 3> voxel{0, 0, 0};  // nearest voxel
    bool inside = false;                         // the nearest voxel exists
    std::vector<double> values;                  // its components (empty outside)
    std::string units;                           // e.g. "HU"
};

PixelReadout readPixel(const core::Image& volume, const core::Vec3& patient);

// "L 12.3  P -45.6  S 7.0 mm   voxel (90, 108, 45)   value 123 HU" or, outside,
// the position alone. Patient coordinates signed in LPS.
std::string formatReadout(const PixelReadout& r);

}  // namespace stratum::app
