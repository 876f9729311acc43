#include "stratum/app/model/StandardView.h"

#include <cmath>
#include <numbers>

#include "stratum/core/Error.h"

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

const char* standardViewName(StandardView v) {
    switch (v) {
        case StandardView::Anterior:
            return "anterior";
        case StandardView::Posterior:
            return "posterior";
        case StandardView::Left:
            return "left";
        case StandardView::Right:
            return "right";
        case StandardView::Superior:
            return "superior";
        case StandardView::Inferior:
            return "inferior";
    }
    return "unknown";
}

core::Vec3 standardViewDirection(StandardView v) {
    switch (v) {
        case StandardView::Anterior:
            return {0, -1, 0};
        case StandardView::Posterior:
            return {0, 1, 0};
        case StandardView::Left:
            return {1, 0, 0};
        case StandardView::Right:
            return {-1, 0, 0};
        case StandardView::Superior:
            return {0, 0, 1};
        case StandardView::Inferior:
            return {0, 0, -1};
    }
    return {0, -1, 0};
}

core::Vec3 standardViewUp(StandardView v) {
    // Side views: head up. Views from above or below: anterior (-y) up.
    return v == StandardView::Superior || v == StandardView::Inferior ? core::Vec3{0, -1, 0}
                                                                      : core::Vec3{0, 0, 1};
}

CameraPose standardViewPose(StandardView v, const std::array<double, 6>& b,
                            double viewAngleDegrees) {
    if (!(b[1] >= b[0] && b[3] >= b[2] && b[5] >= b[4]))
        throw core::InvalidArgument("standard view: empty or invalid scene bounds");
    if (!(viewAngleDegrees > 0 && viewAngleDegrees < 180))
        throw core::InvalidArgument("standard view: view angle must lie in (0, 180) degrees");
    const core::Vec3 centre{(b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2};
    const double radius =
        std::max(0.5 * std::sqrt((b[1] - b[0]) * (b[1] - b[0]) + (b[3] - b[2]) * (b[3] - b[2]) +
                                 (b[5] - b[4]) * (b[5] - b[4])),
                 1.0);
    const double distance = radius / std::sin(viewAngleDegrees * std::numbers::pi / 360.0);
    CameraPose pose;
    pose.focalPoint = centre;
    pose.position = centre + distance * standardViewDirection(v);
    pose.viewUp = standardViewUp(v);
    return pose;
}

std::optional<StandardView> matchStandardView(const CameraPose& pose, double toleranceDegrees) {
    const core::Vec3 d = pose.position - pose.focalPoint;
    if (core::norm(d) == 0.0) return std::nullopt;
    const core::Vec3 u = core::normalized(d);
    const double cosTol = std::cos(toleranceDegrees * std::numbers::pi / 180.0);
    for (StandardView v : kAllStandardViews)
        if (core::dot(u, standardViewDirection(v)) >= cosTol) return v;
    return std::nullopt;
}

namespace {
// Rodrigues' rotation of v about unit axis k.
core::Vec3 rotate(const core::Vec3& v, const core::Vec3& k, double radians) {
    const double c = std::cos(radians), s = std::sin(radians);
    return c * v + s * core::cross(k, v) + (core::dot(k, v) * (1 - c)) * k;
}
}  // namespace

CameraPose rotatePose(const CameraPose& pose, const core::Vec3& axis, double degrees) {
    if (core::norm(axis) == 0.0) throw core::InvalidArgument("rotatePose: zero axis");
    const core::Vec3 k = core::normalized(axis);
    const double a = degrees * std::numbers::pi / 180.0;
    CameraPose out = pose;
    out.position = pose.focalPoint + rotate(pose.position - pose.focalPoint, k, a);
    out.viewUp = rotate(pose.viewUp, k, a);
    return out;
}

}  // namespace stratum::app
