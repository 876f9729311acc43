// stratum train-classifier: read a folder-per-class image set, train, write a package.
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>

#include "Paths.h"
#include "stratum/ai/Sha256.h"
#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/Classification.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

// Union-find over group names.
class Groups {
public:
    std::string find(const std::string& g) {
        auto it = parent_.find(g);
        if (it == parent_.end() || it->second == g) return g;
        const std::string root = find(it->second);
        parent_[g] = root;
        return root;
    }
    void unite(const std::string& a, const std::string& b) {
        const std::string ra = find(a), rb = find(b);
        if (ra != rb) parent_[std::max(ra, rb)] = std::min(ra, rb);
    }

private:
    std::map<std::string, std::string> parent_;
};

std::string pixelHash(const core::Image& image) {
    ai::Sha256 hash;
    const auto& s = image.size();
    hash.update(std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]) + ":" +
                std::to_string(image.components()) + ":" + core::pixelTypeName(image.pixelType()));
    hash.update(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(image.data()), image.byteSize()));
    return hash.finishHex();
}

void requireEmptyOutput(const fs::path& out) {
    std::error_code ec;
    if (!fs::exists(out, ec)) return;
    if (!fs::is_directory(out, ec) || !fs::is_empty(out, ec))
        throw core::InvalidArgument(out.string() + ": the output package folder already exists and is not empty");
}

std::string fixed(double v, int digits) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
    return buffer;
}

ordered_json splitJson(const ai::SplitMetrics& s) {
    return {{"count", s.count},   {"loss", s.loss}, {"accuracy", s.accuracy}, {"precision", s.precision},
            {"recall", s.recall}, {"specificity", s.specificity}, {"f1", s.f1}, {"roc_auc", s.rocAuc}};
}

}  // namespace

TrainClassifierResult trainClassifier(const TrainClassifierOptions& options, const ai::EpochCallback& onEpoch,
                                      const core::Task& task) {
    if (options.output.empty()) throw core::InvalidArgument("train-classifier needs an output package folder");
    if (detail::samePath(options.output, options.data))
        throw core::InvalidArgument(options.output.string() + ": the package would overwrite the training data");
    requireEmptyOutput(options.output);
    if (options.inputSize < 16 || options.inputSize > 1024)
        throw core::InvalidArgument("input size must be between 16 and 1024 pixels");

    TrainClassifierResult result;
    LabelledFolder folder = listLabelledFolder(options.data, options.labels, options.groupPattern);
    result.labels = folder.labels;
    result.warnings = folder.warnings;

    // Read every image (in parallel); unreadable files are skipped with a warning.
    std::vector<ai::TrainingSample> samples(folder.images.size());
    std::vector<bool> ok(folder.images.size(), false);
    std::mutex mutex;
    core::ProgressCounter counter(task.sub(0.0, 0.08), folder.images.size(), "reading images");
    core::parallelFor(0, folder.images.size(), [&](std::size_t i) {
        const LabelledImage& li = folder.images[i];
        try {
            io::ReadResult read = io::readImage(li.path);
            samples[i].image = std::move(read.image);
            samples[i].label = li.label;
            samples[i].group = li.group;
            samples[i].source = li.path.string();
            ok[i] = true;
        } catch (const core::Cancelled&) {
            throw;
        } catch (const std::exception& e) {
            std::lock_guard lock(mutex);
            result.warnings.push_back({li.path.string(), std::string("skipped: ") + e.what()});
        }
        counter.advance();
    });
    std::vector<ai::TrainingSample> kept;
    for (std::size_t i = 0; i < samples.size(); ++i)
        if (ok[i]) kept.push_back(std::move(samples[i]));
    if (kept.empty()) throw core::InvalidArgument(options.data.string() + ": no readable images");

    // Pixel-identical images belong to one group: they must not straddle the split.
    Groups groups;
    std::map<std::string, std::string> firstGroupOfHash;
    std::size_t duplicates = 0;
    for (const ai::TrainingSample& s : kept) {
        const std::string h = pixelHash(s.image);
        const auto [it, inserted] = firstGroupOfHash.emplace(h, s.group);
        if (!inserted) {
            groups.unite(it->second, s.group);
            ++duplicates;
        }
    }
    for (ai::TrainingSample& s : kept) s.group = groups.find(s.group);
    result.images = kept.size();

    // The manifest of the package to produce.
    ai::ModelManifest m;
    m.name = options.name.empty() ? options.output.filename().string() : options.name;
    if (m.name.empty()) m.name = "classifier";
    m.version = options.version;
    m.description = options.description;
    m.task = ai::ModelTask::Classification;
    for (const std::string& l : folder.labels) m.labels.push_back({l});
    if (!options.positiveLabel.empty()) {
        m.positiveLabel = m.labelIndex(options.positiveLabel);
        if (m.positiveLabel < 0)
            throw core::InvalidArgument("positive label '" + options.positiveLabel + "' is not one of the classes");
    } else if (m.labels.size() == 2) {
        m.positiveLabel = 1;
    }
    m.input.channels = options.channels;
    m.input.dimensions = 2;
    m.input.size = {options.inputSize, options.inputSize};
    m.input.modalities = options.modalities;
    m.preprocessing = options.preprocessing;
    if (m.preprocessing.mean.size() != static_cast<std::size_t>(options.channels)) {
        m.preprocessing.mean.assign(static_cast<std::size_t>(options.channels), m.preprocessing.mean.at(0));
        m.preprocessing.std.assign(static_cast<std::size_t>(options.channels), m.preprocessing.std.at(0));
    }
    m.weights.format = ai::WeightsFormat::BuiltIn;
    m.weights.dtype = options.dtype;
    m.weights.architecture = options.architecture;
    m.weights.architecture.inChannels = options.channels;
    m.weights.architecture.numClasses = static_cast<int>(m.labels.size());
    m.weights.sha256 = std::string(64, '0');
    m.gradCam.target = m.weights.architecture.gradCamTarget();
    m.intendedUse = options.intendedUse;
    m.license = options.license;
    m.authors = options.authors;
    try {
        m.validate();
    } catch (const core::InvalidArgument& e) {
        throw core::InvalidArgument(std::string("model settings: ") + e.what());
    }

    ai::TrainingOptions training = options.training;
    if (training.dataSource.empty()) training.dataSource = options.data.string();
    result.training = ai::trainClassifier(kept, m, training, onEpoch, task.sub(0.08, 0.99));

    // The training summary gains what only this layer knows.
    ai::ModelManifest trained = result.training.model.manifest();
    ordered_json summary = ordered_json::parse(trained.trainingJson);
    summary["images_read"] = kept.size();
    summary["images_skipped"] = folder.images.size() - kept.size();
    summary["pixel_identical_duplicates_grouped"] = duplicates;
    summary["group_pattern"] = options.groupPattern;
    trained.trainingJson = summary.dump(2);
    result.training.model.updateManifest(trained);

    result.training.model.save(options.output, {{"training_log.csv", ai::trainingLogCsv(result.training.history)},
                                                {"training_log.json", ai::trainingLogJson(result.training.history)}});
    result.package = options.output;
    result.manifest = result.training.model.manifest();
    task.progress(1.0, "saved");
    return result;
}

std::string epochLine(const ai::EpochRecord& r, int epochs) {
    char head[64];
    std::snprintf(head, sizeof head, "epoch %*d/%d", static_cast<int>(std::to_string(epochs).size()), r.epoch, epochs);
    std::string line = std::string(head) + "  lr " + fixed(r.learningRate, 6) + "  train loss " + fixed(r.train.loss, 4) +
                       " acc " + fixed(r.train.accuracy, 3) + " auc " + fixed(r.train.rocAuc, 3);
    if (r.validation.count > 0)
        line += "  |  val loss " + fixed(r.validation.loss, 4) + " acc " + fixed(r.validation.accuracy, 3) + " f1 " +
                fixed(r.validation.f1, 3) + " auc " + fixed(r.validation.rocAuc, 3);
    line += "  " + fixed(r.seconds, 0) + " s";
    if (r.best) line += "  *";
    return line;
}

std::string epochJson(const ai::EpochRecord& r, int epochs) {
    const ordered_json j = {{"event", "epoch"},
                            {"epoch", r.epoch},
                            {"epochs", epochs},
                            {"learning_rate", r.learningRate},
                            {"seconds", r.seconds},
                            {"best", r.best},
                            {"train", splitJson(r.train)},
                            {"validation", splitJson(r.validation)}};
    return j.dump();
}

std::string toJson(const TrainClassifierResult& r) {
    ordered_json j;
    j["package"] = r.package.string();
    j["name"] = r.manifest.name;
    j["labels"] = r.labels;
    j["images"] = r.images;
    j["train_images"] = r.training.trainImages;
    j["validation_images"] = r.training.validationImages;
    j["train_groups"] = r.training.trainGroups;
    j["validation_groups"] = r.training.validationGroups;
    j["epochs_run"] = r.training.history.size();
    j["best_epoch"] = r.training.bestEpoch;
    j["stopped_early"] = r.training.stoppedEarly;
    j["resumed"] = r.training.resumed;
    j["temperature"] = r.manifest.calibration.temperature;
    j["seconds"] = r.training.seconds;
    j["validation"] = ordered_json::parse(r.manifest.validationJson);
    ordered_json roc = ordered_json::array();  // of the validation split (best weights, calibrated)
    for (const ai::RocPoint& p : r.training.validation.roc)
        roc.push_back({{"threshold", p.threshold}, {"fpr", p.falsePositiveRate}, {"tpr", p.truePositiveRate}});
    j["validation_roc"] = roc;
    ordered_json history = ordered_json::array();
    for (const ai::EpochRecord& e : r.training.history)
        history.push_back({{"epoch", e.epoch},
                           {"learning_rate", e.learningRate},
                           {"seconds", e.seconds},
                           {"best", e.best},
                           {"train", splitJson(e.train)},
                           {"validation", splitJson(e.validation)}});
    j["history"] = history;
    ordered_json warnings = ordered_json::array();
    for (const core::Warning& w : r.warnings) warnings.push_back({{"path", w.path}, {"message", w.message}});
    j["warnings"] = warnings;
    return j.dump(2) + "\n";
}

}  // namespace stratum::jobs
