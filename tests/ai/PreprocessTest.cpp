// Preprocessing, seen through Grad-CAM's "what the model saw" image: median,
// percentiles, resize policies, the model grid's geometry, input checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "AiTestSupport.h"
#include "stratum/ai/Classifier.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

ai::ModelManifest identityManifest(int size) {
    ai::ModelManifest m = test::tinyManifest(ai::ArchitectureSpec::simpleCnn(1, 2, 2, {1}), size);
    m.preprocessing.intensity = ai::IntensityMethod::Range;
    m.preprocessing.low = 0.0;
    m.preprocessing.high = 1.0;
    m.preprocessing.mean = {0.0};
    m.preprocessing.std = {1.0};
    return m;
}

std::vector<float> randomPixels(int n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& x : v) x = u(rng);
    return v;
}

std::string messageOf(const ai::Classifier& c, const core::Image& image) {
    try {
        c.checkInput(image);
        c.classify(image);
    } catch (const core::InvalidArgument& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(Preprocess, MedianWithReplicatedBordersEqualsBruteForce) {
    ai::ModelManifest m = identityManifest(16);
    m.preprocessing.medianRadius = 1;
    const ai::Classifier c = ai::Classifier::create(m, 1, {"cpu"});
    const std::vector<float> p = randomPixels(256, 1);
    const ai::GradCamResult r = c.gradCam(test::floatImage(16, 16, p));
    for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 16; ++x) {
            std::vector<float> n;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int yy = std::clamp(y + dy, 0, 15), xx = std::clamp(x + dx, 0, 15);
                    n.push_back(p[static_cast<std::size_t>(yy * 16 + xx)]);
                }
            std::nth_element(n.begin(), n.begin() + 4, n.end());
            EXPECT_FLOAT_EQ(static_cast<float>(r.modelInput.value(x, y, 0)), n[4]) << x << "," << y;
        }
}

TEST(Preprocess, PercentileScalingAndNormalisation) {
    ai::ModelManifest m = identityManifest(10);
    m.preprocessing.intensity = ai::IntensityMethod::Percentile;
    m.preprocessing.low = 10.0;
    m.preprocessing.high = 90.0;
    m.preprocessing.mean = {0.5};
    m.preprocessing.std = {0.25};
    const ai::Classifier c = ai::Classifier::create(m, 1, {"cpu"});
    // Values 0..99 in a uint16 image: p10 = 9.9, p90 = 89.1 (linear interpolation).
    core::Geometry g;
    g.size = {10, 10, 1};
    core::Image image(core::PixelType::UInt16, 1, g);
    for (int i = 0; i < 100; ++i) image.data<std::uint16_t>()[i] = static_cast<std::uint16_t>(i);
    const ai::GradCamResult r = c.gradCam(image);
    for (int i = 0; i < 100; ++i) {
        const double scaled = std::clamp((i - 9.9) / (89.1 - 9.9), 0.0, 1.0);
        EXPECT_NEAR(r.modelInput.value(i % 10, i / 10, 0), (scaled - 0.5) / 0.25, 1e-5) << i;
    }
}

TEST(Preprocess, StretchGeometryCoversTheOriginal) {
    const ai::Classifier c = ai::Classifier::create(identityManifest(16), 1, {"cpu"});
    core::Geometry g;
    g.size = {32, 16, 1};
    g.spacing = {0.5, 0.7, 1.0};
    g.origin = {10, 20, 30};
    core::Image image(core::PixelType::Float32, 1, g);
    const ai::GradCamResult r = c.gradCam(image);
    EXPECT_EQ(r.heatmap.geometry().size, g.size);
    EXPECT_TRUE(r.heatmap.geometry().approxEqual(g));
    const core::Geometry& mg = r.modelInput.geometry();
    EXPECT_EQ(mg.size, (core::Size3{16, 16, 1}));
    EXPECT_DOUBLE_EQ(mg.spacing[0], 1.0);
    EXPECT_DOUBLE_EQ(mg.spacing[1], 0.7);
    // Model pixel 0 covers original pixels 0 and 1: its centre is at index 0.5.
    const core::Vec3 expected = g.indexToPatient({0.5, 0.0, 0.0});
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(mg.origin[k], expected[k], 1e-9);
}

TEST(Preprocess, LetterboxPadsAndMapsBack) {
    ai::ModelManifest m = identityManifest(16);
    m.preprocessing.resize = ai::ResizePolicy::Letterbox;
    m.preprocessing.mean = {0.5};
    m.preprocessing.std = {0.5};
    const ai::Classifier c = ai::Classifier::create(m, 1, {"cpu"});
    const std::vector<float> p(16 * 8, 1.0f);
    const ai::GradCamResult r = c.gradCam(test::floatImage(16, 8, p));
    // 16x8 fits 16x16 at scale 1: rows 4..11 hold the image (1 -> 1), the rest padding (0 -> -1).
    for (int y = 0; y < 16; ++y) EXPECT_FLOAT_EQ(static_cast<float>(r.modelInput.value(3, y, 0)), y >= 4 && y < 12 ? 1.0f : -1.0f) << y;
    EXPECT_EQ(r.heatmap.size(), (core::Size3{16, 8, 1}));
    const core::Vec3 expected = core::Geometry{{16, 8, 1}}.indexToPatient({0.0, -4.0, 0.0});
    EXPECT_NEAR(r.modelInput.geometry().origin[1], expected[1], 1e-9);
}

TEST(Preprocess, WrongKindsOfImageGiveClearErrors) {
    ai::ModelManifest m = identityManifest(16);
    m.name = "xray-model";
    m.input.modalities = {"CR", "DX"};
    const ai::Classifier c = ai::Classifier::create(m, 1, {"cpu"});

    core::Geometry volume;
    volume.size = {16, 16, 5};
    core::Image ct(core::PixelType::Int16, 1, volume);
    ct.metadata().sourcePath = "/data/ct-series";
    ct.metadata().series.modality = "CT";
    const std::string a = messageOf(c, ct);
    EXPECT_EQ(a.rfind("/data/ct-series: the model 'xray-model' cannot take this image", 0), 0u) << a;
    EXPECT_NE(a.find("expects a 2D image (1 channel, CR/DX), got a 3D volume of 16x16x5 voxels"), std::string::npos) << a;

    core::Geometry flat;
    flat.size = {16, 16, 1};
    core::Image slice(core::PixelType::Int16, 1, flat);
    slice.metadata().series.modality = "CT";
    EXPECT_NE(messageOf(c, slice).find("got modality CT"), std::string::npos);

    core::Image colour(core::PixelType::UInt8, 3, flat);
    colour.data<std::uint8_t>()[0] = 200;  // one pixel with unequal channels
    EXPECT_NE(messageOf(c, colour).find("colour (RGB)"), std::string::npos);

    // RGB with equal channels is grey: the same answer as the grey image.
    core::Image grey(core::PixelType::UInt8, 1, flat), rgb(core::PixelType::UInt8, 3, flat);
    for (std::size_t i = 0; i < 256; ++i) {
        const auto v = static_cast<std::uint8_t>((i * 37) % 256);
        grey.data<std::uint8_t>()[i] = v;
        for (int k = 0; k < 3; ++k) rgb.data<std::uint8_t>()[i * 3 + k] = v;
    }
    EXPECT_EQ(c.classify(grey).logits, c.classify(rgb).logits);

    core::Image nan = test::floatImage(16, 16, std::vector<float>(256, std::nanf("")));
    EXPECT_NE(messageOf(c, nan).find("NaN"), std::string::npos);
}

TEST(Preprocess, BatchEqualsOneByOne) {
    const ai::Classifier c = ai::Classifier::create(identityManifest(16), 3, {"cpu"});
    std::vector<core::Image> images;
    for (unsigned i = 0; i < 5; ++i) images.push_back(test::floatImage(16, 16, randomPixels(256, i + 10)));
    const auto batch = c.classifyBatch(images, {}, 2);
    ASSERT_EQ(batch.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        const ai::Classification one = c.classify(images[i]);
        for (std::size_t k = 0; k < 2; ++k) EXPECT_NEAR(batch[i].probabilities[k], one.probabilities[k], 1e-6);
        EXPECT_NEAR(batch[i].probabilities[0] + batch[i].probabilities[1], 1.0, 1e-9);
    }
}
