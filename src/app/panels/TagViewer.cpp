#include "stratum/app/panels/TagViewer.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "stratum/app/MessageLog.h"
#include "stratum/app/Workspace.h"
#include "stratum/io/DicomTags.h"

namespace stratum::app {

TagViewer::TagViewer(const AppContext& context, QWidget* parent)
    : QWidget(parent),
      context_(context),
      path_(new QLabel(this)),
      filter_(new QLineEdit(this)),
      model_(new QStandardItemModel(0, 4, this)),
      proxy_(new QSortFilterProxyModel(this)),
      view_(new QTreeView(this)),
      timer_(new QTimer(this)) {
    // Scrolling changes the file every frame: read headers once the cursor rests.
    timer_->setSingleShot(true);
    timer_->setInterval(80);
    connect(timer_, &QTimer::timeout, this, &TagViewer::refresh);
    model_->setHorizontalHeaderLabels({"Tag", "Name", "VR", "Value"});
    proxy_->setSourceModel(model_);
    proxy_->setFilterKeyColumn(-1);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    view_->setModel(proxy_);
    view_->setRootIsDecorated(false);
    view_->setUniformRowHeights(true);
    view_->setAlternatingRowColors(true);
    view_->setObjectName("tagTable");
    filter_->setPlaceholderText("Search tags (name, tag, value)...");
    filter_->setClearButtonEnabled(true);
    filter_->setObjectName("tagFilter");
    path_->setWordWrap(true);
    path_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(filter_);
    layout->addWidget(view_);
    layout->addWidget(path_);
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    Workspace* ws = context_.workspace;
    connect(ws, &Workspace::currentChanged, this, &TagViewer::refreshSoon);
    connect(ws, &Workspace::cursorChanged, this, &TagViewer::refreshSoon);
    connect(ws, &Workspace::imageReplaced, this, &TagViewer::refreshSoon);
    refreshSoon();
}

void TagViewer::refreshSoon() {
    if (isVisible()) timer_->start();
}

void TagViewer::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refresh();
}

int TagViewer::visibleRows() const {
    return proxy_->rowCount();
}

void TagViewer::refresh() {
    Workspace* ws = context_.workspace;
    const LoadedSeries* s = ws->current();
    ViewerState* v = ws->currentViewer();
    if (!s || !v || s->sliceFiles.empty() || s->sliceFiles.size() != s->image.size()[2]) {
        show(QString());
        return;
    }
    const double k = s->image.geometry().patientToIndex(v->cursor())[2];
    const auto index = static_cast<std::size_t>(
        std::clamp<long>(std::lround(k), 0, long(s->sliceFiles.size()) - 1));
    show(QString::fromStdString(s->sliceFiles[index]));
}

void TagViewer::show(const QString& file) {
    if (file == file_) return;
    file_ = file;
    model_->removeRows(0, model_->rowCount());
    if (file.isEmpty()) {
        path_->setText("No DICOM file for the current image.");
        return;
    }
    try {
        const auto tags = io::dumpDicomTags(file.toStdString());
        model_->setRowCount(static_cast<int>(tags.size()));
        int row = 0;
        for (const io::DicomTagEntry& t : tags) {
            const QString indent(2 * t.depth, ' ');
            model_->setItem(row, 0, new QStandardItem(indent + QString::fromStdString(t.tag)));
            model_->setItem(row, 1, new QStandardItem(QString::fromStdString(t.name)));
            model_->setItem(row, 2, new QStandardItem(QString::fromStdString(t.vr)));
            model_->setItem(row, 3, new QStandardItem(QString::fromStdString(t.value)));
            ++row;
        }
        path_->setText(file);
        view_->resizeColumnToContents(0);
        view_->resizeColumnToContents(1);
        view_->resizeColumnToContents(2);
    } catch (const std::exception& e) {
        path_->setText(QString::fromUtf8(e.what()));
        context_.log->warning(QString("Tag viewer: %1").arg(e.what()));
    }
}

}  // namespace stratum::app
