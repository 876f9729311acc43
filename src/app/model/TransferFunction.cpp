#include "stratum/app/model/TransferFunction.h"

#include <algorithm>
#include <cmath>

#include "stratum/core/Error.h"

namespace stratum::app {

const char* volumePresetName(VolumePreset p) {
    switch (p) {
        case VolumePreset::CtBone:
            return "CT bone";
        case VolumePreset::CtSoftTissue:
            return "CT soft tissue";
        case VolumePreset::CtAngiography:
            return "CT angiography";
        case VolumePreset::Mr:
            return "MR";
    }
    return "unknown";
}

VolumePreset volumePresetFromName(const std::string& name) {
    for (VolumePreset p : kAllVolumePresets)
        if (name == volumePresetName(p)) return p;
    throw core::InvalidArgument("unknown volume rendering preset '" + name +
                                "' (expected CT bone, CT soft tissue, CT angiography or MR)");
}

TransferFunction::TransferFunction(std::vector<TransferPoint> points) : points_(std::move(points)) {
    std::sort(points_.begin(), points_.end(),
              [](const TransferPoint& a, const TransferPoint& b) { return a.value < b.value; });
    validate();
}

void TransferFunction::validate() const {
    for (std::size_t i = 0; i < points_.size(); ++i) {
        const TransferPoint& p = points_[i];
        if (!std::isfinite(p.value))
            throw core::InvalidArgument("transfer function: non-finite point value");
        for (double c : {p.r, p.g, p.b, p.opacity})
            if (!(c >= 0.0 && c <= 1.0))
                throw core::InvalidArgument(
                    "transfer function: colour and opacity of the point at " +
                    std::to_string(p.value) + " must lie in [0, 1]");
        if (i > 0 && points_[i - 1].value == p.value)
            throw core::InvalidArgument("transfer function: two points at value " +
                                        std::to_string(p.value));
    }
}

TransferFunction TransferFunction::preset(VolumePreset p, const IntensityStats& stats) {
    switch (p) {
        case VolumePreset::CtBone:
            return TransferFunction({{-1024, 0, 0, 0, 0},
                                     {150, 0.55, 0.25, 0.15, 0},
                                     {300, 0.9, 0.7, 0.55, 0.15},
                                     {700, 1, 0.95, 0.85, 0.6},
                                     {1500, 1, 1, 1, 0.8}});
        case VolumePreset::CtSoftTissue:
            return TransferFunction({{-1024, 0, 0, 0, 0},
                                     {-150, 0.75, 0.5, 0.4, 0},
                                     {40, 0.9, 0.6, 0.5, 0.12},
                                     {120, 1, 0.85, 0.75, 0.3},
                                     {400, 1, 1, 0.95, 0.5}});
        case VolumePreset::CtAngiography:
            return TransferFunction({{-1024, 0, 0, 0, 0},
                                     {120, 0.5, 0.05, 0.05, 0},
                                     {200, 0.85, 0.2, 0.15, 0.35},
                                     {400, 1, 0.85, 0.7, 0.6},
                                     {1200, 1, 1, 1, 0.8}});
        case VolumePreset::Mr: {
            const double lo = stats.p01;
            const double range = stats.p99 > stats.p01 ? stats.p99 - stats.p01 : 1.0;
            return TransferFunction({{lo, 0, 0, 0, 0},
                                     {lo + 0.2 * range, 0.6, 0.45, 0.4, 0},
                                     {lo + 0.5 * range, 0.85, 0.7, 0.6, 0.2},
                                     {lo + range, 1, 0.95, 0.9, 0.6}});
        }
    }
    throw core::InvalidArgument("unknown volume rendering preset");
}

TransferPoint TransferFunction::evaluate(double value) const {
    if (points_.empty()) return {value, 0, 0, 0, 0};
    if (value <= points_.front().value)
        return {value, points_.front().r, points_.front().g, points_.front().b,
                points_.front().opacity};
    if (value >= points_.back().value)
        return {value, points_.back().r, points_.back().g, points_.back().b,
                points_.back().opacity};
    const auto hi = std::upper_bound(points_.begin(), points_.end(), value,
                                     [](double v, const TransferPoint& p) { return v < p.value; });
    const TransferPoint& b = *hi;
    const TransferPoint& a = *(hi - 1);
    const double t = (value - a.value) / (b.value - a.value);
    const auto mix = [t](double x, double y) { return x + t * (y - x); };
    return {value, mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b), mix(a.opacity, b.opacity)};
}

void TransferFunction::setPoint(std::size_t index, const TransferPoint& p) {
    if (index >= points_.size())
        throw core::InvalidArgument("transfer function: no point " + std::to_string(index));
    std::vector<TransferPoint> copy = points_;
    copy[index] = p;
    *this = TransferFunction(std::move(copy));
}

void TransferFunction::insert(const TransferPoint& p) {
    std::vector<TransferPoint> copy = points_;
    copy.push_back(p);
    *this = TransferFunction(std::move(copy));
}

void TransferFunction::remove(std::size_t index) {
    if (index >= points_.size())
        throw core::InvalidArgument("transfer function: no point " + std::to_string(index));
    points_.erase(points_.begin() + static_cast<std::ptrdiff_t>(index));
}

void TransferFunction::shift(double delta) {
    for (TransferPoint& p : points_) p.value += delta;
}

void TransferFunction::scaleOpacity(double factor) {
    for (TransferPoint& p : points_) p.opacity = std::clamp(p.opacity * factor, 0.0, 1.0);
}

}  // namespace stratum::app
