#pragma once
// The one-page classification report: patient and study, the image with its Grad-CAM
// heatmap, the probabilities, the model (name, version, SHA-256 of the weights), the
// date, and a not-for-diagnosis line. Written as PDF (QPdfWriter, A4) or PNG from the
// same drawing; both atomically (QSaveFile).
#include <QDateTime>
#include <QImage>
#include <QString>

#include "stratum/app/ai/ClassificationOutcome.h"

class QPainter;

namespace stratum::app {

struct ClassificationReport {
    QString patientName, patientId, studyDate, studyDescription, seriesDescription, modality;
    QImage overlay;     // the image with the heatmap
    QImage modelInput;  // what the model saw (optional)
    ClassificationOutcome outcome;
    QString modelSha256;
    QDateTime created = QDateTime::currentDateTime();

    // Throws core::IoError naming the file when it cannot be written.
    void writePdf(const QString& path) const;
    void writePng(const QString& path, int width = 1240) const;

    // Draws the page into `page` (any painter: PDF, image, screen).
    void paint(QPainter& painter, const QRectF& page) const;
};

}  // namespace stratum::app
