// stratum make-phantoms, train-segmenter and evaluate-segmentation (run in stratum-ai).
#include <array>
#include <iostream>

#include "AiCliSupport.h"
#include "Args.h"
#include "Commands.h"
#include "stratum/core/Error.h"
#include "stratum/jobs/SegmentationTraining.h"

namespace stratum::cli {
namespace {

std::vector<double> doubles(const ParsedArgs& parsed, const std::string& option, std::size_t count,
                            const std::string& usage) {
    std::vector<double> out;
    for (const std::string& item : aicli::listOption(parsed, option)) {
        try {
            std::size_t used = 0;
            out.push_back(std::stod(item, &used));
            if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw UsageError(option + ": '" + item + "' is not a number", usage);
        }
    }
    if (parsed.has(option) && out.size() != count)
        throw UsageError(option + " needs " + std::to_string(count) + " comma-separated numbers",
                         usage);
    return out;
}

std::uint64_t seedOption(const ParsedArgs& parsed, const std::string& usage) {
    if (!parsed.has("--seed")) return 1;
    try {
        std::size_t used = 0;
        const std::string v = parsed.value("--seed");
        const unsigned long long s = std::stoull(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return s;
    } catch (const std::exception&) {
        throw UsageError("--seed must be a non-negative integer", usage);
    }
}

}  // namespace

std::string makePhantomsUsage() {
    return "usage: stratum make-phantoms OUTDIR [--count N] [--seed S] [options]\n"
           "\n"
           "Writes procedural phantoms (docs/ai.md, \"Phantoms\"): "
           "OUTDIR/images/phantom_<seed>.nii.gz\n"
           "(int16) and OUTDIR/labels/phantom_<seed>.nii.gz (uint8: 1 organ, 2 kidney, 3 vessel),\n"
           "phantom i from seed S + i. Deterministic: the same seed gives the same voxels.\n"
           "\n"
           "  --count N          number of phantoms (default 10)\n"
           "  --seed S           first seed (default 1)\n"
           "  --size N           voxels per axis (default 96)\n"
           "  --spacing MM       isotropic voxel size in mm (default 1.5)\n"
           "  --noise SIGMA      Gaussian noise (default 12; tissue means 100/300/450/650)\n"
           "  -h, --help         show this help\n";
}

int runMakePhantoms(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 7> specs{{{"--count", true},
                                                      {"--seed", true},
                                                      {"--size", true},
                                                      {"--spacing", true},
                                                      {"--noise", true},
                                                      {"--help"},
                                                      {"-h"}}};
    const std::string usage = makePhantomsUsage();
    const ParsedArgs parsed = parseArgs(args, specs, usage);
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << usage;
        return 0;
    }
    if (parsed.positionals.size() != 1) throw UsageError("make-phantoms: give one OUTDIR", usage);
    jobs::MakePhantomsOptions o;
    o.output = parsed.positionals[0];
    o.count = aicli::intOption(parsed, "--count", 10, 1, 100000, usage);
    o.seed = seedOption(parsed, usage);
    const int size = aicli::intOption(parsed, "--size", 96, 8, 1024, usage);
    o.phantom.size = {static_cast<std::size_t>(size), static_cast<std::size_t>(size),
                      static_cast<std::size_t>(size)};
    const double spacing = aicli::doubleOption(parsed, "--spacing", 1.5, 0.05, 50.0, usage);
    o.phantom.spacing = {spacing, spacing, spacing};
    o.phantom.noiseSigma =
        aicli::doubleOption(parsed, "--noise", o.phantom.noiseSigma, 0.0, 1000.0, usage);
    const jobs::MakePhantomsResult r = jobs::makePhantoms(o, context.task);
    context.progress.clear();
    std::cout << "wrote " << r.images.size() << " phantoms (" << size << "^3 voxels of " << spacing
              << " mm) to " << (o.output / "images").string() << " and "
              << (o.output / "labels").string() << "\n";
    return 0;
}

std::string trainSegmenterUsage() {
    return "usage: stratum train-segmenter --images DIR --labels DIR --output PACKAGE [options]\n"
           "\n"
           "Trains a U-Net on volumes (NIfTI, NRRD, MetaImage) or PNG slices in DIR with label\n"
           "maps of the same file names, validates it each epoch on held-out volumes with\n"
           "sliding-window segmentation, and writes a segmentation model package with\n"
           "training-log.csv and training-log.json.\n"
           "\n"
           "Data:\n"
           "  --validation-images DIR --validation-labels DIR   held-out set (default: a "
           "fraction)\n"
           "  --validation-fraction F   fraction of the pairs held out (default 0.2)\n"
           "  --spacing X,Y,Z           resample to this spacing in mm first (recorded in the "
           "model)\n"
           "  --intensity window:LOW:HIGH | zscore | none   normalisation (default zscore)\n"
           "  --label-names a,b,...     names, background first (default: label N)\n"
           "Network:\n"
           "  --architecture NAME       unet (default), attention-unet or unet++\n"
           "  --dimensions 2|3          (default 3; 2 trains on slices along z)\n"
           "  --depth N --width N       levels (default 4) and first-level channels (default 16)\n"
           "  --norm instance|batch     (default instance)\n"
           "Training:\n"
           "  --patch X,Y,Z             patch size (default 64,64,64)\n"
           "  --inference-patch X,Y,Z   sliding-window patch for validation and the model's\n"
           "                            manifest (default: the training patch; batch norm)\n"
           "  --threads N               CPU threads (default: LibTorch's choice)\n"
           "  --batch N                 patches per iteration (default 2)\n"
           "  --epochs N                (default 20)   --iterations N   per epoch (default 50)\n"
           "  --lr F                    learning rate (default 0.001)\n"
           "  --schedule constant|poly|step   (default poly)\n"
           "  --patience N              early stopping after N epochs without a better\n"
           "                            validation Dice (default 0: never)\n"
           "  --foreground F            fraction of patches centred on foreground (default 0.33)\n"
           "  --flip AXES               flip augmentation axes, e.g. xy or xyz (default none)\n"
           "  --rotate DEG --scale F    rotation/scaling augmentation (default 0)\n"
           "  --intensity-shift F --intensity-scale F --noise F   (normalised units, default 0)\n"
           "  --no-augmentation         switch all augmentation off\n"
           "  --checkpoint FILE [--resume]   checkpoint after every epoch; resume from it\n"
           "  --seed S --device auto|cpu|cuda:N --dtype float16|float32\n"
           "  --name TEXT --description TEXT --disclaimer TEXT\n"
           "  -h, --help                show this help\n";
}

int runTrainSegmenter(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 41> specs{{{"--images", true},
                                                       {"--inference-patch", true},
                                                       {"--threads", true},
                                                       {"--labels", true},
                                                       {"--output", true},
                                                       {"--validation-images", true},
                                                       {"--validation-labels", true},
                                                       {"--validation-fraction", true},
                                                       {"--spacing", true},
                                                       {"--intensity", true},
                                                       {"--label-names", true},
                                                       {"--architecture", true},
                                                       {"--dimensions", true},
                                                       {"--depth", true},
                                                       {"--width", true},
                                                       {"--norm", true},
                                                       {"--patch", true},
                                                       {"--batch", true},
                                                       {"--epochs", true},
                                                       {"--iterations", true},
                                                       {"--lr", true},
                                                       {"--schedule", true},
                                                       {"--patience", true},
                                                       {"--foreground", true},
                                                       {"--flip", true},
                                                       {"--rotate", true},
                                                       {"--scale", true},
                                                       {"--intensity-shift", true},
                                                       {"--intensity-scale", true},
                                                       {"--noise", true},
                                                       {"--no-augmentation"},
                                                       {"--checkpoint", true},
                                                       {"--resume"},
                                                       {"--seed", true},
                                                       {"--device", true},
                                                       {"--dtype", true},
                                                       {"--name", true},
                                                       {"--description", true},
                                                       {"--disclaimer", true},
                                                       {"--help"},
                                                       {"-h"}}};
    const std::string usage = trainSegmenterUsage();
    const ParsedArgs parsed = parseArgs(args, specs, usage);
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << usage;
        return 0;
    }
    for (const char* required : {"--images", "--labels", "--output"})
        if (!parsed.has(required))
            throw UsageError(std::string("train-segmenter: missing ") + required, usage);
    if (!parsed.positionals.empty())
        throw UsageError("train-segmenter: unexpected argument '" + parsed.positionals[0] + "'",
                         usage);
    jobs::TrainSegmenterOptions o;
    o.images = parsed.value("--images");
    o.labels = parsed.value("--labels");
    o.output = parsed.value("--output");
    o.validationImages = parsed.value("--validation-images");
    o.validationLabels = parsed.value("--validation-labels");
    o.validationFraction =
        aicli::doubleOption(parsed, "--validation-fraction", 0.2, 0.0, 0.95, usage);
    o.spacing = doubles(parsed, "--spacing", 3, usage);
    o.labelNames = aicli::listOption(parsed, "--label-names");
    o.name = parsed.value("--name");
    o.description = parsed.value("--description");
    o.disclaimer = parsed.value("--disclaimer");
    o.device = parsed.value("--device", "auto");
    o.dtype = parsed.value("--dtype", "float16");
    if (o.dtype != "float16" && o.dtype != "float32")
        throw UsageError("--dtype must be float16 or float32", usage);

    ai::ArchitectureSpec arch;
    arch.name = parsed.value("--architecture", "unet");
    arch.dimensions = aicli::intOption(parsed, "--dimensions", 3, 2, 3, usage);
    arch.depth = aicli::intOption(parsed, "--depth", 4, 2, 6, usage);
    arch.width = aicli::intOption(parsed, "--width", 16, 1, 512, usage);
    arch.norm = parsed.value("--norm", "instance");
    arch.numClasses = 2;
    arch.inChannels = 1;
    try {
        o.spec = ai::UNetSpec::fromArchitecture(arch);
    } catch (const core::InvalidArgument& e) {
        throw UsageError(std::string("train-segmenter: ") + e.what(), usage);
    }

    ai::SegmentTrainOptions& t = o.training;
    const std::string intensity = parsed.value("--intensity", "zscore");
    if (intensity == "zscore") {
        t.intensity.method = ai::SegmentationIntensity::Method::ZScore;
    } else if (intensity == "none") {
        t.intensity.method = ai::SegmentationIntensity::Method::None;
    } else if (intensity.rfind("window:", 0) == 0) {
        const std::string rest = intensity.substr(7);
        const std::size_t colon = rest.find(':');
        try {
            if (colon == std::string::npos) throw std::invalid_argument(rest);
            t.intensity = {ai::SegmentationIntensity::Method::Window,
                           std::stod(rest.substr(0, colon)), std::stod(rest.substr(colon + 1))};
        } catch (const std::exception&) {
            throw UsageError("--intensity window:LOW:HIGH needs two numbers", usage);
        }
        if (!(t.intensity.high > t.intensity.low))
            throw UsageError("--intensity window: HIGH must be above LOW", usage);
    } else {
        throw UsageError("--intensity must be window:LOW:HIGH, zscore or none", usage);
    }
    if (parsed.has("--patch")) {
        const std::vector<double> p = doubles(parsed, "--patch", 3, usage);
        for (int a = 0; a < 3; ++a) t.patchSize[a] = static_cast<int>(p[a]);
    }
    if (parsed.has("--inference-patch")) {
        const std::vector<double> p = doubles(parsed, "--inference-patch", 3, usage);
        for (int a = 0; a < 3; ++a) t.validationPatchSize[a] = static_cast<int>(p[a]);
    }
    if (parsed.has("--threads"))
        ai::setThreadCount(
            static_cast<unsigned>(aicli::intOption(parsed, "--threads", 0, 0, 1024, usage)));
    t.batchSize = aicli::intOption(parsed, "--batch", 2, 1, 4096, usage);
    t.epochs = aicli::intOption(parsed, "--epochs", 20, 1, 100000, usage);
    t.iterations = aicli::intOption(parsed, "--iterations", 50, 1, 10000000, usage);
    t.learningRate = aicli::doubleOption(parsed, "--lr", 1e-3, 1e-12, 10.0, usage);
    const std::string schedule = parsed.value("--schedule", "poly");
    if (schedule == "constant")
        t.schedule = ai::LearningRateSchedule::Constant;
    else if (schedule == "poly")
        t.schedule = ai::LearningRateSchedule::Poly;
    else if (schedule == "step")
        t.schedule = ai::LearningRateSchedule::Step;
    else
        throw UsageError("--schedule must be constant, poly or step", usage);
    t.patience = aicli::intOption(parsed, "--patience", 0, 0, 100000, usage);
    t.foregroundFraction = aicli::doubleOption(parsed, "--foreground", 0.33, 0.0, 1.0, usage);
    ai::SegmentAugmentation& a = t.augmentation;
    for (const char c : parsed.value("--flip")) {
        if (c < 'x' || c > 'z') throw UsageError("--flip takes axes x, y, z (e.g. xy)", usage);
        a.flip[c - 'x'] = true;
    }
    a.rotationDegrees = aicli::doubleOption(parsed, "--rotate", 0.0, 0.0, 90.0, usage);
    a.scale = aicli::doubleOption(parsed, "--scale", 0.0, 0.0, 0.49, usage);
    a.intensityShift = aicli::doubleOption(parsed, "--intensity-shift", 0.0, 0.0, 100.0, usage);
    a.intensityScale = aicli::doubleOption(parsed, "--intensity-scale", 0.0, 0.0, 0.99, usage);
    a.noiseSigma = aicli::doubleOption(parsed, "--noise", 0.0, 0.0, 100.0, usage);
    if (parsed.has("--no-augmentation")) a = {};
    t.checkpoint = parsed.value("--checkpoint");
    t.resume = parsed.has("--resume");
    if (t.resume && t.checkpoint.empty())
        throw UsageError("--resume needs --checkpoint FILE", usage);
    t.seed = seedOption(parsed, usage);
    std::vector<std::string> names = o.labelNames;
    t.onEpoch = [&](const ai::SegmentEpoch& e) {
        context.progress.event(
            jobs::segmentEpochJson(e, t.epochs, names));  // STRATUM_PROGRESS=jsonl
        context.progress.clear();
        std::cout << jobs::segmentEpochLine(e, t.epochs, names) << std::endl;
    };
    // Label names for the epoch lines are known once the labels are read; the default
    // names are "label N" (segmentEpochLine falls back to numbers).
    const jobs::TrainSegmenterResult r = jobs::trainSegmenter(o, context.task);
    context.progress.clear();
    std::cout << "wrote " << r.output.string() << ": " << r.trainingVolumes << " training and "
              << r.validationVolumes << " validation volumes, " << r.training.history.size()
              << " epochs";
    if (r.training.stoppedEarly) std::cout << " (stopped early)";
    if (r.validationVolumes > 0)
        std::cout << ", best epoch " << r.training.bestEpoch << " (mean validation Dice "
                  << r.training.bestValidationDice << ")";
    std::cout << ", " << static_cast<int>(r.seconds + 0.5) << " s on " << r.device << "\n";
    return 0;
}

std::string evaluateSegmentationUsage() {
    return "usage: stratum evaluate-segmentation --pred P --truth T [--intensity] [--json]\n"
           "\n"
           "Compares predicted label maps with the truth: per label Dice, IoU, HD95 and mean\n"
           "surface distance in mm, and the voxel accuracy. P and T are two files, or two\n"
           "folders whose files are matched by name. Their geometry (size, spacing, origin,\n"
           "direction) must agree. --intensity compares intensity images instead: MSE and\n"
           "SSIM (Gaussian window sigma 1.5 voxels, k1 0.01, k2 0.03, range of T).\n"
           "\n"
           "  --json             machine-readable output\n"
           "  -h, --help         show this help\n";
}

int runEvaluateSegmentation(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 6> specs{
        {{"--pred", true}, {"--truth", true}, {"--intensity"}, {"--json"}, {"--help"}, {"-h"}}};
    const std::string usage = evaluateSegmentationUsage();
    const ParsedArgs parsed = parseArgs(args, specs, usage);
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << usage;
        return 0;
    }
    if (!parsed.has("--pred") || !parsed.has("--truth"))
        throw UsageError("evaluate-segmentation: needs --pred P and --truth T", usage);
    if (!parsed.positionals.empty())
        throw UsageError(
            "evaluate-segmentation: unexpected argument '" + parsed.positionals[0] + "'", usage);
    jobs::EvaluateSegmentationOptions o;
    o.predicted = parsed.value("--pred");
    o.truth = parsed.value("--truth");
    o.intensity = parsed.has("--intensity");
    const jobs::EvaluateSegmentationResult r = jobs::evaluateSegmentationFiles(o, context.task);
    context.progress.clear();
    std::cout << (parsed.has("--json") ? jobs::toJson(r) : jobs::toText(r));
    return 0;
}

}  // namespace stratum::cli
