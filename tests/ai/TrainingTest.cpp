// Training: resume repeats an uninterrupted run exactly, early stopping, the per-epoch
// callback and log, cancel, calibration and the summary in the manifest.
#include <gtest/gtest.h>

#include <random>

#include "AiTestSupport.h"
#include "TestData.h"
#include "stratum/ai/Training.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

constexpr int kSize = 32;

std::vector<ai::TrainingSample> samples(int count, bool randomLabels = false) {
    std::mt19937_64 rng(21);
    std::uniform_real_distribution<double> position(8.0, kSize - 9.0);
    std::bernoulli_distribution coin(0.5);
    std::vector<ai::TrainingSample> out;
    for (int i = 0; i < count; ++i) {
        const bool blob = i % 2 == 1;
        ai::TrainingSample s;
        s.image = test::blobImage(kSize, blob, position(rng), position(rng), 2.5, rng);
        s.label = randomLabels ? (coin(rng) ? 1 : 0) : (blob ? 1 : 0);
        s.group = "patient" + std::to_string(i / 3);  // three images per patient
        s.source = "image" + std::to_string(i) + ".png";
        out.push_back(std::move(s));
    }
    return out;
}

ai::ModelManifest manifest() { return test::tinyManifest(ai::ArchitectureSpec::simpleCnn(1, 2, 4, {1, 1}), kSize); }

ai::TrainingOptions options() {
    ai::TrainingOptions o;
    o.epochs = 4;
    o.batchSize = 16;
    o.learningRate = 5e-3;
    o.validationFraction = 0.25;
    o.patience = 0;
    o.device = "cpu";
    o.seed = 9;
    return o;
}

std::vector<float> allValues(const ai::Classifier& c) {
    std::vector<float> v;
    for (const auto& p : c.parameters()) v.insert(v.end(), p.values.begin(), p.values.end());
    return v;
}

}  // namespace

TEST(Training, ResumeRepeatsAnUninterruptedRunExactly) {
    const auto data = samples(96);
    test::TempDir dir;
    ai::TrainingOptions o = options();
    o.checkpointDir = dir / "full";
    const ai::TrainingResult full = ai::trainClassifier(data, manifest(), o);
    ASSERT_EQ(full.history.size(), 4u);

    // Interrupted after epoch 2 (cancel from the callback), then resumed.
    o.checkpointDir = dir / "parts";
    core::CancelToken token;
    const core::Task task(token);
    EXPECT_THROW(ai::trainClassifier(data, manifest(), o,
                                     [&](const ai::EpochRecord& r) {
                                         if (r.epoch == 2) token.cancel();
                                     },
                                     task),
                 core::Cancelled);
    EXPECT_TRUE(std::filesystem::exists(dir / "parts" / "checkpoint.json"));
    o.resume = true;
    std::vector<int> epochsSeen;
    const ai::TrainingResult resumed =
        ai::trainClassifier(data, manifest(), o, [&](const ai::EpochRecord& r) { epochsSeen.push_back(r.epoch); });
    EXPECT_TRUE(resumed.resumed);
    EXPECT_EQ(epochsSeen, (std::vector<int>{3, 4}));
    ASSERT_EQ(resumed.history.size(), 4u);
    for (std::size_t e = 0; e < 4; ++e) {
        EXPECT_DOUBLE_EQ(resumed.history[e].train.loss, full.history[e].train.loss) << e;
        EXPECT_DOUBLE_EQ(resumed.history[e].validation.loss, full.history[e].validation.loss) << e;
    }
    EXPECT_EQ(allValues(resumed.model), allValues(full.model));
    EXPECT_EQ(resumed.bestEpoch, full.bestEpoch);

    // Another run's checkpoint is refused.
    o.seed = 10;
    EXPECT_THROW(ai::trainClassifier(data, manifest(), o), core::InvalidArgument);
    o.checkpointDir = dir / "none";
    EXPECT_THROW(ai::trainClassifier(data, manifest(), o), core::IoError);
}

TEST(Training, LearnsCalibratesAndSummarises) {
    const auto data = samples(120);
    ai::TrainingOptions o = options();
    o.epochs = 6;
    std::vector<ai::EpochRecord> seen;
    core::RecordingProgressSink sink;
    const ai::TrainingResult r = ai::trainClassifier(data, manifest(), o, [&](const ai::EpochRecord& e) { seen.push_back(e); },
                                                     core::Task(&sink, {}));
    ASSERT_EQ(seen.size(), 6u);
    EXPECT_EQ(sink.lastFraction(), 1.0);
    EXPECT_EQ(r.trainImages + r.validationImages, 120u);
    EXPECT_EQ(r.trainGroups + r.validationGroups, 40u);  // groups never split
    EXPECT_GT(r.validation.count, 0);
    EXPECT_GE(r.validation.accuracy, 0.9);
    EXPECT_GE(r.validation.rocAuc, 0.95);
    EXPECT_GT(r.model.manifest().calibration.temperature, 0.0);
    EXPECT_NE(r.model.manifest().trainingJson.find("\"validation_groups\""), std::string::npos);
    EXPECT_NE(r.model.manifest().validationJson.find("\"expected_calibration_error\""), std::string::npos);
    // The best epoch is the one with the lowest validation loss.
    int best = 1;
    for (const auto& e : seen)
        if (e.validation.loss < seen[static_cast<std::size_t>(best - 1)].validation.loss) best = e.epoch;
    EXPECT_EQ(r.bestEpoch, best);
    EXPECT_GT(seen.back().learningRate, 0.0);
    EXPECT_NEAR(seen[1].learningRate, seen[0].learningRate * o.lrDecay, 1e-12);

    const std::string csv = ai::trainingLogCsv(r.history);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
    EXPECT_EQ(csv.rfind("epoch,learning_rate,seconds,train_loss", 0), 0u);
}

TEST(Training, EarlyStoppingOnValidationLoss) {
    // Labels unrelated to the images: the validation loss stops improving.
    ai::TrainingOptions o = options();
    o.epochs = 12;
    o.patience = 2;
    o.learningRate = 2e-2;
    const ai::TrainingResult r = ai::trainClassifier(samples(96, true), manifest(), o);
    ASSERT_TRUE(r.stoppedEarly);
    ASSERT_LT(r.history.size(), 12u);
    const std::size_t n = r.history.size();
    EXPECT_FALSE(r.history[n - 1].best);
    EXPECT_FALSE(r.history[n - 2].best);
    EXPECT_EQ(r.bestEpoch, static_cast<int>(n) - 2);
}

TEST(Training, BadInputsAreRefused) {
    auto data = samples(8);
    data[3].label = 5;
    EXPECT_THROW(ai::trainClassifier(data, manifest(), options()), core::InvalidArgument);
    EXPECT_THROW(ai::trainClassifier({}, manifest(), options()), core::InvalidArgument);
    ai::ModelManifest m = manifest();
    m.weights.architecture.numClasses = 3;  // does not match the two labels
    EXPECT_THROW(ai::trainClassifier(samples(8), m, options()), core::InvalidArgument);
    // A colour image in a grey model names its file.
    data = samples(8);
    core::Geometry g;
    g.size = {kSize, kSize, 1};
    data[2].image = core::Image(core::PixelType::UInt8, 3, g);
    data[2].image.data<std::uint8_t>()[1] = 9;
    try {
        ai::trainClassifier(data, manifest(), options());
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_EQ(std::string(e.what()).rfind("image2.png: ", 0), 0u) << e.what();
    }
}
