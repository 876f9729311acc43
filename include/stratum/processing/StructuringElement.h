#pragma once
// Flat structuring elements with ITK's exact definitions (FlatStructuringElement /
// BinaryBallStructuringElement, BinaryCrossStructuringElement), so that our morphology
// matches ITK's voxel for voxel:
//   box:   every offset with |d_a| <= r_a on each axis;
//   ball:  offsets d with sum_a (d_a / (r_a + 0.5))^2 <= 1 (ITK's ellipsoid of axes
//          2r+1 evaluated at voxel centres; an axis of radius 0 is flat);
//   cross: the centre and the axis-aligned segments |d_a| <= r_a.
// Every one is symmetric and each of its x-rows is one run centred on x = 0, which the
// kernels use: the element is a list of chords (dy, dz, half width).
#include <cstddef>
#include <string>
#include <vector>

#include "stratum/processing/Radius.h"

namespace stratum::processing {

enum class Shape { Ball, Box, Cross };

const char* shapeName(Shape s);  // "ball", "box", "cross"
// Parses "ball", "box" or "cross" (InvalidArgument otherwise).
Shape shapeFromName(const std::string& name);

class StructuringElement {
public:
    // Runs of the element: voxels (dx, dy, dz) with |dx| <= halfWidth.
    struct Chord {
        int dy = 0;
        int dz = 0;
        int halfWidth = 0;
    };

    // Throws core::InvalidArgument for a negative radius.
    StructuringElement(Shape shape, const Radius& radius);
    static StructuringElement ball(const Radius& r) { return {Shape::Ball, r}; }
    static StructuringElement box(const Radius& r) { return {Shape::Box, r}; }
    static StructuringElement cross(const Radius& r) { return {Shape::Cross, r}; }

    Shape shape() const noexcept { return shape_; }
    const Radius& radius() const noexcept { return radius_; }
    bool contains(int dx, int dy, int dz) const;
    const std::vector<Chord>& chords() const noexcept { return chords_; }
    // Number of voxels in the element.
    std::size_t voxelCount() const;
    // "ball 3x3x3"
    std::string text() const;

private:
    Shape shape_;
    Radius radius_;
    std::vector<Chord> chords_;
};

}  // namespace stratum::processing
