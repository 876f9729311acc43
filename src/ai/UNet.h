#pragma once
// The built-in U-Nets (internal; includes LibTorch): 2D and 3D, instance or batch
// normalisation, optional attention gates on the skip connections.
#include <torch/torch.h>

#include <filesystem>
#include <memory>

#include "stratum/ai/Segmenter.h"

namespace stratum::ai::detail {

class SegmentationNet : public torch::nn::Module {
public:
    // [N, C, (D,) H, W] -> logits [N, labels, (D,) H, W]; spatial sizes must be
    // multiples of 2^(depth-1).
    virtual torch::Tensor forward(const torch::Tensor& x) = 0;
};

// Validates `spec` and builds the network (random initialisation from torch's global
// generator), on the CPU, in training mode.
std::shared_ptr<SegmentationNet> buildUNet(const UNetSpec& spec);

// A user's TorchScript segmentation model (ScriptModel.cpp) behind the same interface:
// forward(x [N, C, (D,) H, W] float32) -> logits [N, labels, (D,) H, W]. Any other
// output is a core::FormatError naming `file`. Inference only: forward() in training
// mode throws core::InvalidArgument. Throws core::FormatError naming `file` when it is
// not a readable TorchScript module.
std::shared_ptr<SegmentationNet> loadScriptSegmentationNet(const std::filesystem::path& file,
                                                           int labels);

}  // namespace stratum::ai::detail
