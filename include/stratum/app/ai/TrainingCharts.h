#pragma once
// Live training curves (QtCharts): training and validation loss, and training and
// validation accuracy, one point per epoch from the `{"event":"epoch"}` lines of
// `stratum-ai train-classifier`; for `stratum-ai train-segmenter` (setSegmentation):
// training loss and the mean validation Dice per epoch.
#include <QJsonObject>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QChart;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace stratum::app {

class TrainingCharts : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCharts(QWidget* parent = nullptr);

    void clear();
    // Segmentation: the right chart shows the validation Dice instead of the accuracies.
    void setSegmentation(bool segmentation);
    // Adds one epoch event (see jobs::epochJson, jobs::segmentEpochJson).
    void addEpoch(const QJsonObject& event);

    QLineSeries* trainLoss() const noexcept { return trainLoss_; }
    QLineSeries* validationLoss() const noexcept { return validationLoss_; }
    QLineSeries* trainAccuracy() const noexcept { return trainAccuracy_; }
    QLineSeries* validationAccuracy() const noexcept { return validationAccuracy_; }
    QLineSeries* validationDice() const noexcept { return validationDice_; }

private:
    void rescale();

    QChart* lossChart_;
    QChart* accuracyChart_;
    QLineSeries* trainLoss_;
    QLineSeries* validationLoss_;
    QLineSeries* trainAccuracy_;
    QLineSeries* validationAccuracy_;
    QLineSeries* validationDice_;
    QValueAxis* lossX_;
    QValueAxis* lossY_;
    QValueAxis* accuracyX_;
    QValueAxis* accuracyY_;
    int epochs_ = 1;
};

}  // namespace stratum::app
