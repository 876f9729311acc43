// Segmenter::train with epochs: validation Dice each epoch against the library's
// metrics, checkpoint + resume equal to an uninterrupted run, early stopping, best
// weights kept, augmentation and schedules.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <filesystem>

#include "stratum/ai/Device.h"
#include "stratum/ai/Phantom.h"
#include "stratum/ai/SegmentationMetrics.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

struct OneThread {
    OneThread() { ai::setThreadCount(1); }
    ~OneThread() { ai::setThreadCount(0); }
};

ai::SegmentationSample sample(std::uint64_t seed) {
    ai::PhantomOptions o;
    o.size = {24, 24, 24};
    o.spacing = {6.0, 6.0, 6.0};
    o.pixelType = core::PixelType::Float32;
    ai::Phantom p = ai::makePhantom(o, seed);
    return {std::move(p.image), std::move(p.labels)};
}

ai::UNetSpec tinySpec() {
    ai::UNetSpec s;
    s.dimensions = 3;
    s.depth = 2;
    s.width = 4;
    s.numLabels = 4;
    return s;
}

ai::SegmentTrainOptions tinyOptions() {
    ai::SegmentTrainOptions o;
    o.intensity = {ai::SegmentationIntensity::Method::Window, 0.0, 800.0};
    o.patchSize = {16, 16, 16};
    o.batchSize = 2;
    o.epochs = 3;
    o.iterations = 4;
    o.learningRate = 1e-2;
    o.augmentation.flip = {true, true, false};
    o.augmentation.rotationDegrees = 10.0;
    o.augmentation.scale = 0.1;
    o.augmentation.spatialProbability = 0.5;
    o.augmentation.intensityScale = 0.1;
    o.augmentation.intensityShift = 0.05;
    o.augmentation.noiseSigma = 0.02;
    o.schedule = ai::LearningRateSchedule::Poly;
    return o;
}

std::filesystem::path tempFile(const std::string& name) {
    const auto p = std::filesystem::temp_directory_path() /
                   ("stratum-segtrain-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove(p);
    return p;
}

}  // namespace

TEST(SegmentationTraining, ValidationDiceEqualsTheMetricsOfSegment) {
    OneThread oneThread;
    const std::vector<ai::SegmentationSample> train{sample(1), sample(2)};
    const std::vector<ai::SegmentationSample> validation{sample(3)};
    auto net = ai::Segmenter::create(tinySpec(), 5, "cpu");
    ai::SegmentTrainOptions o = tinyOptions();
    std::vector<ai::SegmentEpoch> seen;
    o.onEpoch = [&](const ai::SegmentEpoch& e) { seen.push_back(e); };
    const ai::SegmentTrainResult r = net.train(train, validation, o);
    ASSERT_EQ(r.history.size(), 3u);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(r.losses.size(), 12u);
    // Poly schedule: lr * (1 - e / 3)^0.9.
    for (int e = 0; e < 3; ++e) {
        EXPECT_EQ(r.history[e].epoch, e + 1);
        EXPECT_NEAR(r.history[e].learningRate, 1e-2 * std::pow(1.0 - e / 3.0, 0.9), 1e-12);
        ASSERT_EQ(r.history[e].validationDice.size(), 3u);
        EXPECT_GT(r.history[e].seconds, 0.0);
    }
    // The network now has the best epoch's weights: its Dice on the validation volume
    // (the library's metrics on segment()) is the recorded best.
    ASSERT_GE(r.bestEpoch, 1);
    const ai::SegmentEpoch& best = r.history[r.bestEpoch - 1];
    EXPECT_TRUE(best.best);
    EXPECT_DOUBLE_EQ(r.bestValidationDice, best.meanValidationDice);
    for (const auto& h : r.history) EXPECT_LE(h.meanValidationDice, best.meanValidationDice);
    ai::SegmentOptions so;
    so.intensity = o.intensity;
    so.patchSize = o.patchSize;
    so.overlap = o.validationOverlap;
    const auto e = ai::evaluateSegmentation(net.segment(validation[0].image, so).labels,
                                            validation[0].labels, {1, 2, 3});
    for (int l = 0; l < 3; ++l)
        EXPECT_NEAR(e.labels[l].dice, best.validationDice[l], 1e-12) << "label " << l + 1;
}

TEST(SegmentationTraining, ResumeFromACheckpointEqualsAnUninterruptedRun) {
    OneThread oneThread;
    const std::vector<ai::SegmentationSample> train{sample(1), sample(2)};
    const std::vector<ai::SegmentationSample> validation{sample(3)};
    ai::SegmentTrainOptions o = tinyOptions();
    o.epochs = 3;
    auto straight = ai::Segmenter::create(tinySpec(), 5, "cpu");
    const auto full = straight.train(train, validation, o);

    const auto checkpoint = tempFile("checkpoint.pt");
    auto first = ai::Segmenter::create(tinySpec(), 5, "cpu");
    ai::SegmentTrainOptions o2 = o;
    o2.checkpoint = checkpoint;
    o2.epochs = 3;
    // Cancelled after epoch 2 (between iterations of epoch 3).
    struct Sink : core::ProgressSink {
        core::CancelToken token;
        void report(double, std::string_view) override {}
    } sink;
    int epochs = 0;
    o2.onEpoch = [&](const ai::SegmentEpoch&) {
        if (++epochs == 2) sink.token.cancel();
    };
    EXPECT_THROW(first.train(train, validation, o2, core::Task(&sink, sink.token)),
                 core::Cancelled);
    ASSERT_TRUE(std::filesystem::exists(checkpoint));

    auto resumed = ai::Segmenter::create(tinySpec(), 99, "cpu");  // other initial weights
    o2.resume = true;
    o2.onEpoch = {};
    const auto r = resumed.train(train, validation, o2);
    EXPECT_EQ(r.resumedFromEpoch, 2);
    ASSERT_EQ(r.history.size(), 3u);
    EXPECT_EQ(r.losses.size(), 4u);  // only epoch 3 ran
    EXPECT_EQ(r.bestEpoch, full.bestEpoch);
    for (int e = 0; e < 3; ++e) {
        EXPECT_NEAR(r.history[e].loss, full.history[e].loss, 1e-5) << e;
        EXPECT_NEAR(r.history[e].meanValidationDice, full.history[e].meanValidationDice, 1e-6) << e;
    }
    const auto a = straight.parameters(), b = resumed.parameters();
    ASSERT_EQ(a.size(), b.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        for (std::size_t j = 0; j < a[i].values.size(); ++j)
            worst = std::max(worst, double(std::abs(a[i].values[j] - b[i].values[j])));
    EXPECT_LT(worst, 1e-5);
    // A checkpoint of another network is a clear error naming the file.
    auto other = ai::Segmenter::create(
        [] {
            auto s = tinySpec();
            s.numLabels = 3;
            return s;
        }(),
        1, "cpu");
    try {
        other.train(train, {}, o2);
        ADD_FAILURE() << "no error";
    } catch (const core::FormatError& e) {
        EXPECT_NE(std::string(e.what()).find(checkpoint.string()), std::string::npos) << e.what();
    } catch (const core::InvalidArgument& e) {
        // labels 3 of the phantoms are out of range for 3 labels: also acceptable input check
        EXPECT_NE(std::string(e.what()).find("labels must be in 0..2"), std::string::npos);
    }
    std::filesystem::remove(checkpoint);
}

TEST(SegmentationTraining, EarlyStoppingWithoutImprovement) {
    OneThread oneThread;
    const std::vector<ai::SegmentationSample> train{sample(1)};
    const std::vector<ai::SegmentationSample> validation{sample(3)};
    auto net = ai::Segmenter::create(tinySpec(), 5, "cpu");
    ai::SegmentTrainOptions o = tinyOptions();
    o.augmentation = {};
    o.schedule = ai::LearningRateSchedule::Step;
    o.stepEpochs = 1;
    o.stepFactor = 1e-3;
    o.learningRate = 1e-9;  // the weights barely move: the Dice cannot improve
    o.epochs = 10;
    o.iterations = 1;
    o.patience = 2;
    const auto r = net.train(train, validation, o);
    EXPECT_TRUE(r.stoppedEarly);
    EXPECT_EQ(r.history.size(), 3u);
    EXPECT_EQ(r.bestEpoch, 1);
    EXPECT_NEAR(r.history[1].learningRate, 1e-12, 1e-24);
    // Bad options.
    o.patience = -1;
    EXPECT_THROW(net.train(train, validation, o), core::InvalidArgument);
    o.patience = 0;
    o.augmentation.scale = 0.7;
    EXPECT_THROW(net.train(train, validation, o), core::InvalidArgument);
    o.augmentation = {};
    o.resume = true;
    EXPECT_THROW(net.train(train, validation, o), core::InvalidArgument);
}
