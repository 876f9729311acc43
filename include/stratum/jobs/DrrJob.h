#pragma once
// `stratum drr`: a DRR of a CT volume at a gantry angle, written as an image plus a
// calibration file (<OUT>.json) that `stratum hull` reads back.
#include <filesystem>

#include "stratum/core/Progress.h"
#include "stratum/mesh/ProjectionGeometry.h"

namespace stratum::jobs {

struct DrrJobOptions {
    double angleDegrees = 0.0;
    mesh::GantryOptions gantry;
    // Voxels hold mu in 1/mm instead of HU.
    bool attenuationInput = false;
    double muWaterPerMm = 0.0195;
};

struct DrrJobResult {
    std::filesystem::path input;
    std::filesystem::path output;
    std::filesystem::path calibration;  // <output>.json
    std::size_t columns = 0;
    std::size_t rows = 0;
    double maxLineIntegral = 0.0;
    // Stored pixel = round(line integral * scale) for 16-bit PNG/TIFF; 1 for float formats.
    double scale = 1.0;
};

// OUT by extension: .png/.tif (uint16, scaled to the full range) or .nii/.nii.gz/.nrrd/.mha
// (float line integrals). Both files are written atomically.
DrrJobResult makeDrr(const std::filesystem::path& in, const std::filesystem::path& out,
                     const DrrJobOptions& options = {}, const core::Task& task = {});

// The calibration of a view: reads `path` (a .json written by makeDrr) or, for an image,
// the .json beside it (<image>.json). Returns the geometry and the image's path.
struct ViewCalibration {
    mesh::ProjectionGeometry geometry;
    std::filesystem::path image;
    double scale = 1.0;
};
ViewCalibration readViewCalibration(const std::filesystem::path& path);
void writeViewCalibration(const ViewCalibration& view, const std::filesystem::path& jsonPath,
                          double angleDegrees, const core::Vec3& isocenter);

}  // namespace stratum::jobs
