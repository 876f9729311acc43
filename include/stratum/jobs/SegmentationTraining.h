#pragma once
// Training and evaluation of segmentation models for the CLI (and the GUI):
// `stratum make-phantoms`, `stratum train-segmenter`, `stratum evaluate-segmentation`
// (they run in `stratum-ai`). docs/cli.md.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "stratum/ai/Phantom.h"
#include "stratum/ai/SegmentationMetrics.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"

namespace stratum::jobs {

// ---- make-phantoms --------------------------------------------------------------

struct MakePhantomsOptions {
    std::filesystem::path output;  // receives images/phantom_NNN.nii.gz and labels/ (same names)
    int count = 10;
    std::uint64_t seed = 1;  // phantom i uses seed + i
    ai::PhantomOptions phantom;
};

struct MakePhantomsResult {
    std::vector<std::filesystem::path> images;
    std::vector<std::filesystem::path> labels;
};

// core::InvalidArgument for bad options or an output folder with files of those names.
MakePhantomsResult makePhantoms(const MakePhantomsOptions& options, const core::Task& task = {});

// ---- train-segmenter ------------------------------------------------------------

struct TrainSegmenterOptions {
    // Volumes (NIfTI, NRRD, MetaImage) or PNG slices; label maps matched by file name.
    std::filesystem::path images;
    std::filesystem::path labels;
    // Held-out validation set; when empty, `validationFraction` of the training pairs
    // (at least one when there are two or more) is held out, chosen by the seed.
    std::filesystem::path validationImages;
    std::filesystem::path validationLabels;
    double validationFraction = 0.2;
    std::filesystem::path output;  // the package folder (must not exist or be empty)
    ai::UNetSpec spec;             // numLabels from labelNames (or the largest label + 1)
    ai::SegmentTrainOptions training;
    // Resample every volume to this spacing (mm, x y z) before training: linear for
    // images, nearest for labels; recorded as the manifest's input.spacing. Empty: none.
    std::vector<double> spacing;
    std::vector<std::string> labelNames;  // background first; empty: "background", "label N"
    std::string name;
    std::string description;
    std::string intendedUse;
    std::string disclaimer;  // empty: the manifest default
    std::string dtype = "float16";
    std::string device = "auto";
};

struct TrainSegmenterResult {
    std::filesystem::path output;
    std::vector<std::string> labels;
    std::size_t trainingVolumes = 0;
    std::size_t validationVolumes = 0;
    ai::SegmentTrainResult training;
    double seconds = 0.0;
    std::string device;
    core::Warnings warnings;
};

// Errors name the file or option: core::InvalidArgument (options, no pairs, a label
// map without its image, sizes that differ), core::IoError / FormatError (files).
TrainSegmenterResult trainSegmenter(const TrainSegmenterOptions& options,
                                    const core::Task& task = {});
// training-log.csv: epoch,loss,learning_rate,seconds,mean_dice,dice_<label>...,best.
std::string segmentationTrainingLogCsv(const std::vector<ai::SegmentEpoch>& history,
                                       const std::vector<std::string>& labels);
std::string segmentationTrainingLogJson(const std::vector<ai::SegmentEpoch>& history,
                                        const std::vector<std::string>& labels);
// "epoch 3/40: loss 0.4123, lr 0.00095, val Dice 0.912 (organ 0.95, ...), 12.3 s *".
std::string segmentEpochLine(const ai::SegmentEpoch& epoch, int epochs,
                             const std::vector<std::string>& labels);

// {"event":"epoch","epoch":3,"epochs":40,"loss":..,"learning_rate":..,"seconds":..,
// "best":true,"validation":{"mean_dice":..,"dice":{"organ":..}}} for the JSON-lines
// progress stream (ConsoleProgress::event).
std::string segmentEpochJson(const ai::SegmentEpoch& epoch, int epochs,
                             const std::vector<std::string>& labels);

// ---- evaluate-segmentation --------------------------------------------------------

struct EvaluateSegmentationOptions {
    std::filesystem::path predicted;  // a file, or a folder matched with `truth` by name
    std::filesystem::path truth;
    bool intensity = false;  // MSE and SSIM instead of label metrics
};

struct EvaluatedPair {
    std::filesystem::path predicted;
    std::filesystem::path truth;
    ai::SegmentationEvaluation labels;  // label mode
    ai::IntensityComparison intensity;  // intensity mode
};

struct EvaluateSegmentationResult {
    bool intensity = false;
    std::vector<EvaluatedPair> pairs;
};

// core::InvalidArgument naming both files when their geometry differs.
EvaluateSegmentationResult evaluateSegmentationFiles(const EvaluateSegmentationOptions& options,
                                                     const core::Task& task = {});
std::string toText(const EvaluateSegmentationResult& result);
std::string toJson(const EvaluateSegmentationResult& result);

}  // namespace stratum::jobs
