#pragma once
// Batch augmentation on the model's grid (internal; includes LibTorch).
#include <torch/torch.h>

#include <random>

#include "stratum/ai/Training.h"

namespace stratum::ai::detail {

// x: [N, C, H, W] in [0, 1] on any device. Geometric and intensity parameters are
// drawn from `rng` (deterministic for a seed); the noise from torch's generator.
torch::Tensor augmentBatch(const torch::Tensor& x, const AugmentationOptions& options, std::mt19937_64& rng);

}  // namespace stratum::ai::detail
