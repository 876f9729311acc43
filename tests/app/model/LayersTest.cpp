// Overlay layers: the layer stack, label colours and outlines, heatmap colour maps,
// and the rendered RGBA of a slice checked pixel by pixel.
#include <gtest/gtest.h>

#include <cmath>

#include "ModelTestSupport.h"
#include "stratum/app/model/ColorMap.h"
#include "stratum/app/model/LabelColorTable.h"
#include "stratum/app/model/LayerStack.h"
#include "stratum/app/model/SliceRenderer.h"
#include "stratum/app/model/SliceStack.h"
#include "stratum/app/model/ViewOrientation.h"
#include "stratum/core/Error.h"

using namespace stratum;
using core::operator+;
using core::operator-;
using core::operator*;
using app::Rgb;

namespace {

// 8x6x1 base of constant 100, and a label map with a 4x2 block of label 2 at (2..5, 2..3).
struct Scene {
    core::Geometry g = test::makeGeometry({8, 6, 1});
    core::Image base{core::PixelType::Int16, 1, g};
    core::Image labels{core::PixelType::UInt8, 1, g};
    Scene() {
        for (auto& v : base.pixels<std::int16_t>()) v = 100;
        for (std::size_t j = 2; j <= 3; ++j)
            for (std::size_t i = 2; i <= 5; ++i) labels.setValue(i, j, 0, 2);
    }
    app::SlicePlane plane() const { return app::SliceStack(g, app::nativeAxes(g)).plane(0); }
};

std::uint32_t rgba(int r, int g, int b, int a) {
    return (std::uint32_t(r) << 24) | (std::uint32_t(g) << 16) | (std::uint32_t(b) << 8) |
           std::uint32_t(a);
}

}  // namespace

TEST(ColorMap, EndpointsAndMidpoints) {
    EXPECT_EQ(app::mapColor(app::ColorMap::Grey, 0.0), (Rgb{0, 0, 0}));
    EXPECT_EQ(app::mapColor(app::ColorMap::Grey, 1.0), (Rgb{255, 255, 255}));
    EXPECT_EQ(app::mapColor(app::ColorMap::Grey, 0.5), (Rgb{128, 128, 128}));
    EXPECT_EQ(app::mapColor(app::ColorMap::Jet, 0.0), (Rgb{0, 0, 128}));
    EXPECT_EQ(app::mapColor(app::ColorMap::Jet, 0.5), (Rgb{128, 255, 128}));
    EXPECT_EQ(app::mapColor(app::ColorMap::Jet, 1.0), (Rgb{128, 0, 0}));
    EXPECT_EQ(app::mapColor(app::ColorMap::Hot, 0.75), (Rgb{255, 255, 0}));
    EXPECT_EQ(app::mapColor(app::ColorMap::Hot, 2.0), (Rgb{255, 255, 255}));  // clamped
    EXPECT_EQ(app::mapColor(app::ColorMap::Inferno, 0.0), (Rgb{0, 0, 4}));
}

TEST(LabelColorTable, DistinctDefaultsAndOverrides) {
    app::LabelColorTable t;
    EXPECT_EQ(t.color(1), (Rgb{230, 25, 75}));
    EXPECT_NE(t.color(1), t.color(2));
    EXPECT_NE(t.color(13), t.color(14));
    t.setColor(1, {1, 2, 3});
    t.setName(1, "liver");
    EXPECT_EQ(t.color(1), (Rgb{1, 2, 3}));
    EXPECT_EQ(t.name(1), "liver");
    EXPECT_EQ(t.name(7), "label 7");
}

TEST(LayerStack, AddRemoveReorderAndValidation) {
    Scene s;
    app::LayerStack stack;
    const int a = stack.add(app::OverlayLayer::labelMap("seg", s.labels));
    const int b = stack.add(app::OverlayLayer::heatmap("cam", s.base));
    EXPECT_EQ(stack.layers()[0].id, a);
    EXPECT_TRUE(stack.raise(a));
    EXPECT_EQ(stack.layers()[1].id, a);
    EXPECT_FALSE(stack.raise(a));  // already on top
    EXPECT_TRUE(stack.lower(a));
    EXPECT_EQ(stack.layers()[0].id, a);
    EXPECT_TRUE(stack.remove(b));
    EXPECT_EQ(stack.find(b), nullptr);
    EXPECT_EQ(stack.size(), 1u);

    EXPECT_THROW(stack.add(app::OverlayLayer::labelMap("empty", core::Image{})),
                 core::InvalidArgument);
    core::Image rgb(core::PixelType::UInt8, 3, s.g);
    EXPECT_THROW(stack.add(app::OverlayLayer::labelMap("rgb", rgb)), core::InvalidArgument);
    core::Image fractional(core::PixelType::Float32, 1, s.g);
    fractional.pixels<float>()[3] = 0.5f;
    EXPECT_THROW(stack.add(app::OverlayLayer::labelMap("float", fractional)),
                 core::InvalidArgument);
}

TEST(SliceRenderer, WindowLevelAndInvertGiveExactGreys) {
    Scene s;
    app::SliceRenderer renderer;
    app::RgbaImage out;
    app::DisplaySettings d;
    d.window = {100.5, 201};  // 0..200: value 100 -> 127.5 -> 128
    renderer.render(s.base, nullptr, s.plane(), d, out);
    ASSERT_EQ(out.width, 8);
    ASSERT_EQ(out.height, 6);
    EXPECT_EQ(out.at(0, 0), rgba(128, 128, 128, 255));
    d.invert = true;
    renderer.render(s.base, nullptr, s.plane(), d, out);
    EXPECT_EQ(out.at(7, 5), rgba(127, 127, 127, 255));
}

TEST(SliceRenderer, WindowChangesReuseTheReslicedValues) {
    Scene s;
    app::SliceRenderer renderer;
    app::RgbaImage out;
    app::DisplaySettings d;
    d.window = {100.5, 201};
    renderer.render(s.base, nullptr, s.plane(), d, out);
    EXPECT_EQ(renderer.resliceCount(), 1);
    d.window = {50.5, 101};  // 100 is now white
    renderer.render(s.base, nullptr, s.plane(), d, out);
    EXPECT_EQ(renderer.resliceCount(), 1);
    EXPECT_EQ(out.at(3, 3), rgba(255, 255, 255, 255));
    // Another plane, another interpolation or another volume reslices.
    app::SlicePlane shifted = s.plane();
    shifted.origin = shifted.origin + core::Vec3{1, 0, 0};
    renderer.render(s.base, nullptr, shifted, d, out);
    EXPECT_EQ(renderer.resliceCount(), 2);
    d.interpolation = app::Interpolation::Nearest;
    renderer.render(s.base, nullptr, shifted, d, out);
    EXPECT_EQ(renderer.resliceCount(), 3);
    const core::Image copy = s.base.clone();
    renderer.render(copy, nullptr, shifted, d, out);
    EXPECT_EQ(renderer.resliceCount(), 4);
    // A volume freed and another allocated (possibly at the same address) reslices too.
    {
        core::Image a = s.base.clone();
        renderer.render(a, nullptr, shifted, d, out);
    }
    const long before = renderer.resliceCount();
    core::Image b(core::PixelType::Int16, 1, s.g);
    renderer.render(b, nullptr, shifted, d, out);
    EXPECT_EQ(renderer.resliceCount(), before + 1);
    EXPECT_EQ(out.at(3, 3) >> 8, 0u);  // b is all zeros: black
}

TEST(SliceRenderer, LabelMapIsBlendedAtItsOpacityAndOutlined) {
    Scene s;
    app::LayerStack stack;
    app::OverlayLayer layer = app::OverlayLayer::labelMap("seg", s.labels, 0.5);
    layer.colors.setColor(2, {255, 0, 0});
    const int id = stack.add(layer);
    app::SliceRenderer renderer;
    app::RgbaImage out;
    app::DisplaySettings d;
    d.window = {100.5, 201};
    renderer.render(s.base, &stack, s.plane(), d, out);
    // grey 128 blended half with red: (128+255)/2 = 191.5 -> 192; 128/2 = 64.
    EXPECT_EQ(out.at(3, 2), rgba(192, 64, 64, 255));
    EXPECT_EQ(out.at(1, 1), rgba(128, 128, 128, 255));  // background label 0

    // Outline: the 4x2 block is all border; a 4x4 block would keep its interior grey.
    stack.find(id)->outline = true;
    renderer.render(s.base, &stack, s.plane(), d, out);
    EXPECT_EQ(out.at(3, 2), rgba(192, 64, 64, 255));
    core::Image big(core::PixelType::UInt8, 1, s.g);
    for (std::size_t j = 1; j <= 4; ++j)
        for (std::size_t i = 2; i <= 5; ++i) big.setValue(i, j, 0, 2);
    stack.find(id)->image = big;
    renderer.render(s.base, &stack, s.plane(), d, out);
    EXPECT_EQ(out.at(2, 1), rgba(192, 64, 64, 255));
    EXPECT_EQ(out.at(3, 2), rgba(128, 128, 128, 255));  // interior
    EXPECT_EQ(out.at(4, 3), rgba(128, 128, 128, 255));
    EXPECT_EQ(out.at(5, 3), rgba(192, 64, 64, 255));

    // Hidden layers are not drawn.
    stack.find(id)->visible = false;
    renderer.render(s.base, &stack, s.plane(), d, out);
    EXPECT_EQ(out.at(2, 1), rgba(128, 128, 128, 255));
}

TEST(SliceRenderer, HeatmapUsesItsColourMapRangeAndThreshold) {
    Scene s;
    core::Image heat(core::PixelType::Float32, 1, s.g);
    for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t j = 0; j < 6; ++j) heat.setValue(i, j, 0, i / 7.0);
    app::LayerStack stack;
    app::OverlayLayer layer = app::OverlayLayer::heatmap("cam", heat, 1.0, app::ColorMap::Grey);
    EXPECT_DOUBLE_EQ(layer.rangeMin, 0.0);
    EXPECT_DOUBLE_EQ(layer.rangeMax, 1.0);
    layer.threshold = 0.5;
    stack.add(layer);
    app::SliceRenderer renderer;
    app::RgbaImage out;
    app::DisplaySettings d;
    d.window = {100.5, 201};
    renderer.render(s.base, &stack, s.plane(), d, out);
    EXPECT_EQ(out.at(0, 0), rgba(128, 128, 128, 255));  // 0 < threshold: base shows
    EXPECT_EQ(out.at(7, 0), rgba(255, 255, 255, 255));  // 1.0 at full opacity, grey map
    const auto mid = static_cast<int>(std::lround(4 / 7.0 * 255));
    EXPECT_EQ(out.at(4, 3), rgba(mid, mid, mid, 255));
}

TEST(SliceRenderer, OutsideTheVolumeIsTransparent) {
    Scene s;
    app::SlicePlane p = s.plane();
    p.origin = p.origin + core::Vec3{-3, 0, 0};  // three pixels left of the volume
    app::SliceRenderer renderer;
    app::RgbaImage out;
    renderer.render(s.base, nullptr, p, {}, out);
    EXPECT_EQ(out.at(0, 0), 0u);
    EXPECT_EQ(out.at(2, 0) & 0xff, 0u);
    EXPECT_EQ(out.at(3, 0) & 0xff, 255u);
}
