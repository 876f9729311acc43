#pragma once
// Training a built-in classifier on images in memory (reading files is the jobs
// layer's work): patient-level split, augmentation, class weighting or balanced
// sampling, Adam or SGD with exponential learning-rate decay, early stopping on the
// validation loss, checkpoints and resume, fixed seeds, temperature calibration on the
// validation split, and a per-epoch callback for live curves.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "stratum/ai/Classifier.h"
#include "stratum/ai/Manifest.h"
#include "stratum/ai/Metrics.h"
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::ai {

struct TrainingSample {
    core::Image image;
    int label = 0;
    std::string group;   // patient (or duplicate set): never split across train/validation
    std::string source;  // file, for messages
};

// Random changes applied to each training image on every epoch (after preprocessing,
// on the model's grid, intensities in [0, 1]). They mimic differences between
// acquisitions: positioning, magnification, exposure, contrast, sharpness and noise.
struct AugmentationOptions {
    bool enabled = true;
    double rotationDegrees = 8.0;        // uniform in [-r, r]
    double scaleMin = 0.9, scaleMax = 1.15;
    double translate = 0.06;             // fraction of the image size
    bool horizontalFlip = false;
    double brightness = 0.08;            // added, uniform in [-b, b]
    double contrast = 0.25;              // factor uniform in [1-c, 1+c] around the image mean
    double gamma = 0.3;                  // exponent exp(uniform[-g, g])
    double blurProbability = 0.3;        // half blur, half sharpen (3x3)
    double noise = 0.03;                 // Gaussian noise, sigma uniform in [0, noise]
};

enum class OptimizerKind { Adam, Sgd };

struct TrainingOptions {
    int epochs = 20;
    int batchSize = 32;
    OptimizerKind optimizer = OptimizerKind::Adam;
    double learningRate = 1e-3;
    double lrDecay = 0.9;  // learning rate multiplied by this after every epoch
    double momentum = 0.9;  // SGD only
    double weightDecay = 1e-4;
    int patience = 5;  // stop after this many epochs without a lower validation loss (0 = never)
    bool classWeighting = true;     // loss weights N / (K * n_class)
    bool balancedSampling = false;  // draw training images with probability 1 / n_class instead
    double validationFraction = 0.15;
    std::uint64_t seed = 42;
    AugmentationOptions augmentation;
    // Where to keep checkpoint.pt/checkpoint.json after every epoch (empty = none);
    // resume = continue from the checkpoint found there (same data and settings).
    std::filesystem::path checkpointDir;
    bool resume = false;
    std::string device = "auto";
    bool calibrate = true;  // fit a temperature on the validation split
    std::string dataSource;  // recorded in the manifest's training summary
};

struct SplitMetrics {
    std::int64_t count = 0;
    double loss = 0.0;
    double accuracy = 0.0, precision = 0.0, recall = 0.0, specificity = 0.0, f1 = 0.0, rocAuc = 0.0;
};

struct EpochRecord {
    int epoch = 0;  // 1-based
    double learningRate = 0.0;
    double seconds = 0.0;
    SplitMetrics train;       // over the epoch's (augmented) batches, as the weights changed
    SplitMetrics validation;  // after the epoch, uncalibrated; count 0 without validation
    bool best = false;        // lowest validation loss so far
};

// Called after every epoch (from the training thread).
using EpochCallback = std::function<void(const EpochRecord&)>;

struct TrainingResult {
    Classifier model;  // the best epoch's weights, calibrated manifest (not saved yet)
    std::vector<EpochRecord> history;
    int bestEpoch = 0;
    bool stoppedEarly = false;
    bool resumed = false;
    std::size_t trainImages = 0, validationImages = 0, trainGroups = 0, validationGroups = 0;
    EvaluationMetrics validation;  // best weights, calibrated probabilities (count 0 without validation)
    double seconds = 0.0;
};

// Trains `manifest.weights.architecture` (in_channels and num_classes must agree with
// the manifest's input and labels) on `samples`. The returned model's manifest has the
// calibration, training summary and validation figures filled in; save it with
// Classifier::save. Progress: preprocessing, then epochs with the time left; cancel
// between batches (core::Cancelled; a checkpoint of the last finished epoch stays).
TrainingResult trainClassifier(const std::vector<TrainingSample>& samples, const ModelManifest& manifest,
                               const TrainingOptions& options, const EpochCallback& onEpoch = {},
                               const core::Task& task = {});

// The per-epoch log as CSV (header + one line per epoch) and as a JSON array.
std::string trainingLogCsv(const std::vector<EpochRecord>& history);
std::string trainingLogJson(const std::vector<EpochRecord>& history);

}  // namespace stratum::ai
