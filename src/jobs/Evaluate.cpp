// stratum evaluate: a model against a labelled folder; metrics, ROC curve, reliability.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "Paths.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/Classification.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr std::size_t kChunk = 256;  // images read and classified at a time

std::string fixed(double v, int digits = 4) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
    return buffer;
}

ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

void writeTextFile(const fs::path& path, const std::string& text) {
    core::AtomicFile file(path);
    std::ofstream out(file.tempPath(), std::ios::binary);
    out << text;
    out.close();
    if (!out) throw core::IoError(path.string(), "write error (disk full?)");
    file.commit();
}

}  // namespace

EvaluateResult evaluateClassifier(const EvaluateOptions& options, const core::Task& task) {
    if (options.batchSize < 1) throw core::InvalidArgument("batch size must be at least 1");
    if (options.bins < 2 || options.bins > 100) throw core::InvalidArgument("bins must be between 2 and 100");
    ai::Classifier classifier = ai::Classifier::load(options.model, {options.device});
    const ai::ModelManifest& m = classifier.manifest();
    EvaluateResult result;
    result.model = {m.name, m.version, classifier.packagePath(), m.labelNames(), classifier.device().name(), m.disclaimer};
    result.data = options.data;
    const LabelledFolder folder = listLabelledFolder(options.data, m.labelNames());
    result.warnings = folder.warnings;
    result.imagesPerLabel.assign(m.labels.size(), 0);

    std::vector<std::vector<double>> probabilities;
    std::vector<int> labels;
    const std::size_t n = folder.images.size();
    for (std::size_t start = 0; start < n; start += kChunk) {
        const std::size_t end = std::min(n, start + kChunk);
        const double from = 0.95 * static_cast<double>(start) / static_cast<double>(n);
        const double to = 0.95 * static_cast<double>(end) / static_cast<double>(n);
        const double mid = from + 0.3 * (to - from);
        std::vector<core::Image> images(end - start);
        std::vector<std::string> errors(end - start);
        core::ProgressCounter counter(task.sub(from, mid), end - start, "reading images");
        core::parallelFor(start, end, [&](std::size_t i) {
            const fs::path& path = folder.images[i].path;
            try {
                io::ReadResult read = io::readImage(path);
                if (read.image.metadata().sourcePath.empty()) read.image.metadata().sourcePath = path.string();
                images[i - start] = std::move(read.image);
            } catch (const core::Cancelled&) {
                throw;
            } catch (const std::exception& e) {
                errors[i - start] = e.what();
            }
            counter.advance();
        });
        // Unreadable files are reported and left out; unsuitable images are errors.
        std::vector<core::Image> usable;
        std::vector<int> usableLabels;
        for (std::size_t i = start; i < end; ++i) {
            if (!errors[i - start].empty()) {
                result.warnings.push_back({folder.images[i].path.string(), "skipped: " + errors[i - start]});
                continue;
            }
            classifier.checkInput(images[i - start]);
            usable.push_back(std::move(images[i - start]));
            usableLabels.push_back(folder.images[i].label);
        }
        const std::vector<ai::Classification> c = classifier.classifyBatch(usable, task.sub(mid, to), options.batchSize);
        for (std::size_t i = 0; i < c.size(); ++i) {
            probabilities.push_back(c[i].probabilities);
            labels.push_back(usableLabels[i]);
            ++result.imagesPerLabel[static_cast<std::size_t>(usableLabels[i])];
        }
    }
    if (labels.empty()) throw core::InvalidArgument(options.data.string() + ": no readable images");
    result.metrics = ai::evaluateClassification(probabilities, labels, m.positiveLabel, options.bins);

    if (!options.output.empty()) {
        task.progress(0.96, "writing results");
        fs::create_directories(options.output);
        const std::string positive = m.positiveLabel >= 0 ? m.labels[static_cast<std::size_t>(m.positiveLabel)].name
                                                           : m.labels[0].name;
        const fs::path json = options.output / "evaluation.json";
        const fs::path roc = options.output / "roc.png";
        const fs::path reliability = options.output / "reliability.png";
        io::writeImage(rocCurvePlot(result.metrics, positive), roc);
        io::writeImage(reliabilityPlot(result.metrics), reliability);
        result.written = {json, roc, reliability};
        writeTextFile(json, toJson(result));
    }
    for (const core::Warning& w : classifier.warnings()) result.warnings.push_back(w);
    task.progress(1.0);
    return result;
}

std::string toJson(const EvaluateResult& r) {
    const ai::EvaluationMetrics& m = r.metrics;
    ordered_json j;
    j["model"] = {{"name", r.model.name}, {"version", r.model.version}, {"package", r.model.package.string()},
                  {"device", r.model.device}};
    j["data"] = r.data.string();
    j["labels"] = r.model.labels;
    j["images"] = m.count;
    j["images_per_label"] = r.imagesPerLabel;
    j["positive_label"] = m.positiveClass >= 0 ? ordered_json(r.model.labels[static_cast<std::size_t>(m.positiveClass)])
                                               : ordered_json(nullptr);
    j["accuracy"] = m.accuracy;
    j["precision"] = m.precision;
    j["recall"] = m.recall;
    j["specificity"] = m.specificity;
    j["f1"] = m.f1;
    j["roc_auc"] = number(m.rocAuc);
    j["log_loss"] = m.logLoss;
    j["expected_calibration_error"] = m.expectedCalibrationError;
    j["confusion_matrix"] = m.confusion;
    j["confusion_matrix_axes"] = "rows: true label, columns: predicted label, in label order";
    ordered_json perClass = ordered_json::array();
    for (std::size_t c = 0; c < m.perClass.size(); ++c) {
        const ai::ClassMetrics& k = m.perClass[c];
        perClass.push_back({{"label", r.model.labels[c]},
                            {"support", k.support},
                            {"precision", k.precision},
                            {"recall", k.recall},
                            {"specificity", k.specificity},
                            {"f1", k.f1},
                            {"roc_auc", number(k.rocAuc)}});
    }
    j["per_label"] = perClass;
    ordered_json roc = ordered_json::array();
    for (const ai::RocPoint& p : m.roc)
        roc.push_back({{"threshold", number(p.threshold)}, {"fpr", p.falsePositiveRate}, {"tpr", p.truePositiveRate}});
    j["roc_curve"] = roc;
    ordered_json bins = ordered_json::array();
    for (const ai::ReliabilityBin& b : m.reliability)
        bins.push_back({{"lower", b.lower}, {"upper", b.upper}, {"count", b.count},
                        {"mean_confidence", b.meanConfidence}, {"accuracy", b.accuracy}});
    j["reliability"] = bins;
    ordered_json files = ordered_json::array();
    for (const fs::path& f : r.written) files.push_back(f.string());
    j["written"] = files;
    ordered_json warnings = ordered_json::array();
    for (const core::Warning& w : r.warnings) warnings.push_back({{"path", w.path}, {"message", w.message}});
    j["warnings"] = warnings;
    return j.dump(2) + "\n";
}

std::string toText(const EvaluateResult& r) {
    const ai::EvaluationMetrics& m = r.metrics;
    std::string t = "model " + r.model.name + " " + r.model.version + " on " + r.data.string() + ": " +
                    std::to_string(m.count) + " images\n\n";
    const std::string positive =
        m.positiveClass >= 0 ? " (positive: " + r.model.labels[static_cast<std::size_t>(m.positiveClass)] + ")" : " (macro)";
    t += "  accuracy     " + fixed(m.accuracy) + "\n";
    t += "  precision    " + fixed(m.precision) + positive + "\n";
    t += "  recall       " + fixed(m.recall) + "\n";
    t += "  specificity  " + fixed(m.specificity) + "\n";
    t += "  F1           " + fixed(m.f1) + "\n";
    t += "  ROC AUC      " + fixed(m.rocAuc) + "\n";
    t += "  log loss     " + fixed(m.logLoss) + "\n";
    t += "  ECE          " + fixed(m.expectedCalibrationError) + " (" + std::to_string(m.reliability.size()) + " bins)\n\n";
    std::size_t width = 10;
    for (const std::string& l : r.model.labels) width = std::max(width, l.size() + 2);
    auto pad = [&](std::string s) {
        s.resize(std::max(s.size(), width), ' ');
        return s;
    };
    t += "  confusion (rows: truth, columns: predicted)\n  " + pad("");
    for (const std::string& l : r.model.labels) t += pad(l);
    t += "\n";
    for (std::size_t i = 0; i < m.confusion.size(); ++i) {
        t += "  " + pad(r.model.labels[i]);
        for (const std::int64_t c : m.confusion[i]) t += pad(std::to_string(c));
        t += "\n";
    }
    t += "\n  " + pad("label") + pad("support") + pad("precision") + pad("recall") + pad("F1") + "AUC\n";
    for (std::size_t c = 0; c < m.perClass.size(); ++c) {
        const ai::ClassMetrics& k = m.perClass[c];
        t += "  " + pad(r.model.labels[c]) + pad(std::to_string(k.support)) + pad(fixed(k.precision, 3)) +
             pad(fixed(k.recall, 3)) + pad(fixed(k.f1, 3)) + fixed(k.rocAuc, 3) + "\n";
    }
    if (!r.written.empty()) {
        t += "\n";
        for (const fs::path& f : r.written) t += "  wrote " + f.string() + "\n";
    }
    return t;
}

}  // namespace stratum::jobs
