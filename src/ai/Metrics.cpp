#include "stratum/ai/Metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "stratum/core/Error.h"

namespace stratum::ai {
namespace {

double ratio(double a, double b) { return b > 0.0 ? a / b : 0.0; }

// Indices sorted by descending score.
std::vector<std::size_t> byScoreDescending(const std::vector<double>& scores) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    return order;
}

double meanNll(const std::vector<std::vector<double>>& logits, const std::vector<int>& labels, double temperature) {
    double total = 0.0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        const auto& z = logits[i];
        double maxZ = -std::numeric_limits<double>::infinity();
        for (const double v : z) maxZ = std::max(maxZ, v / temperature);
        double sum = 0.0;
        for (const double v : z) sum += std::exp(v / temperature - maxZ);
        total += -(z[static_cast<std::size_t>(labels[i])] / temperature - maxZ - std::log(sum));
    }
    return total / static_cast<double>(logits.size());
}

}  // namespace

double rocAuc(const std::vector<double>& scores, const std::vector<bool>& positives) {
    if (scores.size() != positives.size()) throw core::InvalidArgument("rocAuc: scores and labels differ in size");
    // Mann-Whitney U from average ranks (ties share their mean rank).
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    double positiveRankSum = 0.0;
    std::int64_t nPos = 0, nNeg = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
        const double meanRank = (static_cast<double>(i) + static_cast<double>(j - 1)) / 2.0 + 1.0;
        for (std::size_t k = i; k < j; ++k) {
            if (positives[order[k]]) {
                positiveRankSum += meanRank;
                ++nPos;
            } else {
                ++nNeg;
            }
        }
        i = j;
    }
    if (nPos == 0 || nNeg == 0) return std::numeric_limits<double>::quiet_NaN();
    const double u = positiveRankSum - static_cast<double>(nPos) * static_cast<double>(nPos + 1) / 2.0;
    return u / (static_cast<double>(nPos) * static_cast<double>(nNeg));
}

std::vector<RocPoint> rocCurve(const std::vector<double>& scores, const std::vector<bool>& positives) {
    if (scores.size() != positives.size()) throw core::InvalidArgument("rocCurve: scores and labels differ in size");
    const auto nPos = static_cast<double>(std::count(positives.begin(), positives.end(), true));
    const double nNeg = static_cast<double>(positives.size()) - nPos;
    std::vector<RocPoint> curve{{std::numeric_limits<double>::infinity(), 0.0, 0.0}};
    const std::vector<std::size_t> order = byScoreDescending(scores);
    double tp = 0.0, fp = 0.0;
    for (std::size_t i = 0; i < order.size();) {
        const double threshold = scores[order[i]];
        while (i < order.size() && scores[order[i]] == threshold) {
            (positives[order[i]] ? tp : fp) += 1.0;
            ++i;
        }
        curve.push_back({threshold, ratio(fp, nNeg), ratio(tp, nPos)});
    }
    return curve;
}

EvaluationMetrics evaluateClassification(const std::vector<std::vector<double>>& probabilities,
                                         const std::vector<int>& labels, int positiveClass, int bins) {
    if (probabilities.empty()) throw core::InvalidArgument("no predictions to evaluate");
    if (probabilities.size() != labels.size())
        throw core::InvalidArgument("evaluation: predictions and labels differ in number");
    if (bins < 1) throw core::InvalidArgument("evaluation: bins must be at least 1");
    const std::size_t classes = probabilities.front().size();
    if (classes < 2) throw core::InvalidArgument("evaluation needs at least 2 classes");
    if (positiveClass >= static_cast<int>(classes)) throw core::InvalidArgument("positive class out of range");

    EvaluationMetrics m;
    m.count = static_cast<std::int64_t>(labels.size());
    m.positiveClass = positiveClass;
    m.confusion.assign(classes, std::vector<std::int64_t>(classes, 0));
    std::vector<int> predicted(labels.size());
    std::vector<double> confidence(labels.size());
    double nll = 0.0;
    std::int64_t correct = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto& p = probabilities[i];
        if (p.size() != classes) throw core::InvalidArgument("evaluation: predictions differ in number of classes");
        if (labels[i] < 0 || labels[i] >= static_cast<int>(classes))
            throw core::InvalidArgument("evaluation: label out of range");
        predicted[i] = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
        confidence[i] = p[static_cast<std::size_t>(predicted[i])];
        ++m.confusion[static_cast<std::size_t>(labels[i])][static_cast<std::size_t>(predicted[i])];
        correct += predicted[i] == labels[i];
        nll += -std::log(std::max(p[static_cast<std::size_t>(labels[i])], 1e-12));
    }
    const auto n = static_cast<double>(m.count);
    m.accuracy = static_cast<double>(correct) / n;
    m.logLoss = nll / n;

    for (std::size_t c = 0; c < classes; ++c) {
        ClassMetrics cm;
        for (std::size_t t = 0; t < classes; ++t)
            for (std::size_t q = 0; q < classes; ++q) {
                const std::int64_t v = m.confusion[t][q];
                if (t == c && q == c) cm.truePositives += v;
                else if (t == c) cm.falseNegatives += v;
                else if (q == c) cm.falsePositives += v;
                else cm.trueNegatives += v;
            }
        cm.support = cm.truePositives + cm.falseNegatives;
        cm.precision = ratio(static_cast<double>(cm.truePositives), static_cast<double>(cm.truePositives + cm.falsePositives));
        cm.recall = ratio(static_cast<double>(cm.truePositives), static_cast<double>(cm.support));
        cm.specificity =
            ratio(static_cast<double>(cm.trueNegatives), static_cast<double>(cm.trueNegatives + cm.falsePositives));
        cm.f1 = ratio(2.0 * cm.precision * cm.recall, cm.precision + cm.recall);
        std::vector<double> scores(labels.size());
        std::vector<bool> positives(labels.size());
        for (std::size_t i = 0; i < labels.size(); ++i) {
            scores[i] = probabilities[i][c];
            positives[i] = labels[i] == static_cast<int>(c);
        }
        cm.rocAuc = rocAuc(scores, positives);
        if ((positiveClass >= 0 && static_cast<int>(c) == positiveClass) || (positiveClass < 0 && c == 0))
            m.roc = rocCurve(scores, positives);
        m.perClass.push_back(cm);
    }
    for (const ClassMetrics& cm : m.perClass) m.macroF1 += cm.f1 / static_cast<double>(classes);
    if (positiveClass >= 0) {
        const ClassMetrics& p = m.perClass[static_cast<std::size_t>(positiveClass)];
        m.precision = p.precision;
        m.recall = p.recall;
        m.specificity = p.specificity;
        m.f1 = p.f1;
        m.rocAuc = p.rocAuc;
    } else {
        for (const ClassMetrics& cm : m.perClass) {
            const double k = static_cast<double>(classes);
            m.precision += cm.precision / k;
            m.recall += cm.recall / k;
            m.specificity += cm.specificity / k;
            m.rocAuc += cm.rocAuc / k;
        }
        m.f1 = m.macroF1;
    }

    m.reliability.resize(static_cast<std::size_t>(bins));
    for (int b = 0; b < bins; ++b) {
        m.reliability[static_cast<std::size_t>(b)].lower = static_cast<double>(b) / bins;
        m.reliability[static_cast<std::size_t>(b)].upper = static_cast<double>(b + 1) / bins;
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const int b = std::min(bins - 1, static_cast<int>(confidence[i] * bins));
        ReliabilityBin& bin = m.reliability[static_cast<std::size_t>(std::max(b, 0))];
        ++bin.count;
        bin.meanConfidence += confidence[i];
        bin.accuracy += predicted[i] == labels[i] ? 1.0 : 0.0;
    }
    for (ReliabilityBin& bin : m.reliability) {
        if (bin.count == 0) continue;
        bin.meanConfidence /= static_cast<double>(bin.count);
        bin.accuracy /= static_cast<double>(bin.count);
        m.expectedCalibrationError += static_cast<double>(bin.count) / n * std::abs(bin.accuracy - bin.meanConfidence);
    }
    return m;
}

double fitTemperature(const std::vector<std::vector<double>>& logits, const std::vector<int>& labels) {
    if (logits.empty() || logits.size() != labels.size())
        throw core::InvalidArgument("fitTemperature: no logits, or logits and labels differ in number");
    // Golden-section search on log T; the NLL is unimodal in T for fixed logits in practice.
    double a = std::log(1.0 / 20.0), b = std::log(20.0);
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = meanNll(logits, labels, std::exp(c)), fd = meanNll(logits, labels, std::exp(d));
    for (int it = 0; it < 80; ++it) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = meanNll(logits, labels, std::exp(c));
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = meanNll(logits, labels, std::exp(d));
        }
    }
    return std::exp((a + b) / 2.0);
}

}  // namespace stratum::ai
