#pragma once
// The six standard views of a 3D scene in patient coordinates (LPS: +x left,
// +y posterior, +z superior), as camera poses: "anterior" looks at the patient's front
// (the camera stands anterior, at -y), "left" at the patient's left side (camera at +x),
// "superior" from above (camera at +z)... Head up (+z) in the side views; anterior up
// in the superior and inferior views. Qt- and VTK-free.
#include <array>
#include <optional>
#include <string>

#include "stratum/core/Geometry.h"

namespace stratum::app {

enum class StandardView { Anterior, Posterior, Left, Right, Superior, Inferior };
inline constexpr StandardView kAllStandardViews[] = {
    StandardView::Anterior, StandardView::Posterior, StandardView::Left,
    StandardView::Right,    StandardView::Superior,  StandardView::Inferior};
const char* standardViewName(StandardView v);  // "anterior", ...

struct CameraPose {
    core::Vec3 position{0, 0, 1};
    core::Vec3 focalPoint{0, 0, 0};
    core::Vec3 viewUp{0, 1, 0};
};

// Unit vector from the focal point towards the camera for a standard view.
core::Vec3 standardViewDirection(StandardView v);
core::Vec3 standardViewUp(StandardView v);

// A pose looking at the centre of `bounds` (xmin, xmax, ymin, ymax, zmin, zmax) from
// the standard direction, far enough that the bounding sphere fits a perspective
// camera of `viewAngleDegrees` (vertical). Throws core::InvalidArgument for empty bounds.
CameraPose standardViewPose(StandardView v, const std::array<double, 6>& bounds,
                            double viewAngleDegrees = 30.0);

// The standard view whose direction is within `toleranceDegrees` of the camera's
// direction of projection (focal point minus position, reversed), if any.
std::optional<StandardView> matchStandardView(const CameraPose& pose,
                                              double toleranceDegrees = 1.0);

// A pose turned by `degrees` about the axis through the focal point along `axis`
// (right-handed), for turntable sequences.
CameraPose rotatePose(const CameraPose& pose, const core::Vec3& axis, double degrees);

}  // namespace stratum::app
