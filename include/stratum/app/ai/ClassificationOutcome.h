#pragma once
// One image's result of `stratum-ai classify --json` as the classification panel shows
// it: probabilities per label, the predicted label, the Grad-CAM files, the model, and
// the warnings (the CLI's, plus low confidence).
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

namespace stratum::app {

struct ClassificationOutcome {
    QString modelName, modelVersion, modelFolder, device, disclaimer;
    QStringList labels;
    QVector<double> probabilities;  // one per label, in label order
    int predicted = -1;
    QString input;
    QString gradCamLabel, heatmapFile, modelInputFile, overlayPng;
    QStringList warnings;

    // Below this top probability the panel warns of low confidence.
    static constexpr double kLowConfidence = 0.6;

    // Parses the CLI's JSON (first image). Throws core::FormatError when it is not
    // the expected document.
    static ClassificationOutcome fromCliJson(const QByteArray& json);
};

}  // namespace stratum::app
