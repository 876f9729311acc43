#include "stratum/app/model/ViewOrientation.h"

#include <algorithm>
#include <cmath>

#include "stratum/core/Error.h"

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

using core::Mat3;
using core::Vec3;

const char* viewOrientationName(ViewOrientation o) {
    switch (o) {
        case ViewOrientation::Axial:
            return "axial";
        case ViewOrientation::Coronal:
            return "coronal";
        case ViewOrientation::Sagittal:
            return "sagittal";
    }
    return "unknown";
}

namespace {

Mat3 patientAxes(ViewOrientation o) {
    switch (o) {
        case ViewOrientation::Axial:
            return Mat3::fromColumns({1, 0, 0}, {0, 1, 0}, {0, 0, 1});
        case ViewOrientation::Coronal:
            return Mat3::fromColumns({1, 0, 0}, {0, 0, -1}, {0, 1, 0});
        case ViewOrientation::Sagittal:
            return Mat3::fromColumns({0, 1, 0}, {0, 0, -1}, {-1, 0, 0});
    }
    throw core::InvalidArgument("unknown view orientation");
}

}  // namespace

Mat3 viewAxes(ViewOrientation o, PlaneAlignment alignment, const core::Geometry& volume) {
    const Mat3 wanted = patientAxes(o);
    if (alignment == PlaneAlignment::Patient) return wanted;

    // The volume's unit axes; choose the assignment of its axes to (right, down, normal)
    // that best matches the patient axes of the view.
    std::array<Vec3, 3> axis;
    for (int c = 0; c < 3; ++c) axis[c] = core::normalized(volume.direction.column(c));
    std::array<int, 3> perm{0, 1, 2}, best = perm;
    double bestScore = -1.0;
    do {
        double score = 0.0;
        for (int r = 0; r < 3; ++r) score += std::abs(core::dot(axis[perm[r]], wanted.column(r)));
        if (score > bestScore + 1e-12) bestScore = score, best = perm;
    } while (std::next_permutation(perm.begin(), perm.end()));

    auto oriented = [&](int r) {
        const Vec3& a = axis[best[r]];
        return core::dot(a, wanted.column(r)) < 0 ? -1.0 * a : a;
    };
    const Vec3 right = oriented(0);
    // For a sheared grid the second axis is not orthogonal to the first: keep the plane
    // of the two, with an orthonormal screen frame.
    Vec3 down = oriented(1);
    down = core::normalized(down - core::dot(down, right) * right);
    return Mat3::fromColumns(right, down, core::cross(right, down));
}

Mat3 nativeAxes(const core::Geometry& image) {
    const Vec3 right = core::normalized(image.direction.column(0));
    Vec3 down = core::normalized(image.direction.column(1));
    down = core::normalized(down - core::dot(down, right) * right);
    return Mat3::fromColumns(right, down, core::cross(right, down));
}

}  // namespace stratum::app
