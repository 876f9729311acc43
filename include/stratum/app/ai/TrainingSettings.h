#pragma once
// What the training dialog asks for, as the arguments of `stratum-ai train-classifier`
// (task Classification) or `stratum-ai train-segmenter` (task Segmentation).
#include <QString>
#include <QStringList>

namespace stratum::app {

struct TrainingSettings {
    enum class Task { Classification, Segmentation };
    Task task = Task::Classification;
    QString data;    // one sub-folder per class; segmentation: the images
    QString labels;  // segmentation: label maps with the images' file names
    QString output;  // package folder to create
    QString architecture =
        "resnet";         // resnet | densenet | simplecnn; unet | attention-unet | unet++
    int width = 16;       // channels of the first stage
    int inputSize = 128;  // classification
    int depth = 4;        // segmentation: U-Net levels
    int patch = 64;       // segmentation: cubic training patch (voxels per axis)
    int iterations = 50;  // segmentation: iterations per epoch
    int epochs = 10;
    int batchSize = 32;
    double learningRate = 1e-3;
    double validationFraction = 0.15;
    bool augmentation = true;
    QString device = "auto";

    bool segmentation() const noexcept { return task == Task::Segmentation; }
    // Without the executable; classification ends with --json (train-segmenter prints
    // text; its package holds training-log.json).
    QStringList arguments() const;
};

}  // namespace stratum::app
