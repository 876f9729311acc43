#pragma once
// Image classification for the CLI and the GUI: reading images (io) and running the
// ai library on them. `stratum classify`, `stratum evaluate`, `stratum train-classifier`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "stratum/ai/Classifier.h"
#include "stratum/ai/Metrics.h"
#include "stratum/ai/Training.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"

namespace stratum::jobs {

// ---- Labelled folders (one sub-folder per class) -------------------------------------

// Patient identity in file names: `person123_...` and `IM-0115-...` /
// `NORMAL2-IM-0115-...` (the Kermany chest X-ray set). The first capture group is the
// patient; files that do not match are their own patient.
inline constexpr const char* kDefaultGroupPattern = R"(^(person[0-9]+|(?:NORMAL2-)?IM-[0-9]+)[-_])";

struct LabelledImage {
    std::filesystem::path path;
    int label = 0;
    std::string group;  // patient, from the file name (trainClassifier also merges groups
                        // that hold pixel-identical images)
};

struct LabelledFolder {
    std::vector<std::string> labels;  // sub-folder names, in label order
    std::vector<LabelledImage> images;
    core::Warnings warnings;
};

// Image files (PNG, JPEG, BMP, TIFF, DICOM .dcm) in DIR/<label>/ for each label.
// `labels` empty: every sub-folder, sorted by name. Throws core::IoError when DIR or a
// named label folder is missing, core::InvalidArgument when fewer than 2 classes or a
// class has no images, or `groupPattern` is not a valid regular expression.
LabelledFolder listLabelledFolder(const std::filesystem::path& dir, const std::vector<std::string>& labels = {},
                                  const std::string& groupPattern = kDefaultGroupPattern);

// The patient of a file name under `groupPattern` (the stem when it does not match).
std::string patientOf(const std::filesystem::path& file, const std::string& groupPattern = kDefaultGroupPattern);

// ---- classify ----------------------------------------------------------------------

struct ClassifyOptions {
    std::filesystem::path model;  // package folder
    std::string device = "auto";
    // Grad-CAM overlay PNG: a file for one image; for several images a folder that
    // receives <stem>_gradcam.png per image. Empty = no Grad-CAM.
    std::filesystem::path gradCam;
    std::string gradCamLabel;  // class to explain; empty = the predicted one
    // For one image only (the workstation's classification panel): the Grad-CAM heatmap
    // as data (float32 in [0, 1] on the image's own geometry; .nrrd, .nii, .nii.gz, .mha)
    // and "what the model saw" (the network's input rescaled to 0..255, PNG).
    std::filesystem::path heatmapOut;
    std::filesystem::path modelInputOut;
};

struct ImageClassification {
    std::filesystem::path input;
    ai::Classification classification;
    std::filesystem::path gradCamPng;  // written overlay (empty when none)
    int gradCamClass = -1;
    std::filesystem::path heatmapFile;     // written heatmap data (empty when none)
    std::filesystem::path modelInputFile;  // written model input PNG (empty when none)
};

struct ModelSummary {
    std::string name;
    std::string version;
    std::filesystem::path package;
    std::vector<std::string> labels;
    std::string device;
    std::string disclaimer;
};

struct ClassifyResult {
    ModelSummary model;
    std::vector<ImageClassification> images;
    core::Warnings warnings;
};

// Reads each image (io::readImage), checks it fits the model, classifies it and, when
// asked, writes its Grad-CAM overlay (heatmap blended over the image, colour bar).
// Errors name the file concerned.
ClassifyResult classifyImages(const std::vector<std::filesystem::path>& images, const ClassifyOptions& options,
                              const core::Task& task = {});
std::string toJson(const ClassifyResult& result);
std::string toText(const ClassifyResult& result);

// The overlay image itself (RGB uint8): the image under a colour-mapped heatmap, a
// colour bar from 0 to 1, and `title` above.
core::Image gradCamOverlay(const core::Image& image, const core::Image& heatmap, const std::string& title);
// The model's input (float, 1 or 3 channels) rescaled from its minimum and maximum to
// uint8 0..255 with the same geometry: "what the model saw", viewable as a PNG.
core::Image modelInputPicture(const core::Image& modelInput);

// ---- evaluate ----------------------------------------------------------------------

struct EvaluateOptions {
    std::filesystem::path model;
    std::filesystem::path data;    // folder with one sub-folder per label of the model
    std::filesystem::path output;  // folder for evaluation.json, roc.png, reliability.png (empty = none)
    std::string device = "auto";
    int batchSize = 32;
    int bins = 10;  // reliability diagram / ECE bins
};

struct EvaluateResult {
    ModelSummary model;
    std::filesystem::path data;
    ai::EvaluationMetrics metrics;
    std::vector<std::int64_t> imagesPerLabel;
    std::vector<std::filesystem::path> written;
    core::Warnings warnings;
};

EvaluateResult evaluateClassifier(const EvaluateOptions& options, const core::Task& task = {});
std::string toJson(const EvaluateResult& result);
std::string toText(const EvaluateResult& result);

// Plots (RGB uint8 images) of the ROC curve and the reliability diagram.
core::Image rocCurvePlot(const ai::EvaluationMetrics& metrics, const std::string& positiveLabel);
core::Image reliabilityPlot(const ai::EvaluationMetrics& metrics);

// ---- train-classifier --------------------------------------------------------------

struct TrainClassifierOptions {
    std::filesystem::path data;    // one sub-folder per class
    std::filesystem::path output;  // package folder to create (must not exist or be empty)
    std::vector<std::string> labels;  // empty: every sub-folder, sorted by name
    std::string positiveLabel;        // for binary metrics; empty: none (two classes: the second)
    std::string groupPattern = kDefaultGroupPattern;
    // Model: built-in architecture (in_channels/num_classes are filled in), input.
    ai::ArchitectureSpec architecture = ai::ArchitectureSpec::resnet18(1, 2, 16);
    int inputSize = 224;
    int channels = 1;
    ai::Preprocessing preprocessing;
    std::vector<std::string> modalities;  // accepted DICOM modalities, e.g. CR, DX
    std::string dtype = "float16";
    // Texts of the manifest.
    std::string name;  // default: the output folder's name
    std::string version = "1.0.0";
    std::string description;
    std::string intendedUse;
    std::string license;
    std::string authors;
    ai::TrainingOptions training;
};

struct TrainClassifierResult {
    std::filesystem::path package;
    ai::ModelManifest manifest;
    std::vector<std::string> labels;
    std::size_t images = 0;
    ai::TrainingResult training;
    core::Warnings warnings;
};

// Lists and reads the images (in parallel), trains (ai::trainClassifier) and writes the
// package with training_log.csv and training_log.json beside the manifest.
TrainClassifierResult trainClassifier(const TrainClassifierOptions& options, const ai::EpochCallback& onEpoch = {},
                                      const core::Task& task = {});
std::string toJson(const TrainClassifierResult& result);
// One line per epoch, for a console.
std::string epochLine(const ai::EpochRecord& record, int epochs);
// One epoch as a one-line JSON object for machine-readable progress (ConsoleProgress::
// event): {"event":"epoch","epoch":1,"epochs":8,"learning_rate":...,"seconds":...,
// "best":true,"train":{"count","loss","accuracy",...},"validation":{...}}.
std::string epochJson(const ai::EpochRecord& record, int epochs);

}  // namespace stratum::jobs
