#include "stratum/app/model/SlicePlane.h"

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

core::Vec3 SlicePlane::pixelToPatient(double x, double y) const {
    return origin + (x * spacingX) * right + (y * spacingY) * down;
}

std::array<double, 2> SlicePlane::patientToPixel(const core::Vec3& p) const {
    const core::Vec3 d = p - origin;
    return {core::dot(d, right) / spacingX, core::dot(d, down) / spacingY};
}

double SlicePlane::distanceTo(const core::Vec3& p) const {
    return core::dot(p - origin, normal);
}

SlicePlane SlicePlane::crop(int x0, int y0, int w, int h) const {
    SlicePlane c = *this;
    c.origin = pixelToPatient(x0, y0);
    c.width = w;
    c.height = h;
    return c;
}

}  // namespace stratum::app
