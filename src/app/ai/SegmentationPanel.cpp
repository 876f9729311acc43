#include "stratum/app/ai/SegmentationPanel.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "stratum/app/MessageLog.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/ai/SegmentationJob.h"
#include "stratum/core/Error.h"
#include "stratum/io/DicomSeg.h"
#include "stratum/io/ImageIO.h"
#ifdef STRATUM_HAVE_MESH
#include <QMainWindow>

#include "stratum/app/view3d/View3DPanel.h"
#endif

namespace stratum::app {
namespace {

// Names and colours of the manifest's labels (colours: the manifest's, else defaults).
void labelsOf(const ModelPackage& p, QStringList& names, LabelColorTable& colours) {
    names = p.labels;
    const QJsonArray labels = p.manifest.value("labels").toArray();
    for (int i = 0; i < labels.size(); ++i) {
        colours.setName(i, p.labels.value(i).toStdString());
        const QJsonArray c = labels[i].toObject().value("colour").toArray();
        if (c.size() == 3)
            colours.setColor(i, Rgb{static_cast<std::uint8_t>(c[0].toInt()),
                                    static_cast<std::uint8_t>(c[1].toInt()),
                                    static_cast<std::uint8_t>(c[2].toInt())});
    }
}

}  // namespace

SegmentationPanel::SegmentationPanel(const AppContext& context, QWidget* parent)
    : QWidget(parent),
      context_(context),
      models_(new QComboBox),
      run_(new QPushButton("Segment Current Series")),
      save_(new QPushButton("Save Label Map...")),
      saveSeg_(new QPushButton("Save as DICOM SEG...")),
      to3D_(new QPushButton("Surfaces in 3D")),
      message_(new QLabel),
      table_(new QTableWidget(0, 5)) {
    setObjectName("segmentationPanel");
    models_->setObjectName("segmenterModels");
    run_->setObjectName("segmentButton");
    save_->setObjectName("saveLabelMap");
    message_->setObjectName("segmentationMessage");
    message_->setWordWrap(true);
    table_->setObjectName("labelTable");
    models_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    models_->setMinimumContentsLength(10);
    table_->setMinimumWidth(100);
    table_->setHorizontalHeaderLabels({"", "Show", "Label", "Voxels", "Volume (mL)"});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(models_);
    layout->addWidget(run_);
    layout->addWidget(message_);
    layout->addWidget(table_, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(save_);
    buttons->addWidget(to3D_);
    layout->addLayout(buttons);
    layout->addWidget(saveSeg_);
    saveSeg_->setObjectName("saveDicomSeg");
    saveSeg_->setToolTip("A DICOM Segmentation object on the grid of the series' DICOM files");
    connect(saveSeg_, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, "Save as DICOM SEG", "seg.dcm", "DICOM SEG (*.dcm)");
        if (!path.isEmpty()) saveDicomSeg(path);
    });
    to3D_->setObjectName("segmentationTo3D");
    to3D_->setToolTip("Surfaces of the visible labels in the 3D view (2x2 layout)");
#ifndef STRATUM_HAVE_MESH
    to3D_->hide();
#endif
    connect(to3D_, &QPushButton::clicked, this, &SegmentationPanel::showIn3D);

    connect(run_, &QPushButton::clicked, this, &SegmentationPanel::segment);
    connect(save_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, "Save label map", "labels.nii.gz", "Label maps (*.nii.gz *.nii *.nrrd *.mha)");
        if (path.isEmpty()) return;
        try {
            saveLabelMap(path);
            context_.log->info("Label map written: " + path);
        } catch (const std::exception& e) {
            context_.log->error(QString::fromUtf8(e.what()));
        }
    });
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (filling_ || item->column() != VisibleColumn) return;
        setLabelVisible(item->data(Qt::UserRole).toInt(), item->checkState() == Qt::Checked);
    });
    Workspace* ws = context_.workspace;
    connect(ws, &Workspace::currentChanged, this, &SegmentationPanel::showCurrent);
    connect(ws, &Workspace::seriesRemoved, this, [this](int id) {
        results_.remove(id);
        showCurrent();
    });
    refreshModels();
    showCurrent();
}

SegmentationPanel::~SegmentationPanel() = default;

void SegmentationPanel::showEvent(QShowEvent* event) {
    if (!running_) refreshModels();
    QWidget::showEvent(event);
}

void SegmentationPanel::refreshModels() {
    const QString selected = selectedModel();
    packages_.clear();
    for (const ModelPackage& p : ModelCatalog::all())
        if (p.isSegmenter()) packages_.push_back(p);
    models_->clear();
    for (const ModelPackage& p : packages_) models_->addItem(p.title(), p.folder);
    if (!selected.isEmpty()) selectModel(selected);
    run_->setEnabled(!packages_.isEmpty() && !running_);
    if (packages_.isEmpty())
        message_->setText("No segmentation model found (the model manager adds folders).");
}

bool SegmentationPanel::selectModel(const QString& folder) {
    const int index = models_->findData(QDir(folder).absolutePath());
    if (index < 0) return false;
    models_->setCurrentIndex(index);
    return true;
}

QString SegmentationPanel::selectedModel() const {
    return models_->currentData().toString();
}

int SegmentationPanel::labelLayer() const {
    const auto it = results_.find(context_.workspace->currentId());
    return it == results_.end() ? 0 : it->layerId;
}

void SegmentationPanel::segment() {
    const auto fail = [this](const QString& why) {
        message_->setText(why);
        Q_EMIT failed(why);
    };
    const LoadedSeries* s = context_.workspace->current();
    if (s == nullptr) return fail("Open a series first.");
    const QString model = selectedModel();
    if (model.isEmpty()) return fail("Choose a segmentation model first.");
    if (running_) return;
    if (!work_) work_ = std::make_unique<QTemporaryDir>();
    if (!work_->isValid()) return fail("Cannot create a temporary folder.");
    SegmentationJob job;
    job.model = model;
    job.workDir = work_->path();
    job.tag = QString::number(++runs_);
    job.volume = s->image;
    const int seriesId = s->id;
    const ModelPackage package = readModelPackage(model);

    running_ = true;
    run_->setEnabled(false);
    message_->setText("Segmenting...");
    context_.tasks->run<SegmentationJob::Result>(
        "Segmenting " + QString::fromStdString(s->name),
        [job](const core::Task& task) { return job.run(task); },
        [this, seriesId, package](SegmentationJob::Result r) {
            running_ = false;
            run_->setEnabled(true);
            if (context_.workspace->find(seriesId) == nullptr) return;
            if (results_.contains(seriesId) && results_[seriesId].layerId != 0)
                if (LayerStack* layers = context_.workspace->layers(seriesId))
                    layers->remove(results_[seriesId].layerId);
            Result result;
            labelsOf(package, result.names, result.colours);
            result.modelName = package.name;
            result.modelVersion = package.version;
            result.labels = std::move(r.labels);
            result.voxels = countLabels(result.labels, static_cast<int>(result.names.size()));
            result.voxelMl = voxelMillilitres(result.labels);
            results_[seriesId] = std::move(result);
            rebuildLayer(seriesId);
            context_.log->info(
                QString("Segmentation (%1): %2").arg(package.title(), r.cliText.simplified()));
            message_->setText(
                QString("Segmented with %1. %2").arg(package.title(), package.disclaimer));
            showCurrent();
            Q_EMIT segmented(seriesId);
        },
        [this](std::exception_ptr e) {
            running_ = false;
            run_->setEnabled(true);
            QString why;
            try {
                std::rethrow_exception(e);
            } catch (const core::Cancelled&) {
                why = "Segmentation cancelled.";
            } catch (const std::exception& x) {
                why = "Segmentation failed: " + QString::fromUtf8(x.what());
                context_.log->error(why);
            }
            message_->setText(why);
            Q_EMIT failed(why);
        });
}

// The layer shows the label map with the hidden labels set to 0 (never drawn).
void SegmentationPanel::rebuildLayer(int seriesId) {
    Result& r = results_[seriesId];
    core::Image shown = r.labels;
    if (!r.hidden.isEmpty()) {
        shown = r.labels.clone();
        core::dispatchPixelType(shown.pixelType(), [&](auto zero) {
            using T = decltype(zero);
            for (T& v : shown.pixels<T>())
                if (r.hidden.contains(static_cast<int>(v))) v = T{};
        });
    }
    LayerStack* layers = context_.workspace->layers(seriesId);
    if (OverlayLayer* layer = layers && r.layerId ? layers->find(r.layerId) : nullptr) {
        layer->image = shown;
        context_.workspace->notifyLayersChanged(seriesId);
        return;
    }
    try {
        r.layerId = context_.workspace->addLabelMap("Segmentation", shown, r.colours, seriesId);
    } catch (const std::exception& e) {
        context_.log->error(QString("Segmentation layer: %1").arg(QString::fromUtf8(e.what())));
    }
}

void SegmentationPanel::setLabelVisible(int label, bool visible) {
    const int id = context_.workspace->currentId();
    if (!results_.contains(id)) return;
    if (visible)
        results_[id].hidden.remove(label);
    else
        results_[id].hidden.insert(label);
    rebuildLayer(id);
}

bool SegmentationPanel::showIn3D() {
    if (labelLayer() == 0) return false;
#ifdef STRATUM_HAVE_MESH
    // The 3D panel meshes the top label layer of the current series: this one.
    auto* view3D = context_.window ? context_.window->findChild<View3DPanel*>() : nullptr;
    if (view3D == nullptr) return false;
    view3D->buildLabelSurfaces();
    return true;
#else
    return false;
#endif
}

void SegmentationPanel::saveLabelMap(const QString& path) const {
    const auto it = results_.find(context_.workspace->currentId());
    if (it == results_.end()) throw core::InvalidArgument("no label map for the current series");
    io::writeImage(it->labels, path.toStdString());
}

bool SegmentationPanel::canSaveDicomSeg() const {
    const LoadedSeries* s = context_.workspace->current();
    if (s == nullptr || !results_.contains(s->id) || s->sliceFiles.empty()) return false;
    return std::none_of(s->sliceFiles.begin(), s->sliceFiles.end(),
                        [](const std::string& f) { return f.empty(); });
}

void SegmentationPanel::saveDicomSeg(const QString& path) {
    if (!canSaveDicomSeg()) {
        const QString why = "Save as DICOM SEG needs a label map of a series read from DICOM.";
        message_->setText(why);
        Q_EMIT failed(why);
        return;
    }
    const LoadedSeries* s = context_.workspace->current();
    const Result& r = results_[s->id];
    // The label map lies on the series' grid by construction (the CLI segmented a copy
    // of this very volume): take the series' geometry exactly, not the NIfTI round trip's.
    core::Image labels = r.labels;
    labels.setGeometry(s->image.geometry());
    std::vector<io::SegmentInfo> segments;
    for (int l = 1; l < r.names.size(); ++l) {
        io::SegmentInfo info;
        info.labelValue = static_cast<unsigned>(l);
        info.name = r.names[l].toStdString();
        const Rgb c = r.colours.color(l);
        info.colour = {c.r, c.g, c.b};
        info.algorithmName = r.modelName.toStdString();
        segments.push_back(std::move(info));
    }
    io::DicomSegWriteOptions options;
    options.algorithmVersion = r.modelVersion.toStdString();
    const std::filesystem::path source = std::filesystem::path(s->sliceFiles.front()).parent_path();
    const std::filesystem::path out = path.toStdString();
    message_->setText("Writing the DICOM SEG...");
    context_.tasks->run<QString>(
        "Writing " + QFileInfo(path).fileName(),
        [labels, segments, source, out, options](const core::Task& task) {
            const io::DicomSegWriteResult w =
                io::writeDicomSeg(labels, segments, source, out, options, task);
            return QString("%1 segments, %2 frames").arg(w.segmentLabels.size()).arg(w.frames);
        },
        [this, path](QString summary) {
            message_->setText("DICOM SEG written: " + path + " (" + summary + ").");
            context_.log->info("DICOM SEG written: " + path + " (" + summary + ")");
            Q_EMIT dicomSegWritten(path);
        },
        [this](std::exception_ptr e) {
            QString why;
            try {
                std::rethrow_exception(e);
            } catch (const core::Cancelled&) {
                why = "DICOM SEG not written (cancelled).";
            } catch (const std::exception& x) {
                why = "DICOM SEG not written: " + QString::fromUtf8(x.what());
                context_.log->error(why);
            }
            message_->setText(why);
            Q_EMIT failed(why);
        });
}

void SegmentationPanel::showCurrent() {
    const auto it = results_.find(context_.workspace->currentId());
    filling_ = true;
    table_->setRowCount(0);
    save_->setEnabled(it != results_.end());
    saveSeg_->setEnabled(canSaveDicomSeg());
    to3D_->setEnabled(it != results_.end());
    if (it != results_.end()) {
        const Result& r = *it;
        for (int l = 1; l < r.names.size(); ++l) {  // label 0: background
            const int row = table_->rowCount();
            table_->insertRow(row);
            const Rgb c = r.colours.color(l);
            auto* colour = new QTableWidgetItem;
            colour->setBackground(QColor(c.r, c.g, c.b));
            auto* visible = new QTableWidgetItem;
            visible->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            visible->setCheckState(r.hidden.contains(l) ? Qt::Unchecked : Qt::Checked);
            visible->setData(Qt::UserRole, l);
            const std::uint64_t n = r.voxels[static_cast<std::size_t>(l)];
            table_->setItem(row, ColourColumn, colour);
            table_->setItem(row, VisibleColumn, visible);
            table_->setItem(row, NameColumn,
                            new QTableWidgetItem(QString("%1 %2").arg(l).arg(r.names[l])));
            table_->setItem(row, VoxelsColumn, new QTableWidgetItem(QString::number(n)));
            table_->setItem(row, VolumeColumn,
                            new QTableWidgetItem(QString::number(double(n) * r.voxelMl, 'f', 2)));
        }
        table_->resizeColumnToContents(ColourColumn);
        table_->resizeColumnToContents(VisibleColumn);
    }
    filling_ = false;
}

}  // namespace stratum::app
