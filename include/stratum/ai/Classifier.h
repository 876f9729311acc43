#pragma once
// An image classifier loaded from a model package (or built fresh for training):
// per-class probabilities and Grad-CAM heatmaps for 2D images. One call at a time per
// object (run it on one worker thread); separate objects are independent.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "stratum/ai/Device.h"
#include "stratum/ai/Manifest.h"
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"

namespace stratum::ai {

struct Classification {
    std::vector<double> logits;         // raw network outputs
    std::vector<double> probabilities;  // softmax of the calibrated logits, one per label
    int predicted = -1;                 // index of the most probable label
    std::string label;                  // its name
};

struct GradCamResult {
    Classification classification;
    int targetClass = -1;  // the class whose score was explained
    // Heatmap in [0, 1] (1 = strongest evidence for targetClass), float32, with the
    // input image's size and geometry (resize and letterbox undone).
    core::Image heatmap;
    // The same heatmap on the model's input grid (before mapping back).
    core::Image heatmapModelGrid;
    // Exactly the tensor the network saw (after all preprocessing and normalisation),
    // float32 with the model's channels and input size; its geometry places it over
    // the original image.
    core::Image modelInput;
};

// A named parameter or buffer of a built-in network (e.g. "layer1.0.conv1.weight").
struct ParameterArray {
    std::string name;
    std::vector<std::int64_t> shape;
    std::vector<float> values;
};

struct LoadOptions {
    std::string device = "auto";  // see resolveDevice
};

class Classifier {
public:
    // Loads `packageDir` (manifest.json + weights): checks the manifest, the task, the
    // weights' SHA-256 and that the weights fit the manifest. Errors: core::IoError
    // (missing files), core::FormatError (corrupt or mismatched files, naming the
    // file), core::InvalidArgument (bad device, not a classification model).
    static Classifier load(const std::filesystem::path& packageDir, const LoadOptions& options = {});
    // A built-in architecture with fresh random weights (seeded), for training and
    // benchmarks. `manifest.weights.architecture` says which; its sha256 may be empty.
    static Classifier create(const ModelManifest& manifest, std::uint64_t seed, const LoadOptions& options = {});

    // An empty classifier (no model): only assignment, empty() and destruction are allowed.
    Classifier();
    bool empty() const noexcept { return impl_ == nullptr; }
    Classifier(Classifier&&) noexcept;
    Classifier& operator=(Classifier&&) noexcept;
    ~Classifier();

    const ModelManifest& manifest() const;
    // The package folder it was loaded from or saved to (empty for a fresh model).
    const std::filesystem::path& packagePath() const;
    Device device() const;
    // Problems that did not stop the work, e.g. a fall back to the CPU after a CUDA
    // out-of-memory error.
    core::Warnings warnings() const;

    // Throws core::InvalidArgument, naming the image's file when known, when the
    // image does not fit the model (3D volume, colour image for a grey model, modality).
    void checkInput(const core::Image& image) const;

    Classification classify(const core::Image& image) const;
    // In batches of `batchSize` (progress per batch, cancel between batches).
    std::vector<Classification> classifyBatch(std::span<const core::Image> images, const core::Task& task = {},
                                              int batchSize = 16) const;
    // Grad-CAM for `targetClass` (-1: the predicted class). Back-propagates from the
    // class score to the target layer's activations only. The class score is the
    // class's log-odds from the raw logits, z_c - log(sum_{k != c} exp z_k) (for two
    // classes z_c - z_other).
    GradCamResult gradCam(const core::Image& image, int targetClass = -1) const;

    // Built-in architectures only (core::InvalidArgument for TorchScript models).
    std::vector<ParameterArray> parameters() const;
    // Replaces the named parameters/buffers (names and shapes must match).
    void setParameters(const std::vector<ParameterArray>& parameters);
    // Re-initialises every parameter with random values (seeded): for sanity checks.
    void randomizeParameters(std::uint64_t seed);

    // Writes a package folder (built-in models only): the weights in the manifest's
    // dtype (the model keeps the rounded values, so it equals what was written), the
    // manifest with their SHA-256, and `extraFiles` (name -> content, e.g. a training
    // log). Atomic: the folder must not exist or be empty, and appears complete or not
    // at all.
    void save(const std::filesystem::path& packageDir,
              const std::vector<std::pair<std::string, std::string>>& extraFiles = {});
    // Updates manifest fields that do not touch the weights (name, texts, calibration,
    // training/validation summaries); throws core::InvalidArgument when `manifest`
    // differs in labels, input, preprocessing or weights.
    void updateManifest(const ModelManifest& manifest);

    class Impl;
    explicit Classifier(std::unique_ptr<Impl> impl);
    Impl& impl() { return *impl_; }
    const Impl& impl() const { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace stratum::ai
