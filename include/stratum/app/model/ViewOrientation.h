#pragma once
// The three MPR views and how their screen axes sit in patient space.
//
// Screen axes of a view are `right` (screen +x) and `down` (screen +y); the view's
// normal is right x down, pointing into the screen (away from the viewer). With the
// radiological conventions of DICOM patient coordinates (LPS):
//   axial:    right = +L, down = +P  (seen from the feet: patient's right on the left)
//   coronal:  right = +L, down = -S  (seen from the front)
//   sagittal: right = +P, down = -S  (seen from the patient's left: anterior on the left)
#include <array>
#include <string>

#include "stratum/core/Geometry.h"

namespace stratum::app {

enum class ViewOrientation { Axial, Coronal, Sagittal };

inline constexpr std::array<ViewOrientation, 3> kAllOrientations{
    ViewOrientation::Axial, ViewOrientation::Coronal, ViewOrientation::Sagittal};

const char* viewOrientationName(ViewOrientation o);  // "axial", "coronal", "sagittal"

// How the MPR planes follow the volume.
enum class PlaneAlignment {
    // True patient planes (axial = perpendicular to S). Oblique acquisitions are
    // resampled; labels read exactly L/R, A/P, S/I.
    Patient,
    // The acquisition's own voxel planes nearest to each patient plane, flipped so the
    // view keeps its radiological orientation. No resampling across voxels; labels
    // show the obliquity (e.g. "LA").
    Acquisition,
};

// Screen axes of `o` as the columns (right, down, normal) of a rotation matrix in
// patient coordinates (LPS). For Acquisition alignment the axes come from the
// direction matrix of `volume`: the permutation of its columns (with signs) closest
// to the patient axes of the view; normal = right x down.
core::Mat3 viewAxes(ViewOrientation o, PlaneAlignment alignment, const core::Geometry& volume);

// Axes for a 2D image shown as stored: right = row direction, down = column direction.
core::Mat3 nativeAxes(const core::Geometry& image);

}  // namespace stratum::app
