#include "stratum/app/model/MeasurementDraft.h"

namespace stratum::app {

bool MeasurementDraft::press(MeasurementKind kind, ViewOrientation o, const core::Vec3& p) {
    if (kind == MeasurementKind::Angle && active() && kind_ == kind && view_ == o) {
        points_.back() = p;
        if (points_.size() == 3) return true;
        points_.push_back(p);  // the next point follows the mouse
        return false;
    }
    kind_ = kind;
    view_ = o;
    points_ = {p, p};
    return false;
}

void MeasurementDraft::move(const core::Vec3& p) {
    if (active()) points_.back() = p;
}

bool MeasurementDraft::release(double dragPixels, double minPixels) {
    if (!active() || kind_ == MeasurementKind::Angle) return false;
    if (dragPixels < minPixels) {
        cancel();
        return false;
    }
    return true;
}

Measurement MeasurementDraft::finish(const core::Image& volume, const SlicePlane& plane) {
    Measurement m;
    m.kind = kind_;
    m.points = points_;
    m.normal = plane.normal;
    if ((m.kind == MeasurementKind::Rectangle || m.kind == MeasurementKind::Ellipse) &&
        m.points.size() >= 2)
        m.roi = roiStatistics(volume, plane, m.kind, m.points[0], m.points[1]);
    cancel();
    return m;
}

std::string MeasurementDraft::liveText() const {
    if (kind_ == MeasurementKind::Distance ||
        (kind_ == MeasurementKind::Angle && points_.size() == 3)) {
        Measurement m;
        m.kind = kind_;
        m.points = points_;
        return m.text();
    }
    return {};
}

}  // namespace stratum::app
