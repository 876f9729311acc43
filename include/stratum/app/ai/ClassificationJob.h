#pragma once
// One classification as the panel runs it: `stratum-ai classify --json` on one image
// file with the Grad-CAM heatmap as data, the model's input and the overlay PNG written
// into a work folder; then the heatmap read back. run() blocks: call it on a worker
// (TaskRunner).
#include <QString>
#include <QStringList>

#include "stratum/app/ai/ClassificationOutcome.h"
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::app {

struct ClassificationJob {
    QString model;    // package folder
    QString image;    // 2D image file (DICOM, PNG, NIfTI...)
    QString workDir;  // where the outputs go
    QString tag;      // distinguishes the outputs of successive runs
    QString device = "auto";

    QString heatmapPath() const;
    QString modelInputPath() const;
    QString overlayPath() const;
    QStringList arguments() const;

    struct Result {
        ClassificationOutcome outcome;
        core::Image heatmap;  // float [0, 1] on the image's geometry
    };
    Result run(const core::Task& task) const;
};

// The image file behind a series that stratum-ai can read, or "" (then write one).
QString sourceFileOf(const std::string& key, const std::vector<std::string>& sliceFiles,
                     const core::Image& image);

}  // namespace stratum::app
