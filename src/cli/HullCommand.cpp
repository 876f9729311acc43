// stratum hull VIEW... OUT [options]
#include <array>
#include <iostream>

#include "Args.h"
#include "Commands.h"
#include "MeshCliSupport.h"
#include "stratum/jobs/HullJob.h"

namespace stratum::cli {

std::string hullUsage() {
    return "usage: stratum hull VIEW VIEW... OUT [options]\n"
           "\n"
           "Shape from silhouette: carves the visual hull of an object from two or more "
           "calibrated\n"
           "views. Each VIEW is a 2D image (the object's silhouette: pixels above --threshold are\n"
           "inside) with its calibration VIEW.json beside it, as `stratum drr` writes them, or "
           "the\n"
           ".json itself. OUT is a surface (.stl, .obj, .ply, .vtp, .gltf, .glb) or the hull as a\n"
           "volume (.nii, .nii.gz, .nrrd, .mha).\n"
           "\n"
           "  --threshold T        silhouette pixels above T are inside (default 0)\n"
           "  --voxel MM           carving grid spacing (default 1)\n"
           "  --smooth N           surface smoothing iterations (default 10)\n"
           "  --ras                write RAS coordinates instead of DICOM LPS\n"
           "  --ascii              ASCII STL\n"
           "  -h, --help           show this help\n";
}

int runHull(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 7> specs{{{"--threshold", true},
                                                      {"--voxel", true},
                                                      {"--smooth", true},
                                                      {"--ras"},
                                                      {"--ascii"},
                                                      {"--help"},
                                                      {"-h"}}};
    const std::string usage = hullUsage();
    const ParsedArgs parsed = parseArgs(args, specs, usage);
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << usage;
        return 0;
    }
    if (parsed.positionals.size() < 3)
        throw UsageError(parsed.positionals.empty() ? "hull: missing VIEWs and OUT"
                                                    : "hull: needs two or more VIEWs and OUT",
                         usage);
    jobs::HullJobOptions o;
    o.threshold = meshcli::number(parsed, "--threshold", 0, usage);
    o.voxelMm = meshcli::number(parsed, "--voxel", 1, usage);
    if (!(o.voxelMm > 0)) throw UsageError("--voxel: must be > 0 mm", usage);
    o.smoothIterations = meshcli::integer(parsed, "--smooth", 10, 0, 1000, usage);
    o.write.coordinates =
        parsed.has("--ras") ? mesh::CoordinateSystem::Ras : mesh::CoordinateSystem::Lps;
    o.write.asciiStl = parsed.has("--ascii");
    const std::vector<std::filesystem::path> views(parsed.positionals.begin(),
                                                   parsed.positionals.end() - 1);
    const std::filesystem::path out = parsed.positionals.back();

    const jobs::HullJobResult r = jobs::carveHull(views, out, o, context.task);
    context.progress.clear();
    std::cout << "carved " << r.views << " views on a " << r.grid.size[0] << "x" << r.grid.size[1]
              << "x" << r.grid.size[2] << " grid of " << o.voxelMm << " mm: " << r.voxelsInside
              << " voxels inside (" << r.volumeMl << " mL)\n";
    for (const jobs::MeshSummary& s : r.meshes) std::cout << meshcli::describe(s) << '\n';
    std::cout << "wrote " << out.string() << '\n';
    return 0;
}

}  // namespace stratum::cli
