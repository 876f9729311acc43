#include "stratum/app/panels/MeasurementPanel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "stratum/app/Workspace.h"
#include "stratum/app/model/OrientationLabels.h"

namespace stratum::app {

namespace {
constexpr int kIdRole = Qt::UserRole + 1;
}

MeasurementPanel::MeasurementPanel(const AppContext& context, QWidget* parent)
    : QWidget(parent), context_(context), table_(new QTreeWidget(this)) {
    table_->setObjectName("measurementTable");
    table_->setColumnCount(4);
    table_->setHeaderLabels({"#", "Kind", "Value", "Plane"});
    table_->setRootIsDecorated(false);
    table_->header()->setStretchLastSection(false);
    table_->header()->setSectionResizeMode(2, QHeaderView::Stretch);
    auto* remove = new QPushButton("Delete", this);
    remove->setObjectName("deleteMeasurement");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(table_);
    auto* row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(remove);
    layout->addLayout(row);

    auto* del = new QAction("Delete measurement", table_);
    del->setShortcut(QKeySequence::Delete);
    del->setShortcutContext(Qt::WidgetShortcut);
    table_->addAction(del);
    connect(del, &QAction::triggered, this, &MeasurementPanel::deleteSelected);
    connect(remove, &QPushButton::clicked, this, &MeasurementPanel::deleteSelected);
    connect(table_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        Workspace* ws = context_.workspace;
        const Measurement* m =
            ws->measurements().find(ws->currentKey().toStdString(), item->data(0, kIdRole).toInt());
        ViewerState* v = ws->currentViewer();
        if (!m || !v || m->points.empty()) return;
        v->setCursor(m->points.front());
        ws->notifyCursorChanged();
    });
    Workspace* ws = context_.workspace;
    connect(ws, &Workspace::currentChanged, this, &MeasurementPanel::refresh);
    connect(ws, &Workspace::measurementsChanged, this, &MeasurementPanel::refresh);
    refresh();
}

void MeasurementPanel::deleteSelected() {
    QTreeWidgetItem* item = table_->currentItem();
    if (!item) return;
    context_.workspace->removeMeasurement(item->data(0, kIdRole).toInt());
}

void MeasurementPanel::refresh() {
    table_->clear();
    Workspace* ws = context_.workspace;
    for (const Measurement& m : ws->measurements().list(ws->currentKey().toStdString())) {
        auto* item = new QTreeWidgetItem(table_);
        item->setText(0, QString::number(m.id));
        item->setText(1, measurementKindName(m.kind));
        item->setText(2, QString::fromStdString(m.text()));
        item->setText(3, QString::fromStdString(planeOfNormal(m.normal)));
        item->setToolTip(2, QString::fromStdString(m.text()));
        item->setData(0, kIdRole, m.id);
    }
    for (int c : {0, 1, 3}) table_->resizeColumnToContents(c);
}

}  // namespace stratum::app
