// stratum drr CT OUT --angle A [options]
#include <array>
#include <charconv>
#include <iostream>

#include "Args.h"
#include "Commands.h"
#include "MeshCliSupport.h"
#include "stratum/jobs/DrrJob.h"

namespace stratum::cli {

std::string drrUsage() {
    return "usage: stratum drr CT OUT --angle A [options]\n"
           "\n"
           "A digitally reconstructed radiograph of the volume CT (voxels in HU) at gantry angle "
           "A\n"
           "(degrees; 0 = AP with the source anterior, 90 = source on the patient's left), as "
           "exact\n"
           "ray sums of linear attenuation through the voxels. OUT is .png or .tif (16-bit, scaled "
           "to\n"
           "the full range) or .nii/.nii.gz/.nrrd/.mha (float line integrals). The view's "
           "geometry\n"
           "goes to OUT.json, which `stratum hull` reads.\n"
           "\n"
           "  --angle A            gantry angle in degrees (required)\n"
           "  --cone               cone beam from a point source (default: parallel beam)\n"
           "  --sid MM             cone: source to isocenter (volume centre) distance (default "
           "1000)\n"
           "  --sdd MM             cone: source to detector distance (default 1500)\n"
           "  --size COLSxROWS     detector pixels (default: covers the volume at every angle)\n"
           "  --pixel MM           detector pixel pitch (default: smallest voxel spacing x "
           "magnification)\n"
           "  --mu-water V         attenuation of water in 1/mm (default 0.0195, about 70 keV)\n"
           "  --attenuation        the voxels already hold attenuation in 1/mm, not HU\n"
           "  -h, --help           show this help\n";
}

int runDrr(std::span<const std::string> args, const CommandContext& context) {
    static constexpr std::array<OptionSpec, 10> specs{{{"--angle", true},
                                                       {"--cone"},
                                                       {"--sid", true},
                                                       {"--sdd", true},
                                                       {"--size", true},
                                                       {"--pixel", true},
                                                       {"--mu-water", true},
                                                       {"--attenuation"},
                                                       {"--help"},
                                                       {"-h"}}};
    const std::string usage = drrUsage();
    const ParsedArgs parsed = parseArgs(args, specs, usage);
    if (parsed.has("--help") || parsed.has("-h")) {
        std::cout << usage;
        return 0;
    }
    requireTwoPositionals(parsed.positionals, "drr", "CT", "OUT", usage);
    if (!parsed.has("--angle")) throw UsageError("drr: missing --angle", usage);

    jobs::DrrJobOptions o;
    o.angleDegrees = meshcli::number(parsed, "--angle", 0, usage);
    o.gantry.kind =
        parsed.has("--cone") ? mesh::ProjectionKind::Cone : mesh::ProjectionKind::Parallel;
    if (!parsed.has("--cone") && (parsed.has("--sid") || parsed.has("--sdd")))
        throw UsageError("drr: --sid and --sdd apply to --cone only", usage);
    o.gantry.sourceToIsocenterMm = meshcli::number(parsed, "--sid", 1000, usage);
    o.gantry.sourceToDetectorMm = meshcli::number(parsed, "--sdd", 1500, usage);
    o.gantry.pixelSpacingMm = meshcli::number(parsed, "--pixel", 0, usage);
    if (parsed.has("--pixel") && !(o.gantry.pixelSpacingMm > 0))
        throw UsageError("--pixel: must be > 0 mm", usage);
    if (parsed.has("--size")) {
        const std::string text = parsed.value("--size");
        const auto x = text.find('x');
        unsigned long cols = 0, rows = 0;
        const bool ok =
            x != std::string::npos &&
            std::from_chars(text.data(), text.data() + x, cols).ptr == text.data() + x &&
            std::from_chars(text.data() + x + 1, text.data() + text.size(), rows).ptr ==
                text.data() + text.size();
        if (!ok || cols == 0 || rows == 0 || cols > 16384 || rows > 16384)
            throw UsageError("--size: '" + text + "' is not COLSxROWS (1 to 16384 each)", usage);
        o.gantry.columns = cols;
        o.gantry.rows = rows;
    }
    o.muWaterPerMm = meshcli::number(parsed, "--mu-water", 0.0195, usage);
    if (!(o.muWaterPerMm > 0)) throw UsageError("--mu-water: must be > 0", usage);
    o.attenuationInput = parsed.has("--attenuation");

    const jobs::DrrJobResult r =
        jobs::makeDrr(parsed.positionals[0], parsed.positionals[1], o, context.task);
    context.progress.clear();
    std::cout << "wrote " << r.output.string() << ": " << r.columns << "x" << r.rows << " DRR at "
              << o.angleDegrees << " degrees (" << mesh::projectionKindName(o.gantry.kind)
              << " beam), largest line integral " << r.maxLineIntegral << "\n"
              << "wrote " << r.calibration.string() << ": view geometry\n";
    return 0;
}

}  // namespace stratum::cli
