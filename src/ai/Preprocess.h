#pragma once
// Preparing images for a model (internal; includes LibTorch). The same functions
// serve training and inference, so the model always sees what it was trained on:
//   prepareImage: channels, intensity scaling to [0,1], resize, median  -> [C,H,W]
//   normaliseBatch: (x - mean) / std per channel                         -> network
#include <torch/torch.h>

#include <string>

#include "stratum/ai/Manifest.h"
#include "stratum/core/Image.h"

namespace stratum::ai::detail {

// Where the original image lies in the model's input grid, in model pixels: the
// original spans [offsetX, offsetX + contentWidth) x [offsetY, offsetY + contentHeight).
struct Placement {
    std::int64_t originalWidth = 0;
    std::int64_t originalHeight = 0;
    double offsetX = 0.0;
    double offsetY = 0.0;
    double contentWidth = 0.0;
    double contentHeight = 0.0;
};

struct PreparedImage {
    torch::Tensor pixels;  // [C, H, W] float32 on the CPU, in [0, 1]
    Placement placement;
};

// "<source path>: " when the image has one, else "" (for error messages).
std::string imageNameForErrors(const core::Image& image);

// Throws core::InvalidArgument (naming the image's file when known) when `image` is
// not what `manifest` expects: 2D vs 3D, channels, modality, size, non-finite values.
void checkImage(const core::Image& image, const ModelManifest& manifest);

// The image's pixels as [C, h, w] float32 with the model's channel count (grey
// replicated for 3-channel models; RGB with equal channels taken as grey).
torch::Tensor imageTensor(const core::Image& image, int channels);

// Linear-interpolated percentiles (numpy's default) of all values of `x`, each p in
// [0,100]; O(n) selections, no full sort.
std::vector<double> percentiles(const torch::Tensor& x, const std::vector<double>& ps);

// x [N, C, H, W] -> median over (2r+1)^2 neighbourhoods, borders replicated.
torch::Tensor medianFilter(const torch::Tensor& x, int radius);

// checkImage, then channels, intensity, resize and median per the manifest. Training
// caches images without the median (`median` false) and applies it per batch after
// augmentation, so noise added by augmentation is filtered as real noise would be.
PreparedImage prepareImage(const core::Image& image, const ModelManifest& manifest, bool median = true);

// (x - mean[c]) / std[c]; x is [N, C, H, W] on any device.
torch::Tensor normaliseBatch(const torch::Tensor& x, const Preprocessing& preprocessing);

// A map [H, W] on the model grid -> [originalHeight, originalWidth] on the original
// grid (crop the placement's content, bilinear resize).
torch::Tensor mapToOriginal(const torch::Tensor& map, const Placement& placement);

// The geometry of the model's input grid in the original image's patient space:
// same direction, spacing scaled, origin at model pixel (0, 0).
core::Geometry modelGridGeometry(const core::Geometry& original, const Placement& placement,
                                 std::int64_t width, std::int64_t height);

// [C, H, W] or [H, W] float tensor -> float32 core::Image with `geometry` (size from the tensor).
core::Image tensorToImage(const torch::Tensor& t, const core::Geometry& geometry);

}  // namespace stratum::ai::detail
