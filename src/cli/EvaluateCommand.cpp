// stratum evaluate --model PACKAGE --data DIR [--output DIR] [--device D] [--json]
#include <array>
#include <iostream>

#include "AiCliSupport.h"
#include "Args.h"
#include "Commands.h"
#include "stratum/jobs/Classification.h"

namespace stratum::cli {

std::string evaluateUsage() {
    return "usage: stratum evaluate --model PACKAGE --data DIR [options]\n"
           "\n"
           "Runs a classifier on DIR (one sub-folder of images per label of the model) and\n"
           "prints accuracy, precision, recall, specificity, F1, ROC AUC, the confusion matrix\n"
           "and the expected calibration error.\n"
           "\n"
           "  --model PACKAGE    model package folder\n"
           "  --data DIR         labelled images: DIR/<label>/*.png|jpg|...\n"
           "  --output DIR       write evaluation.json, roc.png and reliability.png there\n"
           "  --bins N           calibration bins (10)\n"
           "  --batch N          images per batch (32)\n"
           "  --device DEVICE    auto (default), cpu or cuda:N\n"
           "  --json             print the JSON instead of the table\n"
           "  -h, --help         show this help\n";
}

int runEvaluate(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 9> specs{{{"--model", true},
                                                      {"--data", true},
                                                      {"--output", true},
                                                      {"--bins", true},
                                                      {"--batch", true},
                                                      {"--device", true},
                                                      {"--json"},
                                                      {"--help"},
                                                      {"-h"}}};
    const std::string usage = evaluateUsage();
    const ParsedArgs parsed = parseArgs(args, specs, usage);
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << usage;
        return 0;
    }
    if (!parsed.positionals.empty())
        throw UsageError("evaluate: unexpected argument '" + parsed.positionals[0] + "'", usage);
    if (!parsed.has("--model")) throw UsageError("evaluate: missing --model PACKAGE", usage);
    if (!parsed.has("--data")) throw UsageError("evaluate: missing --data DIR", usage);
    jobs::EvaluateOptions options;
    options.model = parsed.value("--model");
    options.data = parsed.value("--data");
    options.output = parsed.value("--output");
    options.device = parsed.value("--device", "auto");
    options.bins = aicli::intOption(parsed, "--bins", 10, 2, 100, usage);
    options.batchSize = aicli::intOption(parsed, "--batch", 32, 1, 4096, usage);
    const jobs::EvaluateResult result = jobs::evaluateClassifier(options, context.task);
    context.progress.clear();
    for (const core::Warning& w : result.warnings) std::cerr << "stratum: warning: " << w.text() << '\n';
    std::cout << (parsed.has("--json") ? jobs::toJson(result) : jobs::toText(result));
    return 0;
}

}  // namespace stratum::cli
