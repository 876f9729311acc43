// Measurement maths: distances in mm on anisotropic grids, angles, ROI statistics
// against values computed by hand, and the per-series store.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "ModelTestSupport.h"
#include "stratum/app/model/Measurement.h"
#include "stratum/app/model/MeasurementDraft.h"
#include "stratum/app/model/MeasurementGraphic.h"
#include "stratum/app/model/MeasurementStore.h"
#include "stratum/app/model/SliceStack.h"
#include "stratum/app/model/ViewOrientation.h"
#include "stratum/core/Error.h"

using namespace stratum;
using core::operator+;
using core::operator-;
using core::operator*;
using app::MeasurementKind;
using core::Vec3;

TEST(Measurement, DistanceIsInMillimetresWhateverTheVoxelShape) {
    const core::Geometry g = test::makeGeometry({100, 100, 10}, {0.5, 0.7, 3.0});
    // 30 voxels along i and 40 along j: 15 mm and 28 mm.
    const Vec3 a = g.indexToPatient({10, 10, 2}), b = g.indexToPatient({40, 50, 2});
    EXPECT_NEAR(app::distanceMm(a, b), std::hypot(15.0, 28.0), 1e-12);
    app::Measurement m;
    m.kind = MeasurementKind::Distance;
    m.points = {a, b};
    EXPECT_EQ(m.text(), "31.8 mm");
}

TEST(Measurement, AngleAtTheVertex) {
    EXPECT_NEAR(app::angleDegrees({10, 0, 0}, {0, 0, 0}, {0, 5, 0}), 90.0, 1e-12);
    EXPECT_NEAR(app::angleDegrees({1, 0, 0}, {0, 0, 0}, {1, 1, 0}), 45.0, 1e-12);
    EXPECT_NEAR(app::angleDegrees({1, 0, 0}, {0, 0, 0}, {-1, 0, 0}), 180.0, 1e-12);
    EXPECT_EQ(app::angleDegrees({0, 0, 0}, {0, 0, 0}, {1, 0, 0}), 0.0);
    app::Measurement m;
    m.kind = MeasurementKind::Angle;
    m.points = {{1, 0, 0}, {0, 0, 0}, {1, std::sqrt(3.0), 0}};
    EXPECT_EQ(m.text(), "60.0\u00b0");
}

TEST(RoiStatistics, RectangleOverKnownVoxels) {
    const core::Geometry g = test::makeGeometry({20, 20, 3}, {0.5, 0.5, 2.0});
    const core::Image v = test::makeIndexPhantom(g);
    const app::SliceStack stack(
        g, app::viewAxes(app::ViewOrientation::Axial, app::PlaneAlignment::Patient, g));
    const auto plane = stack.plane(1);
    // Corners at voxel (2.5, 3.5) and (6.5, 5.5): centres i = 3..6, j = 4..5 inside.
    const auto s =
        app::roiStatistics(v, plane, MeasurementKind::Rectangle, g.indexToPatient({2.5, 3.5, 1}),
                           g.indexToPatient({6.5, 5.5, 1}));
    EXPECT_EQ(s.pixels, 8u);
    double sum = 0, sumSq = 0;
    for (int j = 4; j <= 5; ++j)
        for (int i = 3; i <= 6; ++i)
            sum += test::indexValue(i, j, 1), sumSq += std::pow(test::indexValue(i, j, 1), 2);
    const double mean = sum / 8;
    EXPECT_DOUBLE_EQ(s.mean, mean);
    EXPECT_NEAR(s.sd, std::sqrt(sumSq / 8 - mean * mean), 1e-9);
    EXPECT_EQ(s.min, test::indexValue(3, 4, 1));
    EXPECT_EQ(s.max, test::indexValue(6, 5, 1));
    EXPECT_DOUBLE_EQ(s.areaMm2, 4 * 0.5 * 2 * 0.5);  // 2 mm x 1 mm
}

TEST(RoiStatistics, EllipseCountsThePixelCentresInside) {
    // A constant disc of 100 in a field of 0; an ellipse of radius 5 voxels.
    const core::Geometry g = test::makeGeometry({31, 31, 1}, {0.8, 0.8, 1});
    core::Image v(core::PixelType::Int16, 1, g);
    for (std::size_t j = 0; j < 31; ++j)
        for (std::size_t i = 0; i < 31; ++i) v.setValue(i, j, 0, (i + j) % 2 ? 100 : 0);
    const app::SliceStack stack(g, app::nativeAxes(g));
    const auto plane = stack.plane(0);
    const auto s = app::roiStatistics(v, plane, MeasurementKind::Ellipse,
                                      g.indexToPatient({10, 10, 0}), g.indexToPatient({20, 20, 0}));
    int expected = 0, odd = 0;
    for (int j = 10; j <= 20; ++j)
        for (int i = 10; i <= 20; ++i)
            if (std::pow((i - 15) / 5.0, 2) + std::pow((j - 15) / 5.0, 2) <= 1.0) {
                ++expected;
                if ((i + j) % 2) ++odd;
            }
    EXPECT_EQ(s.pixels, static_cast<std::size_t>(expected));
    EXPECT_NEAR(s.mean, 100.0 * odd / expected, 1e-9);
    EXPECT_EQ(s.min, 0);
    EXPECT_EQ(s.max, 100);
    EXPECT_NEAR(s.areaMm2, std::numbers::pi * 4.0 * 4.0, 1e-9);  // radius 5 voxels = 4 mm
}

TEST(RoiStatistics, RegionOutsideTheVolumeHasNoPixelsAndWrongKindsAreRefused) {
    const core::Geometry g = test::makeGeometry({10, 10, 1});
    const core::Image v = test::makeIndexPhantom(g);
    const app::SliceStack stack(g, app::nativeAxes(g));
    const auto s =
        app::roiStatistics(v, stack.plane(0), MeasurementKind::Rectangle, {50, 50, 0}, {60, 55, 0});
    EXPECT_EQ(s.pixels, 0u);
    EXPECT_DOUBLE_EQ(s.areaMm2, 50.0);
    EXPECT_THROW(
        app::roiStatistics(v, stack.plane(0), MeasurementKind::Distance, {0, 0, 0}, {1, 1, 0}),
        core::InvalidArgument);
}

TEST(MeasurementStore, KeepsMeasurementsPerSeriesAndDeletes) {
    app::MeasurementStore store;
    app::Measurement m;
    m.kind = MeasurementKind::Distance;
    m.points = {{0, 0, 10}, {5, 0, 10}};
    m.normal = {0, 0, 1};
    const int a = store.add("series-A", m);
    const int b = store.add("series-A", m);
    const int c = store.add("series-B", m);
    EXPECT_NE(a, b);
    EXPECT_NE(b, c);
    EXPECT_EQ(store.list("series-A").size(), 2u);
    EXPECT_EQ(store.list("series-B").size(), 1u);
    EXPECT_TRUE(store.list("nothing").empty());
    EXPECT_TRUE(store.remove("series-A", a));
    EXPECT_FALSE(store.remove("series-A", a));
    EXPECT_FALSE(store.remove("series-B", b));
    EXPECT_EQ(store.list("series-A").size(), 1u);
    EXPECT_EQ(store.find("series-A", b)->id, b);

    // Shown only on the slice (and view direction) where it was drawn.
    app::SlicePlane plane;
    plane.origin = {0, 0, 10.4};
    EXPECT_EQ(store.onPlane("series-A", plane, 0.5).size(), 1u);
    plane.origin = {0, 0, 11};
    EXPECT_TRUE(store.onPlane("series-A", plane, 0.5).empty());
    plane.origin = {0, 0, 10};
    plane.normal = {0, 1, 0};
    EXPECT_TRUE(store.onPlane("series-A", plane, 0.5).empty());
    plane.normal = {0, 0, -1};  // the same plane seen from the other side
    EXPECT_EQ(store.onPlane("series-A", plane, 0.5).size(), 1u);
}

TEST(MeasurementDraft, DistanceIsOneDragAndAClickAddsNothing) {
    app::MeasurementDraft d;
    EXPECT_FALSE(d.press(MeasurementKind::Distance, app::ViewOrientation::Axial, {0, 0, 5}));
    EXPECT_TRUE(d.active());
    d.move({3, 4, 5});
    EXPECT_EQ(d.liveText(), "5.0 mm");
    EXPECT_TRUE(d.release(40.0, 3.0));
    app::SlicePlane plane;
    plane.origin = {0, 0, 5};
    const app::Measurement m = d.finish(core::Image{}, plane);
    EXPECT_FALSE(d.active());
    EXPECT_EQ(m.kind, MeasurementKind::Distance);
    ASSERT_EQ(m.points.size(), 2u);
    EXPECT_EQ(m.points[1], (Vec3{3, 4, 5}));
    EXPECT_EQ(m.normal, (Vec3{0, 0, 1}));
    // A click (no drag) is dropped.
    d.press(MeasurementKind::Distance, app::ViewOrientation::Axial, {0, 0, 5});
    EXPECT_FALSE(d.release(1.0, 3.0));
    EXPECT_FALSE(d.active());
}

TEST(MeasurementDraft, AngleTakesThreePressesWithTheVertexSecond) {
    app::MeasurementDraft d;
    EXPECT_FALSE(d.press(MeasurementKind::Angle, app::ViewOrientation::Coronal, {10, 0, 0}));
    EXPECT_FALSE(d.release(50.0, 3.0));  // releasing does not end an angle
    d.move({0, 0, 0});
    EXPECT_FALSE(d.press(MeasurementKind::Angle, app::ViewOrientation::Coronal, {0, 0, 0}));
    d.move({0, 0, 7});
    EXPECT_EQ(d.liveText(), "90.0\u00b0");
    EXPECT_TRUE(d.press(MeasurementKind::Angle, app::ViewOrientation::Coronal, {0, 0, 7}));
    app::SlicePlane plane;
    plane.normal = {0, 1, 0};
    const app::Measurement m = d.finish(core::Image{}, plane);
    ASSERT_EQ(m.points.size(), 3u);
    EXPECT_NEAR(app::angleDegrees(m.points[0], m.points[1], m.points[2]), 90.0, 1e-12);
    // A press in another view starts over.
    d.press(MeasurementKind::Angle, app::ViewOrientation::Axial, {1, 1, 1});
    d.press(MeasurementKind::Angle, app::ViewOrientation::Sagittal, {2, 2, 2});
    EXPECT_EQ(d.view(), app::ViewOrientation::Sagittal);
    EXPECT_EQ(d.points().size(), 2u);
}

TEST(MeasurementDraft, RoisGetTheirStatisticsWhenFinished) {
    const core::Geometry g = test::makeGeometry({20, 20, 1}, {0.5, 0.5, 1});
    const core::Image v = test::makeIndexPhantom(g);
    const app::SliceStack stack(g, app::nativeAxes(g));
    app::MeasurementDraft d;
    d.press(MeasurementKind::Rectangle, app::ViewOrientation::Axial,
            g.indexToPatient({2.5, 3.5, 0}));
    d.move(g.indexToPatient({6.5, 5.5, 0}));
    ASSERT_TRUE(d.release(20, 3));
    const app::Measurement m = d.finish(v, stack.plane(0));
    ASSERT_TRUE(m.roi.has_value());
    EXPECT_EQ(m.roi->pixels, 8u);
    EXPECT_EQ(m.roi->min, test::indexValue(3, 4, 0));
}

TEST(MeasurementGraphic, PolylinesAndLabelsInPlaneCoordinates) {
    const core::Geometry g = test::makeGeometry({20, 20, 3}, {0.5, 0.5, 2});
    const app::SliceStack stack(
        g, app::viewAxes(app::ViewOrientation::Axial, app::PlaneAlignment::Patient, g));
    const auto d = app::measurementGraphic(
        MeasurementKind::Distance, {g.indexToPatient({2, 2, 1}), g.indexToPatient({6, 2, 1})},
        "2.0 mm", stack, 1.0);
    ASSERT_EQ(d.points.size(), 2u);
    EXPECT_NEAR(d.points[0][0], 1.0, 1e-12);  // plane mm from pixel (0, 0)
    EXPECT_NEAR(d.points[1][0], 3.0, 1e-12);
    EXPECT_FALSE(d.closed);
    EXPECT_NEAR(d.labelAt[0], 4.0, 1e-12);
    EXPECT_NEAR(d.labelAt[1], 0.0, 1e-12);
    const auto r = app::measurementGraphic(
        MeasurementKind::Rectangle, {g.indexToPatient({6, 8, 1}), g.indexToPatient({2, 4, 1})}, "",
        stack, 1.0);
    ASSERT_EQ(r.points.size(), 4u);
    EXPECT_TRUE(r.closed);
    EXPECT_NEAR(r.points[0][0], 1.0, 1e-12);
    EXPECT_NEAR(r.points[0][1], 2.0, 1e-12);
    EXPECT_NEAR(r.points[2][0], 3.0, 1e-12);
    EXPECT_NEAR(r.points[2][1], 4.0, 1e-12);
    const auto e = app::measurementGraphic(
        MeasurementKind::Ellipse, {g.indexToPatient({2, 4, 1}), g.indexToPatient({6, 8, 1})}, "",
        stack, 1.0);
    ASSERT_EQ(e.points.size(), 64u);
    for (const auto& p : e.points)  // on the ellipse centred (2, 3) with radii 1 and 1
        EXPECT_NEAR(std::pow(p[0] - 2.0, 2) + std::pow(p[1] - 3.0, 2), 1.0, 1e-9);
    app::Measurement m;
    m.kind = MeasurementKind::Rectangle;
    m.roi = app::RoiStatistics{8, 1.5, 0.5, 1, 2, 3};
    EXPECT_EQ(app::viewLabel(m), "mean 1.5  SD 0.5\nmin 1  max 2\narea 3.0 mm\u00b2");
}
