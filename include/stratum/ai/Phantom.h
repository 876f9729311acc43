#pragma once
// Procedural abdominal-like phantoms for training and testing segmentation (plain C++,
// no LibTorch): three shapes standing for organs in a textured background, each with
// its own mean intensity and smooth texture, partial-volume edges (fractional voxel
// occupancy, then a Gaussian blur), a smooth multiplicative bias field, Gaussian
// noise, and a random pose (rotation, translation, scale) per seed. Deterministic per
// seed (same options and seed -> the same voxels). docs/ai.md, "Phantoms".
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::ai {

struct PhantomTissue {
    double mean = 0.0;     // mean intensity
    double texture = 0.0;  // standard deviation of its smooth texture (wavelengths 8..24 mm)
};

struct PhantomOptions {
    core::Size3 size{96, 96, 96};
    core::Vec3 spacing{1.5, 1.5, 1.5};
    // Background (label 0), then labels 1 "organ" (a large smooth blob), 2 "kidney" (a
    // smaller ellipsoid blob) and 3 "vessel" (a curved tube, radius ~6 mm).
    PhantomTissue background{100.0, 6.0};
    std::array<PhantomTissue, 3> tissues{{{300.0, 8.0}, {450.0, 8.0}, {650.0, 8.0}}};
    double noiseSigma = 12.0;     // additive Gaussian noise (after the bias field)
    double biasAmplitude = 0.08;  // bias field within [1 - a, 1 + a] (0: none)
    double blurSigmaMm = 0.75;    // Gaussian partial-volume blur (0: none)
    // Random pose per seed: rotation up to this angle about each axis, translation up
    // to this many mm per axis, isotropic scale in [1 - s, 1 + s].
    double maxRotationDegrees = 20.0;
    double maxTranslationMm = 8.0;
    double maxScaleChange = 0.1;
    // Int16 (rounded, clamped) or Float32 image.
    core::PixelType pixelType = core::PixelType::Int16;

    // core::InvalidArgument naming the bad field.
    void validate() const;
};

struct Phantom {
    core::Image image;   // one component, options.pixelType; origin at -(size-1)/2*spacing
    core::Image labels;  // uint8, 0..3, the image's geometry (voxel centre inside a shape)
};

// "background", "organ", "kidney", "vessel".
const std::vector<std::string>& phantomLabelNames();

// One phantom. Progress per slice; cancel between slices (core::Cancelled).
Phantom makePhantom(const PhantomOptions& options, std::uint64_t seed, const core::Task& task = {});

}  // namespace stratum::ai
