#include "stratum/mesh/ProjectionGeometry.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "stratum/core/Error.h"

namespace stratum::mesh {

// Vec3 is a std::array: bring core's vector operators into scope.
using core::operator+;
using core::operator-;
using core::operator*;
namespace {

constexpr double kFar = 1.0e7;  // mm: "from far before" for parallel rays
constexpr std::size_t kMaxDetectorPixels = 2048;

std::string vecText(const core::Vec3& v) {
    return "(" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ", " + std::to_string(v[2]) +
           ")";
}

// Largest distance from `centre` to a corner of the volume's voxel box (voxel edges included).
double boundingRadius(const core::Geometry& volume, const core::Vec3& centre) {
    double radius = 0.0;
    for (int corner = 0; corner < 8; ++corner) {
        const core::Vec3 index{(corner & 1) ? volume.size[0] - 0.5 : -0.5,
                               (corner & 2) ? volume.size[1] - 0.5 : -0.5,
                               (corner & 4) ? volume.size[2] - 0.5 : -0.5};
        radius = std::max(radius, core::norm(volume.indexToPatient(index) - centre));
    }
    return radius;
}

}  // namespace

const char* projectionKindName(ProjectionKind k) {
    return k == ProjectionKind::Cone ? "cone" : "parallel";
}

void ProjectionGeometry::validate() const {
    if (columns == 0 || rows == 0)
        throw core::InvalidArgument("projection: the detector has no pixels");
    if (!(columnSpacing > 0.0 && rowSpacing > 0.0 && std::isfinite(columnSpacing) &&
          std::isfinite(rowSpacing)))
        throw core::InvalidArgument("projection: detector pixel spacing must be > 0 mm");
    if (std::abs(core::norm(u) - 1.0) > 1e-6 || std::abs(core::norm(v) - 1.0) > 1e-6 ||
        std::abs(core::dot(u, v)) > 1e-6)
        throw core::InvalidArgument("projection: detector axes u " + vecText(u) + " and v " +
                                    vecText(v) + " must be orthogonal unit vectors");
    const core::Vec3 n = normal();
    if (kind == ProjectionKind::Parallel) {
        if (std::abs(core::norm(direction) - 1.0) > 1e-6)
            throw core::InvalidArgument("projection: the ray direction " + vecText(direction) +
                                        " must be a unit vector");
        if (core::dot(direction, n) < 1e-6)
            throw core::InvalidArgument(
                "projection: the rays must cross the detector towards its normal (u x v)");
    } else if (core::dot(detectorOrigin - source, n) <= 1e-6) {
        throw core::InvalidArgument(
            "projection: the source " + vecText(source) +
            " must lie before the detector plane (against its normal u x v)");
    }
}

core::Vec3 ProjectionGeometry::normal() const {
    return core::cross(u, v);
}

core::Vec3 ProjectionGeometry::pixelPosition(double column, double row) const {
    return detectorOrigin + (column * columnSpacing) * u + (row * rowSpacing) * v;
}

Ray ProjectionGeometry::ray(double column, double row) const {
    const core::Vec3 pixel = pixelPosition(column, row);
    Ray r;
    if (kind == ProjectionKind::Cone) {
        const core::Vec3 d = pixel - source;
        r.origin = source;
        r.tMax = core::norm(d);
        r.direction = (1.0 / r.tMax) * d;
        r.tMin = 0.0;
    } else {
        r.origin = pixel;
        r.direction = direction;
        r.tMin = -kFar;
        r.tMax = 0.0;
    }
    return r;
}

bool ProjectionGeometry::project(const core::Vec3& point, double& column, double& row) const {
    const core::Vec3 n = normal();
    core::Vec3 hit;
    if (kind == ProjectionKind::Cone) {
        const core::Vec3 d = point - source;
        const double along = core::dot(n, d);
        if (along <= 0.0) return false;
        hit = source + (core::dot(n, detectorOrigin - source) / along) * d;
    } else {
        hit = point + (core::dot(n, detectorOrigin - point) / core::dot(n, direction)) * direction;
    }
    const core::Vec3 rel = hit - detectorOrigin;
    column = core::dot(rel, u) / columnSpacing;
    row = core::dot(rel, v) / rowSpacing;
    return true;
}

core::Geometry ProjectionGeometry::detectorGeometry() const {
    core::Geometry g;
    g.size = {columns, rows, 1};
    g.spacing = {columnSpacing, rowSpacing, 1.0};
    g.origin = detectorOrigin;
    g.direction = core::Mat3::fromColumns(u, v, normal());
    return g;
}

double ProjectionGeometry::magnificationAt(const core::Vec3& point) const {
    if (kind == ProjectionKind::Parallel) return 1.0;
    const core::Vec3 n = normal();
    const double along = core::dot(n, point - source);
    return along > 0 ? core::dot(n, detectorOrigin - source) / along : 1.0;
}

ProjectionGeometry gantryProjection(double angleDegrees, const core::Geometry& volume,
                                    const GantryOptions& options) {
    volume.validate();
    if (!std::isfinite(angleDegrees))
        throw core::InvalidArgument("gantry angle must be a finite number");
    if (options.pixelSpacingMm < 0.0 || !std::isfinite(options.pixelSpacingMm))
        throw core::InvalidArgument("detector pixel spacing must be >= 0 mm (0 = automatic)");
    if (options.columns > 16384 || options.rows > 16384)
        throw core::InvalidArgument("detector size must be at most 16384 pixels a side");
    const double theta = angleDegrees * std::numbers::pi / 180.0;
    const core::Vec3 centre = volume.indexToPatient(
        {(volume.size[0] - 1) / 2.0, (volume.size[1] - 1) / 2.0, (volume.size[2] - 1) / 2.0});
    const double radius = boundingRadius(volume, centre);
    const core::Vec3 towardsSource{std::sin(theta), -std::cos(theta), 0.0};

    ProjectionGeometry p;
    p.kind = options.kind;
    p.u = {std::cos(theta), std::sin(theta), 0.0};
    p.v = {0.0, 0.0, -1.0};
    p.direction = -1.0 * towardsSource;
    const double smallest = std::min({volume.spacing[0], volume.spacing[1], volume.spacing[2]});

    double halfWidth = radius;  // on the detector
    double magnification = 1.0;
    core::Vec3 detectorCentre = centre + radius * p.direction;
    if (options.kind == ProjectionKind::Cone) {
        const double sad = options.sourceToIsocenterMm, sdd = options.sourceToDetectorMm;
        if (!(sad > radius))
            throw core::InvalidArgument("source to isocenter distance " + std::to_string(sad) +
                                        " mm puts the source inside the volume (radius " +
                                        std::to_string(radius) + " mm)");
        if (!(sdd > sad + radius))
            throw core::InvalidArgument("source to detector distance " + std::to_string(sdd) +
                                        " mm puts the detector inside the volume (needs > " +
                                        std::to_string(sad + radius) + " mm)");
        p.source = centre + sad * towardsSource;
        detectorCentre = p.source + sdd * p.direction;
        magnification = sdd / sad;
        halfWidth = sdd * std::tan(std::asin(radius / sad));
    }
    double pitch = options.pixelSpacingMm > 0 ? options.pixelSpacingMm : smallest * magnification;
    auto pixelsFor = [&](double pitchMm) {
        return static_cast<std::size_t>(std::ceil(2.0 * halfWidth / pitchMm)) + 1;
    };
    if (options.columns == 0 || options.rows == 0) {
        if (options.pixelSpacingMm <= 0 && pixelsFor(pitch) > kMaxDetectorPixels)
            pitch = 2.0 * halfWidth / double(kMaxDetectorPixels - 1);
    }
    p.columns = options.columns ? options.columns : std::min(pixelsFor(pitch), kMaxDetectorPixels);
    p.rows = options.rows ? options.rows : std::min(pixelsFor(pitch), kMaxDetectorPixels);
    p.columnSpacing = p.rowSpacing = pitch;
    p.detectorOrigin =
        detectorCentre - ((p.columns - 1) / 2.0 * pitch) * p.u - ((p.rows - 1) / 2.0 * pitch) * p.v;
    p.validate();
    return p;
}

}  // namespace stratum::mesh
