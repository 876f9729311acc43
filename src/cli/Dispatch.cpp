// Dispatch, help, version, and the mapping of errors to exit codes.
#include <algorithm>
#include <array>
#include <iostream>
#include <new>

#include "Args.h"
#include "Commands.h"
#include "Version.h"
#include "stratum/core/Error.h"

namespace stratum::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitCancelled = 130;  // 128 + SIGINT, as shells report it

constexpr Command kCommands[] = {
    {"info", "describe a DICOM file, folder or DICOMDIR, or an image file", runInfo, infoUsage},
    {"convert", "convert between DICOM, NIfTI, NRRD, MetaImage and 2D images", runConvert, convertUsage},
#ifdef STRATUM_HAVE_PROCESSING
    // processing commands
    {"preprocess", "apply a chain of filters (median, morphology, CLAHE, normalisation, resampling...)",
     runPreprocess, preprocessUsage},
#endif
#ifdef STRATUM_HAVE_AI
    // ai commands
    {"classify", "classify 2D images with a model package; Grad-CAM heatmaps", runClassify, classifyUsage},
    {"evaluate", "evaluate a classifier on a labelled folder: metrics, ROC, calibration", runEvaluate,
     evaluateUsage},
    {"train-classifier", "train an image classifier on a folder per class; write a model package",
     runTrainClassifier, trainClassifierUsage},
    {"segment", "segment a volume with a segmentation model package into a label map", runSegment,
     segmentUsage},
    {"train-segmenter", "train a U-Net on image/label folders; write a segmentation model package",
     runTrainSegmenter, trainSegmenterUsage},
    {"evaluate-segmentation", "Dice, IoU, HD95, surface distance (or MSE, SSIM) of predictions vs truth",
     runEvaluateSegmentation, evaluateSegmentationUsage},
    {"make-phantoms", "write procedural organ phantoms (images + label maps) for training and tests",
     runMakePhantoms, makePhantomsUsage},
#endif
#ifdef STRATUM_HAVE_MESH
    // mesh commands
    {"mesh", "surfaces (STL, OBJ, PLY, VTP, glTF) from a label map, volume or X-ray", runMesh, meshUsage},
    {"drr", "digitally reconstructed radiograph of a CT at a gantry angle", runDrr, drrUsage},
    {"hull", "visual hull (shape from silhouette) of calibrated views", runHull, hullUsage},
    {"pipeline", "load, preprocess, segment, mesh and export with a JSON summary", runPipeline, pipelineUsage},
#endif
};

// Error messages are printed on one line whatever the library put in them.
std::string oneLine(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\r', ' ');
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

int fail(const CommandContext& context, const std::string& message, int status) {
    context.progress.clear();
    std::cout.flush();
    std::cerr << "stratum: " << oneLine(message) << '\n';
    return status;
}

int dispatch(std::span<const std::string> args, const CommandContext& context) {
    if (args.empty()) throw UsageError("missing command", mainUsage());
    const std::string& first = args.front();
    if (first == "--help" || first == "-h" || first == "help") {
        if (first == "help" && args.size() > 1) {
            for (const Command& c : kCommands)
                if (c.name == args[1]) {
                    std::cout << c.usage();
                    return kExitOk;
                }
            throw UsageError("unknown command '" + args[1] + "'", mainUsage());
        }
        std::cout << mainUsage();
        return kExitOk;
    }
    if (first == "--version") {
        std::cout << versionLine() << '\n';
        return kExitOk;
    }
    for (const Command& c : kCommands)
        if (c.name == first) return c.run(args.subspan(1), context);
    if (first.size() > 1 && first[0] == '-') throw UsageError("unknown option '" + first + "'", mainUsage());
    throw UsageError("unknown command '" + first + "'", mainUsage());
}

}  // namespace

std::string versionLine() { return "stratum " + std::string(kVersion); }

std::string mainUsage() {
    std::string text =
        "usage: stratum <command> [arguments]\n"
        "       stratum --help | --version\n"
        "\n"
        "Commands:\n";
    for (const Command& c : kCommands) {
        std::string name(c.name);
        name.resize(std::max<std::size_t>(name.size() + 2, 20), ' ');
        text += "  " + name + std::string(c.summary) + "\n";
    }
    text +=
        "\n"
        "'stratum <command> --help' describes a command.\n"
        "Exit status: 0 success, 1 error, 2 usage error, 130 interrupted (Ctrl-C).\n";
    return text;
}

int runMain(std::span<const std::string> args, const CommandContext& context) {
    try {
        const int status = dispatch(args, context);
        std::cout.flush();
        if (!std::cout) return fail(context, "error: cannot write to standard output", kExitFailure);
        return status;
    } catch (const UsageError& e) {
        context.progress.clear();
        std::cerr << "stratum: " << oneLine(e.what()) << "\n\n" << e.usage();
        return kExitUsage;
    } catch (const core::Cancelled&) {
        return fail(context, "cancelled", kExitCancelled);
    } catch (const std::bad_alloc&) {
        return fail(context, "error: out of memory", kExitFailure);
    } catch (const std::exception& e) {
        return fail(context, std::string("error: ") + e.what(), kExitFailure);
    } catch (...) {
        return fail(context, "error: unexpected failure", kExitFailure);
    }
}

}  // namespace stratum::cli
