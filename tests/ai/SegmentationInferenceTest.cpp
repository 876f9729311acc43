// Segmentation inference beyond the sliding window: resampling to the model's spacing
// and back, batches with out-of-memory fallback and the automatic batch size, and the
// U-Net++ network (shape, exact parameter count, training, package round trip).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>

#include "TestData.h"
#include "stratum/ai/Device.h"
#include "stratum/ai/SegmentationMetrics.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

ai::UNetSpec unetSpec(int dims, int depth, int width, int labels, bool nested = false,
                      ai::NormKind norm = ai::NormKind::Instance) {
    ai::UNetSpec s;
    s.dimensions = dims;
    s.depth = depth;
    s.width = width;
    s.numLabels = labels;
    s.nested = nested;
    s.norm = norm;
    return s;
}

core::Image noiseVolume(const core::Geometry& g, std::uint64_t seed) {
    core::Image image(core::PixelType::Float32, 1, g);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> n(100.0f, 40.0f);
    for (float& v : image.pixels<float>()) v = n(rng);
    return image;
}

bool sameGeometry(const core::Geometry& a, const core::Geometry& b) {
    return a.size == b.size && a.spacing == b.spacing && a.origin == b.origin &&
           a.direction == b.direction;
}

bool sameVoxels(const core::Image& a, const core::Image& b) {
    return a.pixelType() == b.pixelType() && a.byteSize() == b.byteSize() &&
           std::memcmp(a.data(), b.data(), a.byteSize()) == 0;
}

// A noisy ball (label 1) of radius r mm centred at c (mm from the origin) on a cubic
// grid of n voxels of `spacing` mm; intensity 1 inside, 0 outside, noise sigma 0.25.
ai::SegmentationSample ball(std::size_t n, double spacing, core::Vec3 c, double r,
                            std::mt19937_64& rng) {
    core::Geometry g;
    g.size = {n, n, n};
    g.spacing = {spacing, spacing, spacing};
    std::normal_distribution<float> noise(0.0f, 0.25f);
    ai::SegmentationSample s{core::Image(core::PixelType::Float32, 1, g),
                             core::Image(core::PixelType::UInt8, 1, g)};
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t i = 0; i < n; ++i) {
                const bool inside =
                    std::hypot(i * spacing - c[0], j * spacing - c[1], k * spacing - c[2]) <= r;
                s.image.setValue(i, j, k, (inside ? 1.0 : 0.0) + noise(rng));
                s.labels.setValue(i, j, k, inside ? 1 : 0);
            }
    return s;
}

// Tensors this small run fastest on one thread on a busy 2-core machine.
struct OneThread {
    OneThread() { ai::setThreadCount(1); }
    ~OneThread() { ai::setThreadCount(0); }
};

}  // namespace

// ---------------------------------------------------------------- resampling

TEST(SegmentationResampling, TargetSpacingEqualToTheInputsChangesNothing) {
    OneThread oneThread;
    core::Geometry g;
    g.size = {20, 18, 9};
    g.spacing = {0.8, 1.1, 2.5};
    const core::Image image = noiseVolume(g, 3);
    const auto net = ai::Segmenter::create(unetSpec(3, 2, 4, 3), 2, "cpu");
    ai::SegmentOptions o;
    o.patchSize = {8, 8, 8};
    o.probabilities = true;
    const auto plain = net.segment(image, o);
    o.targetSpacing = std::array<double, 3>{0.8, 1.1, 2.5};
    const auto same = net.segment(image, o);
    EXPECT_EQ(same.inferenceSize, g.size);
    EXPECT_TRUE(sameVoxels(plain.labels, same.labels));
    for (int l = 0; l < 3; ++l)
        EXPECT_TRUE(sameVoxels(plain.probabilities[l], same.probabilities[l])) << l;
    // A spacing that rounds to the same grid does not resample either.
    o.targetSpacing = std::array<double, 3>{0.81, 1.09, 2.52};
    EXPECT_TRUE(sameVoxels(plain.labels, net.segment(image, o).labels));
}

TEST(SegmentationResampling, ObliqueAnisotropicGeometryIsKept) {
    OneThread oneThread;
    core::Geometry g;
    g.size = {23, 17, 7};
    g.spacing = {0.7, 1.3, 3.0};
    g.origin = {-12.0, 30.5, 7.25};
    const double a = 0.4, b = 0.3;
    const core::Vec3 c0{std::cos(a), std::sin(a), 0.0};
    const core::Vec3 c1{-std::sin(a) * std::cos(b), std::cos(a) * std::cos(b), std::sin(b)};
    g.direction = core::Mat3::fromColumns(c0, c1, core::cross(c0, c1));
    const core::Image image = noiseVolume(g, 8);
    ai::SegmentOptions o;
    o.patchSize = {8, 8, 8};
    o.probabilities = true;
    o.targetSpacing = std::array<double, 3>{1.5, 1.5, 1.5};
    const auto r3 = ai::Segmenter::create(unetSpec(3, 2, 4, 2), 1, "cpu").segment(image, o);
    // round(23 * 0.7 / 1.5) = 11, round(17 * 1.3 / 1.5) = 15, round(7 * 3 / 1.5) = 14.
    EXPECT_EQ(r3.inferenceSize, (core::Size3{11, 15, 14}));
    EXPECT_TRUE(sameGeometry(r3.labels.geometry(), g));
    ASSERT_EQ(r3.probabilities.size(), 2u);
    EXPECT_TRUE(sameGeometry(r3.probabilities[1].geometry(), g));
    for (std::size_t v = 0; v < image.voxelCount(); ++v)
        EXPECT_NEAR(r3.probabilities[0].data<float>()[v] + r3.probabilities[1].data<float>()[v],
                    1.0, 1e-5);
    // 2D: in-plane spacings of the slices; the slice axis keeps its voxels.
    const auto net2 = ai::Segmenter::create(unetSpec(2, 2, 4, 2), 1, "cpu");
    const std::array<core::Size3, 3> grids{core::Size3{23, 15, 14}, core::Size3{11, 17, 14},
                                           core::Size3{11, 15, 7}};
    for (const int axis : {0, 1, 2}) {
        o.sliceAxis = axis;
        const auto r2 = net2.segment(image, o);
        EXPECT_EQ(r2.inferenceSize, grids[axis]) << axis;
        EXPECT_TRUE(sameGeometry(r2.labels.geometry(), g)) << axis;
        EXPECT_TRUE(sameGeometry(r2.probabilities[0].geometry(), g)) << axis;
    }
    o.targetSpacing = std::array<double, 3>{1.0, -1.0, 1.0};
    EXPECT_THROW(net2.segment(image, o), core::InvalidArgument);
}

TEST(SegmentationResampling, ModelAtTwoMillimetresSegmentsABallAtOne) {
    OneThread oneThread;
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> pos(16.0, 32.0), radius(8.0, 14.0);
    // Train on balls at 2 mm (24^3 voxels = 48 mm).
    std::vector<ai::SegmentationSample> train;
    for (int i = 0; i < 8; ++i)
        train.push_back(ball(24, 2.0, {pos(rng), pos(rng), pos(rng)}, radius(rng), rng));
    auto net = ai::Segmenter::create(unetSpec(3, 2, 4, 2, false, ai::NormKind::Batch), 3, "cpu");
    ai::SegmentTrainOptions t;
    t.patchSize = {16, 16, 16};
    t.iterations = 150;
    t.learningRate = 1e-2;
    t.foregroundFraction = 0.5;
    net.train(train, t);
    // Segment balls at 1 mm (48^3 voxels, the same 48 mm) with the model's spacing.
    ai::SegmentOptions o;
    o.patchSize = {16, 16, 16};
    o.targetSpacing = std::array<double, 3>{2.0, 2.0, 2.0};
    for (int i = 0; i < 2; ++i) {
        const auto truth = ball(48, 1.0, {pos(rng), pos(rng), pos(rng)}, radius(rng), rng);
        const auto r = net.segment(truth.image, o);
        EXPECT_EQ(r.inferenceSize, (core::Size3{24, 24, 24}));
        EXPECT_TRUE(sameGeometry(r.labels.geometry(), truth.image.geometry()));
        const auto e = ai::evaluateSegmentation(r.labels, truth.labels, {1});
        std::printf("1 mm ball %d through a 2 mm model: Dice %.3f, HD95 %.2f mm\n", i,
                    e.labels[0].dice, e.labels[0].hd95Mm);
        EXPECT_GT(e.labels[0].dice, 0.9) << i;
    }
}

// ---------------------------------------------------------------- batches

TEST(SegmentationBatches, OutOfMemoryMessagesOfLibTorch) {
    // The texts of LibTorch's allocators (CUDA 1.13 and 2.x, CPU).
    EXPECT_TRUE(ai::isOutOfMemoryMessage(
        "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.15 GiB total capacity; 75.20 "
        "GiB "
        "already allocated; 1.12 GiB free; 76.50 GiB reserved in total by PyTorch)"));
    EXPECT_TRUE(
        ai::isOutOfMemoryMessage("CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a "
                                 "total capacity of 139.72 GiB of which "
                                 "3.06 MiB is free."));
    EXPECT_TRUE(ai::isOutOfMemoryMessage(
        "DefaultCPUAllocator: not enough memory: you tried to allocate 1024 bytes."));
    EXPECT_TRUE(ai::isOutOfMemoryMessage(
        "[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: "
        "you tried to "
        "allocate 4611686018427387904 bytes. Error code 12 (Cannot allocate memory)"));
    EXPECT_FALSE(ai::isOutOfMemoryMessage(
        "Given groups=1, weight of size [8, 1, 3, 3, 3], expected input to have 1 "
        "channels, but got 2 channels instead"));
}

TEST(SegmentationBatches, OutOfMemoryHalvesTheBatchThenMovesToTheCpu) {
    const std::string oom = "CUDA out of memory. Tried to allocate 512.00 MiB";
    // Batches above 2 fail: 8 -> 4 -> 2, every item exactly once.
    {
        std::vector<int> done(21, 0);
        std::vector<std::size_t> sizes;
        const ai::BatchRun r = ai::runBatches(done.size(), 8,
                                              [&](std::size_t first, std::size_t n) {
                                                  if (n > 2) throw std::runtime_error(oom);
                                                  sizes.push_back(n);
                                                  for (std::size_t i = first; i < first + n; ++i)
                                                      ++done[i];
                                              },
                                              {});
        EXPECT_EQ(r.batchSize, 2);
        EXPECT_FALSE(r.movedToCpu);
        ASSERT_EQ(r.warnings.size(), 2u);
        EXPECT_NE(r.warnings[0].find("batch 8; retrying with batch 4"), std::string::npos)
            << r.warnings[0];
        EXPECT_NE(r.warnings[1].find("batch 4; retrying with batch 2"), std::string::npos)
            << r.warnings[1];
        for (const int d : done) EXPECT_EQ(d, 1);
        EXPECT_EQ(sizes.size(), 11u);  // 10 x 2 + 1
    }
    // The "GPU" fails even at batch 1: move to the CPU once and continue there.
    {
        bool onGpu = true;
        int moves = 0;
        std::vector<int> done(5, 0);
        const ai::BatchRun r = ai::runBatches(
            done.size(), 2,
            [&](std::size_t first, std::size_t n) {
                if (onGpu && first >= 2) throw std::runtime_error(oom);
                for (std::size_t i = first; i < first + n; ++i) ++done[i];
            },
            [&] {
                onGpu = false;
                ++moves;
            });
        EXPECT_EQ(moves, 1);
        EXPECT_TRUE(r.movedToCpu);
        EXPECT_EQ(r.batchSize, 1);
        ASSERT_EQ(r.warnings.size(), 2u);
        EXPECT_NE(r.warnings[1].find("continuing on the CPU"), std::string::npos) << r.warnings[1];
        for (const int d : done) EXPECT_EQ(d, 1);
    }
    // On the CPU at batch 1 there is nothing left: the error propagates; so do others.
    auto alwaysOom = [&](std::size_t, std::size_t) { throw std::runtime_error(oom); };
    EXPECT_THROW(ai::runBatches(3, 4, alwaysOom, {}), std::runtime_error);
    int calls = 0;
    EXPECT_THROW(ai::runBatches(
                     3, 4,
                     [&](std::size_t, std::size_t) {
                         ++calls;
                         throw core::FormatError("m.pt", "bad output");
                     },
                     [] {}),
                 core::FormatError);
    EXPECT_EQ(calls, 1);
    EXPECT_THROW(ai::runBatches(3, 0, alwaysOom, {}), core::InvalidArgument);
}

TEST(SegmentationBatches, ProgressPerBatchAndCancelBetweenBatches) {
    struct Sink : core::ProgressSink {
        core::CancelToken token;
        std::vector<std::string> messages;
        void report(double, std::string_view m) override {
            messages.emplace_back(m);
            if (messages.size() == 3) token.cancel();
        }
    } sink;
    int ran = 0;
    EXPECT_THROW(
        ai::runBatches(
            10, 2, [&](std::size_t, std::size_t) { ++ran; }, {}, core::Task(&sink, sink.token)),
        core::Cancelled);
    EXPECT_EQ(ran, 2);  // cancelled at the report before the third batch
    ASSERT_GE(sink.messages.size(), 3u);
    EXPECT_EQ(sink.messages[0], "segmenting: batch 1/5");
    EXPECT_EQ(sink.messages[2], "segmenting: batch 3/5");
}

TEST(SegmentationBatches, AutomaticBatchSizeFitsTheBudget) {
    EXPECT_EQ(ai::automaticBatchSize(100, 350, 1000), 3);
    EXPECT_EQ(ai::automaticBatchSize(100, 50, 1000), 1);       // never below 1
    EXPECT_EQ(ai::automaticBatchSize(100, 100000, 1000), 16);  // capped
    EXPECT_EQ(ai::automaticBatchSize(100, 100000, 5), 5);      // no more than the items
    const ai::UNetSpec s = unetSpec(3, 4, 8, 2);
    const std::size_t gpu = ai::estimatedBatchItemBytes(s, {64, 64, 64}, false);
    const std::size_t cpu = ai::estimatedBatchItemBytes(s, {64, 64, 64}, true);
    // At least the full-resolution features of the widest decoder level (2w + w floats).
    EXPECT_GT(gpu, std::size_t(4) * 64 * 64 * 64 * 24);
    EXPECT_GT(cpu, gpu);
    EXPECT_EQ(ai::estimatedBatchItemBytes(s, {64, 64, 32}, false) * 2, gpu);
    EXPECT_GT(ai::defaultMemoryBudget(ai::Device::cpu()), std::size_t(0));
    // batchSize 0 picks the batch from the budget; the labels do not depend on it.
    OneThread oneThread;
    core::Geometry g;
    g.size = {24, 16, 16};
    const core::Image image = noiseVolume(g, 5);
    const auto net = ai::Segmenter::create(unetSpec(3, 2, 4, 2), 4, "cpu");
    ai::SegmentOptions o;
    o.patchSize = {8, 8, 8};
    o.overlap = 0.0;  // 3 x 2 x 2 = 12 patches
    o.probabilities = true;
    o.batchSize = 1;
    const auto one = net.segment(image, o);
    EXPECT_EQ(one.batchSize, 1);
    EXPECT_TRUE(one.warnings.empty());
    EXPECT_EQ(one.device, ai::Device::cpu());
    o.batchSize = 0;
    o.memoryBudgetBytes =
        5 * ai::estimatedBatchItemBytes(unetSpec(3, 2, 4, 2), {8, 8, 8}, true) + 1;
    const auto automatic = net.segment(image, o);
    EXPECT_EQ(automatic.batchSize, 5);
    EXPECT_TRUE(sameVoxels(one.labels, automatic.labels));
    for (std::size_t v = 0; v < image.voxelCount(); ++v)
        ASSERT_NEAR(one.probabilities[1].data<float>()[v],
                    automatic.probabilities[1].data<float>()[v], 1e-5);
}

// ---------------------------------------------------------------- U-Net++

namespace {

// Parameters of DoubleConv(in, out): two convolutions (kernel^D weights + bias) each
// followed by an affine instance norm (2 per channel).
std::int64_t doubleConv(std::int64_t in, std::int64_t out, std::int64_t kernel) {
    return in * out * kernel + out + 2 * out + out * out * kernel + out + 2 * out;
}

std::int64_t parameterCountOf(const ai::Segmenter& net) {
    std::int64_t n = 0;
    for (const auto& p : net.parameters()) n += static_cast<std::int64_t>(p.values.size());
    return n;
}

}  // namespace

TEST(UNetPlusPlus, ShapesAndExactParameterCount) {
    for (const int dims : {2, 3}) {
        const int depth = 3, width = 4, labels = 3;
        const std::int64_t k = dims == 3 ? 27 : 9, up = dims == 3 ? 8 : 4;
        const auto nested =
            ai::Segmenter::create(unetSpec(dims, depth, width, labels, true), 1, "cpu");
        const auto plain = ai::Segmenter::create(unetSpec(dims, depth, width, labels), 1, "cpu");
        EXPECT_EQ(nested.spec().architectureName(), "unet++");
        EXPECT_EQ(nested.manifest().weights.architecture.name, "unet++");
        // Encoders 1->4->8->16; nodes (i,j): up ch[i+1]->ch[i] (kernel 2) + DoubleConv((j+1) ch[i],
        // ch[i]).
        const std::int64_t ch[3] = {4, 8, 16};
        std::int64_t expected = doubleConv(1, 4, k) + doubleConv(4, 8, k) + doubleConv(8, 16, k);
        for (int j = 1; j < depth; ++j)
            for (int i = 0; i + j < depth; ++i)
                expected += ch[i + 1] * ch[i] * up + ch[i] + doubleConv((j + 1) * ch[i], ch[i], k);
        expected += ch[0] * labels + labels;
        EXPECT_EQ(parameterCountOf(nested), expected) << dims << "D";
        const std::int64_t plainCount = parameterCountOf(plain);
        EXPECT_GT(parameterCountOf(nested), plainCount);
        EXPECT_LT(parameterCountOf(nested), 2 * plainCount);
        core::Geometry g;
        g.size = {12, 8, dims == 3 ? std::size_t(4) : std::size_t(1)};
        const auto logits =
            nested.logits(noiseVolume(g, 2), {ai::SegmentationIntensity::Method::ZScore});
        ASSERT_EQ(logits.size(), 3u);
        EXPECT_EQ(logits[2].size(), g.size);
    }
    ai::UNetSpec both = unetSpec(3, 3, 4, 2, true);
    both.attention = true;
    EXPECT_THROW(both.validate(), core::InvalidArgument);
    EXPECT_EQ(ai::UNetSpec::fromArchitecture(unetSpec(2, 4, 8, 2, true).architecture()),
              unetSpec(2, 4, 8, 2, true));
}

TEST(UNetPlusPlus, LearnsABallAndRoundTripsThroughAPackage) {
    OneThread oneThread;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> pos(8.0, 16.0), radius(4.0, 7.0);
    std::vector<ai::SegmentationSample> train;
    for (int i = 0; i < 8; ++i)
        train.push_back(ball(24, 1.0, {pos(rng), pos(rng), pos(rng)}, radius(rng), rng));
    auto net = ai::Segmenter::create(unetSpec(3, 3, 4, 2, true, ai::NormKind::Batch), 3, "cpu");
    ai::SegmentTrainOptions t;
    t.patchSize = {16, 16, 16};
    t.iterations = 120;
    t.learningRate = 1e-2;
    t.foregroundFraction = 0.5;
    const std::vector<double> losses = net.train(train, t);
    EXPECT_LT(losses.back(), losses.front());
    ai::SegmentOptions o;
    o.patchSize = {16, 16, 16};
    const auto truth = ball(24, 1.0, {pos(rng), pos(rng), pos(rng)}, radius(rng), rng);
    const auto r = net.segment(truth.image, o);
    const auto e = ai::evaluateSegmentation(r.labels, truth.labels, {1});
    std::printf("U-Net++ held-out ball: Dice %.3f\n", e.labels[0].dice);
    EXPECT_GT(e.labels[0].dice, 0.85);

    test::TempDir dir;
    ai::ModelManifest m = net.manifest();
    m.weights.dtype = "float32";
    net.setManifest(m);
    net.save(dir / "pkg");
    const auto loaded = ai::Segmenter::load(dir / "pkg", {"cpu"});
    EXPECT_EQ(loaded.spec(), net.spec());
    EXPECT_EQ(loaded.manifest().weights.architecture.name, "unet++");
    EXPECT_TRUE(sameVoxels(loaded.segment(truth.image, o).labels, r.labels));
}
