// stratum convert IN OUT [DICOM options]
#include <algorithm>
#include <array>
#include <iostream>

#include "Args.h"
#include "Commands.h"
#include "stratum/jobs/Convert.h"
#include "stratum/jobs/TransferSyntaxes.h"

namespace stratum::cli {
namespace {

constexpr std::size_t kMaxWarningsShown = 10;

// Warnings go to stderr; a folder of odd files can give hundreds, so only the first few.
void printWarnings(const core::Warnings& warnings) {
    const std::size_t shown = std::min(warnings.size(), kMaxWarningsShown);
    for (std::size_t i = 0; i < shown; ++i) std::cerr << "stratum: warning: " << warnings[i].text() << '\n';
    if (warnings.size() > shown)
        std::cerr << "stratum: warning: ... and " << warnings.size() - shown
                  << " more (stratum info IN lists them all)\n";
}

std::string sizeText(const core::Size3& s) {
    return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
}

jobs::ConvertOptions optionsFrom(const ParsedArgs& parsed) {
    jobs::ConvertOptions options;
    options.modality = parsed.value("--modality");
    options.seriesDescription = parsed.value("--series-description");
    options.patientName = parsed.value("--patient-name");
    options.patientId = parsed.value("--patient-id");
    options.transferSyntax = parsed.value("--transfer-syntax");
    if (parsed.has("--modality") && !jobs::isValidModalityCode(options.modality))
        throw UsageError("--modality: '" + options.modality +
                             "' is not a DICOM modality code (e.g. CT, MR, DX, OT)",
                         convertUsage());
    if (parsed.has("--transfer-syntax") && !jobs::writableTransferSyntaxUid(options.transferSyntax))
        throw UsageError("--transfer-syntax: unknown transfer syntax '" + options.transferSyntax + "'",
                         convertUsage());
    return options;
}

}  // namespace

std::string convertUsage() {
    std::string syntaxes;
    for (const std::string& name : jobs::writableTransferSyntaxNames())
        syntaxes += (syntaxes.empty() ? "" : ", ") + name;
    return "usage: stratum convert IN OUT [options]\n"
           "\n"
           "Reads IN (DICOM file, folder or DICOMDIR: its largest series; NIfTI, NRRD, MetaImage,\n"
           "PNG, JPEG, BMP, TIFF) and writes OUT, chosen by its extension: .nii, .nii.gz, .nrrd,\n"
           ".mha, .mhd, .png, .jpg, .bmp, .tif; a folder (no extension, or a trailing /) gets a\n"
           "DICOM series with fresh UIDs, one file per slice. OUT must not be IN.\n"
           "\n"
           "DICOM output options (empty = from the input's metadata):\n"
           "  --modality CODE              CT or MR (their IODs); other codes such as OT or DX\n"
           "                               give Secondary Capture\n"
           "  --series-description TEXT\n"
           "  --patient-name NAME          DICOM person name, e.g. Doe^Jane\n"
           "  --patient-id ID\n"
           "  --transfer-syntax NAME       " + syntaxes + "\n"
           "                               (default explicit-le)\n"
           "  -h, --help                   show this help\n";
}

int runConvert(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 7> specs{{{"--modality", true},
                                                      {"--series-description", true},
                                                      {"--patient-name", true},
                                                      {"--patient-id", true},
                                                      {"--transfer-syntax", true},
                                                      {"--help"},
                                                      {"-h"}}};
    const ParsedArgs parsed = parseArgs(args, specs, convertUsage());
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << convertUsage();
        return 0;
    }
    requireTwoPositionals(parsed.positionals, "convert", "IN", "OUT", convertUsage());

    const jobs::ConvertOptions options = optionsFrom(parsed);
    const jobs::ConvertResult result =
        jobs::convertImage(parsed.positionals[0], parsed.positionals[1], options, context.task);
    context.progress.clear();
    printWarnings(result.warnings);
    std::cout << "wrote " << result.output.string() << ": " << result.outputFormat << ", "
              << sizeText(result.size) << ' ' << core::pixelTypeName(result.pixelType)
              << (result.components == 3 ? " RGB" : "") << ", " << result.written.size()
              << (result.written.size() == 1 ? " file" : " files") << '\n';
    return 0;
}

}  // namespace stratum::cli
