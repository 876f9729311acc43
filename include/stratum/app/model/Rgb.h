#pragma once
#include <cstdint>

namespace stratum::app {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Rgb&) const = default;
};

}  // namespace stratum::app
