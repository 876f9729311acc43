#pragma once
// A rectangular grid of pixels lying on a plane in patient space: what one view shows.
#include <array>

#include "stratum/core/Geometry.h"

namespace stratum::app {

struct SlicePlane {
    core::Vec3 origin{0, 0, 0};  // patient position (mm, LPS) of the centre of pixel (0, 0)
    core::Vec3 right{1, 0, 0};   // unit vector of increasing pixel x (screen right)
    core::Vec3 down{0, 1, 0};    // unit vector of increasing pixel y (screen down)
    core::Vec3 normal{0, 0, 1};  // right x down: into the screen
    double spacingX = 1.0;       // mm between pixel centres along x
    double spacingY = 1.0;       // mm between pixel centres along y
    int width = 0;
    int height = 0;

    // Continuous pixel coordinates -> patient position.
    core::Vec3 pixelToPatient(double x, double y) const;
    // Patient position -> continuous pixel coordinates of its projection on the plane.
    std::array<double, 2> patientToPixel(const core::Vec3& p) const;
    // Signed distance (mm) of `p` from the plane along the normal.
    double distanceTo(const core::Vec3& p) const;
    // The sub-grid of pixels [x0, x0+w) x [y0, y0+h) (same spacing and axes).
    SlicePlane crop(int x0, int y0, int w, int h) const;
    std::size_t pixelCount() const { return static_cast<std::size_t>(width) * height; }
};

}  // namespace stratum::app
