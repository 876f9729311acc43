#pragma once
// Segmenter internals shared by inference (Segmenter.cpp) and training
// (SegmentationTraining.cpp); includes LibTorch.
#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <string>

#include "ClassifierImpl.h"  // toTorch, torchMessage
#include "UNet.h"
#include "stratum/ai/Segmenter.h"

namespace stratum::ai {

class Segmenter::Impl {
public:
    // For a TorchScript model (script true): dimensions, channels and labels of its
    // manifest, depth from the size multiple of its patch size; width and norm unused.
    UNetSpec spec;
    ModelManifest manifest;
    std::filesystem::path package;
    // Mutable: an out-of-memory fallback during segment() moves the model to the CPU.
    mutable Device device;
    std::shared_ptr<detail::SegmentationNet> net;
    bool script = false;
    torch::Device torchDevice() const { return detail::toTorch(device); }
    // "unet 3D (...)" or "TorchScript model 'name' (path)", for messages.
    std::string description() const {
        return script ? "TorchScript model '" + manifest.name + "' (" +
                            (package / manifest.weights.file).string() + ")"
                      : spec.describe();
    }
};

namespace detail {

// [C, Z, Y, X] float32 on the CPU.
torch::Tensor volumeTensor(const core::Image& image);
// The intensity normalisation of SegmentationIntensity on [C, Z, Y, X].
torch::Tensor normalise(torch::Tensor x, const SegmentationIntensity& intensity);
// "XxYxZ".
std::string sizeText(const core::Size3& s);
// core::InvalidArgument when `image` is empty or its channels do not fit `spec`.
void checkImage(const core::Image& image, const UNetSpec& spec);

}  // namespace detail
}  // namespace stratum::ai
