#pragma once
// Helpers shared by the ai tests: small manifests, synthetic images.
#include <cstdint>
#include <random>
#include <vector>

#include "stratum/ai/Manifest.h"
#include "stratum/core/Image.h"

namespace stratum::test {

// A classification manifest for a built-in architecture with `size` x `size` grey input.
ai::ModelManifest tinyManifest(const ai::ArchitectureSpec& architecture, int size,
                               std::vector<std::string> labels = {"absent", "present"});

// A grey float32 image (values as given, x fastest).
core::Image floatImage(int width, int height, const std::vector<float>& values);

// Smooth random background in [0.2, 0.5] plus, when `blob`, a Gaussian blob of
// amplitude 0.5 and the given sigma centred at (cx, cy).
core::Image blobImage(int size, bool blob, double cx, double cy, double sigma, std::mt19937_64& rng);

// Spearman rank correlation of two equally long value lists (0 when one is constant).
double spearman(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace stratum::test
