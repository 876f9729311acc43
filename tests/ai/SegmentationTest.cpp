// U-Net segmentation: sliding-window inference against whole-image inference, the
// blend of overlapping patches, geometry of the outputs, slice-wise 2D inference,
// parameter checks and hand-computed segmentation metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>

#include "stratum/ai/Device.h"
#include "stratum/ai/SegmentationMetrics.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

ai::UNetSpec spec(int dims, int depth, int width, int labels, bool attention = false,
                  ai::NormKind norm = ai::NormKind::Instance) {
    ai::UNetSpec s;
    s.dimensions = dims;
    s.depth = depth;
    s.width = width;
    s.numLabels = labels;
    s.attention = attention;
    s.norm = norm;
    return s;
}

core::Geometry geometry(std::size_t x, std::size_t y, std::size_t z) {
    core::Geometry g;
    g.size = {x, y, z};
    g.spacing = {0.8, 1.1, 2.5};
    g.origin = {-12.0, 30.5, 7.25};
    return g;
}

core::Image randomVolume(const core::Geometry& g, std::uint64_t seed, int components = 1) {
    core::Image image(core::PixelType::Float32, components, g);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> n(100.0f, 40.0f);
    for (float& v : image.pixels<float>()) v = n(rng);
    return image;
}

// The image flipped along the given axes (x, y, z).
core::Image flipped(const core::Image& in, bool fx, bool fy, bool fz) {
    core::Image out(core::PixelType::Float32, 1, in.geometry());
    const core::Size3& s = in.size();
    for (std::size_t k = 0; k < s[2]; ++k)
        for (std::size_t j = 0; j < s[1]; ++j)
            for (std::size_t i = 0; i < s[0]; ++i)
                out.setValue(fx ? s[0] - 1 - i : i, fy ? s[1] - 1 - j : j, fz ? s[2] - 1 - k : k,
                             in.value(i, j, k));
    return out;
}

// Softmax over the label images at every voxel.
std::vector<std::vector<float>> softmax(const std::vector<core::Image>& logits) {
    const std::size_t n = logits.front().voxelCount();
    std::vector<std::vector<float>> p(logits.size(), std::vector<float>(n));
    for (std::size_t v = 0; v < n; ++v) {
        double peak = -1e300, sum = 0.0;
        for (const auto& l : logits) peak = std::max(peak, static_cast<double>(l.data<float>()[v]));
        for (const auto& l : logits) sum += std::exp(l.data<float>()[v] - peak);
        for (std::size_t c = 0; c < logits.size(); ++c)
            p[c][v] = static_cast<float>(std::exp(logits[c].data<float>()[v] - peak) / sum);
    }
    return p;
}

bool sameGeometry(const core::Geometry& a, const core::Geometry& b) {
    return a.size == b.size && a.spacing == b.spacing && a.origin == b.origin &&
           a.direction == b.direction;
}

}  // namespace

TEST(UNet, SpecValidationAndNames) {
    EXPECT_EQ(spec(3, 4, 16, 2).describe(), "unet 3D (depth 4, width 16, instance norm, 1 -> 2)");
    EXPECT_EQ(spec(2, 3, 8, 3, true, ai::NormKind::Batch).describe(),
              "attention-unet 2D (depth 3, width 8, batch norm, 1 -> 3)");
    EXPECT_EQ(spec(3, 4, 16, 2).sizeMultiple(), 8);
    EXPECT_THROW(spec(4, 3, 8, 2).validate(), core::InvalidArgument);
    EXPECT_THROW(spec(3, 7, 8, 2).validate(), core::InvalidArgument);
    EXPECT_THROW(spec(3, 3, 8, 1).validate(), core::InvalidArgument);
    EXPECT_THROW(ai::Segmenter::create(spec(3, 1, 8, 2), 1, "cpu"), core::InvalidArgument);
}

TEST(UNet, AllVariantsRunAndKeepTheGrid) {
    // 2D and 3D, batch and instance norm, with and without attention gates.
    for (const int dims : {2, 3})
        for (const bool attention : {false, true})
            for (const auto norm : {ai::NormKind::Instance, ai::NormKind::Batch}) {
                const auto s = spec(dims, 3, 4, 3, attention, norm);
                const auto net = ai::Segmenter::create(s, 7, "cpu");
                const core::Image image = randomVolume(geometry(8, 12, dims == 3 ? 4 : 1), 3);
                const auto logits = net.logits(image);
                ASSERT_EQ(logits.size(), 3u) << s.describe();
                EXPECT_TRUE(sameGeometry(logits[0].geometry(), image.geometry())) << s.describe();
                for (const float v : logits[2].pixels<float>())
                    ASSERT_TRUE(std::isfinite(v)) << s.describe();
            }
    // Attention gates add parameters named gate*.
    const auto plain = ai::Segmenter::create(spec(3, 3, 4, 2), 1, "cpu").parameters();
    const auto gated = ai::Segmenter::create(spec(3, 3, 4, 2, true), 1, "cpu").parameters();
    EXPECT_GT(gated.size(), plain.size());
    bool hasGate = false;
    for (const auto& p : gated) hasGate = hasGate || p.name.rfind("gate0.", 0) == 0;
    EXPECT_TRUE(hasGate);
}

TEST(Segmentation, OnePatchCoveringTheImageEqualsWholeImageInference) {
    for (const bool attention : {false, true}) {
        const auto net = ai::Segmenter::create(spec(3, 3, 4, 3, attention), 11, "cpu");
        const core::Image image = randomVolume(geometry(16, 12, 8), 5);
        ai::SegmentOptions o;
        o.intensity.method = ai::SegmentationIntensity::Method::ZScore;
        o.patchSize = {16, 12, 8};
        o.probabilities = true;
        const ai::SegmentationResult r = net.segment(image, o);
        const auto expected = softmax(net.logits(image, o.intensity));
        ASSERT_EQ(r.probabilities.size(), 3u);
        double worst = 0.0;
        for (std::size_t c = 0; c < 3; ++c)
            for (std::size_t v = 0; v < image.voxelCount(); ++v)
                worst = std::max(
                    worst, std::abs(double(r.probabilities[c].data<float>()[v]) - expected[c][v]));
        EXPECT_LT(worst, 1e-5) << "attention " << attention;
        // The labels are the argmax.
        for (std::size_t v = 0; v < image.voxelCount(); ++v) {
            int best = 0;
            for (int c = 1; c < 3; ++c)
                if (expected[c][v] > expected[best][v]) best = c;
            ASSERT_EQ(r.labels.data<std::uint8_t>()[v], best);
        }
    }
}

TEST(Segmentation, MirroringAveragesTheFlippedPredictions) {
    const auto net = ai::Segmenter::create(spec(3, 2, 4, 2, false, ai::NormKind::Batch), 3, "cpu");
    const core::Image image = randomVolume(geometry(8, 6, 4), 9);
    ai::SegmentOptions o;
    o.intensity = {ai::SegmentationIntensity::Method::Window, 0.0, 200.0};
    o.patchSize = {8, 6, 4};
    o.mirror = true;
    o.probabilities = true;
    const ai::SegmentationResult r = net.segment(image, o);
    std::vector<double> mean(image.voxelCount(), 0.0);
    for (int mask = 0; mask < 8; ++mask) {
        const bool fx = mask & 1, fy = mask & 2, fz = mask & 4;
        const auto p = softmax(net.logits(flipped(image, fx, fy, fz), o.intensity));
        core::Image p1(core::PixelType::Float32, 1, image.geometry());
        std::copy(p[1].begin(), p[1].end(), p1.data<float>());
        const core::Image back = flipped(p1, fx, fy, fz);
        for (std::size_t v = 0; v < mean.size(); ++v) mean[v] += back.data<float>()[v] / 8.0;
    }
    for (std::size_t v = 0; v < mean.size(); ++v)
        ASSERT_NEAR(r.probabilities[1].data<float>()[v], mean[v], 1e-5);
}

TEST(Segmentation, WindowStartsAndAccumulatedWeights) {
    EXPECT_EQ(ai::slidingWindowStarts(20, 8, 0.5), (std::vector<std::size_t>{0, 4, 8, 12}));
    EXPECT_EQ(ai::slidingWindowStarts(21, 8, 0.5), (std::vector<std::size_t>{0, 3, 7, 10, 13}));
    EXPECT_EQ(ai::slidingWindowStarts(16, 8, 0.0), (std::vector<std::size_t>{0, 8}));
    EXPECT_EQ(ai::slidingWindowStarts(5, 8, 0.5), (std::vector<std::size_t>{0}));
    // Gaussian of sigma 8/8 = 1 voxel centred at 3.5 along each axis, peak 1.
    const auto w = ai::patchWeights({8, 8, 8});
    const double edge = std::exp(-3.5 * 3.5 / 2.0) / std::exp(-0.25 / 2.0);
    EXPECT_NEAR(w[(3 * 8 + 3) * 8 + 3], 1.0, 1e-6);
    EXPECT_NEAR(w[(3 * 8 + 3) * 8 + 0], edge, 1e-7);
    // Two patches along x (starts 0 and 4) over a 12x8x8 volume: voxel x=5 gets
    // the weights of patch positions 5 and 1.
    const auto sum = ai::accumulatedWeights({12, 8, 8}, {8, 8, 8}, 0.5);
    const std::size_t row = (3 * 8 + 3) * 12;
    EXPECT_NEAR(sum[row + 5], w[(3 * 8 + 3) * 8 + 5] + w[(3 * 8 + 3) * 8 + 1], 1e-6);
    EXPECT_NEAR(sum[row + 0], w[(3 * 8 + 3) * 8 + 0], 1e-7);
    // Positive everywhere, also in far corners, for several layouts.
    for (const double overlap : {0.0, 0.25, 0.5, 0.8})
        for (const auto& size : {core::Size3{21, 13, 10}, core::Size3{5, 30, 9}}) {
            const auto s = ai::accumulatedWeights(size, {8, 8, 8}, overlap);
            ASSERT_EQ(s.size(), size[0] * size[1] * size[2]);
            for (const float v : s) ASSERT_GT(v, 0.0f) << "overlap " << overlap;
        }
}

TEST(Segmentation, BlendOfAConstantPredictionIsThatConstant) {
    // A head with zero weights predicts its bias everywhere: the blended probabilities
    // must be softmax(bias) at borders, in overlaps and in padded regions alike.
    auto net = ai::Segmenter::create(spec(3, 2, 4, 3), 2, "cpu");
    const std::vector<float> bias{0.5f, -0.25f, 1.0f};
    std::vector<ai::ParameterArray> params;
    for (auto p : net.parameters()) {
        if (p.name == "head.weight") std::fill(p.values.begin(), p.values.end(), 0.0f);
        if (p.name == "head.bias") p.values = bias;
        if (p.name.rfind("head.", 0) == 0) params.push_back(p);
    }
    ASSERT_EQ(params.size(), 2u);
    net.setParameters(params);
    const double z = std::exp(0.5) + std::exp(-0.25) + std::exp(1.0);
    const double expected[3] = {std::exp(0.5) / z, std::exp(-0.25) / z, std::exp(1.0) / z};
    for (const bool gaussian : {true, false}) {
        const core::Image image = randomVolume(geometry(21, 13, 6), 4);
        ai::SegmentOptions o;
        o.patchSize = {8, 8, 8};  // z smaller than the patch: padded
        o.overlap = 0.5;
        o.gaussian = gaussian;
        o.batchSize = 3;
        o.probabilities = true;
        const ai::SegmentationResult r = net.segment(image, o);
        for (int c = 0; c < 3; ++c)
            for (const float v : r.probabilities[c].pixels<float>())
                ASSERT_NEAR(v, expected[c], 1e-6);
        for (const std::uint8_t l : r.labels.pixels<std::uint8_t>()) ASSERT_EQ(l, 2);
    }
}

TEST(Segmentation, OutputsKeepObliqueAnisotropicGeometry) {
    core::Geometry g = geometry(13, 11, 7);
    g.spacing = {0.7, 1.3, 3.0};
    const double a = 0.4, b = 0.3;
    const core::Vec3 c0{std::cos(a), std::sin(a), 0.0};
    const core::Vec3 c1{-std::sin(a) * std::cos(b), std::cos(a) * std::cos(b), std::sin(b)};
    g.direction = core::Mat3::fromColumns(c0, c1, core::cross(c0, c1));
    const core::Image image = randomVolume(g, 8);
    ai::SegmentOptions o;
    o.patchSize = {8, 8, 4};
    o.probabilities = true;
    const auto r3 = ai::Segmenter::create(spec(3, 3, 4, 2), 1, "cpu").segment(image, o);
    EXPECT_TRUE(sameGeometry(r3.labels.geometry(), g));
    EXPECT_EQ(r3.labels.pixelType(), core::PixelType::UInt8);
    ASSERT_EQ(r3.probabilities.size(), 2u);
    EXPECT_TRUE(sameGeometry(r3.probabilities[1].geometry(), g));
    for (const int axis : {0, 1, 2}) {
        o.sliceAxis = axis;
        const auto r2 = ai::Segmenter::create(spec(2, 3, 4, 2), 1, "cpu").segment(image, o);
        EXPECT_TRUE(sameGeometry(r2.labels.geometry(), g)) << axis;
        EXPECT_TRUE(sameGeometry(r2.probabilities[0].geometry(), g)) << axis;
    }
}

TEST(Segmentation, SliceWiseEqualsTheNetworkOnEverySlice) {
    const auto net = ai::Segmenter::create(spec(2, 3, 4, 3, true), 21, "cpu");
    const core::Geometry g = geometry(16, 8, 12);
    const core::Image image = randomVolume(g, 13);
    ai::SegmentOptions o;
    o.intensity = {ai::SegmentationIntensity::Method::Window, 0.0, 200.0};
    o.probabilities = true;
    o.batchSize = 5;
    for (const int axis : {2, 0}) {
        o.sliceAxis = axis;
        const ai::SegmentationResult r = net.segment(image, o);
        const std::size_t slices = g.size[axis];
        // Slice s as a 2D image: axis z -> (x, y); axis x -> (y, z).
        const std::size_t w = axis == 2 ? g.size[0] : g.size[1],
                          h = axis == 2 ? g.size[1] : g.size[2];
        double worst = 0.0;
        for (std::size_t s = 0; s < slices; ++s) {
            core::Geometry sg;
            sg.size = {w, h, 1};
            core::Image slice(core::PixelType::Float32, 1, sg);
            auto at = [&](std::size_t u, std::size_t v) {
                return axis == 2 ? std::array<std::size_t, 3>{u, v, s}
                                 : std::array<std::size_t, 3>{s, u, v};
            };
            for (std::size_t v = 0; v < h; ++v)
                for (std::size_t u = 0; u < w; ++u) {
                    const auto p = at(u, v);
                    slice.setValue(u, v, 0, image.value(p[0], p[1], p[2]));
                }
            const auto expected = softmax(net.logits(slice, o.intensity));
            for (int c = 0; c < 3; ++c)
                for (std::size_t v = 0; v < h; ++v)
                    for (std::size_t u = 0; u < w; ++u) {
                        const auto p = at(u, v);
                        worst =
                            std::max(worst, std::abs(r.probabilities[c].value(p[0], p[1], p[2]) -
                                                     expected[c][v * w + u]));
                    }
        }
        EXPECT_LT(worst, 1e-5) << "axis " << axis;
    }
}

TEST(Segmentation, BadParametersAreClearErrors) {
    const auto net = ai::Segmenter::create(spec(3, 3, 4, 2), 1, "cpu");
    const core::Image image = randomVolume(geometry(8, 8, 8), 1);
    auto expectError = [&](const ai::SegmentOptions& o, const core::Image& im,
                           const std::string& text) {
        try {
            net.segment(im, o);
            ADD_FAILURE() << "no error, expected one containing '" << text << "'";
        } catch (const core::InvalidArgument& e) {
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
    };
    ai::SegmentOptions o;
    o.patchSize = {8, 0, 8};
    expectError(o, image, "patch size 8x0x8 must be positive multiples of 4");
    o.patchSize = {8, 6, 8};
    expectError(o, image, "multiples of 4");
    o.patchSize = {8, 8, 8};
    o.overlap = 1.0;
    expectError(o, image, "overlap must be in [0, 1)");
    o.overlap = 0.5;
    o.batchSize = -1;  // 0 = automatic
    expectError(o, image, "batch size");
    o.batchSize = 2;
    o.intensity = {ai::SegmentationIntensity::Method::Window, 100.0, 100.0};
    expectError(o, image, "window high");
    expectError({}, randomVolume(geometry(8, 8, 8), 1, 3),
                "the image has 3 channel(s) but the network");
    expectError({}, core::Image(), "empty");
    EXPECT_THROW(ai::slidingWindowStarts(10, 0, 0.5), core::InvalidArgument);
    EXPECT_THROW(ai::slidingWindowStarts(10, 4, -0.1), core::InvalidArgument);
    EXPECT_THROW(net.logits(randomVolume(geometry(8, 6, 8), 1)), core::InvalidArgument);
    const auto net2 = ai::Segmenter::create(spec(2, 2, 4, 2), 1, "cpu");
    EXPECT_THROW(net2.logits(image), core::InvalidArgument);  // a volume to a 2D network
    ai::SegmentOptions o2;
    o2.sliceAxis = 3;
    EXPECT_THROW(net2.segment(image, o2), core::InvalidArgument);
}

TEST(Segmentation, CancelStopsBetweenBatches) {
    struct Sink : core::ProgressSink {
        core::CancelToken token;
        int reports = 0;
        void report(double, std::string_view) override {
            if (++reports == 2) token.cancel();
        }
    } sink;
    const auto net = ai::Segmenter::create(spec(3, 2, 2, 2), 1, "cpu");
    ai::SegmentOptions o;
    o.patchSize = {4, 4, 4};
    o.overlap = 0.0;
    o.batchSize = 1;  // 4 x 4 x 2 = 32 batches
    EXPECT_THROW(
        net.segment(randomVolume(geometry(16, 16, 8), 1), o, core::Task(&sink, sink.token)),
        core::Cancelled);
    EXPECT_GE(sink.reports, 2);
    EXPECT_LT(sink.reports, 32);
}

namespace {

core::Image labelImage(const core::Geometry& g, const std::function<int(int, int, int)>& label) {
    core::Image image(core::PixelType::UInt8, 1, g);
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i)
                image.setValue(i, j, k, label(int(i), int(j), int(k)));
    return image;
}

}  // namespace

TEST(SegmentationMetrics, HandComputedLine) {
    // 8x1x1 voxels of 2 mm along x: P = {1,2,3}, T = {2,3,4,5}; every voxel is on the
    // surface. P->T: 2, 0, 0 mm; T->P: 0, 0, 2, 4 mm. Pooled sorted 0,0,0,0,2,2,4:
    // HD95 at position 0.95*6 = 5.7 -> 2 + 0.7*2 = 3.4; mean 8/7.
    core::Geometry g;
    g.size = {8, 1, 1};
    g.spacing = {2.0, 1.0, 1.0};
    const auto p = labelImage(g, [](int i, int, int) { return i >= 1 && i <= 3 ? 1 : 0; });
    const auto t = labelImage(g, [](int i, int, int) { return i >= 2 && i <= 5 ? 1 : 0; });
    const auto e = ai::evaluateSegmentation(p, t);
    ASSERT_EQ(e.labels.size(), 1u);
    const auto& m = e.labels[0];
    EXPECT_EQ(m.label, 1);
    EXPECT_EQ(m.intersection, 2u);
    EXPECT_DOUBLE_EQ(m.dice, 4.0 / 7.0);
    EXPECT_DOUBLE_EQ(m.iou, 2.0 / 5.0);
    EXPECT_NEAR(m.hd95Mm, 3.4, 1e-12);
    EXPECT_NEAR(m.meanSurfaceDistanceMm, 8.0 / 7.0, 1e-12);
    EXPECT_DOUBLE_EQ(e.voxelAccuracy, 5.0 / 8.0);
}

TEST(SegmentationMetrics, HandComputedCubesWithAnisotropicSpacing) {
    // 3x3x3 cubes in a 7x7x7 grid of 1 x 1 x 3 mm, T shifted by one slice in z.
    // Surfaces: 26 voxels each (the centre is inside). P->T: P's bottom layer 9 x 3 mm,
    // its middle ring 8 x 0, its top layer 8 x 0 and 1 x 1 mm (its top centre is T's
    // inner voxel; the nearest T surface voxel is 1 mm away in x or y, not 3 mm in z).
    // T->P symmetric. Pooled 52: 32 x 0, 2 x 1, 18 x 3 -> mean 56/52; HD95 at
    // 0.95*51 = 48.45 -> 3.
    core::Geometry g;
    g.size = {7, 7, 7};
    g.spacing = {1.0, 1.0, 3.0};
    g.origin = {5, -3, 2};
    auto cube = [](int z0) {
        return [z0](int i, int j, int k) {
            return i >= 1 && i <= 3 && j >= 1 && j <= 3 && k >= z0 && k <= z0 + 2 ? 2 : 0;
        };
    };
    for (const bool oblique : {false, true}) {
        if (oblique) {
            const double a = 0.6;
            g.direction = core::Mat3::fromColumns({std::cos(a), 0, -std::sin(a)}, {0, 1, 0},
                                                  {std::sin(a), 0, std::cos(a)});
        }
        const auto e = ai::evaluateSegmentation(labelImage(g, cube(1)), labelImage(g, cube(2)));
        ASSERT_EQ(e.labels.size(), 1u);
        const auto& m = e.labels[0];
        EXPECT_EQ(m.label, 2);
        EXPECT_EQ(m.predictedVoxels, 27u);
        EXPECT_DOUBLE_EQ(m.dice, 2.0 / 3.0);
        EXPECT_DOUBLE_EQ(m.iou, 0.5);
        EXPECT_NEAR(m.meanSurfaceDistanceMm, 56.0 / 52.0, 1e-12);
        EXPECT_NEAR(m.hd95Mm, 3.0, 1e-12);
        EXPECT_DOUBLE_EQ(e.voxelAccuracy, (343.0 - 18.0) / 343.0);
    }
}

TEST(SegmentationMetrics, EmptyLabelsAndMismatchedMaps) {
    core::Geometry g;
    g.size = {4, 4, 2};
    const auto empty = labelImage(g, [](int, int, int) { return 0; });
    const auto one = labelImage(g, [](int i, int, int) { return i == 0 ? 1 : 0; });
    auto e = ai::evaluateSegmentation(empty, one, {1, 3});
    ASSERT_EQ(e.labels.size(), 2u);
    EXPECT_EQ(e.labels[0].dice, 0.0);
    EXPECT_TRUE(std::isinf(e.labels[0].hd95Mm));
    EXPECT_EQ(e.labels[1].dice, 1.0);  // absent from both
    EXPECT_EQ(e.labels[1].hd95Mm, 0.0);
    EXPECT_EQ(ai::evaluateSegmentation(one, one).labels[0].hd95Mm, 0.0);
    core::Geometry g2 = g;
    g2.size = {4, 4, 3};
    EXPECT_THROW(ai::evaluateSegmentation(labelImage(g2, [](int, int, int) { return 0; }), one),
                 core::InvalidArgument);
    g2 = g;
    g2.spacing = {1, 1, 2};
    EXPECT_THROW(ai::evaluateSegmentation(labelImage(g2, [](int, int, int) { return 0; }), one),
                 core::InvalidArgument);
    EXPECT_THROW(ai::evaluateSegmentation(core::Image(core::PixelType::Float32, 1, g), one),
                 core::InvalidArgument);
}

namespace {

// A noisy ball of radius r (label 1) at a random position in a 24^3 volume.
ai::SegmentationSample ballPhantom(std::mt19937_64& rng) {
    core::Geometry g;
    g.size = {24, 24, 24};
    g.spacing = {1.0, 1.0, 1.0};
    std::uniform_real_distribution<double> pos(8.0, 16.0), radius(4.0, 7.0);
    std::normal_distribution<float> noise(0.0f, 0.25f);
    const double cx = pos(rng), cy = pos(rng), cz = pos(rng), r = radius(rng);
    ai::SegmentationSample s{core::Image(core::PixelType::Float32, 1, g),
                             core::Image(core::PixelType::UInt8, 1, g)};
    for (std::size_t k = 0; k < 24; ++k)
        for (std::size_t j = 0; j < 24; ++j)
            for (std::size_t i = 0; i < 24; ++i) {
                const double d = std::hypot(i - cx, j - cy, k - cz);
                const bool inside = d <= r;
                s.image.setValue(i, j, k, (inside ? 1.0 : 0.0) + noise(rng));
                s.labels.setValue(i, j, k, inside ? 1 : 0);
            }
    return s;
}

}  // namespace

TEST(Segmentation, TinyUNetLearnsABallPhantom) {
    // Tensors this small run fastest on one thread (OpenMP's spinning threads cost more
    // than they bring on a busy 2-core machine: 0.8 s against 20 s measured).
    struct OneThread {
        OneThread() { ai::setThreadCount(1); }
        ~OneThread() { ai::setThreadCount(0); }
    } oneThread;
    std::mt19937_64 rng(5);
    std::vector<ai::SegmentationSample> train;
    for (int i = 0; i < 8; ++i) train.push_back(ballPhantom(rng));
    auto net = ai::Segmenter::create(spec(3, 2, 4, 2, false, ai::NormKind::Batch), 3, "cpu");
    ai::SegmentTrainOptions o;
    o.patchSize = {16, 16, 16};
    o.batchSize = 2;
    o.iterations = 150;
    o.learningRate = 1e-2;
    o.foregroundFraction = 0.5;
    const std::vector<double> losses = net.train(train, o);
    ASSERT_EQ(losses.size(), 150u);
    EXPECT_LT(losses.back(), losses.front());
    // Fresh phantoms, sliding windows: Dice of the ball.
    ai::SegmentOptions so;
    so.patchSize = {16, 16, 16};
    for (int i = 0; i < 3; ++i) {
        const ai::SegmentationSample test = ballPhantom(rng);
        const auto e =
            ai::evaluateSegmentation(net.segment(test.image, so).labels, test.labels, {1});
        std::printf("held-out phantom %d: Dice %.3f, HD95 %.2f mm\n", i, e.labels[0].dice,
                    e.labels[0].hd95Mm);
        EXPECT_GT(e.labels[0].dice, 0.9) << "phantom " << i;
    }
    // Bad training input.
    std::vector<ai::SegmentationSample> bad{train[0]};
    bad[0].labels = core::Image(core::PixelType::UInt8, 1, core::Geometry{{24, 24, 23}});
    EXPECT_THROW(net.train(bad, o), core::InvalidArgument);
    bad[0].labels = train[0].labels.clone();
    bad[0].labels.setValue(0, 0, 0, 2);
    EXPECT_THROW(net.train(bad, o), core::InvalidArgument);
}

TEST(SegmentationMetrics, SurfaceDistancesEqualBruteForceInPatientSpace) {
    // Random masks on an oblique, anisotropic grid: the distance transform against all
    // pairs of surface voxel centres in patient coordinates.
    core::Geometry g;
    g.size = {12, 10, 8};
    g.spacing = {0.7, 1.9, 2.6};
    g.origin = {3, -4, 10};
    const double a = 0.5;
    g.direction = core::Mat3::fromColumns({std::cos(a), std::sin(a), 0},
                                          {-std::sin(a), std::cos(a), 0}, {0, 0, 1});
    std::mt19937_64 rng(17);
    std::bernoulli_distribution coin(0.35);
    for (int trial = 0; trial < 3; ++trial) {
        const auto p = labelImage(g, [&](int, int, int) { return coin(rng) ? 1 : 0; });
        const auto t =
            labelImage(g, [&](int i, int j, int) { return (i + j) % 5 == 0 || coin(rng) ? 1 : 0; });
        auto surfacePoints = [&](const core::Image& m) {
            std::vector<core::Vec3> pts;
            const auto s = g.size;
            auto in = [&](long i, long j, long k) {
                return i >= 0 && j >= 0 && k >= 0 && i < long(s[0]) && j < long(s[1]) &&
                       k < long(s[2]) && m.value(i, j, k) == 1;
            };
            for (long k = 0; k < long(s[2]); ++k)
                for (long j = 0; j < long(s[1]); ++j)
                    for (long i = 0; i < long(s[0]); ++i)
                        if (in(i, j, k) &&
                            !(in(i - 1, j, k) && in(i + 1, j, k) && in(i, j - 1, k) &&
                              in(i, j + 1, k) && in(i, j, k - 1) && in(i, j, k + 1)))
                            pts.push_back(g.indexToPatient({double(i), double(j), double(k)}));
            return pts;
        };
        const auto sp = surfacePoints(p), st = surfacePoints(t);
        std::vector<double> d;
        auto nearest = [&](const std::vector<core::Vec3>& from, const std::vector<core::Vec3>& to) {
            for (const auto& x : from) {
                double best = 1e300;
                for (const auto& y : to) best = std::min(best, core::norm(core::operator-(x, y)));
                d.push_back(best);
            }
        };
        nearest(sp, st);
        nearest(st, sp);
        double mean = 0.0;
        for (const double v : d) mean += v / double(d.size());
        std::sort(d.begin(), d.end());
        const double pos = 0.95 * double(d.size() - 1);
        const std::size_t lo = std::size_t(pos);
        const double hd95 =
            d[lo] + (pos - double(lo)) * (d[std::min(lo + 1, d.size() - 1)] - d[lo]);
        const auto e = ai::evaluateSegmentation(p, t, {1});
        EXPECT_NEAR(e.labels[0].meanSurfaceDistanceMm, mean, 1e-9) << trial;
        EXPECT_NEAR(e.labels[0].hd95Mm, hd95, 1e-9) << trial;
        EXPECT_GT(hd95, 0.0);
    }
}
