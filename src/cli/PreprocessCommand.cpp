// stratum preprocess IN OUT --op [VALUE] ...
#include <iostream>

#include "Args.h"
#include "Commands.h"
#include "stratum/core/Error.h"
#include "stratum/jobs/Preprocess.h"

namespace stratum::cli {

namespace {

// The usage shown with a usage error: the operations are listed by --help only.
std::string shortUsage() {
    return "usage: stratum preprocess IN OUT --OPERATION [VALUE] [--OPERATION [VALUE] ...]\n"
           "'stratum preprocess --help' lists the operations and their parameters.\n";
}

}  // namespace

std::string preprocessUsage() {
    return "usage: stratum preprocess IN OUT --OPERATION [VALUE] [--OPERATION [VALUE] ...]\n"
           "\n"
           "Reads IN (any format stratum reads), applies the operations in the order given,\n"
           "prints what each did, and writes OUT (by extension, as stratum convert; never\n"
           "over IN). VALUE lists an operation's parameters in order, separated by ':', or\n"
           "by name as name=value; a parameter of several numbers takes them separated by ','\n"
           "(one number: all axes); parameters left out take their defaults. A VALUE can\n"
           "also be attached: --median=1. Example:\n"
           "\n"
           "  stratum preprocess chest.png out.png --median 2,2,0 --clahe 8:0.02\n"
           "  stratum preprocess mask.nii.gz clean.nii.gz --binary-open 1 --keep-largest "
           "--fill-holes\n"
           "\n"
           "Operations:\n" +
           jobs::preprocessHelp() + "\n  -h, --help    show this help\n";
}

int runPreprocess(std::span<const std::string> args, const CommandContext& context) {
    std::vector<std::string> rest;
    jobs::PreprocessChain chain;
    try {
        chain = jobs::parseChain(args, &rest);
    } catch (const core::InvalidArgument& e) {
        throw UsageError(e.what(), shortUsage());
    }
    std::vector<std::string> positionals;
    bool endOfOptions = false;
    for (const std::string& arg : rest) {
        if (!endOfOptions && (arg == "--help" || arg == "-h")) {
            std::cout << preprocessUsage();
            return 0;
        }
        if (!endOfOptions && arg == "--") {
            endOfOptions = true;
            continue;
        }
        if (!endOfOptions && arg.size() > 1 && arg[0] == '-')
            throw UsageError("unknown option '" + arg + "'", shortUsage());
        positionals.push_back(arg);
    }
    requireTwoPositionals(positionals, "preprocess", "IN", "OUT", shortUsage());
    if (chain.empty()) throw UsageError("preprocess: no operation given", shortUsage());

    const jobs::PreprocessResult result =
        jobs::preprocessFile(positionals[0], positionals[1], chain, context.task);
    context.progress.clear();
    for (std::size_t i = 0; i < result.log.size(); ++i)
        std::cout << i + 1 << ". " << result.log[i] << '\n';
    std::cout << "wrote " << result.output.string() << '\n';
    return 0;
}

}  // namespace stratum::cli
