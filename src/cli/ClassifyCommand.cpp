// stratum classify --model PACKAGE IMAGE... [--gradcam OUT] [--class LABEL] [--heatmap-out F]
//                  [--model-input-out F.png] [--device D] [--json]
#include <array>
#include <iostream>

#include "Args.h"
#include "Commands.h"
#include "stratum/jobs/Classification.h"

namespace stratum::cli {

std::string classifyUsage() {
    return "usage: stratum classify --model PACKAGE IMAGE... [options]\n"
           "\n"
           "Classifies 2D images (PNG, JPEG, BMP, TIFF, a DICOM file) with a model package\n"
           "(e.g. models/chest-xray-pneumonia) and prints each image's class probabilities.\n"
           "The image must suit the model (a 2D image of its modality and channels).\n"
           "\n"
           "  --model PACKAGE    model package folder (manifest.json + weights)\n"
           "  --gradcam OUT      write the Grad-CAM heatmap blended over the image, with a\n"
           "                     colour bar: OUT.png for one image; for several, OUT is a\n"
           "                     folder receiving <name>_gradcam.png per image\n"
           "  --class LABEL      explain this class (default: the predicted one)\n"
           "  --heatmap-out FILE one image only: the Grad-CAM heatmap as data (float in\n"
           "                     [0,1] on the image's geometry; .nrrd, .nii, .nii.gz, .mha)\n"
           "  --model-input-out FILE.png\n"
           "                     one image only: what the model saw (its input, rescaled)\n"
           "  --device DEVICE    auto (default), cpu or cuda:N\n"
           "  --json             print JSON (schema: docs/cli.md)\n"
           "  -h, --help         show this help\n"
           "\n"
           "Not a medical device: results are not a diagnosis.\n";
}

int runClassify(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 9> specs{{{"--model", true},
                                                      {"--gradcam", true},
                                                      {"--heatmap-out", true},
                                                      {"--model-input-out", true},
                                                      {"--class", true},
                                                      {"--device", true},
                                                      {"--json"},
                                                      {"--help"},
                                                      {"-h"}}};
    const ParsedArgs parsed = parseArgs(args, specs, classifyUsage());
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << classifyUsage();
        return 0;
    }
    if (!parsed.has("--model")) throw UsageError("classify: missing --model PACKAGE", classifyUsage());
    if (parsed.positionals.empty()) throw UsageError("classify: missing IMAGE", classifyUsage());
    if (parsed.has("--class") && !parsed.has("--gradcam") && !parsed.has("--heatmap-out"))
        throw UsageError("classify: --class applies to --gradcam and --heatmap-out", classifyUsage());
    if ((parsed.has("--heatmap-out") || parsed.has("--model-input-out")) && parsed.positionals.size() != 1)
        throw UsageError("classify: --heatmap-out and --model-input-out take one IMAGE", classifyUsage());
    jobs::ClassifyOptions options;
    options.model = parsed.value("--model");
    options.gradCam = parsed.value("--gradcam");
    options.gradCamLabel = parsed.value("--class");
    options.heatmapOut = parsed.value("--heatmap-out");
    options.modelInputOut = parsed.value("--model-input-out");
    options.device = parsed.value("--device", "auto");
    const std::vector<std::filesystem::path> images(parsed.positionals.begin(), parsed.positionals.end());
    const jobs::ClassifyResult result = jobs::classifyImages(images, options, context.task);
    context.progress.clear();
    for (const core::Warning& w : result.warnings) std::cerr << "stratum: warning: " << w.text() << '\n';
    std::cout << (parsed.has("--json") ? jobs::toJson(result) : jobs::toText(result));
    return 0;
}

}  // namespace stratum::cli
