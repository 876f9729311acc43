#include "stratum/app/model/ViewerState.h"

#include <algorithm>
#include <cmath>

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

void ViewerState::setVolume(core::Image volume, PlaneAlignment alignment) {
    volume.geometry().validate();
    volume_ = std::move(volume);
    alignment_ = alignment;
    stats_ = intensityStats(volume_);
    display_.window = initialWindow(volume_.metadata(), stats_);
    display_.invert = false;
    buildStacks();
    const auto& s = volume_.size();
    cursor_ = volume_.geometry().indexToPatient(
        {std::floor((s[0] - 1) / 2.0), std::floor((s[1] - 1) / 2.0), std::floor((s[2] - 1) / 2.0)});
}

void ViewerState::replaceVolume(core::Image volume) {
    volume.geometry().validate();
    const core::Vec3 keep = cursor_;
    const bool hadVolume = hasVolume();
    volume_ = std::move(volume);
    stats_ = intensityStats(volume_);
    if (!hadVolume) display_.window = initialWindow(volume_.metadata(), stats_);
    buildStacks();
    setCursor(keep);
}

void ViewerState::setAlignment(PlaneAlignment alignment) {
    alignment_ = alignment;
    if (hasVolume()) buildStacks();
}

void ViewerState::buildStacks() {
    for (ViewOrientation o : kAllOrientations) {
        const core::Mat3 axes = isSingleImage() ? nativeAxes(volume_.geometry())
                                                : viewAxes(o, alignment_, volume_.geometry());
        stacks_[index(o)] = SliceStack(volume_.geometry(), axes);
    }
}

void ViewerState::setSliceIndex(ViewOrientation o, int k) {
    if (!hasVolume()) return;
    cursor_ = stack(o).moveToSlice(cursor_, k);
}

bool ViewerState::scroll(ViewOrientation o, int delta) {
    if (!hasVolume()) return false;
    const int before = sliceIndex(o);
    const int after = std::clamp(before + delta, 0, stack(o).sliceCount() - 1);
    if (after == before) return false;
    setSliceIndex(o, after);
    return true;
}

void ViewerState::setCursor(const core::Vec3& patient) {
    if (!hasVolume()) {
        cursor_ = patient;
        return;
    }
    const auto& g = volume_.geometry();
    core::Vec3 index = g.patientToIndex(patient);
    for (int a = 0; a < 3; ++a)
        index[a] = std::clamp(index[a], 0.0, static_cast<double>(g.size[a] - 1));
    // Keep the in-plane position exactly when the point was inside.
    const core::Vec3 clamped = g.indexToPatient(index);
    cursor_ = core::norm(clamped - patient) < 1e-9 ? patient : clamped;
}

std::vector<NamedWindow> ViewerState::presets() const {
    if (!hasVolume()) return {};
    return windowPresets(volume_.metadata(), stats_);
}

double ViewerState::windowDragScale() const {
    const double range =
        std::max(stats_.p99 - stats_.p01, stats_.max - stats_.min > 0 ? 1e-6 : 1.0);
    const double floor = volume_.pixelType() == core::PixelType::Float32 ? 0.01 : 0.125;
    return std::max(floor, range / 512.0);
}

}  // namespace stratum::app
