// Cursor read-out (patient <-> voxel, value), orientation labels, scale bar, and the
// zoom/pan camera.
#include <gtest/gtest.h>

#include "ModelTestSupport.h"
#include "stratum/app/model/OrientationLabels.h"
#include "stratum/app/model/PixelReadout.h"
#include "stratum/app/model/ScaleBar.h"
#include "stratum/app/model/ViewCamera.h"
#include "stratum/app/model/ViewOrientation.h"

using namespace stratum;
using core::operator+;
using core::operator-;
using core::operator*;
using core::Vec3;

TEST(PixelReadout, PatientPositionToVoxelAndValue) {
    const core::Mat3 r = test::rotation({0, 0, 1}, 30);
    const core::Geometry g = test::makeGeometry({10, 8, 6}, {0.5, 0.75, 2.0}, {-100, 50, 12.5}, r);
    core::Image v = test::makeIndexPhantom(g);
    v.metadata().units = "HU";
    const Vec3 p = g.indexToPatient({3.2, 6.9, 4.4});
    const auto out = app::readPixel(v, p);
    EXPECT_TRUE(out.inside);
    EXPECT_EQ(out.voxel, (std::array<std::int64_t, 3>{3, 7, 4}));
    EXPECT_NEAR(out.index[0], 3.2, 1e-9);
    EXPECT_NEAR(out.index[1], 6.9, 1e-9);
    ASSERT_EQ(out.values.size(), 1u);
    EXPECT_EQ(out.values[0], test::indexValue(3, 7, 4));
    EXPECT_EQ(app::formatReadout(out).find("voxel (3, 7, 4)") != std::string::npos, true)
        << app::formatReadout(out);
    EXPECT_NE(app::formatReadout(out).find(std::to_string(test::indexValue(3, 7, 4)) + " HU"),
              std::string::npos);

    // Half a voxel beyond the last one is outside.
    const auto outside = app::readPixel(v, g.indexToPatient({9.6, 0, 0}));
    EXPECT_FALSE(outside.inside);
    EXPECT_TRUE(outside.values.empty());
    EXPECT_EQ(app::formatReadout(outside).find("voxel"), std::string::npos);
}

TEST(PixelReadout, FormatsPatientCoordinatesWithTheirDirections) {
    app::PixelReadout r;
    r.patient = {-12.34, 45.6, -7};
    EXPECT_EQ(app::formatReadout(r), "R 12.3  P 45.6  I 7.0 mm");
    r.patient = {3, -2, 1};
    EXPECT_EQ(app::formatReadout(r), "L 3.0  A 2.0  S 1.0 mm");
}

TEST(OrientationLabels, StandardViewsReadRadiologically) {
    const core::Geometry g = test::makeGeometry({2, 2, 2});
    auto labels = [&](app::ViewOrientation o) {
        const auto a = app::viewAxes(o, app::PlaneAlignment::Patient, g);
        return app::edgeLabels(a.column(0), a.column(1));
    };
    EXPECT_EQ(labels(app::ViewOrientation::Axial), (app::EdgeLabels{"R", "L", "A", "P"}));
    EXPECT_EQ(labels(app::ViewOrientation::Coronal), (app::EdgeLabels{"R", "L", "S", "I"}));
    EXPECT_EQ(labels(app::ViewOrientation::Sagittal), (app::EdgeLabels{"A", "P", "S", "I"}));
}

TEST(OrientationLabels, ObliqueDirectionsGetTwoLetters) {
    EXPECT_EQ(app::directionLabel({0.94, -0.34, 0}), "LA");
    EXPECT_EQ(app::directionLabel({-0.34, 0, -0.94}), "IR");
    EXPECT_EQ(app::directionLabel({0.99, 0.1, 0.1}), "L");  // below the threshold
    EXPECT_EQ(app::directionLabel({0.6, 0.6, 0.53}), "LPS");
    // Acquisition-aligned axial view of a volume tilted 20 degrees about S.
    const core::Mat3 r = test::rotation({0, 0, 1}, 20);
    const auto labels = app::edgeLabels(r.column(0), r.column(1));
    EXPECT_EQ(labels.right, "LP");
    EXPECT_EQ(labels.left, "RA");
    EXPECT_EQ(labels.bottom, "PR");
    EXPECT_EQ(labels.top, "AL");
}

TEST(OrientationLabels, PlaneOfANormal) {
    EXPECT_EQ(app::planeOfNormal({0, 0, 1}), "axial");
    EXPECT_EQ(app::planeOfNormal({0, 0, -2}), "axial");
    EXPECT_EQ(app::planeOfNormal({0, 1, 0}), "coronal");
    EXPECT_EQ(app::planeOfNormal({-1, 0, 0}), "sagittal");
    EXPECT_EQ(app::planeOfNormal({0, 0.1, 1}), "oblique");  // 5.7 degrees
    EXPECT_EQ(app::planeOfNormal({0, 0.01, 1}), "axial");   // 0.6 degrees
}

TEST(ScaleBar, PicksRoundLengths) {
    auto bar = app::scaleBar(2.0, 100.0);  // 50 mm fit
    EXPECT_EQ(bar.lengthMm, 50.0);
    EXPECT_EQ(bar.lengthPixels, 100.0);
    EXPECT_EQ(bar.label, "5 cm");
    bar = app::scaleBar(2.0, 99.0);  // 49.5 mm: 20 mm
    EXPECT_EQ(bar.lengthMm, 20.0);
    EXPECT_EQ(bar.label, "2 cm");
    bar = app::scaleBar(30.0, 100.0);  // 3.3 mm: 2 mm
    EXPECT_EQ(bar.lengthMm, 2.0);
    EXPECT_EQ(bar.label, "2 mm");
    bar = app::scaleBar(0.5, 300.0);  // 600 mm: 50 cm
    EXPECT_EQ(bar.label, "50 cm");
    EXPECT_EQ(app::scaleBar(1000.0, 50.0).lengthMm, 0.0);
}

TEST(ViewCamera, FitCentresAndZoomKeepsThePointUnderTheMouse) {
    app::ViewCamera cam;
    cam.setViewport(400, 300);
    cam.fit(0, 0, 200, 100, 0.0);  // limited by width: 2 px/mm
    EXPECT_DOUBLE_EQ(cam.pixelsPerMm(), 2.0);
    auto s = cam.planeToScreen(100, 50);
    EXPECT_DOUBLE_EQ(s[0], 200);
    EXPECT_DOUBLE_EQ(s[1], 150);
    s = cam.planeToScreen(0, 0);
    EXPECT_DOUBLE_EQ(s[0], 0);
    EXPECT_DOUBLE_EQ(s[1], 50);

    const auto before = cam.screenToPlane(100, 60);
    cam.zoomAbout(2.5, 100, 60);
    EXPECT_DOUBLE_EQ(cam.pixelsPerMm(), 5.0);
    const auto after = cam.screenToPlane(100, 60);
    EXPECT_NEAR(after[0], before[0], 1e-12);
    EXPECT_NEAR(after[1], before[1], 1e-12);

    const auto p = cam.screenToPlane(10, 10);
    cam.panBy(30, -20);
    const auto q = cam.planeToScreen(p[0], p[1]);
    EXPECT_NEAR(q[0], 40, 1e-9);
    EXPECT_NEAR(q[1], -10, 1e-9);
}
