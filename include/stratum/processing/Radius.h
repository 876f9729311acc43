#pragma once
// Per-axis radius of a neighbourhood, in voxels: a window of (2x+1) x (2y+1) x (2z+1).
#include <array>
#include <string>

namespace stratum::processing {

using Radius = std::array<int, 3>;  // x (index i), y (j), z (k)

// "2x2x1"-style text for messages and logs.
std::string radiusText(const Radius& r);

}  // namespace stratum::processing
