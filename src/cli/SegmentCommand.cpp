// stratum segment --model PACKAGE IN OUT [--probabilities DIR] [--overlap F] [--mirror] [--device
// D]
#include <array>
#include <iostream>

#include "AiCliSupport.h"
#include "Args.h"
#include "Commands.h"
#include "stratum/jobs/Segmentation.h"

namespace stratum::cli {

std::string segmentUsage() {
    return "usage: stratum segment --model PACKAGE IN OUT [options]\n"
           "\n"
           "Segments a volume (DICOM folder, NIfTI, NRRD, MetaImage, or a 2D image) with a\n"
           "segmentation model package and writes the label map OUT (.nii, .nii.gz, .nrrd,\n"
           ".mha) with exactly the input's size, spacing, origin and direction. For a DICOM\n"
           "input, an OUT ending in .dcm is written as a DICOM Segmentation (SEG) referencing\n"
           "the source images, one segment per label found, named and coloured as the\n"
           "model's manifest says (OUT must not be inside the input series' folder).\n"
           "\n"
           "  --model PACKAGE        segmentation model package (manifest.json + weights)\n"
           "  --probabilities DIR    also write one float32 probability map per label,\n"
           "                         DIR/<index>_<label>.nii.gz\n"
           "  --overlap F            sliding-window overlap in [0, 1) (default 0.5)\n"
           "  --mirror               mirroring test-time augmentation (8 flips in 3D)\n"
           "  --batch N              patches or slices per network call (default 2)\n"
           "  --device DEVICE        auto (default), cpu or cuda:N\n"
           "  -h, --help             show this help\n"
           "\n"
           "Not a medical device: results are not a diagnosis.\n";
}

int runSegment(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 8> specs{{{"--model", true},
                                                      {"--probabilities", true},
                                                      {"--overlap", true},
                                                      {"--mirror"},
                                                      {"--batch", true},
                                                      {"--device", true},
                                                      {"--help"},
                                                      {"-h"}}};
    const ParsedArgs parsed = parseArgs(args, specs, segmentUsage());
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << segmentUsage();
        return 0;
    }
    if (!parsed.has("--model"))
        throw UsageError("segment: missing --model PACKAGE", segmentUsage());
    requireTwoPositionals(parsed.positionals, "segment", "IN", "OUT", segmentUsage());
    jobs::SegmentVolumeOptions options;
    options.model = parsed.value("--model");
    options.input = parsed.positionals[0];
    options.output = parsed.positionals[1];
    options.probabilities = parsed.value("--probabilities");
    options.device = parsed.value("--device", "auto");
    options.mirror = parsed.has("--mirror");
    options.overlap = aicli::doubleOption(parsed, "--overlap", 0.5, 0.0, 0.99, segmentUsage());
    options.batchSize = aicli::intOption(parsed, "--batch", 2, 1, 4096, segmentUsage());
    const jobs::SegmentVolumeResult result = jobs::segmentVolume(options, context.task);
    context.progress.clear();
    for (const core::Warning& w : result.warnings)
        std::cerr << "stratum: warning: " << w.text() << '\n';
    std::cout << jobs::toText(result);
    return 0;
}

}  // namespace stratum::cli
