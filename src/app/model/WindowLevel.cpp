#include "stratum/app/model/WindowLevel.h"

#include <algorithm>
#include <cmath>

namespace stratum::app {

double WindowLevel::toDisplay(double value) const {
    const double w = std::max(width, 1.0);
    const double c = center - 0.5;
    if (value <= c - (w - 1.0) / 2.0) return 0.0;
    if (value > c + (w - 1.0) / 2.0) return 255.0;
    if (w <= 1.0) return 255.0;  // a step at the centre
    return std::clamp(((value - c) / (w - 1.0) + 0.5) * 255.0, 0.0, 255.0);
}

std::uint8_t WindowLevel::toByte(double value) const {
    return static_cast<std::uint8_t>(std::lround(toDisplay(value)));
}

WindowLevel WindowLevel::dragged(double dx, double dy, double valuesPerPixel) const {
    WindowLevel w = *this;
    w.width = std::max(1.0, width + dx * valuesPerPixel);
    w.center = center + dy * valuesPerPixel;
    return w;
}

}  // namespace stratum::app
