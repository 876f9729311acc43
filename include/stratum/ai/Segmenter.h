#pragma once
// Semantic segmentation of volumes with built-in U-Nets (LibTorch, linked PRIVATE):
// 3D sliding-window inference with Gaussian-weighted blending of overlapping patches
// (sigma = 1/8 of the patch size, as nnU-Net), optional mirroring test-time
// augmentation, and 2D slice-wise inference along an axis stacked back into a volume;
// optional resampling to the model's spacing and back; batches with an out-of-memory
// fallback; users' TorchScript models through the same manifest. The label map and
// probability maps keep exactly the input's geometry. One call at a
// time per object; separate objects are independent. docs/ai.md, "Segmentation".
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
// gates on the skip connections (Oktay et al. 2018, "attention-unet"), or U-Net++
// (Zhou et al. 2018, "unet++": nested dense skip pathways, `nested`).
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
    // U-Net++: every skip is a dense chain of convolution nodes (no deep supervision;
    // the logits come from the last full-resolution node). Not with `attention`.
    bool nested = false;

    // "unet", "attention-unet" or "unet++".
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
    // Spacing (mm) the network works at, x y z. When set, the normalised input is
    // resampled (trilinear, index space of the same direction matrix, the same
    // physical extent: n' = round(n * spacing / target) voxels per axis) to it, the
    // network runs there, and the per-label probabilities are resampled back to the
    // input grid (trilinear) before the argmax. 2D networks: the first two values are
    // the in-plane spacings of the slices (the lower-numbered in-plane image axis
    // first: y z for slices along x, x z along y, x y along z); the third is ignored.
    // Outputs keep the input's geometry either way. Unset (or a grid equal to the
    // input's): no resampling. defaultOptions() fills it from the manifest's input.spacing.
    std::optional<std::array<double, 3>> targetSpacing;
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
    // Patches (3D) or slices (2D) per network call; 0 = automatic: the largest batch
    // (at most 16) whose estimated memory (estimatedBatchItemBytes) fits
    // memoryBudgetBytes. On out-of-memory the batch is halved and retried, and at
    // batch 1 on a GPU the model moves to the CPU (for good, as the classifier does)
    // and continues; SegmentationResult::warnings says so.
    int batchSize = 2;
    // Memory budget for batchSize 0, in bytes; 0 = defaultMemoryBudget(device).
    std::size_t memoryBudgetBytes = 0;
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
    // What happened on the way: out-of-memory fallbacks (smaller batch, CPU).
    std::vector<std::string> warnings;
    // Batch size that finished the run, the device it ran on, and the grid the network
    // saw (x y z voxels; differs from the input's when resampled to targetSpacing).
    int batchSize = 0;
    Device device;
    core::Size3 inferenceSize{0, 0, 0};
};

// A training volume and its label map (integer labels 0..numLabels-1, same size).
struct SegmentationSample {
    core::Image image;
    core::Image labels;
};

// Augmentation of training patches (torch ops on each patch after normalisation).
struct SegmentAugmentation {
    // Random flips (probability 0.5 each) along x, y, z; only where anatomy allows.
    std::array<bool, 3> flip{false, false, false};
    // Random rotation up to this angle (degrees) about each axis (3D) or in-plane (2D),
    // and isotropic scaling by a factor in [1 - scale, 1 + scale]; applied together
    // (trilinear for the image, nearest for the labels, border values outside).
    double rotationDegrees = 0.0;
    double scale = 0.0;
    // Probability that a patch gets the rotation/scaling (when either is non-zero).
    double spatialProbability = 0.3;
    // Intensity x * (1 + U(-intensityScale, intensityScale)) + U(-shift, shift), in
    // normalised units.
    double intensityShift = 0.0;
    double intensityScale = 0.0;
    // Additive Gaussian noise with sigma drawn from U(0, noiseSigma) per patch.
    double noiseSigma = 0.0;
    bool enabled() const {
        return flip[0] || flip[1] || flip[2] || rotationDegrees > 0.0 || scale > 0.0 ||
               intensityShift > 0.0 || intensityScale > 0.0 || noiseSigma > 0.0;
    }
};

enum class LearningRateSchedule {
    Constant,
    Poly,  // lr * (1 - epoch / epochs)^0.9, per epoch (nnU-Net's schedule)
    Step,  // lr * stepFactor^(floor(epoch / stepEpochs))
};
const char* learningRateScheduleName(LearningRateSchedule schedule);  // constant, poly, step

// One epoch of training (Segmenter::train).
struct SegmentEpoch {
    int epoch = 0;              // 1-based
    double loss = 0.0;          // mean training loss of the epoch's iterations
    double learningRate = 0.0;  // used during the epoch
    // Validation Dice per label 1..numLabels-1 (empty without validation volumes) and
    // their mean.
    std::vector<double> validationDice;
    double meanValidationDice = 0.0;
    double seconds = 0.0;  // wall time of the epoch (training + validation)
    bool best = false;     // the best validation Dice so far (or the last epoch without)
};

// Patch training: random patches (a fraction centred on foreground voxels),
// augmentation, loss = cross-entropy + soft Dice of the foreground labels, Adam with a
// learning-rate schedule, `epochs` epochs of `iterations` iterations; after each epoch
// the validation volumes (if any) go through segment() (sliding windows, as in use) and
// their Dice per label is the stopping criterion: early stopping after `patience`
// epochs without improvement, the best epoch's weights kept.
struct SegmentTrainOptions {
    SegmentationIntensity intensity;
    // Patch size x y z; 2D networks use x y on slices along z (z ignored).
    std::array<int, 3> patchSize{64, 64, 64};
    int batchSize = 2;
    int epochs = 1;
    int iterations = 100;  // per epoch
    double learningRate = 1e-3;
    LearningRateSchedule schedule = LearningRateSchedule::Constant;
    int stepEpochs = 10;
    double stepFactor = 0.5;
    // Fraction of patches centred on a foreground voxel: a random label among those
    // present in the volume (class-balanced, as nnU-Net), then a random voxel of it.
    double foregroundFraction = 0.33;
    SegmentAugmentation augmentation;
    // Early stopping: epochs without a better mean validation Dice before stopping
    // (0: never). Needs validation volumes.
    int patience = 0;
    // Validation sliding windows: overlap, and patch size (0 = the training patch; a
    // larger patch is fine for batch-norm networks, whose eval mode does not depend on
    // the patch).
    double validationOverlap = 0.25;
    std::array<int, 3> validationPatchSize{0, 0, 0};
    // Checkpoint file written after every epoch (weights, optimiser state, epoch,
    // history, best weights); empty: none. With `resume`, training continues from it
    // when it exists.
    std::filesystem::path checkpoint;
    bool resume = false;
    std::uint64_t seed = 1;
    // Called after every epoch (on the calling thread).
    std::function<void(const SegmentEpoch&)> onEpoch;
};

struct SegmentTrainResult {
    std::vector<double> losses;         // every iteration of this call
    std::vector<SegmentEpoch> history;  // every epoch (resumed ones included)
    int bestEpoch = 0;                  // whose weights the network now has
    double bestValidationDice = 0.0;
    bool stoppedEarly = false;
    int resumedFromEpoch = 0;  // 0 when not resumed
};

class Segmenter {
public:
    // A built-in U-Net with fresh random weights (seeded). Its manifest() is a default
    // one (labels "background", "label 1", ...; intensity none; patch 64 per axis;
    // float32 weights) to edit with setManifest() before save().
    static Segmenter create(const UNetSpec& spec, std::uint64_t seed,
                            const std::string& device = "auto");
    // Loads a segmentation model package (the classifier's format, task
    // "segmentation"): a built-in U-Net in weights.architecture, or a user's TorchScript
    // module (weights.format "torchscript"; contract forward(x [N,C,(D,)H,W] float32) ->
    // logits [N,L,(D,)H,W], docs/ai.md). Checks the manifest, the weights' SHA-256 and
    // that the weights fit the architecture (TorchScript: that the file loads; an output
    // of the wrong shape is a core::FormatError naming the file at segment()). Errors:
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
    // Options from the manifest: its intensity normalisation, patch size (3D) and
    // target spacing (input.spacing); the rest as SegmentOptions{}.
    SegmentOptions defaultOptions() const;
    // Writes a package folder (built-in networks; core::InvalidArgument for a
    // TorchScript model, whose folder is copied instead): the weights in the manifest's
    // dtype (the network keeps the rounded values), the manifest with their SHA-256, and
    // `extraFiles` (name -> content, e.g. a training log). Atomic: the folder must not
    // exist or be empty.
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

    // Trains the network in place on `samples` (SegmentTrainOptions), validating each
    // epoch on `validation`. Progress per iteration, cancel between iterations.
    // core::InvalidArgument for samples that do not fit (channels, label map size or
    // type, labels out of range) or bad options; core::FormatError naming a checkpoint
    // that does not fit. Built-in U-Nets only.
    SegmentTrainResult train(std::span<const SegmentationSample> samples,
                             std::span<const SegmentationSample> validation,
                             const SegmentTrainOptions& options, const core::Task& task = {});
    // The same without validation; returns the loss of every iteration.
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

// Batches with out-of-memory fallback (plain C++; Segmenter uses it).

// True when an exception message reports an allocation failure: LibTorch's CUDA
// "out of memory" (c10::Error in 1.13, c10::OutOfMemoryError in 2.x) and its CPU
// allocator's "not enough memory" / "can't allocate memory".
bool isOutOfMemoryMessage(std::string_view message);

struct BatchRun {
    int batchSize = 0;  // the batch size that finished the run
    bool movedToCpu = false;
    std::vector<std::string> warnings;
};

// Runs items [0, count) in batches: run(first, n) processes items [first, first + n)
// and must leave no partial effect when it throws. An out-of-memory exception
// (isOutOfMemoryMessage of what()) halves the batch and retries the same items; at
// batch 1, moveToCpu (when given) is called once and the run continues with batch 1;
// otherwise the exception propagates. Progress per batch, cancel between batches.
BatchRun runBatches(std::size_t count, int batchSize,
                    const std::function<void(std::size_t first, std::size_t n)>& run,
                    const std::function<void()>& moveToCpu, const core::Task& task = {},
                    const std::string& what = "segmenting");

// Estimated peak memory of one patch (3D: x y z voxels; 2D: x y, z = 1) through the
// network in inference: activations kept for the skips and the widest decoder level,
// plus, on the CPU, the column buffer of a full-resolution convolution. A rough,
// deliberately generous figure (the out-of-memory fallback covers the rest).
std::size_t estimatedBatchItemBytes(const UNetSpec& spec, const std::array<int, 3>& patch,
                                    bool cpu);
// The default budget: on the CPU a quarter of MemAvailable (/proc/meminfo; 2 GiB when
// unreadable); on a GPU a fixed 4 GiB (LibTorch offers no portable free-memory query).
std::size_t defaultMemoryBudget(const Device& device);
// The largest batch in [1, min(cap, items)] with batch * itemBytes <= budget.
int automaticBatchSize(std::size_t itemBytes, std::size_t budget, std::size_t items, int cap = 16);

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
