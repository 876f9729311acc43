#include "stratum/app/model/SliceStack.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "stratum/core/Error.h"

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

using core::Vec3;

namespace {

// Number of grid points from lo to hi at `step`, tolerant to rounding.
int gridCount(double lo, double hi, double step) {
    return static_cast<int>(std::floor((hi - lo) / step + 0.5 + 1e-6)) + 1;
}

void checkUnit(const Vec3& v, const char* what) {
    if (std::abs(core::norm(v) - 1.0) > 1e-6)
        throw core::InvalidArgument(std::string("view axis '") + what + "' is not a unit vector");
}

}  // namespace

double SliceStack::stepAlong(const core::Geometry& volume, const Vec3& d) {
    // Index change per mm along d.
    const Vec3 perMm = volume.direction.inverse() * d;
    double largest = 0.0;
    for (int i = 0; i < 3; ++i) {
        if (volume.size[i] <= 1) continue;  // a flat axis never advances
        largest = std::max(largest, std::abs(perMm[i]) / volume.spacing[i]);
    }
    if (largest < 1e-12) {
        // Only flat axes move along d (e.g. the normal of a single slice): use the
        // spacing along the most aligned axis.
        int best = 0;
        for (int i = 1; i < 3; ++i)
            if (std::abs(perMm[i]) > std::abs(perMm[best])) best = i;
        return volume.spacing[best];
    }
    return 1.0 / largest;
}

SliceStack::SliceStack(const core::Geometry& volume, const core::Mat3& axes) {
    volume.validate();
    right_ = axes.column(0);
    down_ = axes.column(1);
    normal_ = axes.column(2);
    checkUnit(right_, "right");
    checkUnit(down_, "down");
    checkUnit(normal_, "normal");
    reference_ = volume.origin;
    spacingX_ = stepAlong(volume, right_);
    spacingY_ = stepAlong(volume, down_);
    sliceSpacing_ = stepAlong(volume, normal_);

    double lo[3], hi[3];
    for (int a = 0; a < 3; ++a) lo[a] = std::numeric_limits<double>::max(), hi[a] = -lo[a];
    for (int corner = 0; corner < 8; ++corner) {
        const Vec3 index{(corner & 1) ? double(volume.size[0] - 1) : 0.0,
                         (corner & 2) ? double(volume.size[1] - 1) : 0.0,
                         (corner & 4) ? double(volume.size[2] - 1) : 0.0};
        const Vec3 d = volume.indexToPatient(index) - reference_;
        const double c[3] = {core::dot(d, right_), core::dot(d, down_), core::dot(d, normal_)};
        for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], c[a]), hi[a] = std::max(hi[a], c[a]);
    }
    uMin_ = lo[0];
    vMin_ = lo[1];
    tMin_ = lo[2];
    width_ = gridCount(lo[0], hi[0], spacingX_);
    height_ = gridCount(lo[1], hi[1], spacingY_);
    sliceCount_ = gridCount(lo[2], hi[2], sliceSpacing_);
}

int SliceStack::sliceIndexAt(const Vec3& patient) const {
    const double t = core::dot(patient - reference_, normal_);
    const long k = std::lround((t - tMin_) / sliceSpacing_);
    return static_cast<int>(std::clamp<long>(k, 0, std::max(0, sliceCount_ - 1)));
}

SlicePlane SliceStack::plane(int k) const {
    k = std::clamp(k, 0, std::max(0, sliceCount_ - 1));
    SlicePlane p;
    p.right = right_;
    p.down = down_;
    p.normal = normal_;
    p.spacingX = spacingX_;
    p.spacingY = spacingY_;
    p.width = width_;
    p.height = height_;
    p.origin = reference_ + uMin_ * right_ + vMin_ * down_ + (tMin_ + k * sliceSpacing_) * normal_;
    return p;
}

Vec3 SliceStack::moveToSlice(const Vec3& patient, int k) const {
    k = std::clamp(k, 0, std::max(0, sliceCount_ - 1));
    const double t = core::dot(patient - reference_, normal_);
    return patient + (tMin_ + k * sliceSpacing_ - t) * normal_;
}

std::array<double, 2> SliceStack::planeCoordinates(const Vec3& patient) const {
    const Vec3 d = patient - reference_;
    return {core::dot(d, right_) - uMin_, core::dot(d, down_) - vMin_};
}

}  // namespace stratum::app
