// MPR geometry: view axes in patient orientation, slice stacks, and reslicing checked
// voxel by voxel on phantoms (axis-aligned, flipped, oblique, anisotropic).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ModelTestSupport.h"
#include "stratum/app/model/Reslicer.h"
#include "stratum/app/model/SliceStack.h"
#include "stratum/app/model/ViewOrientation.h"
#include "stratum/core/Error.h"

using namespace stratum;
using core::operator+;
using core::operator-;
using core::operator*;
using app::PlaneAlignment;
using app::ViewOrientation;
using core::Vec3;

namespace {

void expectVec(const Vec3& a, const Vec3& b, double tol = 1e-9) {
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(a[i], b[i], tol) << "component " << i;
}

std::vector<float> sliceOf(const core::Image& v, const app::SlicePlane& p,
                           app::Interpolation in = app::Interpolation::Linear) {
    std::vector<float> out(p.pixelCount() * v.components());
    app::reslice(v, p, in, out);
    return out;
}

app::SliceStack stackFor(const core::Geometry& g, ViewOrientation o,
                         PlaneAlignment a = PlaneAlignment::Patient) {
    return app::SliceStack(g, app::viewAxes(o, a, g));
}

}  // namespace

TEST(ViewAxes, PatientAxesFollowRadiologicalConvention) {
    const core::Geometry g = test::makeGeometry({4, 4, 4});
    const auto axial = app::viewAxes(ViewOrientation::Axial, PlaneAlignment::Patient, g);
    expectVec(axial.column(0), {1, 0, 0});  // screen right = patient left
    expectVec(axial.column(1), {0, 1, 0});  // screen down = posterior
    expectVec(axial.column(2), {0, 0, 1});  // looking from the feet
    const auto coronal = app::viewAxes(ViewOrientation::Coronal, PlaneAlignment::Patient, g);
    expectVec(coronal.column(0), {1, 0, 0});
    expectVec(coronal.column(1), {0, 0, -1});  // screen down = inferior
    expectVec(coronal.column(2), {0, 1, 0});   // looking from the front
    const auto sagittal = app::viewAxes(ViewOrientation::Sagittal, PlaneAlignment::Patient, g);
    expectVec(sagittal.column(0), {0, 1, 0});  // screen right = posterior (anterior on the left)
    expectVec(sagittal.column(1), {0, 0, -1});
    expectVec(sagittal.column(2), {-1, 0, 0});  // looking from the patient's left
}

TEST(ViewAxes, AcquisitionAxesAreTheVolumeAxesClosestToThePatientPlane) {
    // An axial acquisition tilted 20 degrees about S.
    const core::Mat3 r = test::rotation({0, 0, 1}, 20);
    const core::Geometry g = test::makeGeometry({8, 8, 4}, {1, 1, 1}, {0, 0, 0}, r);
    const auto axial = app::viewAxes(ViewOrientation::Axial, PlaneAlignment::Acquisition, g);
    expectVec(axial.column(0), r.column(0));
    expectVec(axial.column(1), r.column(1));
    expectVec(axial.column(2), r.column(2));
    // Coronal: rows stay along the (tilted) L axis, down is -S exactly.
    const auto coronal = app::viewAxes(ViewOrientation::Coronal, PlaneAlignment::Acquisition, g);
    expectVec(coronal.column(0), r.column(0));
    expectVec(coronal.column(1), {0, 0, -1});
    // A volume stored right-to-left and head-to-feet is shown the same way round.
    core::Mat3 flipped = core::Mat3::fromColumns({-1, 0, 0}, {0, 1, 0}, {0, 0, -1});
    const core::Geometry f = test::makeGeometry({4, 4, 4}, {1, 1, 1}, {0, 0, 0}, flipped);
    const auto fa = app::viewAxes(ViewOrientation::Axial, PlaneAlignment::Acquisition, f);
    expectVec(fa.column(0), {1, 0, 0});
    expectVec(fa.column(1), {0, 1, 0});
    expectVec(fa.column(2), {0, 0, 1});
}

TEST(SliceStack, AxisAlignedStacksMatchTheVolumeGrid) {
    const core::Geometry g = test::makeGeometry({16, 12, 8}, {0.8, 0.9, 2.5}, {-10, 20, 30});
    const auto axial = stackFor(g, ViewOrientation::Axial);
    EXPECT_EQ(axial.width(), 16);
    EXPECT_EQ(axial.height(), 12);
    EXPECT_EQ(axial.sliceCount(), 8);
    EXPECT_DOUBLE_EQ(axial.spacingX(), 0.8);
    EXPECT_DOUBLE_EQ(axial.spacingY(), 0.9);
    EXPECT_DOUBLE_EQ(axial.sliceSpacing(), 2.5);
    const auto coronal = stackFor(g, ViewOrientation::Coronal);
    EXPECT_EQ(coronal.width(), 16);
    EXPECT_EQ(coronal.height(), 8);
    EXPECT_EQ(coronal.sliceCount(), 12);
    EXPECT_DOUBLE_EQ(coronal.spacingY(), 2.5);
    const auto sagittal = stackFor(g, ViewOrientation::Sagittal);
    EXPECT_EQ(sagittal.width(), 12);
    EXPECT_EQ(sagittal.height(), 8);
    EXPECT_EQ(sagittal.sliceCount(), 16);
    EXPECT_NEAR(sagittal.widthMm(), 12 * 0.9, 1e-12);

    // Slice k of the axial stack passes through voxel centres of slice k.
    const app::SlicePlane p = axial.plane(5);
    expectVec(p.pixelToPatient(3, 4), g.indexToPatient({3, 4, 5}));
    EXPECT_EQ(axial.sliceIndexAt(g.indexToPatient({7, 2, 5.4})), 5);
    EXPECT_EQ(axial.sliceIndexAt(g.indexToPatient({7, 2, 5.6})), 6);
    EXPECT_EQ(axial.sliceIndexAt(g.indexToPatient({7, 2, 99})), 7);  // clamped
    EXPECT_EQ(axial.sliceIndexAt(g.indexToPatient({7, 2, -3})), 0);
}

TEST(SliceStack, MoveToSliceKeepsTheInPlanePosition) {
    const core::Geometry g = test::makeGeometry({16, 12, 8}, {0.8, 0.9, 2.5}, {-10, 20, 30});
    const auto coronal = stackFor(g, ViewOrientation::Coronal);
    const Vec3 p = g.indexToPatient({3.3, 4.0, 2.7});
    const Vec3 q = coronal.moveToSlice(p, 9);
    EXPECT_NEAR(q[0], p[0], 1e-12);
    EXPECT_NEAR(q[2], p[2], 1e-12);
    EXPECT_NEAR(g.patientToIndex(q)[1], 9.0, 1e-9);
    const auto a = coronal.planeCoordinates(p), b = coronal.planeCoordinates(q);
    EXPECT_NEAR(a[0], b[0], 1e-12);
    EXPECT_NEAR(a[1], b[1], 1e-12);
}

TEST(Reslice, AxisAlignedViewsReturnTheVoxelsInRadiologicalOrder) {
    const core::Geometry g = test::makeGeometry({16, 12, 8}, {0.8, 0.9, 2.5}, {-10, 20, 30});
    const core::Image v = test::makeIndexPhantom(g);

    const auto axial = stackFor(g, ViewOrientation::Axial);
    const auto a = sliceOf(v, axial.plane(3));
    for (int y = 0; y < 12; ++y)
        for (int x = 0; x < 16; ++x)
            ASSERT_EQ(a[y * 16 + x], test::indexValue(x, y, 3)) << x << "," << y;

    // Coronal: left to right = i, top to bottom = superior to inferior = k descending.
    const auto coronal = stackFor(g, ViewOrientation::Coronal);
    const auto c = sliceOf(v, coronal.plane(7));
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 16; ++x)
            ASSERT_EQ(c[y * 16 + x], test::indexValue(x, 7, 7 - y)) << x << "," << y;

    // Sagittal: left to right = anterior to posterior = j, top to bottom = k descending.
    const auto sagittal = stackFor(g, ViewOrientation::Sagittal);
    const int k = sagittal.sliceIndexAt(g.indexToPatient({5, 0, 0}));
    const auto s = sliceOf(v, sagittal.plane(k));
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 12; ++x)
            ASSERT_EQ(s[y * 12 + x], test::indexValue(5, x, 7 - y)) << x << "," << y;
}

TEST(Reslice, FlippedStorageIsShownInPatientOrientation) {
    // Stored right-to-left (i towards R), anterior-to-posterior, head-to-feet.
    const core::Mat3 d = core::Mat3::fromColumns({-1, 0, 0}, {0, 1, 0}, {0, 0, -1});
    const core::Geometry g = test::makeGeometry({6, 5, 4}, {1, 1, 2}, {0, 0, 0}, d);
    const core::Image v = test::makeIndexPhantom(g);
    const auto axial = stackFor(g, ViewOrientation::Axial);
    // Axial slice index 0 is the most inferior: stored k = 3.
    const auto a = sliceOf(v, axial.plane(0));
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 6; ++x) ASSERT_EQ(a[y * 6 + x], test::indexValue(5 - x, y, 3));
    // Coronal top row is superior: stored k = 0.
    const auto coronal = stackFor(g, ViewOrientation::Coronal);
    const auto c = sliceOf(v, coronal.plane(2));
    for (int x = 0; x < 6; ++x) ASSERT_EQ(c[x], test::indexValue(5 - x, 2, 0));
}

TEST(Reslice, ObliquePatientPlanesSampleTheRightPatientPositions) {
    // An acquisition rotated about two axes, anisotropic: the patient planes cut
    // across voxels; trilinear interpolation of an affine phantom is exact, so each
    // pixel must equal the phantom's function at the pixel's patient position.
    const core::Mat3 r = test::rotation({0.3, -0.4, 1.0}, 25);
    const core::Geometry g = test::makeGeometry({20, 18, 12}, {0.9, 1.1, 2.0}, {-30, 12, 40}, r);
    const Vec3 a{0.7, -1.3, 2.1};
    const core::Image v = test::makeAffinePhantom(g, a, 5.0);
    for (ViewOrientation o : app::kAllOrientations) {
        const auto stack = stackFor(g, o);
        const auto plane = stack.planeAt(g.indexToPatient({10, 9, 6}));
        const auto pixels = sliceOf(v, plane);
        int inside = 0;
        for (int y = 0; y < plane.height; ++y)
            for (int x = 0; x < plane.width; ++x) {
                const float value = pixels[y * plane.width + x];
                const Vec3 p = plane.pixelToPatient(x, y);
                const Vec3 idx = g.patientToIndex(p);
                bool in = true;
                for (int c = 0; c < 3; ++c)
                    if (idx[c] < -0.5 || idx[c] > g.size[c] - 0.5) in = false;
                if (!in) {
                    ASSERT_TRUE(std::isnan(value))
                        << app::viewOrientationName(o) << " " << x << "," << y;
                    continue;
                }
                bool interior = true;  // away from the clamped half-voxel border
                for (int c = 0; c < 3; ++c)
                    if (idx[c] < 0 || idx[c] > g.size[c] - 1) interior = false;
                if (!interior) continue;
                ++inside;
                ASSERT_NEAR(value, core::dot(a, p) + 5.0, 2e-3)
                    << app::viewOrientationName(o) << " " << x << "," << y;
            }
        EXPECT_GT(inside, 50) << app::viewOrientationName(o);
    }
}

TEST(Reslice, ObliqueAcquisitionAlignmentKeepsVoxelsExact) {
    const core::Mat3 r = test::rotation({0, 0, 1}, 20);
    const core::Geometry g = test::makeGeometry({10, 9, 6}, {0.7, 0.7, 3}, {5, -5, 0}, r);
    const core::Image v = test::makeIndexPhantom(g);
    const auto axial = stackFor(g, ViewOrientation::Axial, PlaneAlignment::Acquisition);
    EXPECT_EQ(axial.width(), 10);
    EXPECT_EQ(axial.height(), 9);
    EXPECT_EQ(axial.sliceCount(), 6);
    const auto s = sliceOf(v, axial.plane(2));
    for (int y = 0; y < 9; ++y)
        for (int x = 0; x < 10; ++x) ASSERT_EQ(s[y * 10 + x], test::indexValue(x, y, 2));
}

TEST(Reslice, NearestAndLinearAgreeOnVoxelCentresAndDifferBetween) {
    const core::Geometry g = test::makeGeometry({4, 4, 2});
    const core::Image v = test::makeIndexPhantom(g);
    // A plane half a voxel to the right: linear interpolates, nearest rounds up.
    app::SlicePlane p = stackFor(g, ViewOrientation::Axial).plane(0);
    p.origin = p.origin + Vec3{0.25, 0, 0};
    p.width = 3;
    const auto lin = sliceOf(v, p, app::Interpolation::Linear);
    const auto near = sliceOf(v, p, app::Interpolation::Nearest);
    EXPECT_FLOAT_EQ(lin[0], test::indexValue(0, 0, 0) + 0.25f);
    EXPECT_FLOAT_EQ(near[0], test::indexValue(0, 0, 0));
    p.origin = p.origin + Vec3{0.5, 0, 0};  // 0.75: nearest goes to voxel 1
    EXPECT_FLOAT_EQ(sliceOf(v, p, app::Interpolation::Nearest)[0], test::indexValue(1, 0, 0));
}

TEST(Reslice, ColourVolumesKeepTheirComponents) {
    const core::Geometry g = test::makeGeometry({3, 2, 1});
    core::Image v(core::PixelType::UInt8, 3, g);
    for (std::size_t j = 0; j < 2; ++j)
        for (std::size_t i = 0; i < 3; ++i)
            for (int c = 0; c < 3; ++c) v.setValue(i, j, 0, double(10 * c + 3 * j + i), c);
    const app::SliceStack stack(g, app::nativeAxes(g));
    const auto s = sliceOf(v, stack.plane(0));
    ASSERT_EQ(s.size(), 18u);
    EXPECT_EQ(s[(1 * 3 + 2) * 3 + 2], 10 * 2 + 3 + 2);
}

TEST(Reslice, LargeSlicesRunInParallelWithTheSameResult) {
    const core::Mat3 r = test::rotation({1, 1, 1}, 10);
    const core::Geometry g = test::makeGeometry({400, 400, 4}, {1, 1, 1}, {0, 0, 0}, r);
    const core::Image v = test::makeAffinePhantom(g, {0.5, 0.25, 1}, 0);
    const auto plane = stackFor(g, ViewOrientation::Axial).planeAt(g.indexToPatient({200, 200, 2}));
    ASSERT_GT(plane.pixelCount(), 128u * 1024u);
    const auto pixels = sliceOf(v, plane);
    // Rows handed to different threads: check some rows from the start and the end.
    for (int y : {40, plane.height / 2, plane.height - 40}) {
        for (int x = plane.width / 3; x < 2 * plane.width / 3; x += 7) {
            const Vec3 idx = g.patientToIndex(plane.pixelToPatient(x, y));
            if (idx[0] < 0 || idx[1] < 0 || idx[2] < 0 || idx[0] > 399 || idx[1] > 399 ||
                idx[2] > 3)
                continue;
            EXPECT_NEAR(pixels[y * plane.width + x],
                        core::dot(Vec3{0.5, 0.25, 1}, plane.pixelToPatient(x, y)), 1e-2);
        }
    }
}

TEST(Reslice, BadArgumentsAreRefused) {
    const core::Geometry g = test::makeGeometry({4, 4, 2});
    const core::Image v = test::makeIndexPhantom(g);
    const auto plane = stackFor(g, ViewOrientation::Axial).plane(0);
    std::vector<float> tooSmall(3);
    EXPECT_THROW(app::reslice(v, plane, app::Interpolation::Linear, tooSmall),
                 core::InvalidArgument);
    std::vector<float> out(plane.pixelCount());
    EXPECT_THROW(app::reslice(core::Image{}, plane, app::Interpolation::Linear, out),
                 core::InvalidArgument);
    EXPECT_THROW(app::SliceStack(g, core::Mat3::fromColumns({2, 0, 0}, {0, 1, 0}, {0, 0, 1})),
                 core::InvalidArgument);
}
