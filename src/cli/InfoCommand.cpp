// stratum info PATH [--json]
#include <array>
#include <iostream>

#include "Args.h"
#include "Commands.h"
#include "stratum/jobs/StudyReport.h"

namespace stratum::cli {

std::string infoUsage() {
    return "usage: stratum info PATH [--json]\n"
           "\n"
           "Describes PATH: every patient, study and series of a DICOM file, folder (searched\n"
           "recursively) or DICOMDIR, read from the headers only; or the one image of a NIfTI,\n"
           "NRRD, MetaImage, PNG, JPEG, BMP or TIFF file.\n"
           "\n"
           "  --json      print JSON instead of text (schema: docs/cli.md)\n"
           "  -h, --help  show this help\n";
}

int runInfo(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 3> specs{{{"--json"}, {"--help"}, {"-h"}}};
    const ParsedArgs parsed = parseArgs(args, specs, infoUsage());
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << infoUsage();
        return 0;
    }
    if (parsed.positionals.empty()) throw UsageError("info: missing PATH", infoUsage());
    if (parsed.positionals.size() > 1)
        throw UsageError("info: unexpected argument '" + parsed.positionals[1] + "'", infoUsage());

    const std::string& path = parsed.positionals.front();
    const jobs::StudyReport report = jobs::describeStudy(path, context.task);
    context.progress.clear();
    std::cout << (parsed.has("--json") ? jobs::toJson(report) : jobs::toText(report));
    if (report.empty()) {
        std::cout.flush();
        std::cerr << "stratum: error: " << path << ": no images found\n";
        return 1;
    }
    return 0;
}

}  // namespace stratum::cli
