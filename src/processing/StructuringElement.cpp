#include "stratum/processing/StructuringElement.h"

#include <cmath>
#include <cstdlib>

#include "Checks.h"

namespace stratum::processing {

std::string radiusText(const Radius& r) {
    return std::to_string(r[0]) + "x" + std::to_string(r[1]) + "x" + std::to_string(r[2]);
}

const char* shapeName(Shape s) {
    switch (s) {
        case Shape::Ball:
            return "ball";
        case Shape::Box:
            return "box";
        case Shape::Cross:
            return "cross";
    }
    return "?";
}

Shape shapeFromName(const std::string& name) {
    if (name == "ball") return Shape::Ball;
    if (name == "box") return Shape::Box;
    if (name == "cross") return Shape::Cross;
    throw core::InvalidArgument("unknown structuring element '" + name + "' (ball, box or cross)");
}

StructuringElement::StructuringElement(Shape shape, const Radius& radius)
    : shape_(shape), radius_(radius) {
    detail::requireRadius(radius, "structuring element");
    for (int dz = -radius[2]; dz <= radius[2]; ++dz)
        for (int dy = -radius[1]; dy <= radius[1]; ++dy) {
            // Each x-row is a centred run: its half width is the largest dx inside.
            int w = -1;
            for (int dx = 0; dx <= radius[0] && contains(dx, dy, dz); ++dx) w = dx;
            if (w >= 0) chords_.push_back({dy, dz, w});
        }
}

bool StructuringElement::contains(int dx, int dy, int dz) const {
    const int d[3] = {dx, dy, dz};
    for (int a = 0; a < 3; ++a)
        if (std::abs(d[a]) > radius_[a]) return false;
    switch (shape_) {
        case Shape::Box:
            return true;
        case Shape::Cross:
            return (dx != 0) + (dy != 0) + (dz != 0) <= 1;
        case Shape::Ball: {
            // ITK: an ellipsoid with axes 2r+1 centred on the middle voxel, tested at voxel
            // centres.
            double sum = 0.0;
            for (int a = 0; a < 3; ++a) {
                const double q = d[a] / (0.5 * (2.0 * radius_[a] + 1.0));
                sum += q * q;
            }
            return sum <= 1.0;
        }
    }
    return false;
}

std::size_t StructuringElement::voxelCount() const {
    std::size_t n = 0;
    for (const Chord& c : chords_) n += static_cast<std::size_t>(2 * c.halfWidth + 1);
    return n;
}

std::string StructuringElement::text() const {
    return std::string(shapeName(shape_)) + " " + radiusText(radius_);
}

}  // namespace stratum::processing
