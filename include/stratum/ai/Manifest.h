#pragma once
// The manifest of a model package (manifest.json beside the weights): what the
// model is, what it expects, how its input is prepared, where its weights are and
// their SHA-256, how it was trained and validated, and what it is (not) for.
// Shared by classification and segmentation models. docs/ai.md describes the format.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "stratum/ai/Architecture.h"

namespace stratum::ai {

enum class ModelTask { Classification, Segmentation };
const char* modelTaskName(ModelTask task);  // "classification", "segmentation"

struct LabelInfo {
    std::string name;
    std::array<std::uint8_t, 3> colour{255, 255, 255};  // display colour (segmentation overlays)
    bool operator==(const LabelInfo&) const = default;
};

struct InputSpec {
    int channels = 1;    // classification: 1 (grey) or 3 (RGB); segmentation: 1..16
    int dimensions = 2;  // 2 (images) or 3 (volumes)
    // Model input size in pixels, x then y (then z): classification resizes to it;
    // segmentation uses it as the patch size.
    std::vector<int> size{224, 224};
    std::vector<double> spacing;  // mm per pixel the model expects; empty = any
    // DICOM modality codes accepted (e.g. CR, DX). Empty = any. Images without a
    // modality (PNG, JPEG) are accepted.
    std::vector<std::string> modalities;
    bool operator==(const InputSpec&) const = default;
};

enum class ResizePolicy {
    Stretch,    // resize x and y independently to the input size (aspect ratio not kept)
    Letterbox,  // keep the aspect ratio, pad the short side with zeros (after normalisation)
};
const char* resizePolicyName(ResizePolicy policy);  // "stretch", "letterbox"

enum class IntensityMethod {
    Percentile,  // [low, high] percentiles of the image -> [0, 1], clipped
    Range,       // fixed [low, high] values -> [0, 1], clipped
    ZScore,      // (x - image mean) / image standard deviation
    None,        // values as stored
};
// "percentile", "range", "zscore", "none"
const char* intensityMethodName(IntensityMethod method);

struct Preprocessing {
    ResizePolicy resize = ResizePolicy::Stretch;
    // Median filter radius in model pixels (0 = none), applied after resizing.
    int medianRadius = 0;
    IntensityMethod intensity = IntensityMethod::Percentile;
    double low = 0.5;    // percentile or value, see IntensityMethod
    double high = 99.5;
    // Then (x - mean[c]) / std[c] per channel.
    std::vector<double> mean{0.5};
    std::vector<double> std{0.25};
    bool operator==(const Preprocessing&) const = default;
};

enum class WeightsFormat {
    BuiltIn,      // parameters of a built-in architecture (rebuilt in C++ from `architecture`)
    TorchScript,  // a TorchScript module exported by the user (docs/ai.md: export contract)
};
const char* weightsFormatName(WeightsFormat format);  // "stratum-builtin", "torchscript"

struct WeightsSpec {
    WeightsFormat format = WeightsFormat::BuiltIn;
    std::string file = "model.pt";  // relative to the package folder
    std::string sha256;             // lower-case hex of the file's content
    std::string dtype = "float16";  // storage type of the parameters (built-in)
    ArchitectureSpec architecture;  // built-in only
    bool operator==(const WeightsSpec&) const = default;
};

struct GradCamSpec {
    // Built-in: the architecture's target (ArchitectureSpec::gradCamTarget()).
    // TorchScript: a name shown to the user.
    std::string target;
    // TorchScript only: "split" (methods features(x) and head(a)) or "tuple"
    // (forward(x) returns (logits, activations)).
    std::string contract = "split";
    bool operator==(const GradCamSpec&) const = default;
};

// Applied to the logits before softmax: logits / temperature + logitOffsets[c].
// Offsets shift class priors (log of prior ratios); empty = none.
struct Calibration {
    double temperature = 1.0;
    std::vector<double> logitOffsets;
    std::string method;  // how it was fitted, for people
    bool operator==(const Calibration&) const = default;
};

struct ModelManifest {
    std::string name;
    std::string version = "1.0.0";
    std::string description;
    ModelTask task = ModelTask::Classification;
    std::vector<LabelInfo> labels;
    // Classification: index of the label that binary metrics treat as positive
    // (e.g. PNEUMONIA); -1 = none (multi-class metrics only).
    int positiveLabel = -1;
    InputSpec input;
    Preprocessing preprocessing;
    WeightsSpec weights;
    GradCamSpec gradCam;
    Calibration calibration;
    // Training data summary and validation figures: JSON object texts, stored as given
    // (must parse as JSON objects).
    std::string trainingJson = "{}";
    std::string validationJson = "{}";
    std::string intendedUse;
    std::string disclaimer = "Not a medical device. Not for diagnosis or treatment decisions.";
    std::string license;
    std::string authors;

    int labelIndex(std::string_view label) const;  // -1 when absent
    std::vector<std::string> labelNames() const;

    // Throws core::InvalidArgument naming the inconsistent field.
    void validate() const;
    // JSON text (indented), stable field order.
    std::string toJson() const;
    // Parses and validates; errors are core::FormatError naming `source` (a file path)
    // and the field, e.g. "m/manifest.json: field 'input.channels' must be 1 or 3".
    static ModelManifest fromJson(std::string_view text, const std::string& source = "manifest.json");
    // Reads `path` (core::IoError when missing) and parses it.
    static ModelManifest readFile(const std::filesystem::path& path);

    bool operator==(const ModelManifest&) const = default;
};

}  // namespace stratum::ai
