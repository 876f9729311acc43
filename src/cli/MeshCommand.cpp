// stratum mesh IN OUT [options]
#include <array>
#include <iostream>

#include "Args.h"
#include "Commands.h"
#include "MeshCliSupport.h"
#include "stratum/jobs/MeshJob.h"

namespace stratum::cli {

std::string meshUsage() {
    return "usage: stratum mesh IN OUT [--label N | --iso V] [options]\n"
           "\n"
           "Surfaces from IN, in patient coordinates (the scan's origin, spacing and direction),\n"
           "written to OUT by extension: .stl (binary), .obj (+ .mtl colours), .ply, .vtp, .gltf\n"
           "or .glb. A label map (integer image of regions) gives one closed surface per label;\n"
           "an intensity volume needs --iso. IN is any volume stratum reads (DICOM, NIfTI, NRRD,\n"
           "MetaImage), a folder of 2D slices with --slice-spacing, or a 2D image with "
           "--heightfield.\n"
           "\n"
           "What to mesh:\n"
           "  --label N            only label N\n"
           "  --iso V              the iso-surface at value V (e.g. 300 for bone in CT, HU)\n"
           "  --labels-tsv FILE    label names and colours (tab-separated: value, name[, r, g, "
           "b])\n"
           "  --slice-spacing MM   IN is a folder of 2D images (slices) this far apart\n"
           "  --heightfield        IN is a 2D image (e.g. an X-ray): its intensity as a height "
           "field\n"
           "  --height-scale MM    height per unit pixel value (default: a quarter of the width at "
           "the peak)\n"
           "  --step N             height field: every N-th pixel (default 1)\n"
           "  --sample N           use every N-th voxel (faster, coarser; default 1)\n"
           "  --no-cap             iso-surfaces: leave them open where they meet the image edge\n"
           "Clean-up:\n"
           "  --smooth N           windowed-sinc smoothing iterations (default 0; 15-30 typical)\n"
           "  --pass-band F        smoothing pass band in (0, 2) (default 0.1)\n"
           "  --decimate F         remove this fraction of triangles (0 to 0.99)\n"
           "  --max-error MM       decimation never moves the surface more than this\n"
           "                       (default: half the smallest voxel spacing)\n"
           "  --largest            keep only the largest connected piece of each surface\n"
           "  --min-volume ML      remove pieces smaller than this\n"
           "  --fill-holes MM      close holes up to this radius\n"
           "Output:\n"
           "  --ras                write RAS coordinates (x, y negated) instead of DICOM LPS\n"
           "  --ascii              ASCII STL instead of binary\n"
           "  -h, --help           show this help\n";
}

int runMesh(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 20> specs{{{"--label", true},
                                                       {"--iso", true},
                                                       {"--labels-tsv", true},
                                                       {"--slice-spacing", true},
                                                       {"--heightfield"},
                                                       {"--height-scale", true},
                                                       {"--step", true},
                                                       {"--sample", true},
                                                       {"--no-cap"},
                                                       {"--smooth", true},
                                                       {"--pass-band", true},
                                                       {"--decimate", true},
                                                       {"--max-error", true},
                                                       {"--largest"},
                                                       {"--min-volume", true},
                                                       {"--fill-holes", true},
                                                       {"--ras"},
                                                       {"--ascii"},
                                                       {"--help"},
                                                       {"-h"}}};
    const std::string usage = meshUsage();
    const ParsedArgs parsed = parseArgs(args, specs, usage);
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << usage;
        return 0;
    }
    requireTwoPositionals(parsed.positionals, "mesh", "IN", "OUT", usage);
    if (parsed.has("--label") && parsed.has("--iso"))
        throw UsageError("mesh: give --label or --iso, not both", usage);

    jobs::MeshJobOptions o;
    if (parsed.has("--label")) o.label = meshcli::integer(parsed, "--label", 0, 1, 65535, usage);
    if (parsed.has("--iso")) o.iso = meshcli::number(parsed, "--iso", 0, usage);
    o.labelsTsv = parsed.value("--labels-tsv");
    o.sliceSpacing = meshcli::number(parsed, "--slice-spacing", 0, usage);
    if (parsed.has("--slice-spacing") && !(o.sliceSpacing > 0))
        throw UsageError("--slice-spacing: must be > 0 mm", usage);
    o.heightField = parsed.has("--heightfield");
    o.heightScale = meshcli::number(parsed, "--height-scale", 0, usage);
    o.heightStep = meshcli::integer(parsed, "--step", 1, 1, 1024, usage);
    o.sampleRate = meshcli::integer(parsed, "--sample", 1, 1, 16, usage);
    o.capBorders = !parsed.has("--no-cap");
    o.smoothIterations = meshcli::integer(parsed, "--smooth", 0, 0, 1000, usage);
    o.passBand = meshcli::number(parsed, "--pass-band", 0.1, usage);
    o.decimate = meshcli::number(parsed, "--decimate", 0, usage);
    o.maxErrorMm = meshcli::number(parsed, "--max-error", 0, usage);
    if (parsed.has("--max-error") && !(o.maxErrorMm > 0))
        throw UsageError("--max-error: must be > 0 mm", usage);
    o.largest = parsed.has("--largest");
    o.minComponentMl = meshcli::number(parsed, "--min-volume", 0, usage);
    o.fillHolesMm = meshcli::number(parsed, "--fill-holes", 0, usage);
    o.write.coordinates =
        parsed.has("--ras") ? mesh::CoordinateSystem::Ras : mesh::CoordinateSystem::Lps;
    o.write.asciiStl = parsed.has("--ascii");

    const jobs::MeshJobResult result =
        jobs::meshImage(parsed.positionals[0], parsed.positionals[1], o, context.task);
    context.progress.clear();
    for (const core::Warning& w : result.warnings)
        std::cerr << "stratum: warning: " << w.text() << '\n';
    for (const jobs::MeshSummary& s : result.meshes) std::cout << meshcli::describe(s) << '\n';
    std::cout << "wrote " << result.output.string() << ": " << result.meshes.size()
              << (result.meshes.size() == 1 ? " surface" : " surfaces") << ", "
              << mesh::coordinateSystemName(o.write.coordinates) << " mm";
    if (result.written.size() > 1)
        std::cout << " (+ " << result.written[1].filename().string() << ")";
    std::cout << '\n';
    return 0;
}

}  // namespace stratum::cli
