#pragma once
// A measurement being drawn with the mouse. Distances and ROIs are one drag (press,
// move, release); an angle takes three presses, the vertex second. The last point
// follows the mouse until it is fixed.
#include <string>
#include <vector>

#include "stratum/app/model/Measurement.h"
#include "stratum/app/model/ViewOrientation.h"

namespace stratum::app {

class MeasurementDraft {
public:
    bool active() const noexcept { return !points_.empty(); }
    MeasurementKind kind() const noexcept { return kind_; }
    ViewOrientation view() const noexcept { return view_; }
    const std::vector<core::Vec3>& points() const noexcept { return points_; }

    // A press at `p` on the plane of view `o`. Starts a measurement of `kind` (or, for an
    // angle already begun on that view, fixes its next point). True when the
    // measurement is complete (an angle's third press).
    bool press(MeasurementKind kind, ViewOrientation o, const core::Vec3& p);
    // The mouse moved to `p`: the point being placed follows.
    void move(const core::Vec3& p);
    // The end of a drag of `dragPixels` on screen. A distance or ROI is complete when the
    // drag was at least `minPixels` long, otherwise dropped (a click adds nothing); an
    // angle goes on. True when complete.
    bool release(double dragPixels, double minPixels);
    // The finished measurement on `plane` (ROIs with their statistics from `volume`);
    // the draft is emptied.
    Measurement finish(const core::Image& volume, const SlicePlane& plane);
    void cancel() { points_.clear(); }
    // What to show while drawing: the distance, the angle once it has three points.
    std::string liveText() const;

private:
    MeasurementKind kind_ = MeasurementKind::Distance;
    ViewOrientation view_ = ViewOrientation::Axial;
    std::vector<core::Vec3> points_;
};

}  // namespace stratum::app
