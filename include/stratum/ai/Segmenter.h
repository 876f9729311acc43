#pragma once
// Semantic segmentation of volumes with built-in U-Nets (LibTorch, linked PRIVATE):
// 3D sliding-window inference with Gaussian-weighted blending of overlapping patches
// (sigma = 1/8 of the patch size, as nnU-Net), optional mirroring test-time
// augmentation, and 2D slice-wise inference along an axis stacked back into a volume.
// The label map and probability maps keep exactly the input's geometry. One call at a
// time per object; separate objects are independent. docs/ai.md, "Segmentation".
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "stratum/ai/Classifier.h"  // ParameterArray
#include "stratum/ai/Device.h"
#include "stratum/ai/Manifest.h"
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::ai {

enum class NormKind { Instance, Batch };
const char* normKindName(NormKind norm);  // "instance", "batch"

// A U-Net (Ronneberger et al. 2015; 3D as Cicek et al. 2016) with optional attention
// gates on the skip connections (Oktay et al. 2018, "attention-unet").
struct UNetSpec {
    int dimensions = 3;  // 2 or 3
    int inChannels = 1;
    int numLabels = 2;  // output channels (background included)
    // Resolution levels (2..6): depth - 1 poolings by 2; patch sizes must be multiples
    // of 2^(depth-1).
    int depth = 4;
    int width = 16;  // channels of the first level, doubling per level
    NormKind norm = NormKind::Instance;
    bool attention = false;

    // "unet" or "attention-unet".
    std::string architectureName() const;
    // Throws core::InvalidArgument naming the bad field.
    void validate() const;
    // e.g. "attention-unet 3D (depth 4, width 16, instance norm, 1 -> 2)".
    std::string describe() const;
    // Size multiple the network needs: 2^(depth-1).
    int sizeMultiple() const { return 1 << (depth - 1); }
    // The manifest's form (weights.architecture of a model package) and back;
    // fromArchitecture throws core::InvalidArgument for a non-U-Net name or norm.
    ArchitectureSpec architecture() const;
    static UNetSpec fromArchitecture(const ArchitectureSpec& architecture);
    bool operator==(const UNetSpec&) const = default;
};

// Intensity normalisation before the network (computed on the whole input volume).
struct SegmentationIntensity {
    enum class Method {
        None,    // values as stored
        Window,  // [low, high] -> [0, 1], clipped (e.g. a CT window in HU)
        ZScore,  // (x - mean) / standard deviation of the volume, per channel
    };
    Method method = Method::None;
    double low = 0.0;
    double high = 1.0;
};

struct SegmentOptions {
    SegmentationIntensity intensity;
    // 3D networks: patch size in voxels, x y z (multiples of UNetSpec::sizeMultiple()).
    // Volumes smaller than the patch along an axis are padded with zeros (after
    // normalisation) and cropped back.
    std::array<int, 3> patchSize{64, 64, 64};
    // Fraction of the patch that neighbouring patches share, in [0, 1).
    double overlap = 0.5;
    // Gaussian weighting of each patch (false: uniform weights).
    bool gaussian = true;
    // 2D networks: whole slices perpendicular to this axis (0 = x, 1 = y, 2 = z), padded
    // with zeros to multiples of sizeMultiple() and cropped back (patchSize unused).
    int sliceAxis = 2;
    // Patches (3D) or slices (2D) per network call.
    int batchSize = 2;
    // Mirroring test-time augmentation: the mean of the probabilities of all 2^d
    // flips of each patch (d = 3 or 2 spatial axes).
    bool mirror = false;
    // Also return one float32 probability map per label.
    bool probabilities = false;
};

struct SegmentationResult {
    // Argmax label per voxel: uint8 when there are at most 256 labels, else uint16.
    // Exactly the input's geometry (size, spacing, origin, direction).
    core::Image labels;
    // One float32 image per label (when requested), same geometry; they sum to 1.
    std::vector<core::Image> probabilities;
};

// A training volume and its label map (integer labels 0..numLabels-1, same size).
struct SegmentationSample {
    core::Image image;
    core::Image labels;
};

// First training loop (no augmentation, validation or checkpoints yet): random
// patches (a fraction centred on foreground voxels), loss = cross-entropy + soft Dice
// of the foreground labels, Adam.
struct SegmentTrainOptions {
    SegmentationIntensity intensity;
    // Patch size x y z; 2D networks use x y on slices along z (z ignored).
    std::array<int, 3> patchSize{64, 64, 64};
    int batchSize = 2;
    int iterations = 100;
    double learningRate = 1e-3;
    // Fraction of patches centred on a random foreground voxel (label > 0).
    double foregroundFraction = 0.33;
    std::uint64_t seed = 1;
};

class Segmenter {
public:
    // A built-in U-Net with fresh random weights (seeded). Its manifest() is a default
    // one (labels "background", "label 1", ...; intensity none; patch 64 per axis;
    // float32 weights) to edit with setManifest() before save().
    static Segmenter create(const UNetSpec& spec, std::uint64_t seed,
                            const std::string& device = "auto");
    // Loads a segmentation model package (the classifier's format, task
    // "segmentation", a built-in U-Net in weights.architecture): checks the manifest,
    // the weights' SHA-256 and that the weights fit the architecture. Errors:
    // core::IoError (missing folder, manifest or weights), core::FormatError naming the
    // file (corrupt, mismatched, unsupported manifest), core::InvalidArgument (not a
    // segmentation model, bad device).
    static Segmenter load(const std::filesystem::path& packageDir, const LoadOptions& options = {});

    Segmenter();  // empty: only assignment, empty() and destruction are allowed
    bool empty() const noexcept { return impl_ == nullptr; }
    Segmenter(Segmenter&&) noexcept;
    Segmenter& operator=(Segmenter&&) noexcept;
    ~Segmenter();

    const UNetSpec& spec() const;
    Device device() const;
    const ModelManifest& manifest() const;
    // The package folder it was loaded from or saved to (empty for a fresh model).
    const std::filesystem::path& packagePath() const;
    // Replaces the manifest (names, label names and colours, patch size, intensity,
    // texts, dtype). core::InvalidArgument when it is invalid or does not describe this
    // network (task, architecture, channels, dimensions, number of labels, patch size
    // not a multiple of sizeMultiple(), an intensity segment() cannot apply).
    // weights.sha256 is ignored (save() computes it).
    void setManifest(const ModelManifest& manifest);
    // Options from the manifest: its intensity normalisation and patch size (3D);
    // the rest as SegmentOptions{}.
    SegmentOptions defaultOptions() const;
    // Writes a package folder: the weights in the manifest's dtype (the network keeps
    // the rounded values), the manifest with their SHA-256, and `extraFiles` (name ->
    // content, e.g. a training log). Atomic: the folder must not exist or be empty.
    void save(const std::filesystem::path& packageDir,
              const std::vector<std::pair<std::string, std::string>>& extraFiles = {});

    // Label map (and probabilities) for `image`: sliding-window inference for 3D
    // networks, slice-wise for 2D networks. Progress per batch; cancel between batches
    // (core::Cancelled). core::InvalidArgument for bad options or an image that does
    // not fit the network (channels, empty).
    SegmentationResult segment(const core::Image& image, const SegmentOptions& options = {},
                               const core::Task& task = {}) const;

    // The raw network output (logits, one float32 image per label, the input's
    // geometry) in ONE pass over the whole image, normalised as `intensity` says: no
    // patches, no padding. 2D networks take 2D images only. The image size must be a
    // multiple of sizeMultiple() along every network axis.
    std::vector<core::Image> logits(const core::Image& image,
                                    const SegmentationIntensity& intensity = {}) const;

    // Trains the network in place on `samples`; returns the loss of every iteration.
    // Progress per iteration, cancel between iterations. core::InvalidArgument for
    // samples that do not fit (channels, label map size or type, labels out of range).
    std::vector<double> train(std::span<const SegmentationSample> samples,
                              const SegmentTrainOptions& options, const core::Task& task = {});

    // Named parameters and buffers ("enc0.conv1.weight", ..., "head.bias").
    std::vector<ParameterArray> parameters() const;
    // Replaces the named parameters/buffers (names and shapes must match).
    void setParameters(const std::vector<ParameterArray>& parameters);

    class Impl;

private:
    explicit Segmenter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Sliding-window helpers (plain C++; Segmenter uses them).

// Start positions of patches of `patch` voxels along an axis of `size` voxels with the
// given overlap: evenly spread from 0 to size - patch, neighbours at most
// patch * (1 - overlap) apart; {0} when size <= patch. Throws core::InvalidArgument
// for patch 0 or overlap outside [0, 1).
std::vector<std::size_t> slidingWindowStarts(std::size_t size, std::size_t patch, double overlap);

// The blending weights of one patch (x fastest, size px*py*pz): a Gaussian centred on
// the patch with sigma = sigmaFraction * patch size per axis, scaled to a maximum of 1
// (all ones when `gaussian` is false). Every weight is positive.
std::vector<float> patchWeights(const std::array<int, 3>& patch, bool gaussian = true,
                                double sigmaFraction = 0.125);

// The sum of the patch weights over all sliding-window positions for a volume of
// `size` voxels (x fastest): the denominator of the blend. Volumes smaller than the
// patch are taken as padded to it, then cropped.
std::vector<float> accumulatedWeights(const core::Size3& size, const std::array<int, 3>& patch,
                                      double overlap, bool gaussian = true);

}  // namespace stratum::ai
