// Window/level maths (DICOM linear VOI function), presets, automatic windows.
#include <gtest/gtest.h>

#include <cmath>

#include "ModelTestSupport.h"
#include "stratum/app/model/IntensityStats.h"
#include "stratum/app/model/WindowLevel.h"
#include "stratum/app/model/WindowPresets.h"
#include "stratum/core/Error.h"

using namespace stratum;
using core::operator+;
using core::operator-;
using core::operator*;
using app::WindowLevel;

TEST(WindowLevel, FollowsTheDicomLinearFunction) {
    const WindowLevel w{40.0, 400.0};  // abdomen: -160..240 HU
    // Below c - 0.5 - (w-1)/2 = -160: black; above c - 0.5 + (w-1)/2 = 239: white.
    EXPECT_EQ(w.toDisplay(-1000), 0.0);
    EXPECT_EQ(w.toDisplay(-160), 0.0);
    EXPECT_EQ(w.toDisplay(1000), 255.0);
    EXPECT_EQ(w.toDisplay(239.5), 255.0);
    EXPECT_DOUBLE_EQ(w.lower(), -160.0);
    EXPECT_DOUBLE_EQ(w.upper(), 239.0);
    // Inside: ((v - (c - 0.5)) / (w - 1) + 0.5) * 255.
    EXPECT_NEAR(w.toDisplay(39.5), 127.5, 1e-12);
    EXPECT_NEAR(w.toDisplay(100), ((100 - 39.5) / 399.0 + 0.5) * 255.0, 1e-12);
    EXPECT_EQ(w.toByte(39.5), 128);
    EXPECT_EQ(w.toByte(-159), 1);
}

TEST(WindowLevel, WidthOneIsAStep) {
    const WindowLevel w{10.0, 1.0};
    EXPECT_EQ(w.toDisplay(9.5), 0.0);
    EXPECT_EQ(w.toDisplay(9.6), 255.0);
}

TEST(WindowLevel, DragRightWidensAndDragDownRaisesTheLevel) {
    const WindowLevel w{100.0, 200.0};
    const WindowLevel d = w.dragged(10, 0, 2.0);
    EXPECT_DOUBLE_EQ(d.width, 220.0);
    EXPECT_DOUBLE_EQ(d.center, 100.0);
    const WindowLevel e = w.dragged(0, 5, 2.0);
    EXPECT_DOUBLE_EQ(e.center, 110.0);
    // A raised level makes the same value darker.
    EXPECT_LT(e.toDisplay(150), w.toDisplay(150));
    // The width stops at 1.
    EXPECT_DOUBLE_EQ(w.dragged(-1000, 0, 2.0).width, 1.0);
}

TEST(IntensityStats, PercentilesOfAKnownDistribution) {
    // 0..9999 once each: percentiles are the values themselves (within a bin of 10000/4096).
    core::Image img(core::PixelType::Int16, 1, test::makeGeometry({100, 100, 1}));
    auto px = img.pixels<std::int16_t>();
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::int16_t>(i);
    const auto s = app::intensityStats(img);
    EXPECT_EQ(s.min, 0);
    EXPECT_EQ(s.max, 9999);
    EXPECT_EQ(s.samples, 10000u);
    const double bin = 9999.0 / 4096.0;
    EXPECT_NEAR(s.p01, 100, bin + 1);
    EXPECT_NEAR(s.p99, 9900, bin + 1);
    EXPECT_NEAR(s.p005, 50, bin + 1);
    EXPECT_NEAR(s.p995, 9950, bin + 1);
}

TEST(IntensityStats, NanIsIgnoredAndConstantImagesWork) {
    core::Image img(core::PixelType::Float32, 1, test::makeGeometry({4, 1, 1}));
    auto px = img.pixels<float>();
    px[0] = NAN;
    px[1] = px[2] = px[3] = 7.0f;
    const auto s = app::intensityStats(img);
    EXPECT_EQ(s.samples, 3u);
    EXPECT_EQ(s.min, 7.0);
    EXPECT_EQ(s.p995, 7.0);
    EXPECT_THROW(app::intensityStats(core::Image{}), core::InvalidArgument);
}

TEST(WindowPresets, FilePresetsComeFirstThenCtThenAuto) {
    core::ImageMetadata md;
    md.series.modality = "CT";
    md.windows = {{"WINDOW1", 35, 350}, {"", -600, 1600}};
    app::IntensityStats s;
    s.min = -1024;
    s.max = 2000;
    s.p005 = -1000;
    s.p995 = 1000;
    const auto presets = app::windowPresets(md, s);
    ASSERT_EQ(presets.size(), 2u + 5u + 2u);
    EXPECT_EQ(presets[0].name, "WINDOW1");
    EXPECT_EQ(presets[0].window, (WindowLevel{35, 350}));
    EXPECT_EQ(presets[1].name, "File 2");
    EXPECT_EQ(presets[2].name, "Lung");
    EXPECT_EQ(presets[2].window, (WindowLevel{-600, 1500}));
    EXPECT_EQ(presets[3].name, "Mediastinum");
    EXPECT_EQ(presets[4].name, "Abdomen");
    EXPECT_EQ(presets[5].name, "Bone");
    EXPECT_EQ(presets[6].name, "Brain");
    EXPECT_EQ(presets[6].window, (WindowLevel{40, 80}));
    EXPECT_EQ(presets[7].name, "Auto");
    EXPECT_EQ(presets[8].name, "Full range");
    EXPECT_EQ(app::initialWindow(md, s), (WindowLevel{35, 350}));
}

TEST(WindowPresets, MrAndXrayGetAutoFromTheHistogram) {
    core::ImageMetadata md;
    md.series.modality = "MR";
    app::IntensityStats s;
    s.min = 0;
    s.max = 900;
    s.p005 = 10;
    s.p995 = 610;
    const auto presets = app::windowPresets(md, s);
    ASSERT_EQ(presets.size(), 2u);
    EXPECT_EQ(presets[0].name, "Auto");
    // 10..610 unclipped: width 600, centre 310.5 (DICOM's half-unit offset).
    const WindowLevel w = app::initialWindow(md, s);
    EXPECT_DOUBLE_EQ(w.width, 600);
    EXPECT_DOUBLE_EQ(w.center, 310.5);
    EXPECT_EQ(w.toByte(9), 0);
    EXPECT_EQ(w.toByte(611), 255);
    // CT without presets whose values are HU opens on the abdomen window.
    md.series.modality = "CT";
    s.min = -1024;
    EXPECT_EQ(app::initialWindow(md, s), (WindowLevel{50, 400}));
}
