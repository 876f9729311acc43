#pragma once
// 2D measurements drawn on a view, stored in patient coordinates.
#include <optional>
#include <string>
#include <vector>

#include "stratum/app/model/SlicePlane.h"
#include "stratum/core/Geometry.h"
#include "stratum/core/Image.h"

namespace stratum::app {

enum class MeasurementKind { Distance, Angle, Rectangle, Ellipse };
const char* measurementKindName(MeasurementKind k);  // "distance", "angle", ...
// Points a measurement needs: distance 2, angle 3 (the vertex second), ROIs 2 corners.
int pointCount(MeasurementKind k);

// Statistics of the pixels of a region of interest on a slice.
struct RoiStatistics {
    std::size_t pixels = 0;  // pixel centres inside the region (and inside the volume)
    double mean = 0.0;
    double sd = 0.0;  // population standard deviation
    double min = 0.0;
    double max = 0.0;
    double areaMm2 = 0.0;  // area of the drawn shape
};

struct Measurement {
    int id = 0;
    MeasurementKind kind = MeasurementKind::Distance;
    std::vector<core::Vec3> points;    // patient (mm, LPS)
    core::Vec3 normal{0, 0, 1};        // normal of the view it was drawn on
    std::optional<RoiStatistics> roi;  // ROIs: computed when drawn

    // "23.4 mm", "87.1°", "mean 40.2 SD 3.1 min 30 max 51 area 120.5 mm²"
    std::string text() const;
    // True when the measurement lies on `plane` (parallel, every point within
    // `tolerance` mm of it).
    bool liesOn(const SlicePlane& plane, double tolerance) const;
};

double distanceMm(const core::Vec3& a, const core::Vec3& b);
// Angle at `vertex` between the rays to a and b, in degrees [0, 180]. 0 when a ray is empty.
double angleDegrees(const core::Vec3& a, const core::Vec3& vertex, const core::Vec3& b);

// Statistics of component 0 of `volume` (the mean of the components for RGB) sampled
// on `plane`'s pixel grid inside the rectangle, or the ellipse inscribed in it, whose
// opposite corners are `corner1` and `corner2` (projected onto the plane). A pixel
// belongs to the region when its centre does. The area is the shape's own
// (width x height, or pi/4 width x height).
RoiStatistics roiStatistics(const core::Image& volume, const SlicePlane& plane,
                            MeasurementKind kind, const core::Vec3& corner1,
                            const core::Vec3& corner2);

}  // namespace stratum::app
