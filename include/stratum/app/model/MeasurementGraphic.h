#pragma once
// A measurement as a view draws it: a polyline in the view's plane coordinates
// (SliceStack::planeCoordinates) and a label with its anchor.
#include <array>
#include <string>
#include <vector>

#include "stratum/app/model/Measurement.h"
#include "stratum/app/model/SliceStack.h"

namespace stratum::app {

struct MeasurementGraphic {
    std::vector<std::array<double, 2>> points;
    bool closed = false;
    std::string label;
    std::array<double, 2> labelAt{0, 0};  // bottom-left of the label
    bool pending = false;                 // being drawn
};

// Distances and angles as polylines through their points (label at the end point, or
// at an angle's vertex); rectangles as their 4 corners, ellipses as 64 points on the
// ellipse inscribed in the rectangle (label above the top-left corner). `offset`:
// how far (mm) labels sit from their point.
MeasurementGraphic measurementGraphic(MeasurementKind kind, const std::vector<core::Vec3>& points,
                                      std::string label, const SliceStack& stack, double offset,
                                      bool pending = false);

// A measurement's text for a view: ROI statistics on three short lines.
std::string viewLabel(const Measurement& m);

}  // namespace stratum::app
