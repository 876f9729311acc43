#include "stratum/app/ai/ClassificationReport.h"

#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <algorithm>

#include "stratum/app/ai/ProbabilityBars.h"
#include "stratum/core/Error.h"

namespace stratum::app {
namespace {

constexpr double kAspect = 297.0 / 210.0;  // A4 height / width

QString dateText(const QString& dicomDate) {
    if (dicomDate.size() != 8) return dicomDate;
    return dicomDate.left(4) + "-" + dicomDate.mid(4, 2) + "-" + dicomDate.right(2);
}

// Draws `image` fitted into `box` (top-aligned); returns the height used.
double drawImage(QPainter& painter, const QImage& image, const QRectF& box) {
    if (image.isNull()) return 0.0;
    QSizeF size = image.size();
    size.scale(box.size(), Qt::KeepAspectRatio);
    const QRectF target(box.center().x() - size.width() / 2, box.top(), size.width(),
                        size.height());
    painter.drawImage(target, image);
    return size.height();
}

[[noreturn]] void cannotWrite(const QString& path, const QString& why) {
    throw core::IoError(path.toStdString(), ("cannot write the report: " + why).toStdString());
}

}  // namespace

void ClassificationReport::paint(QPainter& painter, const QRectF& page) const {
    const double u = page.width() / 100.0;  // layout unit: 1% of the page width
    const double left = page.left() + 6 * u, width = page.width() - 12 * u;
    double y = page.top() + 6 * u;
    painter.save();
    painter.fillRect(page, Qt::white);
    painter.setPen(Qt::black);
    QFont font = painter.font();
    font.setPixelSize(static_cast<int>(3.2 * u));
    font.setBold(true);
    painter.setFont(font);
    painter.drawText(QRectF(left, y, width, 5 * u), Qt::AlignLeft | Qt::AlignVCenter,
                     "Stratum - image classification");
    y += 6 * u;

    font.setBold(false);
    font.setPixelSize(static_cast<int>(1.9 * u));
    painter.setFont(font);
    const QString patient =
        QString("Patient: %1   ID: %2")
            .arg(patientName.isEmpty() ? "-" : QString(patientName).replace('^', ' '),
                 patientId.isEmpty() ? "-" : patientId);
    const QString study =
        QString("Study: %1 %2   Series: %3 %4")
            .arg(dateText(studyDate), studyDescription, modality, seriesDescription);
    painter.drawText(QRectF(left, y, width, 3 * u), Qt::AlignLeft | Qt::AlignVCenter, patient);
    y += 3 * u;
    painter.drawText(QRectF(left, y, width, 3 * u), Qt::AlignLeft | Qt::AlignVCenter,
                     study.simplified());
    y += 4 * u;

    // The image with the heatmap and, beside it, what the model saw.
    double used = 0.0;
    if (modelInput.isNull()) {
        used = drawImage(painter, overlay, QRectF(left, y, width, 62 * u));
    } else {
        used = drawImage(painter, overlay, QRectF(left, y, width * 0.64, 62 * u));
        const double side = drawImage(painter, modelInput,
                                      QRectF(left + width * 0.67, y, width * 0.33, width * 0.33));
        painter.drawText(QRectF(left + width * 0.67, y + side + u, width * 0.33, 3 * u),
                         Qt::AlignCenter, "what the model saw");
        used = std::max(used, side + 4 * u);
    }
    y += used + 3 * u;

    font.setBold(true);
    painter.setFont(font);
    const QString verdict =
        outcome.predicted >= 0
            ? QString("Result: %1 (%2%)")
                  .arg(outcome.labels.value(outcome.predicted))
                  .arg(100.0 * outcome.probabilities.value(outcome.predicted), 0, 'f', 1)
            : QString("No result");
    painter.drawText(QRectF(left, y, width, 3.5 * u), Qt::AlignLeft | Qt::AlignVCenter, verdict);
    y += 4 * u;
    font.setBold(false);
    painter.setFont(font);
    const double barsHeight = 5 * u * std::max<qsizetype>(1, outcome.labels.size());
    ProbabilityBars::paint(painter, QRectF(left, y, width * 0.8, barsHeight), outcome.labels,
                           outcome.probabilities);
    y += barsHeight + 2 * u;
    for (const QString& w : outcome.warnings) {
        painter.setPen(QColor(180, 90, 0));
        painter.drawText(QRectF(left, y, width, 3 * u), Qt::AlignLeft | Qt::AlignVCenter,
                         "Warning: " + w);
        y += 3 * u;
    }
    painter.setPen(Qt::black);
    y += 1 * u;
    const QStringList lines{
        QString("Model: %1 %2").arg(outcome.modelName, outcome.modelVersion),
        QString("Weights SHA-256: %1").arg(modelSha256.isEmpty() ? "-" : modelSha256),
        QString("Grad-CAM for: %1")
            .arg(outcome.gradCamLabel.isEmpty() ? "-" : outcome.gradCamLabel),
        QString("Created: %1").arg(created.toString("yyyy-MM-dd HH:mm")),
    };
    for (const QString& line : lines) {
        const double height = (painter.fontMetrics().horizontalAdvance(line) > width ? 6 : 3) * u;
        painter.drawText(QRectF(left, y, width, height),
                         Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWrapAnywhere, line);
        y += height;
    }
    font.setBold(true);
    painter.setFont(font);
    painter.setPen(QColor(160, 0, 0));
    const QString notice = "NOT FOR DIAGNOSIS. Research software, not a medical device." +
                           (outcome.disclaimer.isEmpty() ? QString() : " " + outcome.disclaimer);
    painter.drawText(QRectF(left, page.bottom() - 10 * u, width, 5 * u),
                     Qt::AlignCenter | Qt::TextWordWrap, notice);
    painter.restore();
}

void ClassificationReport::writePdf(const QString& path) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) cannotWrite(path, file.errorString());
    {
        QPdfWriter writer(&file);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setResolution(150);
        writer.setTitle("Stratum classification report");
        writer.setCreator("Stratum workstation");
        QPainter painter(&writer);
        if (!painter.isActive()) cannotWrite(path, "the PDF writer could not start");
        const QRect page = painter.viewport();
        paint(painter, QRectF(0, 0, page.width(), page.height()));
    }
    if (!file.commit()) cannotWrite(path, file.errorString());
}

void ClassificationReport::writePng(const QString& path, int width) const {
    QImage image(width, static_cast<int>(width * kAspect), QImage::Format_RGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        paint(painter, QRectF(image.rect()));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) cannotWrite(path, file.errorString());
    if (!image.save(&file, "PNG")) cannotWrite(path, "PNG encoding failed");
    if (!file.commit()) cannotWrite(path, file.errorString());
}

}  // namespace stratum::app
