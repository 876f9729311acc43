// The shared view state: linked cursor, scrolling, windows; plus thumbnails and the
// collection of loaded series.
#include <gtest/gtest.h>

#include "ModelTestSupport.h"
#include "stratum/app/model/SeriesCollection.h"
#include "stratum/app/model/Thumbnail.h"
#include "stratum/app/model/ViewerState.h"
#include "stratum/core/Error.h"

using namespace stratum;
using core::operator+;
using core::operator-;
using core::operator*;
using app::ViewOrientation;

TEST(ViewerState, OpensAtTheCentreWithOneCursorForAllViews) {
    const core::Geometry g = test::makeGeometry({16, 12, 9}, {0.8, 0.9, 2.5}, {-10, 20, 30});
    app::ViewerState state;
    state.setVolume(test::makeIndexPhantom(g));
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Axial), 4);
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Coronal), 5);
    // Sagittal slices run right to left: voxel i = 7 is slice 15 - 7 = 8.
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Sagittal), 8);
    EXPECT_FALSE(state.isSingleImage());

    // Scrolling the axial view moves the cursor up one slice; the other views keep
    // their slices and now show the crosshair one slice higher.
    EXPECT_TRUE(state.scroll(ViewOrientation::Axial, 1));
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Axial), 5);
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Coronal), 5);
    EXPECT_NEAR(g.patientToIndex(state.cursor())[2], 5.0, 1e-9);
    EXPECT_FALSE(state.scroll(ViewOrientation::Axial, 0));
    state.scroll(ViewOrientation::Axial, 100);
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Axial), 8);  // clamped
    EXPECT_FALSE(state.scroll(ViewOrientation::Axial, 1));

    // A cursor set outside the volume is clamped onto it.
    state.setCursor(g.indexToPatient({-5, 3, 4}));
    EXPECT_NEAR(g.patientToIndex(state.cursor())[0], 0.0, 1e-9);
    EXPECT_NEAR(g.patientToIndex(state.cursor())[1], 3.0, 1e-9);
    // The sagittal plane passes through the cursor.
    EXPECT_NEAR(state.plane(ViewOrientation::Sagittal).distanceTo(state.cursor()), 0.0, 1e-9);
}

TEST(ViewerState, ReplacingTheFirstSliceByTheSeriesKeepsCursorAndWindow) {
    const core::Geometry g = test::makeGeometry({16, 12, 9}, {0.8, 0.9, 2.5}, {-10, 20, 30});
    const core::Image full = test::makeIndexPhantom(g);
    // The middle slice alone, as loaded first.
    core::Geometry one = g;
    one.size[2] = 1;
    one.origin = g.indexToPatient({0, 0, 4});
    core::Image slice(core::PixelType::Int16, 1, one);
    for (std::size_t j = 0; j < 12; ++j)
        for (std::size_t i = 0; i < 16; ++i) slice.setValue(i, j, 0, full.value(i, j, 4));
    app::ViewerState state;
    state.setVolume(slice);
    EXPECT_TRUE(state.isSingleImage());
    state.display().window = {123, 45};
    state.replaceVolume(full);
    EXPECT_FALSE(state.isSingleImage());
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Axial), 4);
    EXPECT_EQ(state.display().window, (app::WindowLevel{123, 45}));
}

TEST(ViewerState, WindowDragScaleFollowsTheValueRange) {
    core::Image img(core::PixelType::Int16, 1, test::makeGeometry({100, 100, 1}));
    auto px = img.pixels<std::int16_t>();
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::int16_t>(i % 1000);
    app::ViewerState state;
    state.setVolume(img);
    // 1st to 99th percentile ~ 10..990: ~980 / 512 values per pixel.
    EXPECT_NEAR(state.windowDragScale(), 980.0 / 512.0, 0.05);
}

TEST(Thumbnail, KeepsTheAspectRatioAndShowsTheMiddleSlice) {
    // 40 x 20 voxels of 1 x 1 mm, slice 1 of 3: left half 0, right half 1000.
    core::Image img(core::PixelType::Int16, 1, test::makeGeometry({40, 20, 3}));
    for (std::size_t j = 0; j < 20; ++j)
        for (std::size_t i = 20; i < 40; ++i) img.setValue(i, j, 1, 1000);
    const auto t = app::makeThumbnail(img, 16);
    EXPECT_EQ(t.width, 16);
    EXPECT_EQ(t.height, 8);
    EXPECT_EQ(t.pixels[0], 0);
    EXPECT_EQ(t.pixels[15], 255);
    // Anisotropic pixels: 40 x 20 voxels of 0.5 x 2 mm are 20 x 40 mm: taller than wide.
    core::Image tall(core::PixelType::UInt8, 1, test::makeGeometry({40, 20, 1}, {0.5, 2, 1}));
    const auto u = app::makeThumbnail(tall, 16);
    EXPECT_EQ(u.width, 8);
    EXPECT_EQ(u.height, 16);
    EXPECT_THROW(app::makeThumbnail(core::Image{}, 16), core::InvalidArgument);
}

TEST(SeriesCollection, AddsFindsAndRemovesWithFreshIds) {
    app::SeriesCollection c;
    app::LoadedSeries s;
    s.key = "1.2.3";
    s.name = "CT chest";
    s.image = core::Image(core::PixelType::UInt8, 1, test::makeGeometry({2, 2, 1}));
    const int a = c.add(s);
    s.key = "derived";
    s.parentId = a;
    const int b = c.add(s);
    EXPECT_NE(a, b);
    EXPECT_EQ(c.findByKey("derived")->parentId, a);
    EXPECT_TRUE(c.remove(a));
    EXPECT_EQ(c.find(a), nullptr);
    EXPECT_FALSE(c.remove(a));
    const int d = c.add(s);
    EXPECT_GT(d, b);
    EXPECT_THROW(c.add(app::LoadedSeries{}), core::InvalidArgument);
}
