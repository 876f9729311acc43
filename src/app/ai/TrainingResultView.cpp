#include "stratum/app/ai/TrainingResultView.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLineSeries>
#include <QTableWidget>
#include <QValueAxis>

namespace stratum::app {

TrainingResultView::TrainingResultView(QWidget* parent)
    : QWidget(parent), confusion_(new QTableWidget), roc_(new QLineSeries) {
    setObjectName("trainingResult");
    confusion_->setObjectName("confusionMatrix");
    confusion_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    confusion_->setToolTip("Validation confusion matrix: rows true label, columns predicted");
    roc_->setName("ROC (validation)");
    auto* chart = new QChart;
    chart->setTitle("ROC curve (validation)");
    auto* x = new QValueAxis;
    auto* y = new QValueAxis;
    x->setTitleText("false positive rate");
    y->setTitleText("true positive rate");
    x->setRange(0, 1);
    y->setRange(0, 1);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    chart->addSeries(roc_);
    roc_->attachAxis(x);
    roc_->attachAxis(y);
    chart->legend()->hide();
    auto* view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 220);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(confusion_);
    layout->addWidget(view);
}

void TrainingResultView::clear() {
    confusion_->clear();
    confusion_->setRowCount(0);
    confusion_->setColumnCount(0);
    roc_->clear();
}

void TrainingResultView::setResult(const QJsonObject& result) {
    clear();
    QStringList labels;
    for (const QJsonValue& l : result.value("labels").toArray()) labels << l.toString();
    const QJsonArray matrix =
        result.value("validation").toObject().value("confusion_matrix").toArray();
    confusion_->setRowCount(static_cast<int>(matrix.size()));
    confusion_->setColumnCount(static_cast<int>(matrix.size()));
    QStringList rows, columns;
    for (const QString& l : labels) {
        rows << "true " + l;
        columns << "predicted " + l;
    }
    confusion_->setVerticalHeaderLabels(rows);
    confusion_->setHorizontalHeaderLabels(columns);
    for (int r = 0; r < matrix.size(); ++r) {
        const QJsonArray row = matrix[r].toArray();
        for (int c = 0; c < row.size(); ++c) {
            auto* item = new QTableWidgetItem(QString::number(row[c].toInteger()));
            item->setTextAlignment(Qt::AlignCenter);
            if (r == c) item->setBackground(QColor(210, 240, 210));
            confusion_->setItem(r, c, item);
        }
    }
    confusion_->resizeColumnsToContents();
    for (const QJsonValue& p : result.value("validation_roc").toArray())
        roc_->append(p.toObject().value("fpr").toDouble(), p.toObject().value("tpr").toDouble());
}

}  // namespace stratum::app
