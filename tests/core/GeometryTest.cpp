#include <gtest/gtest.h>

#include <cmath>

#include "stratum/core/Error.h"
#include "stratum/core/Geometry.h"

using namespace stratum::core;

namespace {
Geometry obliqueGeometry() {
    // Rotated 30 degrees about the patient's z axis, anisotropic spacing.
    const double c = std::cos(M_PI / 6), s = std::sin(M_PI / 6);
    Geometry g;
    g.size = {10, 20, 30};
    g.spacing = {0.5, 0.75, 2.0};
    g.origin = {-100.0, 50.0, 12.5};
    g.direction = Mat3::fromColumns({c, s, 0}, {-s, c, 0}, {0, 0, 1});
    return g;
}
}  // namespace

TEST(Geometry, IndexToPatientAxisAligned) {
    Geometry g;
    g.size = {4, 4, 4};
    g.spacing = {1.0, 2.0, 3.0};
    g.origin = {10, 20, 30};
    const Vec3 p = g.indexToPatient({1, 2, 3});
    EXPECT_DOUBLE_EQ(p[0], 11.0);
    EXPECT_DOUBLE_EQ(p[1], 24.0);
    EXPECT_DOUBLE_EQ(p[2], 39.0);
}

TEST(Geometry, IndexToPatientOblique) {
    const Geometry g = obliqueGeometry();
    const double c = std::cos(M_PI / 6), s = std::sin(M_PI / 6);
    // index (2,0,0): 2 voxels * 0.5 mm along the row direction (c, s, 0).
    const Vec3 p = g.indexToPatient({2, 0, 0});
    EXPECT_NEAR(p[0], -100.0 + c, 1e-12);
    EXPECT_NEAR(p[1], 50.0 + s, 1e-12);
    EXPECT_NEAR(p[2], 12.5, 1e-12);
    // index (0,4,1): 4*0.75 = 3 mm along (-s, c, 0) and 2 mm up.
    const Vec3 q = g.indexToPatient({0, 4, 1});
    EXPECT_NEAR(q[0], -100.0 - 3 * s, 1e-12);
    EXPECT_NEAR(q[1], 50.0 + 3 * c, 1e-12);
    EXPECT_NEAR(q[2], 14.5, 1e-12);
}

TEST(Geometry, PatientToIndexInvertsIndexToPatient) {
    const Geometry g = obliqueGeometry();
    const Vec3 idx{3.25, 7.5, 19.0};
    const Vec3 back = g.patientToIndex(g.indexToPatient(idx));
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(back[i], idx[i], 1e-9);
}

TEST(Geometry, MatrixMatchesTransform) {
    const Geometry g = obliqueGeometry();
    const auto m = g.indexToPatientMatrix();
    const Vec3 idx{1, 2, 3};
    const Vec3 p = g.indexToPatient(idx);
    for (int r = 0; r < 3; ++r)
        EXPECT_NEAR(m[r * 4] * idx[0] + m[r * 4 + 1] * idx[1] + m[r * 4 + 2] * idx[2] + m[r * 4 + 3],
                    p[r], 1e-12);
    EXPECT_EQ(m[15], 1.0);
}

TEST(Geometry, OrientationCodeAndPlane) {
    Geometry axial;
    axial.size = {2, 2, 2};
    EXPECT_EQ(axial.orientationCode(), "LPS");
    EXPECT_EQ(axial.planeName(), "axial");

    Geometry coronal = axial;  // rows along L, columns along I (down), slices along P
    coronal.direction = Mat3::fromColumns({1, 0, 0}, {0, 0, -1}, {0, 1, 0});
    EXPECT_EQ(coronal.orientationCode(), "LIP");
    EXPECT_EQ(coronal.planeName(), "coronal");

    Geometry sagittal = axial;
    sagittal.direction = Mat3::fromColumns({0, 1, 0}, {0, 0, -1}, {-1, 0, 0});
    EXPECT_EQ(sagittal.orientationCode(), "PIR");
    EXPECT_EQ(sagittal.planeName(), "sagittal");

    EXPECT_EQ(obliqueGeometry().planeName(), "axial");  // rotation about z keeps the normal
    Geometry tilted = axial;
    const double c = std::cos(0.3), s = std::sin(0.3);
    tilted.direction = Mat3::fromColumns({1, 0, 0}, {0, c, s}, {0, -s, c});
    EXPECT_EQ(tilted.planeName(), "oblique");
}

TEST(Geometry, ValidateRejectsBadGeometry) {
    Geometry g;
    EXPECT_THROW(g.validate(), InvalidArgument);  // zero size
    g.size = {2, 2, 1};
    EXPECT_NO_THROW(g.validate());
    g.spacing = {1, -1, 1};
    EXPECT_THROW(g.validate(), InvalidArgument);
    g.spacing = {1, 1, 1};
    g.direction = Mat3::fromColumns({1, 0, 0}, {1, 0, 0}, {0, 0, 1});
    EXPECT_THROW(g.validate(), InvalidArgument);
}

TEST(Geometry, Mat3InverseAndOrthonormality) {
    const Geometry g = obliqueGeometry();
    EXPECT_TRUE(g.hasOrthonormalDirection());
    const Mat3 inv = g.direction.inverse();
    EXPECT_TRUE((inv * g.direction).approxEqual(Mat3::identity(), 1e-12));
    EXPECT_TRUE(inv.approxEqual(g.direction.transposed(), 1e-12));
    Geometry skew = g;
    skew.direction(0, 1) += 0.1;
    EXPECT_FALSE(skew.hasOrthonormalDirection());
}
