#pragma once
// The stack of parallel planes a view scrolls through: for a volume and a set of
// view axes (ViewOrientation.h), a fixed in-plane pixel grid covering the whole volume
// and the positions of the slices along the normal.
//
// Pixel spacing along an axis is the largest step that advances no voxel index by more
// than one voxel (for axes parallel to the volume's, exactly the voxel spacing). The
// grid starts at the projection of the volume's extreme voxel centres, so for
// axis-aligned views pixel and slice centres fall exactly on voxel centres and slices
// are the volume's own voxels, without interpolation.
#include <array>

#include "stratum/app/model/SlicePlane.h"
#include "stratum/core/Geometry.h"

namespace stratum::app {

class SliceStack {
public:
    SliceStack() = default;
    // `axes`: columns right, down, normal (unit vectors, LPS). Throws
    // core::InvalidArgument when the geometry is invalid or the axes are not unit vectors.
    SliceStack(const core::Geometry& volume, const core::Mat3& axes);

    int sliceCount() const noexcept { return sliceCount_; }
    double sliceSpacing() const noexcept { return sliceSpacing_; }
    // Nearest slice to a patient position (clamped to the stack).
    int sliceIndexAt(const core::Vec3& patient) const;
    // The plane of slice k (clamped to the stack).
    SlicePlane plane(int k) const;
    // The plane of the slice nearest to `patient`.
    SlicePlane planeAt(const core::Vec3& patient) const { return plane(sliceIndexAt(patient)); }
    // `patient` moved along the normal onto slice k (its in-plane position kept).
    core::Vec3 moveToSlice(const core::Vec3& patient, int k) const;

    // In-plane coordinates (mm) of a patient position: along right and down, measured
    // from the centre of pixel (0, 0). Independent of the slice.
    std::array<double, 2> planeCoordinates(const core::Vec3& patient) const;
    // Width and height (mm) between the outer edges of the pixel grid.
    double widthMm() const noexcept { return width_ * spacingX_; }
    double heightMm() const noexcept { return height_ * spacingY_; }
    int width() const noexcept { return width_; }
    int height() const noexcept { return height_; }
    double spacingX() const noexcept { return spacingX_; }
    double spacingY() const noexcept { return spacingY_; }
    const core::Vec3& right() const noexcept { return right_; }
    const core::Vec3& down() const noexcept { return down_; }
    const core::Vec3& normal() const noexcept { return normal_; }

    // Step (mm) along unit direction `d` that advances no voxel index of `volume` by
    // more than one voxel.
    static double stepAlong(const core::Geometry& volume, const core::Vec3& d);

private:
    core::Vec3 reference_{0, 0, 0};  // the volume's origin
    core::Vec3 right_{1, 0, 0}, down_{0, 1, 0}, normal_{0, 0, 1};
    double spacingX_ = 1, spacingY_ = 1, sliceSpacing_ = 1;
    double uMin_ = 0, vMin_ = 0, tMin_ = 0;  // relative to reference_
    int width_ = 0, height_ = 0, sliceCount_ = 0;
};

}  // namespace stratum::app
