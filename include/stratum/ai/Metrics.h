#pragma once
// Classification metrics (plain C++): confusion matrix, accuracy, per-class precision,
// recall, specificity, F1, ROC AUC, ROC curve, expected calibration error and the
// reliability diagram's bins.
#include <cstdint>
#include <vector>

namespace stratum::ai {

struct ClassMetrics {
    std::int64_t support = 0;  // images of this class
    std::int64_t truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0;
    double precision = 0.0;    // 0 when nothing was predicted as this class
    double recall = 0.0;       // sensitivity
    double specificity = 0.0;
    double f1 = 0.0;
    double rocAuc = 0.0;  // one-vs-rest, by the class's probability; NaN when one side is empty
};

struct RocPoint {
    double threshold = 0.0;  // score >= threshold counts as positive
    double falsePositiveRate = 0.0;
    double truePositiveRate = 0.0;
};

struct ReliabilityBin {
    double lower = 0.0, upper = 0.0;  // confidence range [lower, upper)
    std::int64_t count = 0;
    double meanConfidence = 0.0;
    double accuracy = 0.0;
};

struct EvaluationMetrics {
    std::int64_t count = 0;
    double accuracy = 0.0;
    double logLoss = 0.0;  // mean negative log probability of the true class
    // confusion[truth][predicted]
    std::vector<std::vector<std::int64_t>> confusion;
    std::vector<ClassMetrics> perClass;
    double macroF1 = 0.0;
    // The positive class's figures for binary problems (positiveClass >= 0), else macro
    // averages over classes.
    int positiveClass = -1;
    double precision = 0.0, recall = 0.0, specificity = 0.0, f1 = 0.0, rocAuc = 0.0;
    // ROC of the positive class's probability (positiveClass >= 0; else class 0 vs rest).
    std::vector<RocPoint> roc;
    // Top-label calibration: confidence = the highest probability, correct = argmax is right.
    double expectedCalibrationError = 0.0;
    std::vector<ReliabilityBin> reliability;
};

// probabilities[i] sums to 1 over classes; labels[i] in [0, classes). The prediction is
// the argmax. Throws core::InvalidArgument on inconsistent sizes or empty input.
EvaluationMetrics evaluateClassification(const std::vector<std::vector<double>>& probabilities,
                                         const std::vector<int>& labels, int positiveClass = -1, int bins = 10);

// Area under the ROC curve (Mann-Whitney, ties count 1/2). NaN when a side is empty.
double rocAuc(const std::vector<double>& scores, const std::vector<bool>& positives);
// ROC curve from (0,0) to (1,1), one point per distinct threshold, highest first.
std::vector<RocPoint> rocCurve(const std::vector<double>& scores, const std::vector<bool>& positives);

// Temperature T > 0 minimising the mean negative log-likelihood of softmax(logits / T)
// (Guo et al. 2017), searched on log T in [1/20, 20].
double fitTemperature(const std::vector<std::vector<double>>& logits, const std::vector<int>& labels);

}  // namespace stratum::ai
