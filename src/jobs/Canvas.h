#pragma once
// A small RGB raster for plots and overlays (internal to jobs): filled rectangles,
// lines, markers and text in a built-in 5x7 bitmap font (upper case, digits, common
// punctuation; lower case is drawn as upper case).
#include <cstdint>
#include <string_view>
#include <vector>

#include "stratum/core/Image.h"

namespace stratum::jobs::detail {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
};

class Canvas {
public:
    Canvas(int width, int height, Rgb background);
    int width() const { return width_; }
    int height() const { return height_; }

    void set(int x, int y, Rgb c);
    // c over the pixel with opacity alpha in [0, 1].
    void blend(int x, int y, Rgb c, double alpha);
    Rgb get(int x, int y) const;
    // [x0, x1) x [y0, y1), clipped.
    void fillRect(int x0, int y0, int x1, int y1, Rgb c);
    void strokeRect(int x0, int y0, int x1, int y1, Rgb c);
    // A line of `thickness` pixels; `dash` > 0 draws dashes of that many pixels.
    void line(double x0, double y0, double x1, double y1, Rgb c, int thickness = 1, int dash = 0);
    void disc(double cx, double cy, double radius, Rgb c);
    // Text with its top-left corner at (x, y); each font pixel is scale x scale.
    void text(int x, int y, std::string_view s, Rgb c, int scale = 1);
    static int textWidth(std::string_view s, int scale = 1);
    static int textHeight(int scale = 1);

    core::Image toImage() const;  // 2D RGB uint8

private:
    int width_, height_;
    std::vector<std::uint8_t> pixels_;
};

// "Jet"-style colour map: 0 dark blue, 0.375 cyan, 0.625 yellow, 1 dark red.
Rgb jetColour(double value);

}  // namespace stratum::jobs::detail
