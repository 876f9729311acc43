// stratum train-classifier --data DIR --output PKG [options]
#include <array>
#include <iostream>

#include "AiCliSupport.h"
#include "Args.h"
#include "Commands.h"
#include "stratum/jobs/Classification.h"

namespace stratum::cli {
namespace {

using aicli::doubleOption;
using aicli::intOption;
using aicli::listOption;

constexpr std::array<OptionSpec, 40> kSpecs{{
    {"--data", true},          {"--output", true},         {"--labels", true},       {"--positive", true},
    {"--group-pattern", true}, {"--architecture", true},   {"--width", true},        {"--blocks", true},
    {"--growth", true},        {"--dropout", true},        {"--input-size", true},   {"--channels", true},
    {"--median-radius", true}, {"--resize", true},         {"--modalities", true},   {"--dtype", true},
    {"--epochs", true},        {"--batch", true},          {"--optimizer", true},    {"--lr", true},
    {"--lr-decay", true},      {"--weight-decay", true},   {"--patience", true},     {"--balance", true},
    {"--validation", true},    {"--seed", true},           {"--no-augment"},         {"--flip"},
    {"--checkpoint", true},    {"--resume"},               {"--device", true},       {"--name", true},
    {"--version", true},       {"--description", true},    {"--intended-use", true}, {"--license", true},
    {"--authors", true},       {"--json"},                 {"--help"},               {"-h"},
}};

jobs::TrainClassifierOptions optionsFrom(const ParsedArgs& p) {
    const std::string usage = trainClassifierUsage();
    jobs::TrainClassifierOptions o;
    o.data = p.value("--data");
    o.output = p.value("--output");
    o.labels = listOption(p, "--labels");
    o.positiveLabel = p.value("--positive");
    o.groupPattern = p.value("--group-pattern", jobs::kDefaultGroupPattern);

    const std::string arch = p.value("--architecture", "resnet");
    if (arch == "resnet") o.architecture = ai::ArchitectureSpec::resnet18(1, 2, 16);
    else if (arch == "densenet") o.architecture = ai::ArchitectureSpec::densenet121(1, 2, 32, 64);
    else if (arch == "simplecnn") o.architecture = ai::ArchitectureSpec::simpleCnn(1, 2, 16, {1, 1, 1, 1});
    else throw UsageError("--architecture: expected resnet, densenet or simplecnn, not '" + arch + "'", usage);
    o.architecture.width = intOption(p, "--width", o.architecture.width, 1, 1024, usage);
    if (p.has("--blocks")) {
        o.architecture.blocks.clear();
        for (const std::string& b : listOption(p, "--blocks")) {
            ParsedArgs one;
            one.set("--blocks", b);
            o.architecture.blocks.push_back(intOption(one, "--blocks", 1, 1, 64, usage));
        }
    }
    o.architecture.growthRate = intOption(p, "--growth", o.architecture.growthRate, 1, 256, usage);
    o.architecture.dropout = doubleOption(p, "--dropout", 0.0, 0.0, 0.95, usage);
    o.inputSize = intOption(p, "--input-size", 224, 16, 1024, usage);
    o.channels = intOption(p, "--channels", 1, 1, 3, usage);
    if (o.channels == 2) throw UsageError("--channels: 1 (grey) or 3 (RGB)", usage);
    o.preprocessing.medianRadius = intOption(p, "--median-radius", 0, 0, 5, usage);
    const std::string resize = p.value("--resize", "stretch");
    if (resize == "stretch") o.preprocessing.resize = ai::ResizePolicy::Stretch;
    else if (resize == "letterbox") o.preprocessing.resize = ai::ResizePolicy::Letterbox;
    else throw UsageError("--resize: expected stretch or letterbox", usage);
    o.modalities = listOption(p, "--modalities");
    o.dtype = p.value("--dtype", "float16");
    if (o.dtype != "float16" && o.dtype != "float32") throw UsageError("--dtype: float16 or float32", usage);

    ai::TrainingOptions& t = o.training;
    t.epochs = intOption(p, "--epochs", 20, 1, 10000, usage);
    t.batchSize = intOption(p, "--batch", 32, 2, 4096, usage);
    const std::string optimizer = p.value("--optimizer", "adam");
    if (optimizer == "adam") t.optimizer = ai::OptimizerKind::Adam;
    else if (optimizer == "sgd") t.optimizer = ai::OptimizerKind::Sgd;
    else throw UsageError("--optimizer: adam or sgd", usage);
    t.learningRate = doubleOption(p, "--lr", t.optimizer == ai::OptimizerKind::Adam ? 1e-3 : 1e-2, 1e-8, 10.0, usage);
    t.lrDecay = doubleOption(p, "--lr-decay", 0.9, 1e-3, 1.0, usage);
    t.weightDecay = doubleOption(p, "--weight-decay", 1e-4, 0.0, 1.0, usage);
    t.patience = intOption(p, "--patience", 5, 0, 10000, usage);
    const std::string balance = p.value("--balance", "weights");
    t.classWeighting = balance == "weights";
    t.balancedSampling = balance == "sampling";
    if (balance != "weights" && balance != "sampling" && balance != "none")
        throw UsageError("--balance: weights, sampling or none", usage);
    t.validationFraction = doubleOption(p, "--validation", 0.15, 0.0, 0.9, usage);
    t.seed = static_cast<std::uint64_t>(intOption(p, "--seed", 42, 0, 2000000000, usage));
    t.augmentation.enabled = !p.has("--no-augment");
    t.augmentation.horizontalFlip = p.has("--flip");
    t.checkpointDir = p.value("--checkpoint");
    t.resume = p.has("--resume");
    if (t.resume && t.checkpointDir.empty()) throw UsageError("--resume needs --checkpoint DIR", usage);
    t.device = p.value("--device", "auto");

    o.name = p.value("--name");
    o.version = p.value("--version", "1.0.0");
    o.description = p.value("--description");
    o.intendedUse = p.value("--intended-use");
    o.license = p.value("--license");
    o.authors = p.value("--authors");
    return o;
}

}  // namespace

std::string trainClassifierUsage() {
    return "usage: stratum train-classifier --data DIR --output PACKAGE [options]\n"
           "\n"
           "Trains a built-in image classifier on DIR (one sub-folder of images per class) and\n"
           "writes a model package (manifest.json, model.pt, training_log.csv/.json). Images are\n"
           "split into training and validation by patient (file-name pattern; pixel-identical\n"
           "images are kept together). Prints one line per epoch; Ctrl-C stops (the checkpoint,\n"
           "when kept, lets --resume continue).\n"
           "\n"
           "Data:\n"
           "  --labels A,B,...        class folders, in label order (default: all, sorted)\n"
           "  --positive LABEL        positive class of binary metrics (default: the second)\n"
           "  --group-pattern REGEX   patient = first capture group of the file name\n"
           "                          (default: the chest X-ray set's person123_ / IM-0115-)\n"
           "  --validation F          validation fraction, by patient (default 0.15)\n"
           "Model:\n"
           "  --architecture NAME     resnet (default), densenet or simplecnn\n"
           "  --width N               channels of the first stage (resnet default 16; 64 = ResNet-18)\n"
           "  --blocks 2,2,2,2        blocks per stage (densenet: 6,12,24,16)\n"
           "  --growth N              densenet growth rate (32)\n"
           "  --dropout F             before the last layer (0)\n"
           "  --input-size N          model input N x N pixels (224)\n"
           "  --channels 1|3          grey (default) or RGB input\n"
           "  --median-radius R       median filter after resizing (0)\n"
           "  --resize stretch|letterbox\n"
           "  --modalities CR,DX      DICOM modalities the model accepts (default: any)\n"
           "  --dtype float16|float32 weights storage (float16)\n"
           "Training:\n"
           "  --epochs N (20)  --batch N (32)  --optimizer adam|sgd  --lr X (1e-3; sgd 1e-2)\n"
           "  --lr-decay X             per epoch (0.9)\n"
           "  --weight-decay X         (1e-4)\n"
           "  --patience N             early stop after N epochs without a lower validation loss\n"
           "                          (5; 0 = never)\n"
           "  --balance weights|sampling|none   class-weighted loss (default) or balanced sampling\n"
           "  --no-augment             no augmentation (default: rotation, scale, shift, contrast,\n"
           "                          brightness, gamma, blur/sharpen, noise)\n"
           "  --flip                   also flip images left-right\n"
           "  --seed N                 (42)\n"
           "  --checkpoint DIR         keep a checkpoint after every epoch;  --resume  continue it\n"
           "  --device auto|cpu|cuda:N (auto)\n"
           "Manifest:\n"
           "  --name --version --description --intended-use --license --authors TEXT\n"
           "\n"
           "  --json                   print the result as JSON\n"
           "  -h, --help               show this help\n";
}

int runTrainClassifier(std::span<const std::string> args, const CommandContext& context) {
    const ParsedArgs parsed = parseArgs(args, kSpecs, trainClassifierUsage());
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << trainClassifierUsage();
        return 0;
    }
    if (!parsed.positionals.empty())
        throw UsageError("train-classifier: unexpected argument '" + parsed.positionals[0] + "'", trainClassifierUsage());
    if (!parsed.has("--data")) throw UsageError("train-classifier: missing --data DIR", trainClassifierUsage());
    if (!parsed.has("--output")) throw UsageError("train-classifier: missing --output PACKAGE", trainClassifierUsage());
    const jobs::TrainClassifierOptions options = optionsFrom(parsed);
    const bool json = parsed.has("--json");

    const jobs::TrainClassifierResult result = jobs::trainClassifier(
        options,
        [&](const ai::EpochRecord& record) {
            context.progress.event(jobs::epochJson(record, options.training.epochs));  // STRATUM_PROGRESS=jsonl
            if (json) return;
            context.progress.clear();
            std::cout << jobs::epochLine(record, options.training.epochs) << std::endl;
        },
        context.task);
    context.progress.clear();
    for (const core::Warning& w : result.warnings) std::cerr << "stratum: warning: " << w.text() << '\n';
    if (json) {
        std::cout << jobs::toJson(result);
        return 0;
    }
    const ai::TrainingResult& t = result.training;
    std::cout << "wrote " << result.package.string() << ": " << result.manifest.weights.architecture.describe() << ", "
              << result.images << " images (" << t.trainImages << " training, " << t.validationImages
              << " validation; " << t.trainGroups + t.validationGroups << " patients), best epoch " << t.bestEpoch
              << (t.stoppedEarly ? " (stopped early)" : "") << ", temperature " << result.manifest.calibration.temperature
              << '\n';
    if (t.validation.count > 0)
        std::cout << "validation (calibrated): accuracy " << t.validation.accuracy << ", ROC AUC " << t.validation.rocAuc
                  << ", F1 " << t.validation.f1 << ", ECE " << t.validation.expectedCalibrationError << '\n';
    return 0;
}

}  // namespace stratum::cli
