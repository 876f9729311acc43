#pragma once
// A calibrated X-ray view: where the rays come from and where the detector's pixels are,
// in patient coordinates (LPS mm). Used to compute DRRs and to carve visual hulls.
//
// Gantry convention (gantryProjection): the source turns about the patient's
// superior-inferior axis through the isocenter. Angle 0 is an AP view (source anterior,
// detector posterior); +90 puts the source on the patient's left (a left-to-right lateral
// view); the angle increases from anterior towards the patient's left. The detector's
// columns run towards the viewer's right seen from the source (patient's left at 0 degrees),
// rows run from superior to inferior, so images display like a radiograph (AP: patient's
// right on the viewer's left).
#include <cstddef>

#include "stratum/core/Geometry.h"

namespace stratum::mesh {

enum class ProjectionKind { Parallel, Cone };
const char* projectionKindName(ProjectionKind k);  // "parallel" / "cone"

struct Ray {
    core::Vec3 origin{0, 0, 0};
    core::Vec3 direction{0, 0, 1};  // unit
    double tMin = 0.0;              // the ray is origin + t*direction for t in [tMin, tMax] (mm)
    double tMax = 0.0;
};

struct ProjectionGeometry {
    ProjectionKind kind = ProjectionKind::Parallel;
    core::Vec3 source{0, 0, 0};          // cone: the focal spot
    core::Vec3 direction{0, 1, 0};       // parallel: unit ray direction (source side -> detector)
    core::Vec3 detectorOrigin{0, 0, 0};  // centre of pixel (column 0, row 0)
    core::Vec3 u{1, 0, 0};               // unit step of increasing column
    core::Vec3 v{0, 0, -1};              // unit step of increasing row
    double columnSpacing = 1.0;          // mm
    double rowSpacing = 1.0;             // mm
    std::size_t columns = 0;
    std::size_t rows = 0;

    // Throws core::InvalidArgument naming the problem (empty detector, non-positive
    // spacing, u and v not orthonormal, source on the detector plane, rays parallel to it).
    void validate() const;

    // u x v: the detector normal, pointing away from the source side.
    core::Vec3 normal() const;
    core::Vec3 pixelPosition(double column, double row) const;
    // The ray reaching pixel (column, row): cone rays start at the source and end on the
    // detector; parallel rays run from far before to the detector.
    Ray ray(double column, double row) const;
    // Where a patient point projects on the detector (continuous column, row). False when
    // the point is not between the source's side and the detector's plane direction
    // (cone: behind or at the source).
    bool project(const core::Vec3& point, double& column, double& row) const;
    // Detector-space geometry of the projection image: origin at pixel (0,0), spacing
    // (columnSpacing, rowSpacing, 1), direction columns (u, v, normal).
    core::Geometry detectorGeometry() const;
    // Magnification at a point (cone: source-detector over source-point distance along the
    // normal; parallel: 1).
    double magnificationAt(const core::Vec3& point) const;
};

struct GantryOptions {
    ProjectionKind kind = ProjectionKind::Parallel;
    double sourceToIsocenterMm = 1000.0;  // cone only
    double sourceToDetectorMm = 1500.0;   // cone only
    // Detector size and pixel pitch; 0 = automatic: the pitch is the volume's smallest
    // spacing (times the magnification) and the detector covers the volume's bounding
    // sphere at every angle (at most 2048 pixels a side).
    std::size_t columns = 0;
    std::size_t rows = 0;
    double pixelSpacingMm = 0.0;
};

// The view at gantry `angleDegrees` about the centre of `volume` (convention above).
// Throws core::InvalidArgument (cone source inside the volume's bounding sphere, bad options).
ProjectionGeometry gantryProjection(double angleDegrees, const core::Geometry& volume,
                                    const GantryOptions& options = {});

}  // namespace stratum::mesh
