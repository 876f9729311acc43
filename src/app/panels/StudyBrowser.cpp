#include "stratum/app/panels/StudyBrowser.h"

#include <QAction>
#include <QFileInfo>
#include <QHeaderView>
#include <QIcon>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "stratum/app/Workspace.h"

namespace stratum::app {

namespace {

enum Column { kName, kModality, kImages, kColumns };
constexpr int kEntryRole = Qt::UserRole + 1;  // index into entries_, -1: not a series
constexpr int kKeyRole = Qt::UserRole + 2;    // path or series key
constexpr int kSeriesIdRole = Qt::UserRole + 3;

QString date(const std::string& da) {
    if (da.size() != 8) return QString::fromStdString(da);
    return QString::fromStdString(da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2));
}

QString personName(const std::string& pn) {
    QString s = QString::fromStdString(pn);
    s.replace('^', ' ');
    return s.trimmed().isEmpty() ? QStringLiteral("(no name)") : s.trimmed();
}

}  // namespace

StudyBrowser::StudyBrowser(const AppContext& context, QWidget* parent)
    : QWidget(parent),
      context_(context),
      tree_(new QTreeWidget(this)),
      loaded_(new QListWidget(this)) {
    tree_->setObjectName("studyTree");
    tree_->setColumnCount(kColumns);
    tree_->setHeaderLabels({"Patient / study / series", "Mod.", "Images"});
    tree_->setHeaderHidden(false);
    tree_->setIconSize(QSize(48, 48));
    tree_->setUniformRowHeights(false);
    tree_->header()->setSectionResizeMode(kName, QHeaderView::Stretch);
    tree_->header()->setSectionResizeMode(kModality, QHeaderView::ResizeToContents);
    tree_->header()->setSectionResizeMode(kImages, QHeaderView::ResizeToContents);
    tree_->header()->setStretchLastSection(false);
    tree_->setRootIsDecorated(true);
    loaded_->setObjectName("loadedSeries");

    auto* splitter = new QSplitter(Qt::Vertical, this);
    auto* top = new QWidget(splitter);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(tree_);
    auto* bottom = new QWidget(splitter);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addWidget(new QLabel("Loaded series (Delete closes):", bottom));
    bottomLayout->addWidget(loaded_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(splitter);

    connect(tree_, &QTreeWidget::itemDoubleClicked, this,
            [this](QTreeWidgetItem* item) { activate(item); });
    connect(tree_, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem* item) { activate(item); });
    connect(loaded_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        context_.workspace->setCurrent(item->data(kSeriesIdRole).toInt());
    });
    connect(context_.loader, &StudyLoader::scanned, this, &StudyBrowser::addScan);
    connect(context_.loader, &StudyLoader::loaded, this, &StudyBrowser::addFile);
    connect(context_.loader, &StudyLoader::thumbnailReady, this,
            [this](const QString& key, const QImage& image) {
                if (QTreeWidgetItem* item = seriesItems_.value(key))
                    item->setIcon(kName, QIcon(QPixmap::fromImage(image)));
            });
    Workspace* ws = context_.workspace;
    connect(ws, &Workspace::seriesAdded, this, &StudyBrowser::refreshLoaded);
    connect(ws, &Workspace::seriesRemoved, this, &StudyBrowser::refreshLoaded);
    connect(ws, &Workspace::currentChanged, this, &StudyBrowser::refreshLoaded);

    // Delete closes the selected loaded series.
    auto* closeAction = new QAction("Close series", loaded_);
    closeAction->setShortcut(QKeySequence::Delete);
    closeAction->setShortcutContext(Qt::WidgetShortcut);
    connect(closeAction, &QAction::triggered, this, [this] {
        if (QListWidgetItem* item = loaded_->currentItem())
            context_.workspace->removeSeries(item->data(kSeriesIdRole).toInt());
    });
    loaded_->addAction(closeAction);
    loaded_->setContextMenuPolicy(Qt::ActionsContextMenu);
}

ScannedSeries StudyBrowser::seriesOf(const QTreeWidgetItem* item) const {
    if (!item) return {};
    const int entry = item->data(kName, kEntryRole).toInt();
    if (item->data(kName, kEntryRole).isNull() || entry < 0 ||
        entry >= static_cast<int>(entries_.size()))
        return {};
    return entries_[static_cast<std::size_t>(entry)];
}

QTreeWidgetItem* StudyBrowser::patientItem(const io::DicomPatient& patient) {
    const QString key =
        QString::fromStdString("patient:" + patient.patient.id + "|" + patient.patient.name);
    for (int i = 0; i < tree_->topLevelItemCount(); ++i)
        if (tree_->topLevelItem(i)->data(kName, kKeyRole).toString() == key)
            return tree_->topLevelItem(i);
    auto* item = new QTreeWidgetItem(tree_);
    QString text = personName(patient.patient.name);
    if (!patient.patient.id.empty())
        text += QString(" (%1)").arg(QString::fromStdString(patient.patient.id));
    item->setText(kName, text);
    item->setToolTip(kName, QString("Born %1, sex %2")
                                .arg(date(patient.patient.birthDate),
                                     QString::fromStdString(patient.patient.sex)));
    item->setData(kName, kKeyRole, key);
    item->setData(kName, kEntryRole, -1);
    item->setExpanded(true);
    return item;
}

QTreeWidgetItem* StudyBrowser::studyItem(QTreeWidgetItem* patient, const io::DicomStudy& study) {
    const QString key = QString::fromStdString("study:" + study.study.instanceUid);
    for (int i = 0; i < patient->childCount(); ++i)
        if (patient->child(i)->data(kName, kKeyRole).toString() == key) return patient->child(i);
    auto* item = new QTreeWidgetItem(patient);
    QString text = QString::fromStdString(study.study.description);
    if (text.isEmpty()) text = QStringLiteral("Study");
    if (!study.study.date.empty()) text += QString(" (%1)").arg(date(study.study.date));
    item->setText(kName, text);
    item->setToolTip(kName, QString("Study %1, accession %2, %3")
                                .arg(QString::fromStdString(study.study.id),
                                     QString::fromStdString(study.study.accessionNumber),
                                     date(study.study.date)));
    item->setData(kName, kKeyRole, key);
    item->setData(kName, kEntryRole, -1);
    item->setExpanded(true);
    return item;
}

void StudyBrowser::addScan(const QString&, std::shared_ptr<const io::DicomScan> scan) {
    scans_.push_back(scan);
    for (const io::DicomPatient& patient : scan->patients) {
        QTreeWidgetItem* p = patientItem(patient);
        for (const io::DicomStudy& study : patient.studies) {
            QTreeWidgetItem* st = studyItem(p, study);
            for (const io::DicomSeries& series : study.series) {
                const QString key = QString::fromStdString(StudyLoader::seriesKey(series));
                if (seriesItems_.contains(key)) continue;
                auto* item = new QTreeWidgetItem(st);
                item->setText(kName, StudyLoader::seriesName(series));
                item->setText(kModality, QString::fromStdString(series.series.modality));
                item->setText(kImages,
                              QString::number(static_cast<qulonglong>(series.frameCount())));
                item->setToolTip(kName, QString("%1\n%2").arg(
                                            QString::fromStdString(series.summary()),
                                            date(series.series.date.empty() ? study.study.date
                                                                            : series.series.date)));
                item->setData(kName, kKeyRole, key);
                item->setData(kName, kEntryRole, static_cast<int>(entries_.size()));
                entries_.push_back({scan, &series});
                seriesItems_.insert(key, item);
            }
        }
    }
    for (int c = kModality; c < kColumns; ++c) tree_->resizeColumnToContents(c);
}

void StudyBrowser::addFile(int seriesId) {
    const LoadedSeries* s = context_.workspace->find(seriesId);
    if (!s) return;
    const QString key = QString::fromStdString(s->key);
    if (seriesItems_.contains(key)) return;
    // DICOM series are in the tree already (by their scan); files get an entry of their own.
    if (!QFileInfo::exists(key)) return;
    auto* item = new QTreeWidgetItem(tree_);
    item->setText(kName, QFileInfo(key).fileName());
    item->setText(kModality, QString::fromStdString(s->image.metadata().series.modality));
    item->setText(kImages, QString::number(static_cast<qulonglong>(s->image.size()[2])));
    item->setToolTip(kName, key);
    item->setData(kName, kKeyRole, key);
    item->setData(kName, kEntryRole, -1);
    seriesItems_.insert(key, item);
}

void StudyBrowser::activate(QTreeWidgetItem* item) {
    if (!item) return;
    if (const ScannedSeries s = seriesOf(item)) {
        context_.loader->loadSeries(s);
        return;
    }
    const QString key = item->data(kName, kKeyRole).toString();
    if (QFileInfo::exists(key) && QFileInfo(key).isFile()) context_.loader->loadFile(key);
}

void StudyBrowser::refreshLoaded() {
    loaded_->clear();
    const Workspace* ws = context_.workspace;
    for (const LoadedSeries& s : ws->series().all()) {
        QString text = QString::fromStdString(s.name);
        if (s.parentId) text = QString::fromUtf8("\u21b3 ") + text;
        auto* item = new QListWidgetItem(text, loaded_);
        item->setData(kSeriesIdRole, s.id);
        item->setToolTip(QString::fromStdString(s.operation.empty() ? s.key : s.operation));
        if (s.id == ws->currentId()) {
            QFont f = item->font();
            f.setBold(true);
            item->setFont(f);
            loaded_->setCurrentItem(item);
        }
    }
}

}  // namespace stratum::app
