#pragma once
// Shared inputs of the AI GUI tests: a small fresh 3D U-Net package (the plumbing, not
// the anatomy) and a CT-like volume to segment. Links stratum_ai (the test binary only).
#include <filesystem>
#include <string>

#include "stratum/ai/Segmenter.h"
#include "stratum/core/Image.h"

namespace stratum::test {

// A fresh 3D U-Net (depth 2, width 4, seed 5) with labels background, "organ a" (red)
// and "organ b" (green), z-score, patch 16 x 16 x 8, saved as a package in `dir`.
inline void writeSegmentationPackage(const std::filesystem::path& dir, const std::string& name,
                                     const std::string& version = "1.0.0") {
    ai::UNetSpec spec;
    spec.dimensions = 3;
    spec.depth = 2;
    spec.width = 4;
    spec.numLabels = 3;
    ai::Segmenter s = ai::Segmenter::create(spec, 5, "cpu");
    ai::ModelManifest m = s.manifest();
    m.name = name;
    m.version = version;
    m.labels = {{"background", {0, 0, 0}}, {"organ a", {255, 0, 0}}, {"organ b", {0, 255, 0}}};
    m.input.size = {16, 16, 8};
    m.preprocessing.intensity = ai::IntensityMethod::ZScore;
    s.setManifest(m);
    s.save(dir);
}

// A 40 x 36 x 12 CT-like volume (0.8 x 0.8 x 2.5 mm): a bright ellipsoid in a body.
inline core::Image segmentationTestVolume() {
    core::Geometry g;
    g.size = {40, 36, 12};
    g.spacing = {0.8, 0.8, 2.5};
    g.origin = {-16.0, -14.0, 10.0};
    core::Image image(core::PixelType::Int16, 1, g);
    for (int k = 0; k < 12; ++k)
        for (int j = 0; j < 36; ++j)
            for (int i = 0; i < 40; ++i) {
                const double x = (i - 20) / 12.0, y = (j - 18) / 10.0, z = (k - 6) / 4.0;
                const double r = x * x + y * y + z * z;
                image.setValue(i, j, k, r < 1.0 ? 300 + 20 * ((i + j) % 5) : (r < 2.5 ? 40 : -200));
            }
    return image;
}

}  // namespace stratum::test
