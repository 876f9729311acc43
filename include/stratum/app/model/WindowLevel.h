#pragma once
// Window/level: the linear mapping of stored values (HU for CT) to display grey.
#include <cstdint>

namespace stratum::app {

struct WindowLevel {
    double center = 127.5;
    double width = 256.0;  // at least 1

    // DICOM PS3.3 C.11.2.1.2.1 (linear VOI LUT) onto [0, 255]:
    //   v <= c - 0.5 - (w-1)/2 -> 0;  v > c - 0.5 + (w-1)/2 -> 255;
    //   else ((v - (c - 0.5)) / (w - 1) + 0.5) * 255.
    double toDisplay(double value) const;
    std::uint8_t toByte(double value) const;
    // Lowest and highest values that are not clipped.
    double lower() const { return center - 0.5 - (width - 1.0) / 2.0; }
    double upper() const { return center - 0.5 + (width - 1.0) / 2.0; }

    // The window after a mouse drag of (dx, dy) screen pixels: right widens the window,
    // down raises the level (darker image). `valuesPerPixel` scales the drag (e.g. a
    // fraction of the image's value range); the width never goes below 1.
    WindowLevel dragged(double dx, double dy, double valuesPerPixel) const;

    bool operator==(const WindowLevel&) const = default;
};

}  // namespace stratum::app
