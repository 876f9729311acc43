#include "stratum/app/model/Measurement.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

#include "stratum/app/model/Reslicer.h"
#include "stratum/core/Error.h"

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

using core::Vec3;

const char* measurementKindName(MeasurementKind k) {
    switch (k) {
        case MeasurementKind::Distance:
            return "distance";
        case MeasurementKind::Angle:
            return "angle";
        case MeasurementKind::Rectangle:
            return "rectangle";
        case MeasurementKind::Ellipse:
            return "ellipse";
    }
    return "unknown";
}

int pointCount(MeasurementKind k) {
    return k == MeasurementKind::Angle ? 3 : 2;
}

double distanceMm(const Vec3& a, const Vec3& b) {
    return core::norm(b - a);
}

double angleDegrees(const Vec3& a, const Vec3& vertex, const Vec3& b) {
    const Vec3 u = a - vertex, v = b - vertex;
    const double nu = core::norm(u), nv = core::norm(v);
    if (nu < 1e-12 || nv < 1e-12) return 0.0;
    const double c = std::clamp(core::dot(u, v) / (nu * nv), -1.0, 1.0);
    return std::acos(c) * 180.0 / std::numbers::pi;
}

namespace {

std::string format(const char* fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

std::string compact(double v) {
    return format(std::abs(v) >= 1000 ? "%.0f" : "%.4g", v);
}

}  // namespace

std::string Measurement::text() const {
    switch (kind) {
        case MeasurementKind::Distance:
            return points.size() >= 2 ? format("%.1f mm", distanceMm(points[0], points[1])) : "";
        case MeasurementKind::Angle:
            return points.size() >= 3
                       ? format("%.1f\u00b0", angleDegrees(points[0], points[1], points[2]))
                       : "";
        case MeasurementKind::Rectangle:
        case MeasurementKind::Ellipse:
            if (!roi) return "";
            if (roi->pixels == 0) return "no pixels, area " + format("%.1f mm\u00b2", roi->areaMm2);
            return "mean " + compact(roi->mean) + "  SD " + compact(roi->sd) + "  min " +
                   compact(roi->min) + "  max " + compact(roi->max) + "  area " +
                   format("%.1f mm\u00b2", roi->areaMm2);
    }
    return "";
}

bool Measurement::liesOn(const SlicePlane& plane, double tolerance) const {
    if (std::abs(std::abs(core::dot(normal, plane.normal)) - 1.0) > 1e-6) return false;
    for (const Vec3& p : points)
        if (std::abs(plane.distanceTo(p)) > tolerance) return false;
    return !points.empty();
}

RoiStatistics roiStatistics(const core::Image& volume, const SlicePlane& plane,
                            MeasurementKind kind, const Vec3& corner1, const Vec3& corner2) {
    if (kind != MeasurementKind::Rectangle && kind != MeasurementKind::Ellipse)
        throw core::InvalidArgument(
            std::string("ROI statistics need a rectangle or an ellipse, not a ") +
            measurementKindName(kind));
    if (volume.empty()) throw core::InvalidArgument("ROI statistics of an empty volume");
    const auto a = plane.patientToPixel(corner1);
    const auto b = plane.patientToPixel(corner2);
    const double x0 = std::min(a[0], b[0]), x1 = std::max(a[0], b[0]);
    const double y0 = std::min(a[1], b[1]), y1 = std::max(a[1], b[1]);

    RoiStatistics s;
    s.areaMm2 = (x1 - x0) * plane.spacingX * (y1 - y0) * plane.spacingY;
    if (kind == MeasurementKind::Ellipse) s.areaMm2 *= std::numbers::pi / 4.0;

    const int px0 = std::max(0, static_cast<int>(std::ceil(x0 - 1e-9)));
    const int px1 = std::min(plane.width - 1, static_cast<int>(std::floor(x1 + 1e-9)));
    const int py0 = std::max(0, static_cast<int>(std::ceil(y0 - 1e-9)));
    const int py1 = std::min(plane.height - 1, static_cast<int>(std::floor(y1 + 1e-9)));
    if (px1 < px0 || py1 < py0) return s;

    const SlicePlane region = plane.crop(px0, py0, px1 - px0 + 1, py1 - py0 + 1);
    const int nc = volume.components();
    std::vector<float> values(region.pixelCount() * nc);
    reslice(volume, region, Interpolation::Linear, values);

    const double cx = (x0 + x1) / 2.0, cy = (y0 + y1) / 2.0;
    const double rx = (x1 - x0) / 2.0, ry = (y1 - y0) / 2.0;
    double sum = 0.0, sumSq = 0.0;
    s.min = std::numeric_limits<double>::max();
    s.max = -s.min;
    for (int y = 0; y < region.height; ++y)
        for (int x = 0; x < region.width; ++x) {
            if (kind == MeasurementKind::Ellipse) {
                if (rx <= 0.0 || ry <= 0.0) continue;
                const double dx = (px0 + x - cx) / rx, dy = (py0 + y - cy) / ry;
                if (dx * dx + dy * dy > 1.0 + 1e-9) continue;
            }
            const float* v = &values[(static_cast<std::size_t>(y) * region.width + x) * nc];
            double value = 0.0;
            for (int c = 0; c < nc; ++c) value += v[c];
            value /= nc;
            if (std::isnan(value)) continue;
            ++s.pixels;
            sum += value;
            sumSq += value * value;
            s.min = std::min(s.min, value);
            s.max = std::max(s.max, value);
        }
    if (s.pixels == 0) {
        s.min = s.max = 0.0;
        return s;
    }
    const double n = static_cast<double>(s.pixels);
    s.mean = sum / n;
    s.sd = std::sqrt(std::max(0.0, sumSq / n - s.mean * s.mean));
    return s;
}

}  // namespace stratum::app
