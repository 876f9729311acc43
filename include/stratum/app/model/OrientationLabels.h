#pragma once
// Orientation letters for the edges of a view.
#include <string>

#include "stratum/core/Geometry.h"

namespace stratum::app {

// Letters of the patient directions a unit vector points to (LPS: +x L, -x R, +y P,
// -y A, +z S, -z I), largest component first, components below `threshold` left out:
// (1,0,0) -> "L"; (0.94, -0.34, 0) -> "LA".
std::string directionLabel(const core::Vec3& direction, double threshold = 0.2);

struct EdgeLabels {
    std::string left, right, top, bottom;
    bool operator==(const EdgeLabels&) const = default;
};

// The plane a view normal belongs to: "axial" (along S/I), "coronal" (A/P),
// "sagittal" (L/R), or "oblique" when more than `toleranceDegrees` off all three.
std::string planeOfNormal(const core::Vec3& normal, double toleranceDegrees = 1.0);

// Labels of the four edges of a view whose screen axes are `right` and `down`.
EdgeLabels edgeLabels(const core::Vec3& right, const core::Vec3& down, double threshold = 0.2);

}  // namespace stratum::app
