// The training loop of ai::trainClassifier.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

#include "Augment.h"
#include "ClassifierImpl.h"
#include "Json.h"
#include "Preprocess.h"
#include "stratum/ai/Split.h"
#include "stratum/ai/Training.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"

namespace stratum::ai {
namespace {

namespace fs = std::filesystem;
using detail::Json;
using Clock = std::chrono::steady_clock;

constexpr const char* kCheckpointWeights = "checkpoint.pt";
constexpr const char* kCheckpointState = "checkpoint.json";
constexpr int kCheckpointVersion = 1;
constexpr std::size_t kBatchNormImages = 1024;

double seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string durationText(double s) {
    if (s < 90.0) return std::to_string(static_cast<int>(std::lround(s))) + " s";
    if (s < 5400.0) return std::to_string(static_cast<int>(std::lround(s / 60.0))) + " min";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f h", s / 3600.0);
    return buffer;
}

std::string number(double v, int digits = 3) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
    return buffer;
}

// The positive class of binary metrics: the manifest's, else class 1 of two.
int positiveClassOf(const ModelManifest& m) {
    if (m.positiveLabel >= 0) return m.positiveLabel;
    return m.labels.size() == 2 ? 1 : -1;
}

SplitMetrics summarise(const std::vector<std::vector<double>>& probabilities, const std::vector<int>& labels,
                       double loss, int positiveClass) {
    SplitMetrics s;
    s.count = static_cast<std::int64_t>(labels.size());
    s.loss = loss;
    if (labels.empty()) return s;
    const EvaluationMetrics m = evaluateClassification(probabilities, labels, positiveClass);
    s.accuracy = m.accuracy;
    s.precision = m.precision;
    s.recall = m.recall;
    s.specificity = m.specificity;
    s.f1 = m.f1;
    s.rocAuc = m.rocAuc;
    return s;
}

std::vector<std::vector<double>> rows(const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat64).contiguous();
    std::vector<std::vector<double>> out;
    const double* p = c.data_ptr<double>();
    for (std::int64_t i = 0; i < c.size(0); ++i) out.emplace_back(p + i * c.size(1), p + (i + 1) * c.size(1));
    return out;
}

Json metricsJson(const SplitMetrics& s) {
    Json j = Json::object();
    j["count"] = s.count;
    j["loss"] = s.loss;
    j["accuracy"] = s.accuracy;
    j["precision"] = s.precision;
    j["recall"] = s.recall;
    j["specificity"] = s.specificity;
    j["f1"] = s.f1;
    j["roc_auc"] = s.rocAuc;
    return j;
}

SplitMetrics metricsFrom(const Json& j) {
    SplitMetrics s;
    auto num = [&](const char* key) {
        const Json* v = j.find(key);
        return v && v->isNumber() ? v->number() : 0.0;
    };
    s.count = static_cast<std::int64_t>(num("count"));
    s.loss = num("loss");
    s.accuracy = num("accuracy");
    s.precision = num("precision");
    s.recall = num("recall");
    s.specificity = num("specificity");
    s.f1 = num("f1");
    s.rocAuc = num("roc_auc");
    return s;
}

Json epochJson(const EpochRecord& r) {
    Json j = Json::object();
    j["epoch"] = r.epoch;
    j["learning_rate"] = r.learningRate;
    j["seconds"] = r.seconds;
    j["best"] = r.best;
    j["train"] = metricsJson(r.train);
    j["validation"] = metricsJson(r.validation);
    return j;
}

EpochRecord epochFrom(const Json& j) {
    EpochRecord r;
    r.epoch = static_cast<int>(j.find("epoch")->number());
    r.learningRate = j.find("learning_rate")->number();
    r.seconds = j.find("seconds")->number();
    r.best = j.find("best")->boolean();
    r.train = metricsFrom(*j.find("train"));
    r.validation = metricsFrom(*j.find("validation"));
    return r;
}

// What must not change between a run and its resumption.
std::string runSignature(const ModelManifest& m, const TrainingOptions& o, std::size_t samples) {
    std::ostringstream s;
    s << m.weights.architecture.describe() << "|" << m.input.size[0] << "x" << m.input.size[1] << "|"
      << samples << "|" << o.seed << "|" << o.batchSize << "|" << o.validationFraction << "|"
      << (o.optimizer == OptimizerKind::Adam ? "adam" : "sgd") << "|" << o.learningRate << "|" << o.lrDecay << "|"
      << o.classWeighting << o.balancedSampling << "|" << o.epochs;
    for (const auto& l : m.labels) s << "|" << l.name;
    return s.str();
}

class Checkpoint {
public:
    explicit Checkpoint(fs::path dir) : dir_(std::move(dir)) {}
    bool enabled() const { return !dir_.empty(); }
    bool exists() const { return fs::exists(dir_ / kCheckpointState) && fs::exists(dir_ / kCheckpointWeights); }

    struct State {
        int epoch = 0;
        int bestEpoch = 0;
        double bestLoss = 0.0;
        int sinceBest = 0;
        double learningRate = 0.0;
        std::vector<EpochRecord> history;
    };

    void save(const State& state, const std::string& signature, detail::ClassifierNet& net,
              detail::ClassifierNet& best, torch::optim::Optimizer& optimizer) const {
        fs::create_directories(dir_);
        {
            torch::serialize::OutputArchive archive, model, bestModel, opt;
            net.save(model);
            best.save(bestModel);
            optimizer.save(opt);
            archive.write("model", model);
            archive.write("best", bestModel);
            archive.write("optimizer", opt);
            archive.write("epoch", torch::tensor(static_cast<std::int64_t>(state.epoch)));
            core::AtomicFile file(dir_ / kCheckpointWeights);
            archive.save_to(file.tempPath().string());
            file.commit();
        }
        Json j = Json::object();
        j["version"] = kCheckpointVersion;
        j["signature"] = signature;
        j["epoch"] = state.epoch;
        j["best_epoch"] = state.bestEpoch;
        j["best_loss"] = state.bestLoss;
        j["since_best"] = state.sinceBest;
        j["learning_rate"] = state.learningRate;
        Json history = Json::array();
        for (const EpochRecord& r : state.history) history.push(epochJson(r));
        j["history"] = std::move(history);
        core::AtomicFile file(dir_ / kCheckpointState);
        std::ofstream out(file.tempPath(), std::ios::binary);
        out << j.dump(1);
        out.close();
        if (!out) throw core::IoError((dir_ / kCheckpointState).string(), "write error (disk full?)");
        file.commit();
    }

    State load(const std::string& signature, detail::ClassifierNet& net, detail::ClassifierNet& best,
               torch::optim::Optimizer& optimizer) const {
        const fs::path statePath = dir_ / kCheckpointState;
        std::ifstream in(statePath, std::ios::binary);
        if (!in) throw core::IoError(statePath.string(), "cannot open the checkpoint");
        std::ostringstream text;
        text << in.rdbuf();
        State state;
        try {
            const Json j = Json::parse(text.str());
            if (j.find("version")->number() != kCheckpointVersion)
                throw core::FormatError(statePath.string(), "checkpoint of another version");
            if (j.find("signature")->string() != signature)
                throw core::InvalidArgument(statePath.string() +
                                            ": the checkpoint is of a run with other data or settings "
                                            "(architecture, input size, images, seed, batch, optimiser, epochs); "
                                            "resume with the same ones or use another checkpoint folder");
            state.epoch = static_cast<int>(j.find("epoch")->number());
            state.bestEpoch = static_cast<int>(j.find("best_epoch")->number());
            state.bestLoss = j.find("best_loss")->number();
            state.sinceBest = static_cast<int>(j.find("since_best")->number());
            state.learningRate = j.find("learning_rate")->number();
            for (const Json& r : j.find("history")->items()) state.history.push_back(epochFrom(r));
        } catch (const detail::JsonParseError& e) {
            throw core::FormatError(statePath.string(), std::string("corrupt checkpoint: ") + e.what());
        } catch (const std::logic_error& e) {
            throw core::FormatError(statePath.string(), "corrupt checkpoint (missing or mistyped fields)");
        }
        const fs::path weightsPath = dir_ / kCheckpointWeights;
        try {
            torch::serialize::InputArchive archive, model, bestModel, opt;
            archive.load_from(weightsPath.string());
            archive.read("model", model);
            archive.read("best", bestModel);
            archive.read("optimizer", opt);
            torch::Tensor epoch;
            archive.read("epoch", epoch);
            if (epoch.item<std::int64_t>() != state.epoch)
                throw core::FormatError(weightsPath.string(), "checkpoint files of different epochs");
            net.load(model);
            best.load(bestModel);
            optimizer.load(opt);
        } catch (const c10::Error& e) {
            throw core::FormatError(weightsPath.string(), "corrupt checkpoint: " + detail::torchMessage(e));
        }
        return state;
    }

private:
    fs::path dir_;
};

void copyWeights(detail::ClassifierNet& from, detail::ClassifierNet& to) {
    torch::NoGradGuard noGrad;
    const auto source = from.named_parameters();
    for (auto& p : to.named_parameters()) p.value().copy_(source[p.key()]);
    const auto sourceBuffers = from.named_buffers();
    for (auto& b : to.named_buffers()) b.value().copy_(sourceBuffers[b.key()]);
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

// Cached images (resized, not yet median-filtered) -> the network's input, optionally
// augmented first: augmentation, median, normalisation, as at inference.
torch::Tensor networkInput(const torch::Tensor& cache, const std::vector<std::int64_t>& idx, const Preprocessing& pre,
                           const torch::Device& device, const AugmentationOptions* augmentation, std::mt19937_64* rng) {
    torch::Tensor x = cache.index_select(0, torch::tensor(idx, torch::kInt64)).to(device, torch::kFloat32);
    if (augmentation) x = detail::augmentBatch(x, *augmentation, *rng);
    return detail::normaliseBatch(detail::medianFilter(x, pre.medianRadius), pre);
}

std::vector<std::int64_t> slice(const std::vector<std::size_t>& indices, std::size_t start, std::size_t end) {
    return {indices.begin() + static_cast<std::ptrdiff_t>(start), indices.begin() + static_cast<std::ptrdiff_t>(end)};
}

// Logits of `indices` (no augmentation), in batches, in evaluation mode.
torch::Tensor evaluateLogits(detail::ClassifierNet& net, const torch::Tensor& cache,
                             const std::vector<std::size_t>& indices, const Preprocessing& pre,
                             const torch::Device& device, int batchSize, const core::Task& task) {
    net.eval();
    std::vector<torch::Tensor> parts;
    c10::InferenceMode inference;
    for (std::size_t start = 0; start < indices.size(); start += static_cast<std::size_t>(batchSize)) {
        task.checkCancel();
        const std::size_t end = std::min(indices.size(), start + static_cast<std::size_t>(batchSize));
        parts.push_back(net.forward(networkInput(cache, slice(indices, start, end), pre, device, nullptr, nullptr))
                            .to(torch::kCPU));
    }
    return parts.empty() ? torch::empty({0, 0}) : torch::cat(parts);
}

// Batch-norm statistics re-estimated on clean (not augmented) training images
// ("precise BN"): the running averages gathered during training describe augmented
// batches, and inference sees clean images; without this the validation loss swings
// from epoch to epoch while the ROC AUC stays put.
void recalibrateBatchNorm(detail::ClassifierNet& net, const torch::Tensor& cache,
                          const std::vector<std::size_t>& indices, const Preprocessing& pre,
                          const torch::Device& device, int batchSize, const core::Task& task) {
    std::vector<torch::nn::BatchNorm2dImpl*> norms;
    for (const auto& module : net.modules(false))
        if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(module.get())) norms.push_back(bn);
    if (norms.empty() || indices.size() < 2) return;
    std::vector<c10::optional<double>> momentum;
    for (auto* bn : norms) {
        momentum.push_back(bn->options.momentum());
        bn->options.momentum(c10::nullopt);  // cumulative average over the batches below
        bn->reset_running_stats();
    }
    net.train();
    {
        torch::NoGradGuard noGrad;
        for (std::size_t start = 0; start + 2 <= indices.size(); start += static_cast<std::size_t>(batchSize)) {
            task.checkCancel();
            const std::size_t end = std::min(indices.size(), start + static_cast<std::size_t>(batchSize));
            if (end - start < 2) break;
            net.forward(networkInput(cache, slice(indices, start, end), pre, device, nullptr, nullptr));
        }
    }
    for (std::size_t i = 0; i < norms.size(); ++i) norms[i]->options.momentum(momentum[i]);
    net.eval();
}

std::string trainingSummary(const ModelManifest& m, const TrainingOptions& o, const TrainingResult& r,
                            const std::vector<std::int64_t>& perClassTrain, const std::vector<std::int64_t>& perClassVal,
                            double temperature, const std::string& device) {
    Json j = Json::object();
    if (!o.dataSource.empty()) j["data"] = o.dataSource;
    Json images = Json::object();
    for (std::size_t c = 0; c < m.labels.size(); ++c) {
        Json counts = Json::object();
        counts["train"] = perClassTrain[c];
        counts["validation"] = perClassVal[c];
        images[m.labels[c].name] = std::move(counts);
    }
    j["images"] = std::move(images);
    Json split = Json::object();
    split["method"] = "patient-level (groups never split), stratified by label";
    split["validation_fraction"] = o.validationFraction;
    split["train_images"] = static_cast<std::int64_t>(r.trainImages);
    split["validation_images"] = static_cast<std::int64_t>(r.validationImages);
    split["train_groups"] = static_cast<std::int64_t>(r.trainGroups);
    split["validation_groups"] = static_cast<std::int64_t>(r.validationGroups);
    j["split"] = std::move(split);
    j["architecture"] = m.weights.architecture.describe();
    j["epochs_run"] = static_cast<int>(r.history.size());
    j["epochs_max"] = o.epochs;
    j["best_epoch"] = r.bestEpoch;
    j["stopped_early"] = r.stoppedEarly;
    j["batch_size"] = o.batchSize;
    j["optimizer"] = o.optimizer == OptimizerKind::Adam ? "adam" : "sgd";
    j["learning_rate"] = o.learningRate;
    j["lr_decay_per_epoch"] = o.lrDecay;
    j["weight_decay"] = o.weightDecay;
    j["patience"] = o.patience;
    j["class_balance"] = o.balancedSampling ? "balanced sampling" : (o.classWeighting ? "class-weighted loss" : "none");
    j["seed"] = static_cast<std::int64_t>(o.seed);
    const AugmentationOptions& a = o.augmentation;
    Json aug = Json::object();
    aug["enabled"] = a.enabled;
    if (a.enabled) {
        aug["rotation_degrees"] = a.rotationDegrees;
        aug["scale"] = Json(Json::Array{Json(a.scaleMin), Json(a.scaleMax)});
        aug["translate"] = a.translate;
        aug["horizontal_flip"] = a.horizontalFlip;
        aug["brightness"] = a.brightness;
        aug["contrast"] = a.contrast;
        aug["gamma"] = a.gamma;
        aug["blur_sharpen_probability"] = a.blurProbability;
        aug["noise_sigma_max"] = a.noise;
    }
    j["augmentation"] = std::move(aug);
    j["temperature"] = temperature;
    j["device"] = device;
    j["seconds"] = r.seconds;
    return j.dump(2);
}

std::string validationSummary(const EvaluationMetrics& v, const ModelManifest& m) {
    Json j = Json::object();
    j["split"] = "patient-level validation split of the training data (images never seen in training)";
    j["calibrated"] = true;
    j["count"] = v.count;
    j["accuracy"] = v.accuracy;
    j["precision"] = v.precision;
    j["recall"] = v.recall;
    j["specificity"] = v.specificity;
    j["f1"] = v.f1;
    j["roc_auc"] = v.rocAuc;
    j["log_loss"] = v.logLoss;
    j["expected_calibration_error"] = v.expectedCalibrationError;
    Json confusion = Json::array();
    for (const auto& row : v.confusion) {
        Json r = Json::array();
        for (const std::int64_t c : row) r.push(Json(c));
        confusion.push(std::move(r));
    }
    j["confusion_matrix"] = std::move(confusion);
    j["confusion_matrix_axes"] = "rows: true label, columns: predicted, in label order";
    if (m.positiveLabel >= 0) j["positive_label"] = m.labels[static_cast<std::size_t>(m.positiveLabel)].name;
    return j.dump(2);
}

}  // namespace

TrainingResult trainClassifier(const std::vector<TrainingSample>& samples, const ModelManifest& manifestIn,
                               const TrainingOptions& o, const EpochCallback& onEpoch, const core::Task& task) {
    ensureThreads();
    const auto started = Clock::now();
    ModelManifest manifest = manifestIn;
    if (manifest.weights.sha256.empty()) manifest.weights.sha256 = std::string(64, '0');
    if (manifest.weights.format != WeightsFormat::BuiltIn)
        throw core::InvalidArgument("training needs a built-in architecture");
    manifest.validate();
    if (samples.empty()) throw core::InvalidArgument("no training images");
    if (o.epochs < 1) throw core::InvalidArgument("epochs must be at least 1");
    if (o.batchSize < 2) throw core::InvalidArgument("batch size must be at least 2 (batch normalisation)");
    if (!(o.learningRate > 0.0)) throw core::InvalidArgument("learning rate must be positive");
    if (!(o.lrDecay > 0.0 && o.lrDecay <= 1.0)) throw core::InvalidArgument("learning-rate decay must be in (0, 1]");
    if (o.patience < 0) throw core::InvalidArgument("patience must be >= 0");
    const std::size_t classes = manifest.labels.size();
    for (const TrainingSample& s : samples)
        if (s.label < 0 || s.label >= static_cast<int>(classes))
            throw core::InvalidArgument(s.source + ": label " + std::to_string(s.label) + " out of range");
    const Device device = resolveDevice(o.device);
    const torch::Device torchDevice = detail::toTorch(device);
    const int positive = positiveClassOf(manifest);

    // Split by group.
    std::vector<std::string> groups;
    std::vector<int> labels;
    for (const TrainingSample& s : samples) {
        groups.push_back(s.group.empty() ? s.source : s.group);
        labels.push_back(s.label);
    }
    const DataSplit split = splitByGroup(groups, labels, o.validationFraction, o.seed);
    if (split.train.empty()) throw core::InvalidArgument("the split left no training images");
    std::vector<std::int64_t> perClassTrain(classes, 0), perClassVal(classes, 0);
    for (const std::size_t i : split.train) ++perClassTrain[static_cast<std::size_t>(labels[i])];
    for (const std::size_t i : split.validation) ++perClassVal[static_cast<std::size_t>(labels[i])];
    for (std::size_t c = 0; c < classes; ++c)
        if (perClassTrain[c] == 0)
            throw core::InvalidArgument("no training images of class '" + manifest.labels[c].name + "'");

    TrainingResult result;
    result.trainImages = split.train.size();
    result.validationImages = split.validation.size();
    {
        std::set<std::string> t, v;
        for (const std::size_t i : split.train) t.insert(groups[i]);
        for (const std::size_t i : split.validation) v.insert(groups[i]);
        result.trainGroups = t.size();
        result.validationGroups = v.size();
    }

    // Preprocess every image once (the deterministic part), kept as float16.
    const core::Task prepTask = task.sub(0.0, 0.05);
    const std::int64_t C = manifest.input.channels, H = manifest.input.size[1], W = manifest.input.size[0];
    torch::Tensor cache = torch::empty({static_cast<std::int64_t>(samples.size()), C, H, W}, torch::kFloat16);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        if (i % 32 == 0)
            prepTask.progress(static_cast<double>(i) / static_cast<double>(samples.size()), "preparing images");
        try {
            cache[static_cast<std::int64_t>(i)].copy_(detail::prepareImage(samples[i].image, manifest, false).pixels);
        } catch (const core::InvalidArgument& e) {
            const std::string what = e.what();
            if (samples[i].image.metadata().sourcePath.empty() && !samples[i].source.empty())
                throw core::InvalidArgument(samples[i].source + ": " + what);
            throw;
        }
    }
    const torch::Tensor labelTensor = torch::tensor(std::vector<std::int64_t>(labels.begin(), labels.end()), torch::kInt64);

    // Network, optimiser, loss weights.
    torch::manual_seed(o.seed);
    auto net = detail::buildNetwork(manifest.weights.architecture);
    auto best = detail::buildNetwork(manifest.weights.architecture);
    net->to(torchDevice);
    best->to(torchDevice);
    copyWeights(*net, *best);
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    if (o.optimizer == OptimizerKind::Adam)
        optimizer = std::make_unique<torch::optim::Adam>(
            net->parameters(), torch::optim::AdamOptions(o.learningRate).weight_decay(o.weightDecay));
    else
        optimizer = std::make_unique<torch::optim::SGD>(
            net->parameters(),
            torch::optim::SGDOptions(o.learningRate).momentum(o.momentum).weight_decay(o.weightDecay).nesterov(true));
    std::vector<double> classWeights(classes, 1.0);
    if (o.classWeighting && !o.balancedSampling)
        for (std::size_t c = 0; c < classes; ++c)
            classWeights[c] = static_cast<double>(split.train.size()) /
                              (static_cast<double>(classes) * static_cast<double>(perClassTrain[c]));
    const torch::Tensor lossWeights = torch::tensor(classWeights, torch::kFloat32).to(torchDevice);

    // Resume.
    const std::string signature = runSignature(manifest, o, samples.size());
    const Checkpoint checkpoint(o.checkpointDir);
    Checkpoint::State state;
    state.bestLoss = std::numeric_limits<double>::infinity();
    state.learningRate = o.learningRate;
    if (o.resume) {
        if (!checkpoint.enabled()) throw core::InvalidArgument("resume needs a checkpoint folder");
        if (!checkpoint.exists())
            throw core::IoError(o.checkpointDir.string(), "no checkpoint to resume from (checkpoint.json and .pt)");
        state = checkpoint.load(signature, *net, *best, *optimizer);
        result.resumed = true;
    }
    result.history = state.history;

    const std::size_t batch = static_cast<std::size_t>(o.batchSize);
    // A fixed subset of clean training images for re-estimating batch-norm statistics.
    std::vector<std::size_t> bnIndices = split.train;
    {
        std::mt19937_64 rng(o.seed ^ 0x5bd1e995ULL);
        std::shuffle(bnIndices.begin(), bnIndices.end(), rng);
        bnIndices.resize(std::min<std::size_t>(bnIndices.size(), kBatchNormImages));
    }
    const std::size_t batchesPerEpoch = (split.train.size() + batch - 1) / batch;
    const core::Task trainTask = task.sub(0.05, 0.97);
    const auto loopStarted = Clock::now();
    int epochsThisRun = 0;
    bool stop = state.sinceBest >= o.patience && o.patience > 0 && !split.validation.empty() && state.epoch > 0;
    result.stoppedEarly = stop;

    for (int epoch = state.epoch + 1; epoch <= o.epochs && !stop; ++epoch) {
        const auto epochStarted = Clock::now();
        setLearningRate(*optimizer, state.learningRate);
        // Every epoch's randomness derives from (seed, epoch): a resumed run repeats it exactly.
        torch::manual_seed(o.seed * 1000003ULL + static_cast<std::uint64_t>(epoch));
        std::mt19937_64 rng(o.seed * 7919ULL + static_cast<std::uint64_t>(epoch));
        std::vector<std::size_t> order = split.train;
        if (o.balancedSampling) {
            std::vector<double> w;
            for (const std::size_t i : split.train)
                w.push_back(1.0 / static_cast<double>(perClassTrain[static_cast<std::size_t>(labels[i])]));
            std::discrete_distribution<std::size_t> pick(w.begin(), w.end());
            for (std::size_t& i : order) i = split.train[pick(rng)];
        } else {
            std::shuffle(order.begin(), order.end(), rng);
        }

        net->train();
        double lossSum = 0.0;
        std::int64_t seen = 0;
        std::vector<torch::Tensor> probabilityParts;
        std::vector<int> seenLabels;
        for (std::size_t b = 0; b < batchesPerEpoch; ++b) {
            const std::size_t start = b * batch, end = std::min(order.size(), start + batch);
            if (end - start < 2) continue;  // batch norm needs two images
            const std::vector<std::int64_t> idx = slice(order, start, end);
            const torch::Tensor x =
                networkInput(cache, idx, manifest.preprocessing, torchDevice, &o.augmentation, &rng);
            const torch::Tensor y = labelTensor.index_select(0, torch::tensor(idx, torch::kInt64)).to(torchDevice);
            optimizer->zero_grad();
            const torch::Tensor logits = net->forward(x);
            const torch::Tensor loss = torch::nn::functional::cross_entropy(
                logits, y, torch::nn::functional::CrossEntropyFuncOptions().weight(lossWeights));
            loss.backward();
            optimizer->step();

            const auto n = static_cast<std::int64_t>(idx.size());
            lossSum += loss.item<double>() * static_cast<double>(n);
            seen += n;
            probabilityParts.push_back(torch::softmax(logits.detach(), 1).to(torch::kCPU));
            for (const std::int64_t i : idx) seenLabels.push_back(labels[static_cast<std::size_t>(i)]);

            // Progress with the time left, from this run's pace.
            const double doneEpochs = static_cast<double>(epoch - 1) + static_cast<double>(b + 1) / batchesPerEpoch;
            const double runDone = doneEpochs - static_cast<double>(state.epoch);
            const double perEpoch = seconds(loopStarted) / std::max(runDone, 1e-9);
            const double left = perEpoch * (static_cast<double>(o.epochs) - doneEpochs);
            trainTask.progress(doneEpochs / o.epochs,
                               "epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs) + ", batch " +
                                   std::to_string(b + 1) + "/" + std::to_string(batchesPerEpoch) + ", loss " +
                                   number(lossSum / static_cast<double>(seen)) + ", about " + durationText(left) +
                                   " left");
        }

        EpochRecord record;
        record.epoch = epoch;
        record.learningRate = state.learningRate;
        record.train = summarise(rows(torch::cat(probabilityParts)), seenLabels,
                                 lossSum / static_cast<double>(std::max<std::int64_t>(seen, 1)), positive);
        recalibrateBatchNorm(*net, cache, bnIndices, manifest.preprocessing, torchDevice, o.batchSize, task);
        if (!split.validation.empty()) {
            const torch::Tensor valLogits = evaluateLogits(*net, cache, split.validation, manifest.preprocessing,
                                                           torchDevice, o.batchSize, task);
            std::vector<std::int64_t> vl;
            std::vector<int> valLabels;
            for (const std::size_t i : split.validation) {
                vl.push_back(labels[i]);
                valLabels.push_back(labels[i]);
            }
            const double valLoss =
                torch::nn::functional::cross_entropy(valLogits.to(torchDevice), torch::tensor(vl).to(torchDevice),
                                                     torch::nn::functional::CrossEntropyFuncOptions().weight(lossWeights))
                    .item<double>();
            record.validation = summarise(rows(torch::softmax(valLogits, 1)), valLabels, valLoss, positive);
            if (valLoss < state.bestLoss - 1e-6) {
                state.bestLoss = valLoss;
                state.bestEpoch = epoch;
                state.sinceBest = 0;
                record.best = true;
                copyWeights(*net, *best);
            } else {
                ++state.sinceBest;
            }
        } else {
            state.bestEpoch = epoch;
            record.best = true;
            copyWeights(*net, *best);
        }
        record.seconds = seconds(epochStarted);
        state.history.push_back(record);
        state.epoch = epoch;
        state.learningRate *= o.lrDecay;
        ++epochsThisRun;
        if (o.patience > 0 && !split.validation.empty() && state.sinceBest >= o.patience) {
            stop = true;
            result.stoppedEarly = epoch < o.epochs;
        }
        if (checkpoint.enabled()) checkpoint.save(state, signature, *net, *best, *optimizer);
        if (onEpoch) onEpoch(record);
    }
    result.history = state.history;
    result.bestEpoch = state.bestEpoch;

    // The best weights, rounded to the package's storage type (so the figures below
    // are those of the saved model); temperature on the validation split; final figures.
    task.progress(0.97, "calibrating");
    best->eval();
    if (manifest.weights.dtype == "float16") {
        torch::NoGradGuard noGrad;
        for (auto& p : best->named_parameters()) p.value().copy_(p.value().to(torch::kFloat16).to(p.value().scalar_type()));
        for (auto& b : best->named_buffers())
            if (b.value().is_floating_point()) b.value().copy_(b.value().to(torch::kFloat16).to(b.value().scalar_type()));
    }
    double temperature = 1.0;
    if (!split.validation.empty()) {
        const torch::Tensor valLogits =
            evaluateLogits(*best, cache, split.validation, manifest.preprocessing, torchDevice, o.batchSize, task);
        std::vector<int> valLabels;
        for (const std::size_t i : split.validation) valLabels.push_back(labels[i]);
        const auto logitRows = rows(valLogits);
        if (o.calibrate) temperature = fitTemperature(logitRows, valLabels);
        result.validation = evaluateClassification(rows(torch::softmax(valLogits / temperature, 1)), valLabels,
                                                   manifest.positiveLabel);
    }
    manifest.calibration.temperature = temperature;
    manifest.calibration.logitOffsets.clear();
    manifest.calibration.method = o.calibrate && !split.validation.empty()
                                      ? "temperature scaling fitted on the validation split (minimum log loss)"
                                      : "none";
    result.seconds = seconds(started);
    manifest.trainingJson =
        trainingSummary(manifest, o, result, perClassTrain, perClassVal, temperature, device.name());
    if (!split.validation.empty()) manifest.validationJson = validationSummary(result.validation, manifest);

    auto impl = std::make_unique<Classifier::Impl>();
    best->to(torch::kCPU);
    impl->backend = detail::makeBuiltInBackend(best);
    best->eval();
    for (torch::Tensor p : best->parameters()) p.set_requires_grad(false);
    impl->manifest = std::move(manifest);
    impl->device = Device::cpu();
    if (device.isCuda()) {
        impl->device = device;
        impl->backend->to(torchDevice);
    }
    result.model = Classifier(std::move(impl));
    task.progress(1.0, "trained");
    (void)epochsThisRun;
    return result;
}

std::string trainingLogCsv(const std::vector<EpochRecord>& history) {
    std::string csv =
        "epoch,learning_rate,seconds,train_loss,train_accuracy,train_precision,train_recall,train_specificity,"
        "train_f1,train_roc_auc,val_loss,val_accuracy,val_precision,val_recall,val_specificity,val_f1,val_roc_auc,"
        "best\n";
    auto add = [&](const SplitMetrics& s) {
        for (const double v : {s.loss, s.accuracy, s.precision, s.recall, s.specificity, s.f1, s.rocAuc})
            csv += number(v, 5) + ",";
    };
    for (const EpochRecord& r : history) {
        csv += std::to_string(r.epoch) + "," + number(r.learningRate, 7) + "," + number(r.seconds, 1) + ",";
        add(r.train);
        add(r.validation);
        csv += r.best ? "1\n" : "0\n";
    }
    return csv;
}

std::string trainingLogJson(const std::vector<EpochRecord>& history) {
    Json a = Json::array();
    for (const EpochRecord& r : history) a.push(epochJson(r));
    return a.dump(2) + "\n";
}

}  // namespace stratum::ai
