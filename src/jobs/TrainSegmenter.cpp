// stratum make-phantoms and stratum train-segmenter: phantom data sets on disk, and a
// segmentation model package trained on image/label folders.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "Paths.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/SegmentationTraining.h"
#ifdef STRATUM_HAVE_PROCESSING
#include "stratum/processing/Resample.h"
#endif

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::string fixed(double v, int digits) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
    return buffer;
}

bool isImageFile(const fs::path& p) {
    std::string name = p.filename().string();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* ext : {".nii", ".nii.gz", ".nrrd", ".nhdr", ".mha", ".mhd", ".png"})
        if (name.size() > std::string(ext).size() && name.ends_with(ext)) return true;
    return false;
}

struct Pair {
    fs::path image;
    fs::path labels;
};

// Every image file of `images` with the label map of the same name in `labels`.
std::vector<Pair> listPairs(const fs::path& images, const fs::path& labels, const char* what) {
    detail::requireExists(images);
    detail::requireExists(labels);
    if (!fs::is_directory(images))
        throw core::InvalidArgument(images.string() + ": " + what + " images must be a folder");
    if (!fs::is_directory(labels))
        throw core::InvalidArgument(labels.string() + ": " + what + " labels must be a folder");
    std::vector<Pair> pairs;
    for (const auto& entry : fs::directory_iterator(images)) {
        if (!entry.is_regular_file() || !isImageFile(entry.path())) continue;
        const fs::path label = labels / entry.path().filename();
        if (!fs::exists(label))
            throw core::InvalidArgument(entry.path().string() + ": no label map of that name in " +
                                        labels.string());
        pairs.push_back({entry.path(), label});
    }
    std::sort(pairs.begin(), pairs.end(),
              [](const Pair& a, const Pair& b) { return a.image < b.image; });
    if (pairs.empty())
        throw core::InvalidArgument(images.string() +
                                    ": no images (.nii, .nii.gz, .nrrd, .mha, .mhd, .png)");
    return pairs;
}

int maxLabel(const core::Image& labels) {
    int m = 0;
    core::dispatchPixelType(labels.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        for (const T v : labels.pixels<T>()) m = std::max(m, static_cast<int>(v));
    });
    return m;
}

ai::SegmentationSample readPair(const Pair& p, const std::vector<double>& spacing) {
    ai::SegmentationSample s;
    s.image = io::readImage(p.image).image;
    s.labels = io::readImage(p.labels).image;
    if (s.labels.components() != 1 || s.labels.pixelType() == core::PixelType::Float32)
        throw core::InvalidArgument(p.labels.string() +
                                    ": the label map must be a one-component integer image");
    if (s.labels.size() != s.image.size())
        throw core::InvalidArgument(p.labels.string() + ": the label map's size differs from " +
                                    p.image.string());
    if (!spacing.empty()) {
#ifdef STRATUM_HAVE_PROCESSING
        const core::Vec3 sp{spacing[0], spacing[1], spacing[2]};
        s.image = processing::resampleToSpacing(s.image, sp, processing::Interpolation::Linear);
        s.labels =
            processing::resample(s.labels, s.image.geometry(), processing::Interpolation::Nearest);
#else
        throw core::InvalidArgument("--spacing needs the processing library (not built)");
#endif
    }
    return s;
}

}  // namespace

MakePhantomsResult makePhantoms(const MakePhantomsOptions& o, const core::Task& task) {
    if (o.output.empty()) throw core::InvalidArgument("make-phantoms: no output folder given");
    if (o.count < 1 || o.count > 100000)
        throw core::InvalidArgument("make-phantoms: --count must be between 1 and 100000");
    o.phantom.validate();
    MakePhantomsResult result;
    const fs::path images = o.output / "images", labels = o.output / "labels";
    std::error_code ec;
    fs::create_directories(images, ec);
    if (!ec) fs::create_directories(labels, ec);
    if (ec) throw core::IoError(o.output.string(), "cannot create the folder: " + ec.message());
    for (int i = 0; i < o.count; ++i) {
        const std::uint64_t seed = o.seed + static_cast<std::uint64_t>(i);
        char name[64];
        std::snprintf(name, sizeof name, "phantom_%06llu.nii.gz",
                      static_cast<unsigned long long>(seed));
        const core::Task sub =
            task.sub(static_cast<double>(i) / o.count, static_cast<double>(i + 1) / o.count);
        const ai::Phantom p = ai::makePhantom(o.phantom, seed, sub.sub(0.0, 0.6));
        io::writeImage(p.image, images / name, sub.sub(0.6, 0.9));
        io::writeImage(p.labels, labels / name, sub.sub(0.9, 1.0));
        result.images.push_back(images / name);
        result.labels.push_back(labels / name);
    }
    task.progress(1.0);
    return result;
}

std::string segmentationTrainingLogCsv(const std::vector<ai::SegmentEpoch>& history,
                                       const std::vector<std::string>& labels) {
    std::ostringstream out;
    out << "epoch,loss,learning_rate,seconds,mean_dice";
    for (std::size_t l = 1; l < labels.size(); ++l) out << ",dice_" << labels[l];
    out << ",best\n";
    for (const ai::SegmentEpoch& e : history) {
        out << e.epoch << ',' << fixed(e.loss, 6) << ',' << e.learningRate << ','
            << fixed(e.seconds, 2) << ',' << fixed(e.meanValidationDice, 6);
        for (std::size_t l = 1; l < labels.size(); ++l)
            out << ','
                << (l - 1 < e.validationDice.size() ? fixed(e.validationDice[l - 1], 6) : "");
        out << ',' << (e.best ? 1 : 0) << '\n';
    }
    return out.str();
}

std::string segmentationTrainingLogJson(const std::vector<ai::SegmentEpoch>& history,
                                        const std::vector<std::string>& labels) {
    ordered_json epochs = ordered_json::array();
    for (const ai::SegmentEpoch& e : history) {
        ordered_json dice = ordered_json::object();
        for (std::size_t l = 1; l < labels.size() && l - 1 < e.validationDice.size(); ++l)
            dice[labels[l]] = e.validationDice[l - 1];
        epochs.push_back({{"epoch", e.epoch},
                          {"loss", e.loss},
                          {"learning_rate", e.learningRate},
                          {"seconds", e.seconds},
                          {"mean_dice", e.meanValidationDice},
                          {"dice", dice},
                          {"best", e.best}});
    }
    return ordered_json{{"epochs", epochs}}.dump(2) + "\n";
}

std::string segmentEpochLine(const ai::SegmentEpoch& e, int epochs,
                             const std::vector<std::string>& labels) {
    std::string line = "epoch " + std::to_string(e.epoch) + "/" + std::to_string(epochs) +
                       ": loss " + fixed(e.loss, 4) + ", lr " + fixed(e.learningRate, 6);
    if (!e.validationDice.empty()) {
        line += ", val Dice " + fixed(e.meanValidationDice, 4) + " (";
        for (std::size_t l = 0; l < e.validationDice.size(); ++l)
            line += (l ? ", " : "") +
                    (l + 1 < labels.size() ? labels[l + 1] : std::to_string(l + 1)) + " " +
                    fixed(e.validationDice[l], 4);
        line += ")";
    }
    line += ", " + fixed(e.seconds, 1) + " s" + (e.best ? " *" : "");
    return line;
}

std::string segmentEpochJson(const ai::SegmentEpoch& e, int epochs,
                             const std::vector<std::string>& labels) {
    ordered_json dice = ordered_json::object();
    for (std::size_t l = 0; l < e.validationDice.size(); ++l)
        dice[l + 1 < labels.size() ? labels[l + 1] : std::to_string(l + 1)] = e.validationDice[l];
    return ordered_json{{"event", "epoch"},
                        {"epoch", e.epoch},
                        {"epochs", epochs},
                        {"loss", e.loss},
                        {"learning_rate", e.learningRate},
                        {"seconds", e.seconds},
                        {"best", e.best},
                        {"validation", {{"mean_dice", e.meanValidationDice}, {"dice", dice}}}}
        .dump();
}

TrainSegmenterResult trainSegmenter(const TrainSegmenterOptions& o, const core::Task& task) {
    const auto started = std::chrono::steady_clock::now();
    if (o.output.empty())
        throw core::InvalidArgument("train-segmenter: no output package folder given");
    for (const fs::path& in : {o.images, o.labels, o.validationImages, o.validationLabels})
        if (!in.empty() && detail::samePath(in, o.output))
            throw core::InvalidArgument(o.output.string() +
                                        ": the package would overwrite the training data");
    {
        std::error_code ec;
        if (fs::exists(o.output, ec) &&
            (!fs::is_directory(o.output, ec) || !fs::is_empty(o.output, ec)))
            throw core::InvalidArgument(
                o.output.string() + ": the output package folder already exists and is not empty");
    }
    if (!o.spacing.empty() &&
        (o.spacing.size() != 3 ||
         !std::all_of(o.spacing.begin(), o.spacing.end(), [](double s) { return s > 0.0; })))
        throw core::InvalidArgument("train-segmenter: --spacing needs three positive values X,Y,Z");
    if (o.validationImages.empty() != o.validationLabels.empty())
        throw core::InvalidArgument(
            "train-segmenter: --validation-images and --validation-labels go together");
    if (!(o.validationFraction >= 0.0 && o.validationFraction < 1.0))
        throw core::InvalidArgument("train-segmenter: --validation-fraction must be in [0, 1)");

    TrainSegmenterResult result;
    std::vector<Pair> trainPairs = listPairs(o.images, o.labels, "training");
    std::vector<Pair> validationPairs;
    if (!o.validationImages.empty()) {
        validationPairs = listPairs(o.validationImages, o.validationLabels, "validation");
    } else if (o.validationFraction > 0.0 && trainPairs.size() >= 2) {
        std::mt19937_64 rng(o.training.seed);
        std::shuffle(trainPairs.begin(), trainPairs.end(), rng);
        const auto held = std::clamp<std::size_t>(
            static_cast<std::size_t>(std::lround(o.validationFraction * trainPairs.size())), 1,
            trainPairs.size() - 1);
        validationPairs.assign(trainPairs.end() - static_cast<std::ptrdiff_t>(held),
                               trainPairs.end());
        trainPairs.resize(trainPairs.size() - held);
        std::sort(validationPairs.begin(), validationPairs.end(),
                  [](const Pair& a, const Pair& b) { return a.image < b.image; });
    }
    std::vector<ai::SegmentationSample> train, validation;
    const std::size_t total = trainPairs.size() + validationPairs.size();
    std::size_t done = 0;
    int largest = 0;
    for (auto* set : {&trainPairs, &validationPairs})
        for (const Pair& p : *set) {
            task.progress(0.1 * static_cast<double>(done++) / total,
                          "reading " + p.image.filename().string());
            ai::SegmentationSample s = readPair(p, o.spacing);
            largest = std::max(largest, maxLabel(s.labels));
            (set == &trainPairs ? train : validation).push_back(std::move(s));
        }
    result.trainingVolumes = train.size();
    result.validationVolumes = validation.size();

    ai::UNetSpec spec = o.spec;
    spec.inChannels = train.front().image.components();
    if (!o.labelNames.empty()) {
        if (static_cast<int>(o.labelNames.size()) <= largest)
            throw core::InvalidArgument("train-segmenter: the label maps hold label " +
                                        std::to_string(largest) + " but --label-names names only " +
                                        std::to_string(o.labelNames.size()) +
                                        " labels (background first)");
        spec.numLabels = static_cast<int>(o.labelNames.size());
    } else {
        spec.numLabels = std::max(2, largest + 1);
    }
    ai::Segmenter segmenter = ai::Segmenter::create(spec, o.training.seed, o.device);
    result.device = segmenter.device().name();
    ai::ModelManifest m = segmenter.manifest();
    if (!o.labelNames.empty())
        for (std::size_t l = 0; l < o.labelNames.size(); ++l) m.labels[l].name = o.labelNames[l];
    for (const ai::LabelInfo& l : m.labels) result.labels.push_back(l.name);
    m.name = o.name.empty() ? o.output.filename().string() : o.name;
    if (m.name.empty()) m.name = "segmenter";
    if (!o.description.empty()) m.description = o.description;
    if (!o.intendedUse.empty()) m.intendedUse = o.intendedUse;
    if (!o.disclaimer.empty()) m.disclaimer = o.disclaimer;
    if (spec.dimensions == 3)
        for (int a = 0; a < 3; ++a)
            m.input.size[a] = o.training.validationPatchSize[a] > 0
                                  ? o.training.validationPatchSize[a]
                                  : o.training.patchSize[a];
    m.input.spacing = o.spacing;
    using M = ai::SegmentationIntensity::Method;
    switch (o.training.intensity.method) {
        case M::None:
            m.preprocessing.intensity = ai::IntensityMethod::None;
            break;
        case M::Window:
            m.preprocessing.intensity = ai::IntensityMethod::Range;
            m.preprocessing.low = o.training.intensity.low;
            m.preprocessing.high = o.training.intensity.high;
            break;
        case M::ZScore:
            m.preprocessing.intensity = ai::IntensityMethod::ZScore;
            break;
    }
    m.weights.dtype = o.dtype;
    segmenter.setManifest(m);

    ai::SegmentTrainOptions training = o.training;
    result.training = segmenter.train(train, validation, training, task.sub(0.1, 0.99));
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    // The manifest's training and validation summaries.
    ordered_json aug{{"flip",
                      {training.augmentation.flip[0], training.augmentation.flip[1],
                       training.augmentation.flip[2]}},
                     {"rotation_degrees", training.augmentation.rotationDegrees},
                     {"scale", training.augmentation.scale},
                     {"intensity_shift", training.augmentation.intensityShift},
                     {"intensity_scale", training.augmentation.intensityScale},
                     {"noise_sigma", training.augmentation.noiseSigma}};
    ordered_json summary{{"images", o.images.string()},
                         {"labels", o.labels.string()},
                         {"training_volumes", train.size()},
                         {"validation_volumes", validation.size()},
                         {"architecture", spec.describe()},
                         {"patch_size", training.patchSize},
                         {"inference_patch_size", m.input.size},
                         {"batch_size", training.batchSize},
                         {"epochs", training.epochs},
                         {"epochs_run", result.training.history.size()},
                         {"iterations_per_epoch", training.iterations},
                         {"learning_rate", training.learningRate},
                         {"schedule", ai::learningRateScheduleName(training.schedule)},
                         {"foreground_fraction", training.foregroundFraction},
                         {"patience", training.patience},
                         {"augmentation", aug},
                         {"loss", "cross-entropy + soft Dice (foreground labels)"},
                         {"optimiser", "Adam"},
                         {"seed", training.seed},
                         {"device", result.device},
                         {"seconds", std::round(result.seconds * 10.0) / 10.0},
                         {"stopped_early", result.training.stoppedEarly}};
    if (!o.spacing.empty()) summary["spacing"] = o.spacing;
    m = segmenter.manifest();
    m.trainingJson = summary.dump(2);
    if (!validation.empty() && result.training.bestEpoch > 0) {
        const ai::SegmentEpoch& best = result.training.history.at(result.training.bestEpoch - 1);
        ordered_json dice = ordered_json::object();
        for (std::size_t l = 1; l < result.labels.size() && l - 1 < best.validationDice.size(); ++l)
            dice[result.labels[l]] = best.validationDice[l - 1];
        m.validationJson =
            ordered_json{{"volumes", validation.size()},
                         {"best_epoch", best.epoch},
                         {"mean_dice", best.meanValidationDice},
                         {"dice", dice},
                         {"method", "sliding-window segment() of the held-out volumes"}}
                .dump(2);
    }
    segmenter.setManifest(m);
    segmenter.save(
        o.output,
        {{"training-log.csv", segmentationTrainingLogCsv(result.training.history, result.labels)},
         {"training-log.json",
          segmentationTrainingLogJson(result.training.history, result.labels)}});
    result.output = o.output;
    task.progress(1.0);
    return result;
}

}  // namespace stratum::jobs
