#pragma once
// The `stratum` commands. Each parses its own arguments (throwing UsageError), runs
// its job, prints the result to stdout, and returns the exit status; errors from the
// jobs propagate to main, which prints them and maps them to exit codes.
#include <span>
#include <string>
#include <string_view>

#include "stratum/core/Progress.h"
#include "stratum/jobs/ConsoleProgress.h"

namespace stratum::cli {

struct CommandContext {
    const core::Task& task;
    jobs::ConsoleProgress& progress;  // clear() before printing
};

struct Command {
    std::string_view name;
    std::string_view summary;  // one line for the main usage
    int (*run)(std::span<const std::string> args, const CommandContext& context);
    std::string (*usage)();
};

int runInfo(std::span<const std::string> args, const CommandContext& context);
std::string infoUsage();
int runConvert(std::span<const std::string> args, const CommandContext& context);
std::string convertUsage();
#ifdef STRATUM_HAVE_PROCESSING
// processing commands
int runPreprocess(std::span<const std::string> args, const CommandContext& context);
std::string preprocessUsage();
#endif
#ifdef STRATUM_HAVE_AI
// ai commands
int runClassify(std::span<const std::string> args, const CommandContext& context);
std::string classifyUsage();
int runEvaluate(std::span<const std::string> args, const CommandContext& context);
std::string evaluateUsage();
int runTrainClassifier(std::span<const std::string> args, const CommandContext& context);
std::string trainClassifierUsage();
int runSegment(std::span<const std::string> args, const CommandContext& context);
std::string segmentUsage();
int runMakePhantoms(std::span<const std::string> args, const CommandContext& context);  // seg-train
std::string makePhantomsUsage();
int runTrainSegmenter(std::span<const std::string> args, const CommandContext& context);
std::string trainSegmenterUsage();
int runEvaluateSegmentation(std::span<const std::string> args, const CommandContext& context);
std::string evaluateSegmentationUsage();
#endif
#ifdef STRATUM_HAVE_MESH
// mesh commands
int runMesh(std::span<const std::string> args, const CommandContext& context);
std::string meshUsage();
int runDrr(std::span<const std::string> args, const CommandContext& context);
std::string drrUsage();
int runHull(std::span<const std::string> args, const CommandContext& context);
std::string hullUsage();
int runPipeline(std::span<const std::string> args, const CommandContext& context);
std::string pipelineUsage();
#endif

// The main usage ("usage: stratum <command> ..." and the command list).
std::string mainUsage();
// "stratum 0.1.0"
std::string versionLine();

// Top level: dispatches `args` (argv without the program name) and never throws.
int runMain(std::span<const std::string> args, const CommandContext& context);

}  // namespace stratum::cli
