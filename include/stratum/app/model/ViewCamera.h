#pragma once
// Zoom and pan of a 2D view: maps plane coordinates (mm along the view's right and
// down axes, SliceStack::planeCoordinates) to viewport pixels (origin top-left).
#include <array>

namespace stratum::app {

class ViewCamera {
public:
    void setViewport(int width, int height);
    int viewportWidth() const noexcept { return viewportWidth_; }
    int viewportHeight() const noexcept { return viewportHeight_; }

    // Shows the rectangle [u0, u1] x [v0, v1] (mm) whole and centred, leaving `margin`
    // (fraction of the viewport) free around it.
    void fit(double u0, double v0, double u1, double v1, double margin = 0.02);

    std::array<double, 2> screenToPlane(double x, double y) const;
    std::array<double, 2> planeToScreen(double u, double v) const;

    // Multiplies the zoom by `factor` keeping the plane point under (x, y) fixed.
    void zoomAbout(double factor, double x, double y);
    // Moves the picture by (dx, dy) screen pixels.
    void panBy(double dx, double dy);

    double pixelsPerMm() const noexcept { return zoom_; }
    std::array<double, 2> center() const noexcept { return {centerU_, centerV_}; }
    void setCenter(double u, double v) { centerU_ = u, centerV_ = v; }
    void setPixelsPerMm(double zoom);

private:
    int viewportWidth_ = 1, viewportHeight_ = 1;
    double zoom_ = 1.0;  // screen pixels per mm
    double centerU_ = 0.0, centerV_ = 0.0;
};

}  // namespace stratum::app
