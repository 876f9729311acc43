// Grad-CAM: a hand computation on a tiny network, the pointing game on a network
// trained here on synthetic blobs, and the weight-randomisation sanity check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "AiTestSupport.h"
#include "stratum/ai/Classifier.h"
#include "stratum/ai/Training.h"

using namespace stratum;

namespace {

using Map = std::vector<std::vector<std::vector<double>>>;  // [channel][y][x]

Map conv3x3(const Map& in, const std::vector<float>& w, int outChannels) {
    const int c = static_cast<int>(in.size()), h = static_cast<int>(in[0].size()), wd = static_cast<int>(in[0][0].size());
    Map out(outChannels, std::vector<std::vector<double>>(h, std::vector<double>(wd, 0.0)));
    for (int o = 0; o < outChannels; ++o)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < wd; ++x) {
                double s = 0;
                for (int i = 0; i < c; ++i)
                    for (int dy = 0; dy < 3; ++dy)
                        for (int dx = 0; dx < 3; ++dx) {
                            const int yy = y + dy - 1, xx = x + dx - 1;
                            if (yy < 0 || xx < 0 || yy >= h || xx >= wd) continue;
                            s += w[static_cast<std::size_t>(((o * c + i) * 3 + dy) * 3 + dx)] * in[i][yy][xx];
                        }
                out[o][y][x] = s;
            }
    return out;
}

void batchNormRelu(Map& m, const std::vector<float>& g, const std::vector<float>& b, const std::vector<float>& mean,
                   const std::vector<float>& var) {
    for (std::size_t k = 0; k < m.size(); ++k)
        for (auto& row : m[k])
            for (double& v : row) v = std::max(0.0, (v - mean[k]) / std::sqrt(var[k] + 1e-5) * g[k] + b[k]);
}

Map maxPool2(const Map& in) {
    Map out(in.size(), std::vector<std::vector<double>>(in[0].size() / 2, std::vector<double>(in[0][0].size() / 2)));
    for (std::size_t k = 0; k < in.size(); ++k)
        for (std::size_t y = 0; y < out[k].size(); ++y)
            for (std::size_t x = 0; x < out[k][y].size(); ++x)
                out[k][y][x] = std::max({in[k][2 * y][2 * x], in[k][2 * y][2 * x + 1], in[k][2 * y + 1][2 * x],
                                         in[k][2 * y + 1][2 * x + 1]});
    return out;
}

// Bilinear resize as torch does with align_corners=false (source index clamped at 0).
std::vector<std::vector<double>> upsample(const std::vector<std::vector<double>>& in, int size) {
    const int n = static_cast<int>(in.size());
    auto source = [&](int d, int& i0, int& i1, double& f) {
        const double s = std::max(0.0, (d + 0.5) * n / size - 0.5);
        i0 = static_cast<int>(s);
        i1 = std::min(i0 + 1, n - 1);
        f = s - i0;
    };
    std::vector<std::vector<double>> out(size, std::vector<double>(size));
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            int y0, y1, x0, x1;
            double fy, fx;
            source(y, y0, y1, fy);
            source(x, x0, x1, fx);
            out[y][x] = (1 - fy) * ((1 - fx) * in[y0][x0] + fx * in[y0][x1]) + fy * ((1 - fx) * in[y1][x0] + fx * in[y1][x1]);
        }
    return out;
}

std::vector<float> randomValues(std::size_t n, std::mt19937& rng, float lo, float hi) {
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(n);
    for (float& x : v) x = u(rng);
    return v;
}

}  // namespace

TEST(GradCam, EqualsAHandComputationOnATinyNetwork) {
    // simplecnn: conv(1->2)+BN+ReLU, max pool, conv(2->4)+BN+ReLU -> A [4, 4, 4]; GAP; fc(4->2).
    ai::ModelManifest m = test::tinyManifest(ai::ArchitectureSpec::simpleCnn(1, 2, 2, {1, 1}), 8);
    m.preprocessing.intensity = ai::IntensityMethod::Range;  // [0, 1] -> [0, 1]: the network sees x itself
    m.preprocessing.low = 0.0;
    m.preprocessing.high = 1.0;
    m.preprocessing.mean = {0.0};
    m.preprocessing.std = {1.0};
    ai::Classifier classifier = ai::Classifier::create(m, 1, {"cpu"});

    std::mt19937 rng(3);
    const auto w1 = randomValues(18, rng, -1, 1), w2 = randomValues(72, rng, -1, 1), fc = randomValues(8, rng, -1, 1);
    const std::vector<float> fcb{0.1f, -0.2f}, g1{1.1f, 0.9f}, b1{0.05f, 0.1f}, m1{0.1f, -0.1f}, v1{1.5f, 0.8f};
    const std::vector<float> g2{1.0f, 1.2f, 0.8f, 1.1f}, b2{0.1f, 0.0f, 0.2f, 0.05f}, m2{0.2f, 0.1f, 0.0f, 0.3f},
        v2{1.2f, 0.9f, 1.1f, 2.0f};
    classifier.setParameters({{"stage1.0.conv.weight", {2, 1, 3, 3}, w1},
                              {"stage1.0.bn.weight", {2}, g1},
                              {"stage1.0.bn.bias", {2}, b1},
                              {"stage1.0.bn.running_mean", {2}, m1},
                              {"stage1.0.bn.running_var", {2}, v1},
                              {"stage2.0.conv.weight", {4, 2, 3, 3}, w2},
                              {"stage2.0.bn.weight", {4}, g2},
                              {"stage2.0.bn.bias", {4}, b2},
                              {"stage2.0.bn.running_mean", {4}, m2},
                              {"stage2.0.bn.running_var", {4}, v2},
                              {"fc.weight", {2, 4}, fc},
                              {"fc.bias", {2}, fcb}});
    const std::vector<float> pixels = randomValues(64, rng, 0, 1);
    const core::Image image = test::floatImage(8, 8, pixels);

    // By hand.
    Map x(1, std::vector<std::vector<double>>(8, std::vector<double>(8)));
    for (int y = 0; y < 8; ++y)
        for (int i = 0; i < 8; ++i) x[0][y][i] = pixels[static_cast<std::size_t>(y * 8 + i)];
    Map a1 = conv3x3(x, w1, 2);
    batchNormRelu(a1, g1, b1, m1, v1);
    Map a = conv3x3(maxPool2(a1), w2, 4);
    batchNormRelu(a, g2, b2, m2, v2);
    std::vector<double> logits(2);
    for (int c = 0; c < 2; ++c) {
        logits[c] = fcb[c];
        for (int k = 0; k < 4; ++k) {
            double mean = 0;
            for (const auto& row : a[k])
                for (const double v : row) mean += v / 16.0;
            logits[c] += fc[static_cast<std::size_t>(c * 4 + k)] * mean;
        }
    }
    int nonZero = 0;  // the two classes' maps are ReLUs of opposite sums: at least one is not empty
    for (int target = 0; target < 2; ++target) {
        // Score: the log-odds z_target - z_other. d score / d A_k(y,x) is
        // (fc[target][k] - fc[other][k]) / 16 everywhere: that is alpha_k.
        const int other = 1 - target;
        std::vector<std::vector<double>> cam(4, std::vector<double>(4, 0.0));
        for (int y = 0; y < 4; ++y)
            for (int i = 0; i < 4; ++i) {
                double s = 0;
                for (int k = 0; k < 4; ++k)
                    s += (fc[static_cast<std::size_t>(target * 4 + k)] - fc[static_cast<std::size_t>(other * 4 + k)]) /
                         16.0 * a[k][y][i];
                cam[y][i] = std::max(0.0, s);
            }
        auto up = upsample(cam, 8);
        double peak = 0;
        for (const auto& row : up)
            for (const double v : row) peak = std::max(peak, v);
        const ai::GradCamResult r = classifier.gradCam(image, target);
        nonZero += peak > 0;
        EXPECT_EQ(r.targetClass, target);
        ASSERT_EQ(r.classification.logits.size(), 2u);
        EXPECT_NEAR(r.classification.logits[0], logits[0], 1e-5);
        EXPECT_NEAR(r.classification.logits[1], logits[1], 1e-5);
        ASSERT_EQ(r.heatmap.size(), (core::Size3{8, 8, 1}));
        for (int y = 0; y < 8; ++y)
            for (int i = 0; i < 8; ++i) {
                // Normalised by the peak; an all-zero map (no positive evidence) stays zero.
                const double expected = peak > 0 ? up[y][i] / peak : 0.0;
                EXPECT_NEAR(r.heatmapModelGrid.value(i, y, 0), expected, 1e-5) << i << "," << y;
                EXPECT_NEAR(r.heatmap.value(i, y, 0), expected, 1e-5) << i << "," << y;
                EXPECT_FLOAT_EQ(static_cast<float>(r.modelInput.value(i, y, 0)), pixels[static_cast<std::size_t>(y * 8 + i)]);
            }
    }
    EXPECT_GE(nonZero, 1);
}

namespace {

constexpr int kSize = 48;
constexpr double kSigma = 3.0;

std::vector<ai::TrainingSample> blobSamples(int count, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> position(8.0, kSize - 9.0);
    std::vector<ai::TrainingSample> samples;
    for (int i = 0; i < count; ++i) {
        const bool blob = i % 2 == 1;
        ai::TrainingSample s;
        s.image = test::blobImage(kSize, blob, position(rng), position(rng), kSigma, rng);
        s.label = blob ? 1 : 0;
        s.group = "image" + std::to_string(i);
        samples.push_back(std::move(s));
    }
    return samples;
}

// One network trained for the whole suite: blobs = class "present".
class BlobNetwork : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ai::TrainingOptions o;
        o.epochs = 8;
        o.batchSize = 32;
        o.learningRate = 3e-3;
        o.validationFraction = 0.0;
        o.augmentation.enabled = false;
        o.calibrate = false;
        o.device = "cpu";
        o.seed = 5;
        ai::ModelManifest m = test::tinyManifest(ai::ArchitectureSpec::simpleCnn(1, 2, 8, {1, 1, 1}), kSize);
        // Fixed intensity scaling: with per-image percentiles a blob darkens the rest of
        // the image, and the network may learn that shortcut instead of the blob.
        m.preprocessing.intensity = ai::IntensityMethod::Range;
        m.preprocessing.low = 0.0;
        m.preprocessing.high = 1.0;
        model_ = new ai::Classifier(ai::trainClassifier(blobSamples(400, 11), m, o).model);
    }
    static void TearDownTestSuite() {
        delete model_;
        model_ = nullptr;
    }
    static ai::Classifier* model_;
};

ai::Classifier* BlobNetwork::model_ = nullptr;

}  // namespace

TEST_F(BlobNetwork, PointingGamePeakInsideTheBlob) {
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> position(8.0, kSize - 9.0);
    int hits = 0, correct = 0;
    const int n = 100;
    for (int i = 0; i < n; ++i) {
        const double cx = position(rng), cy = position(rng);
        const core::Image image = test::blobImage(kSize, true, cx, cy, kSigma, rng);
        const ai::GradCamResult r = model_->gradCam(image, 1);
        correct += r.classification.predicted == 1;
        std::size_t best = 0;
        const auto heat = r.heatmap.pixels<float>();
        for (std::size_t p = 1; p < heat.size(); ++p)
            if (heat[p] > heat[best]) best = p;
        const double px = static_cast<double>(best % kSize), py = static_cast<double>(best / kSize);
        hits += std::hypot(px - cx, py - cy) <= 2.0 * kSigma;  // the blob: within 2 sigma of its centre
    }
    EXPECT_GE(correct, 95) << "the network did not learn the task";
    EXPECT_GE(hits, 95) << hits << " of " << n << " peaks inside the blob";
}

TEST_F(BlobNetwork, RandomisedWeightsChangeTheMap) {
    ai::Classifier randomised = ai::Classifier::create(model_->manifest(), 1, {"cpu"});
    randomised.setParameters(model_->parameters());
    randomised.randomizeParameters(1234);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> position(8.0, kSize - 9.0);
    double same = 0, random = 0;
    const int n = 20;
    for (int i = 0; i < n; ++i) {
        const core::Image image = test::blobImage(kSize, true, position(rng), position(rng), kSigma, rng);
        // Keep the results alive: pixels() is a view into each result's heatmap.
        const ai::GradCamResult trained = model_->gradCam(image, 1), again = model_->gradCam(image, 1),
                                rnd = randomised.gradCam(image, 1);
        auto values = [](const ai::GradCamResult& g) {
            const auto p = g.heatmapModelGrid.pixels<float>();
            return std::vector<float>(p.begin(), p.end());
        };
        const std::vector<float> t = values(trained), a = values(again), r = values(rnd);
        same += test::spearman(t, a) / n;
        random += test::spearman(t, r) / n;
    }
    EXPECT_NEAR(same, 1.0, 1e-9);
    EXPECT_LT(random, 0.5) << "mean rank correlation with randomised weights: " << random;
}
