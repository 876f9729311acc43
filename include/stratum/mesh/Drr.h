#pragma once
// Digitally reconstructed radiographs: ray sums of linear attenuation through a volume,
// parallel or cone-beam, exact for the voxel grid (each ray's length inside every voxel
// it crosses, in patient millimetres, oblique and anisotropic grids included).
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/mesh/ProjectionGeometry.h"

namespace stratum::mesh {

enum class AttenuationInput {
    Hounsfield,   // voxels in HU: mu = muWater * (1 + HU/1000), negative results clamped to 0
    Attenuation,  // voxels already hold mu in 1/mm
};

struct DrrOptions {
    ProjectionGeometry geometry;
    AttenuationInput input = AttenuationInput::Hounsfield;
    // Linear attenuation of water (1/mm); 0.0195 is water at about 70 keV.
    double muWaterPerMm = 0.0195;
};

// Linear attenuation (1/mm) of a voxel value in HU.
double hounsfieldToAttenuation(double hu, double muWaterPerMm);

// A float32 2D image of the line integrals (dimensionless: sum of mu * length), one per
// detector pixel, with the detector geometry (ProjectionGeometry::detectorGeometry). The
// transmitted fraction is exp(-value). Multi-threaded over detector rows.
// Throws core::InvalidArgument (bad geometry, multi-component volume), core::Cancelled.
core::Image computeDrr(const core::Image& volume, const DrrOptions& options,
                       const core::Task& task = {});

}  // namespace stratum::mesh
