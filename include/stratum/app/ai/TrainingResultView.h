#pragma once
// The end of a training run: the validation confusion matrix (rows: true label,
// columns: predicted) and the ROC curve, from `stratum-ai train-classifier --json`
// ("validation": {"confusion_matrix"}, "validation_roc").
#include <QJsonObject>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLineSeries;
class QTableWidget;
QT_END_NAMESPACE

namespace stratum::app {

class TrainingResultView : public QWidget {
    Q_OBJECT
public:
    explicit TrainingResultView(QWidget* parent = nullptr);

    void clear();
    void setResult(const QJsonObject& result);

    QTableWidget* confusion() const noexcept { return confusion_; }
    QLineSeries* roc() const noexcept { return roc_; }

private:
    QTableWidget* confusion_;
    QLineSeries* roc_;
};

}  // namespace stratum::app
