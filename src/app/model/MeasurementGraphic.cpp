#include "stratum/app/model/MeasurementGraphic.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace stratum::app {

namespace {
constexpr int kEllipsePoints = 64;
}

MeasurementGraphic measurementGraphic(MeasurementKind kind, const std::vector<core::Vec3>& points,
                                      std::string label, const SliceStack& stack, double offset,
                                      bool pending) {
    MeasurementGraphic g;
    g.pending = pending;
    g.label = std::move(label);
    std::vector<std::array<double, 2>> p;
    for (const core::Vec3& x : points) p.push_back(stack.planeCoordinates(x));
    if (p.empty()) return g;
    if (kind == MeasurementKind::Distance || kind == MeasurementKind::Angle) {
        g.points = p;
        const auto& at = kind == MeasurementKind::Angle && p.size() >= 2 ? p[1] : p.back();
        g.labelAt = {at[0] + offset, at[1] - offset};
        return g;
    }
    if (p.size() < 2) return g;
    const double u0 = std::min(p[0][0], p[1][0]), u1 = std::max(p[0][0], p[1][0]);
    const double v0 = std::min(p[0][1], p[1][1]), v1 = std::max(p[0][1], p[1][1]);
    g.closed = true;
    if (kind == MeasurementKind::Rectangle) {
        g.points = {{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}};
    } else {
        const double cu = (u0 + u1) / 2, cv = (v0 + v1) / 2, ru = (u1 - u0) / 2, rv = (v1 - v0) / 2;
        for (int i = 0; i < kEllipsePoints; ++i) {
            const double a = 2 * std::numbers::pi * i / kEllipsePoints;
            g.points.push_back({cu + ru * std::cos(a), cv + rv * std::sin(a)});
        }
    }
    g.labelAt = {u0, v0 - offset / 2};
    return g;
}

std::string viewLabel(const Measurement& m) {
    std::string text = m.text();
    for (const char* key : {"  min ", "  area "}) {
        const auto at = text.find(key);
        if (at != std::string::npos) text.replace(at, 2, "\n");
    }
    return text;
}

}  // namespace stratum::app
