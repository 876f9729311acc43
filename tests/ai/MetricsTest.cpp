// Metrics against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "stratum/ai/Metrics.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

// Binary example: positive-class scores and labels (see the hand computation below).
const std::vector<double> kScores{0.92, 0.83, 0.74, 0.66, 0.37, 0.28, 0.19, 0.05};
const std::vector<int> kLabels{1, 1, 0, 1, 0, 1, 0, 0};

std::vector<std::vector<double>> binaryProbabilities() {
    std::vector<std::vector<double>> p;
    for (const double s : kScores) p.push_back({1.0 - s, s});
    return p;
}

}  // namespace

TEST(Metrics, BinaryCountsAndRates) {
    const ai::EvaluationMetrics m = ai::evaluateClassification(binaryProbabilities(), kLabels, 1);
    // Predicted positive: the first four. TP = 3 (0.92, 0.83, 0.66), FP = 1 (0.74),
    // FN = 1 (0.28), TN = 3.
    EXPECT_EQ(m.count, 8);
    EXPECT_EQ(m.confusion, (std::vector<std::vector<std::int64_t>>{{3, 1}, {1, 3}}));
    const ai::ClassMetrics& p = m.perClass[1];
    EXPECT_EQ(p.truePositives, 3);
    EXPECT_EQ(p.falsePositives, 1);
    EXPECT_EQ(p.falseNegatives, 1);
    EXPECT_EQ(p.trueNegatives, 3);
    EXPECT_DOUBLE_EQ(m.accuracy, 0.75);
    EXPECT_DOUBLE_EQ(m.precision, 0.75);
    EXPECT_DOUBLE_EQ(m.recall, 0.75);
    EXPECT_DOUBLE_EQ(m.specificity, 0.75);
    EXPECT_DOUBLE_EQ(m.f1, 0.75);
    // Pairs (positive, negative) ranked right: 4 + 4 + 3 + 2 of 16.
    EXPECT_DOUBLE_EQ(m.rocAuc, 13.0 / 16.0);
    // Class 0's one-vs-rest AUC uses 1 - score: the same ranking reversed.
    EXPECT_DOUBLE_EQ(m.perClass[0].rocAuc, 13.0 / 16.0);
    double nll = 0;
    for (std::size_t i = 0; i < kScores.size(); ++i) nll -= std::log(kLabels[i] ? kScores[i] : 1 - kScores[i]);
    EXPECT_NEAR(m.logLoss, nll / 8, 1e-12);
}

TEST(Metrics, ExpectedCalibrationErrorByHand) {
    const ai::EvaluationMetrics m = ai::evaluateClassification(binaryProbabilities(), kLabels, 1, 10);
    // Confidences 0.92 0.83 0.74 0.66 0.63 0.72 0.81 0.95; correct 1 1 0 1 1 0 1 1.
    // Bin [0.6,0.7): conf 0.645, acc 1; [0.7,0.8): 0.73, 0; [0.8,0.9): 0.82, 1; [0.9,1]: 0.935, 1.
    const double expected = 0.25 * (0.355 + 0.73 + 0.18 + 0.065);
    EXPECT_NEAR(m.expectedCalibrationError, expected, 1e-12);
    ASSERT_EQ(m.reliability.size(), 10u);
    EXPECT_EQ(m.reliability[6].count, 2);
    EXPECT_NEAR(m.reliability[6].meanConfidence, 0.645, 1e-12);
    EXPECT_DOUBLE_EQ(m.reliability[7].accuracy, 0.0);
    EXPECT_EQ(m.reliability[0].count, 0);
}

TEST(Metrics, RocCurvePoints) {
    std::vector<bool> positives;
    for (const int l : kLabels) positives.push_back(l == 1);
    const auto roc = ai::rocCurve(kScores, positives);
    const std::vector<std::pair<double, double>> expected{{0, 0},    {0, .25},  {0, .5},  {.25, .5}, {.25, .75},
                                                          {.5, .75}, {.5, 1.0}, {.75, 1}, {1, 1}};
    ASSERT_EQ(roc.size(), expected.size());
    for (std::size_t i = 0; i < roc.size(); ++i) {
        EXPECT_DOUBLE_EQ(roc[i].falsePositiveRate, expected[i].first) << i;
        EXPECT_DOUBLE_EQ(roc[i].truePositiveRate, expected[i].second) << i;
    }
    EXPECT_DOUBLE_EQ(roc[1].threshold, 0.92);
}

TEST(Metrics, AucTiesAndDegenerateCases) {
    EXPECT_DOUBLE_EQ(ai::rocAuc({0.5, 0.5}, {true, false}), 0.5);
    EXPECT_DOUBLE_EQ(ai::rocAuc({0.1, 0.4, 0.4, 0.9}, {false, true, false, true}), (1.0 + 0.5 + 1.0 + 1.0) / 4.0);
    EXPECT_TRUE(std::isnan(ai::rocAuc({0.1, 0.2}, {true, true})));
    EXPECT_THROW(ai::evaluateClassification({}, {}), core::InvalidArgument);
    EXPECT_THROW(ai::evaluateClassification({{0.5, 0.5}}, {2}), core::InvalidArgument);
}

TEST(Metrics, MultiClassConfusionAndMacroAverages) {
    const std::vector<std::vector<double>> p{{0.7, 0.2, 0.1}, {0.1, 0.8, 0.1}, {0.2, 0.5, 0.3},
                                             {0.1, 0.1, 0.8}, {0.6, 0.3, 0.1}, {0.3, 0.3, 0.4}};
    const std::vector<int> labels{0, 1, 2, 2, 1, 2};
    const ai::EvaluationMetrics m = ai::evaluateClassification(p, labels);
    // Predictions 0 1 1 2 0 2.
    EXPECT_EQ(m.confusion, (std::vector<std::vector<std::int64_t>>{{1, 0, 0}, {1, 1, 0}, {0, 1, 2}}));
    EXPECT_DOUBLE_EQ(m.accuracy, 4.0 / 6.0);
    // Class 0: P 1/2 R 1; class 1: P 1/2 R 1/2; class 2: P 1 R 2/3.
    EXPECT_DOUBLE_EQ(m.perClass[0].precision, 0.5);
    EXPECT_DOUBLE_EQ(m.perClass[2].recall, 2.0 / 3.0);
    const double f0 = 2 * 0.5 * 1 / 1.5, f1 = 0.5, f2 = 2 * 1 * (2.0 / 3) / (1 + 2.0 / 3);
    EXPECT_NEAR(m.macroF1, (f0 + f1 + f2) / 3, 1e-12);
    EXPECT_NEAR(m.precision, (0.5 + 0.5 + 1.0) / 3, 1e-12);
}

TEST(Metrics, TemperatureRecoversTheGeneratingTemperature) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> z(0.0, 3.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double trueTemperature = 2.0;
    std::vector<std::vector<double>> logits;
    std::vector<int> labels;
    for (int i = 0; i < 20000; ++i) {
        std::vector<double> l{z(rng), z(rng), z(rng)};
        double sum = 0;
        std::vector<double> p;
        for (const double v : l) sum += std::exp(v / trueTemperature);
        for (const double v : l) p.push_back(std::exp(v / trueTemperature) / sum);
        const double r = u(rng);
        labels.push_back(r < p[0] ? 0 : (r < p[0] + p[1] ? 1 : 2));
        logits.push_back(l);
    }
    EXPECT_NEAR(ai::fitTemperature(logits, labels), trueTemperature, 0.08);
}
