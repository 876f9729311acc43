// stratum pipeline IN OUTDIR [options]
#include <array>
#include <iostream>
#include <sstream>

#include "Args.h"
#include "Commands.h"
#include "MeshCliSupport.h"
#include "stratum/jobs/Pipeline.h"

namespace stratum::cli {

std::string pipelineUsage() {
    return std::string(
               "usage: stratum pipeline IN OUTDIR [options]\n"
               "\n"
               "Load -> preprocess -> segment -> mesh -> export. A label map is meshed per label; "
               "an\n"
               "intensity volume is segmented by threshold (--iso, else ") +
           (jobs::pipelineHasProcessing() ? "Otsu's threshold" : "300 HU for CT") +
           ") and its\n"
           "region meshed. OUTDIR (new or empty) gets one file per surface and format, "
           "all_labels.<ext>\n"
           "when there are several, and summary.json listing every file with label, name, "
           "triangles,\n"
           "area and volume. All files are written or none.\n"
           "\n"
           "  --iso V              segment an intensity volume at V (voxels >= V)\n"
           "  --sigma MM           Gaussian preprocessing before thresholding (processing "
           "library)\n"
           "  --labels-tsv FILE    label names and colours\n"
           "  --format LIST        comma-separated: stl, obj, ply, vtp, gltf, glb (default stl)\n"
           "  --smooth N           windowed-sinc smoothing iterations (default 15)\n"
           "  --decimate F         remove this fraction of triangles (default 0)\n"
           "  --max-error MM       decimation bound (default: half the smallest voxel spacing)\n"
           "  --largest            keep the largest piece of each surface\n"
           "  --min-volume ML      remove pieces smaller than this\n"
           "  --slice-spacing MM   IN is a folder of 2D slices this far apart\n"
           "  --ras                RAS coordinates instead of DICOM LPS\n"
           "  -h, --help           show this help\n";
}

int runPipeline(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 13> specs{{{"--iso", true},
                                                       {"--sigma", true},
                                                       {"--labels-tsv", true},
                                                       {"--format", true},
                                                       {"--smooth", true},
                                                       {"--decimate", true},
                                                       {"--max-error", true},
                                                       {"--largest"},
                                                       {"--min-volume", true},
                                                       {"--slice-spacing", true},
                                                       {"--ras"},
                                                       {"--help"},
                                                       {"-h"}}};
    const std::string usage = pipelineUsage();
    const ParsedArgs parsed = parseArgs(args, specs, usage);
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << usage;
        return 0;
    }
    requireTwoPositionals(parsed.positionals, "pipeline", "IN", "OUTDIR", usage);

    jobs::PipelineOptions o;
    if (parsed.has("--iso")) o.iso = meshcli::number(parsed, "--iso", 0, usage);
    o.sigmaMm = meshcli::number(parsed, "--sigma", 0, usage);
    if (o.sigmaMm < 0) throw UsageError("--sigma: must be >= 0 mm", usage);
    o.labelsTsv = parsed.value("--labels-tsv");
    if (parsed.has("--format")) {
        o.formats.clear();
        std::istringstream list(parsed.value("--format"));
        std::string name;
        while (std::getline(list, name, ',')) {
            try {
                o.formats.push_back(mesh::meshFormatFromPath("x." + name));
            } catch (const core::InvalidArgument&) {
                throw UsageError(
                    "--format: unknown format '" + name + "' (stl, obj, ply, vtp, gltf, glb)",
                    usage);
            }
        }
        if (o.formats.empty()) throw UsageError("--format: empty list", usage);
    }
    o.smoothIterations = meshcli::integer(parsed, "--smooth", 15, 0, 1000, usage);
    o.decimate = meshcli::number(parsed, "--decimate", 0, usage);
    o.maxErrorMm = meshcli::number(parsed, "--max-error", 0, usage);
    o.largest = parsed.has("--largest");
    o.minComponentMl = meshcli::number(parsed, "--min-volume", 0, usage);
    o.sliceSpacing = meshcli::number(parsed, "--slice-spacing", 0, usage);
    if (parsed.has("--slice-spacing") && !(o.sliceSpacing > 0))
        throw UsageError("--slice-spacing: must be > 0 mm", usage);
    o.coordinates = parsed.has("--ras") ? mesh::CoordinateSystem::Ras : mesh::CoordinateSystem::Lps;

    const jobs::PipelineResult r =
        jobs::runPipeline(parsed.positionals[0], parsed.positionals[1], o, context.task);
    context.progress.clear();
    for (const core::Warning& w : r.warnings) std::cerr << "stratum: warning: " << w.text() << '\n';
    for (const std::string& step : r.steps) std::cout << step << '\n';
    for (const jobs::MeshSummary& s : r.meshes) std::cout << meshcli::describe(s) << '\n';
    std::cout << "wrote " << r.written.size() << " files to " << r.outputFolder.string()
              << " (summary: " << r.summary.string() << ")\n";
    return 0;
}

}  // namespace stratum::cli
