#include "stratum/app/ai/TrainingCharts.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>

namespace stratum::app {
namespace {

QLineSeries* series(QChart* chart, const QString& name, QValueAxis* x, QValueAxis* y) {
    auto* s = new QLineSeries;
    s->setName(name);
    s->setPointsVisible(true);
    chart->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
    return s;
}

QChart* chart(const QString& title, QValueAxis* x, QValueAxis* y) {
    auto* c = new QChart;
    c->setTitle(title);
    x->setTitleText("epoch");
    x->setLabelFormat("%d");
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    c->legend()->setAlignment(Qt::AlignBottom);
    return c;
}

double maxY(const QLineSeries* s) {
    double m = 0.0;
    for (const QPointF& p : s->points()) m = std::max(m, p.y());
    return m;
}

}  // namespace

TrainingCharts::TrainingCharts(QWidget* parent)
    : QWidget(parent),
      lossX_(new QValueAxis),
      lossY_(new QValueAxis),
      accuracyX_(new QValueAxis),
      accuracyY_(new QValueAxis) {
    setObjectName("trainingCharts");
    lossChart_ = chart("Loss", lossX_, lossY_);
    accuracyChart_ = chart("Accuracy", accuracyX_, accuracyY_);
    trainLoss_ = series(lossChart_, "training", lossX_, lossY_);
    validationLoss_ = series(lossChart_, "validation", lossX_, lossY_);
    trainAccuracy_ = series(accuracyChart_, "training", accuracyX_, accuracyY_);
    validationAccuracy_ = series(accuracyChart_, "validation", accuracyX_, accuracyY_);
    validationDice_ = series(accuracyChart_, "validation Dice (mean)", accuracyX_, accuracyY_);
    validationDice_->setVisible(false);
    accuracyY_->setRange(0.0, 1.0);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QChart* c : {lossChart_, accuracyChart_}) {
        auto* view = new QChartView(c);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(300, 220);
        layout->addWidget(view);
    }
    rescale();
}

void TrainingCharts::clear() {
    for (QLineSeries* s :
         {trainLoss_, validationLoss_, trainAccuracy_, validationAccuracy_, validationDice_})
        s->clear();
    epochs_ = 1;
    rescale();
}

void TrainingCharts::setSegmentation(bool segmentation) {
    accuracyChart_->setTitle(segmentation ? "Validation Dice" : "Accuracy");
    trainAccuracy_->setVisible(!segmentation);
    validationAccuracy_->setVisible(!segmentation);
    validationDice_->setVisible(segmentation);
    validationLoss_->setVisible(!segmentation);  // train-segmenter validates with Dice only
}

void TrainingCharts::addEpoch(const QJsonObject& e) {
    const int epoch = e.value("epoch").toInt();
    epochs_ = std::max(epochs_, e.value("epochs").toInt(epoch));
    const QJsonObject train = e.value("train").toObject(),
                      validation = e.value("validation").toObject();
    if (!e.contains("train")) {  // train-segmenter: {"loss":..., "validation":{"mean_dice":...}}
        trainLoss_->append(epoch, e.value("loss").toDouble());
        if (validation.contains("mean_dice"))
            validationDice_->append(epoch, validation.value("mean_dice").toDouble());
        rescale();
        return;
    }
    trainLoss_->append(epoch, train.value("loss").toDouble());
    trainAccuracy_->append(epoch, train.value("accuracy").toDouble());
    if (validation.value("count").toInt() > 0) {
        validationLoss_->append(epoch, validation.value("loss").toDouble());
        validationAccuracy_->append(epoch, validation.value("accuracy").toDouble());
    }
    rescale();
}

void TrainingCharts::rescale() {
    for (QValueAxis* x : {lossX_, accuracyX_}) {
        x->setRange(1, std::max(2, epochs_));
        x->setTickCount(std::min(std::max(2, epochs_), 11));
    }
    const double top = std::max(maxY(trainLoss_), maxY(validationLoss_));
    lossY_->setRange(0.0, top > 0 ? top * 1.1 : 1.0);
}

}  // namespace stratum::app
