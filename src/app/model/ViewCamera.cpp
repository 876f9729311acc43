#include "stratum/app/model/ViewCamera.h"

#include <algorithm>
#include <cmath>

#include "stratum/core/Error.h"

namespace stratum::app {

namespace {
constexpr double kMinZoom = 1e-3;
constexpr double kMaxZoom = 1e3;
}  // namespace

void ViewCamera::setViewport(int width, int height) {
    viewportWidth_ = std::max(1, width);
    viewportHeight_ = std::max(1, height);
}

void ViewCamera::fit(double u0, double v0, double u1, double v1, double margin) {
    const double w = std::max(std::abs(u1 - u0), 1e-6), h = std::max(std::abs(v1 - v0), 1e-6);
    const double free = std::clamp(1.0 - 2.0 * margin, 0.1, 1.0);
    setPixelsPerMm(std::min(viewportWidth_ * free / w, viewportHeight_ * free / h));
    centerU_ = (u0 + u1) / 2.0;
    centerV_ = (v0 + v1) / 2.0;
}

std::array<double, 2> ViewCamera::screenToPlane(double x, double y) const {
    return {centerU_ + (x - viewportWidth_ / 2.0) / zoom_,
            centerV_ + (y - viewportHeight_ / 2.0) / zoom_};
}

std::array<double, 2> ViewCamera::planeToScreen(double u, double v) const {
    return {(u - centerU_) * zoom_ + viewportWidth_ / 2.0,
            (v - centerV_) * zoom_ + viewportHeight_ / 2.0};
}

void ViewCamera::zoomAbout(double factor, double x, double y) {
    if (!(factor > 0.0)) throw core::InvalidArgument("zoom factor must be positive");
    const auto fixed = screenToPlane(x, y);
    setPixelsPerMm(zoom_ * factor);
    // Keep `fixed` under (x, y).
    centerU_ = fixed[0] - (x - viewportWidth_ / 2.0) / zoom_;
    centerV_ = fixed[1] - (y - viewportHeight_ / 2.0) / zoom_;
}

void ViewCamera::panBy(double dx, double dy) {
    centerU_ -= dx / zoom_;
    centerV_ -= dy / zoom_;
}

void ViewCamera::setPixelsPerMm(double zoom) {
    zoom_ = std::clamp(zoom, kMinZoom, kMaxZoom);
}

}  // namespace stratum::app
