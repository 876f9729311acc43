#include "stratum/app/ai/ClassificationPanel.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include "stratum/app/MessageLog.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/ai/AiProcess.h"
#include "stratum/app/ai/ClassificationJob.h"
#include "stratum/app/ai/ModelManagerDialog.h"
#include "stratum/app/ai/ProbabilityBars.h"
#include "stratum/app/ai/TrainingDialog.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"

namespace stratum::app {
namespace {

QLabel* pictureLabel(const QString& name, const QString& tip) {
    auto* label = new QLabel;
    label->setObjectName(name);
    label->setToolTip(tip);
    label->setMinimumSize(90, 90);
    label->setAlignment(Qt::AlignCenter);
    label->setFrameShape(QFrame::StyledPanel);
    label->setText(tip);
    label->setWordWrap(true);
    return label;
}

void showPicture(QLabel* label, const QImage& image) {
    if (image.isNull()) return;
    label->setPixmap(
        QPixmap::fromImage(image.scaled(240, 240, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

ClassificationPanel::ClassificationPanel(const AppContext& context, QWidget* parent)
    : QWidget(parent),
      context_(context),
      models_(new QComboBox),
      run_(new QPushButton("Classify Current Image")),
      message_(new QLabel),
      bars_(new ProbabilityBars),
      warnings_(new QLabel),
      colorMap_(new QComboBox),
      opacity_(new QSlider(Qt::Horizontal)),
      threshold_(new QSlider(Qt::Horizontal)),
      overlayView_(pictureLabel("classificationOverlay", "Image with the Grad-CAM heatmap")),
      modelInputView_(pictureLabel("classificationModelInput", "What the model saw")),
      pdf_(new QPushButton("Export PDF...")),
      png_(new QPushButton("Export PNG...")) {
    setObjectName("classificationPanel");
    models_->setObjectName("classifierModels");
    run_->setObjectName("classifyButton");
    message_->setObjectName("classificationMessage");
    warnings_->setObjectName("classificationWarnings");
    message_->setWordWrap(true);
    warnings_->setWordWrap(true);
    warnings_->setStyleSheet("color: #b35900;");
    opacity_->setObjectName("heatmapOpacity");
    threshold_->setObjectName("heatmapThreshold");
    opacity_->setRange(0, 100);
    opacity_->setValue(45);
    threshold_->setRange(0, 100);
    threshold_->setValue(20);
    for (ColorMap m : allColorMaps()) colorMap_->addItem(colorMapName(m), static_cast<int>(m));
    colorMap_->setObjectName("heatmapColorMap");
    pdf_->setObjectName("exportReportPdf");
    png_->setObjectName("exportReportPng");

    auto* manage = new QPushButton("Models...");
    manage->setObjectName("openModelManager");
    auto* train = new QPushButton("Train...");
    train->setObjectName("openTraining");
    train->setToolTip("Train a classifier on a folder of labelled images");
    // Narrow: the right dock area is as wide as its widest panel.
    models_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    models_->setMinimumContentsLength(10);
    colorMap_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    colorMap_->setMinimumContentsLength(6);
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(manage);
    modelRow->addWidget(train);
    auto* heatmapForm = new QFormLayout;
    heatmapForm->addRow("Colour map", colorMap_);
    heatmapForm->addRow("Opacity", opacity_);
    heatmapForm->addRow("Threshold", threshold_);
    auto* pictures = new QHBoxLayout;
    pictures->addWidget(overlayView_);
    pictures->addWidget(modelInputView_);
    auto* exports = new QHBoxLayout;
    exports->addWidget(pdf_);
    exports->addWidget(png_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(models_);
    layout->addLayout(modelRow);
    layout->addWidget(run_);
    layout->addWidget(message_);
    layout->addWidget(bars_);
    layout->addWidget(warnings_);
    layout->addLayout(heatmapForm);
    layout->addLayout(pictures);
    layout->addLayout(exports);
    layout->addStretch(1);

    connect(manage, &QPushButton::clicked, this, &ClassificationPanel::openModelManager);
    connect(run_, &QPushButton::clicked, this, &ClassificationPanel::classify);
    connect(train, &QPushButton::clicked, this, [this] {
        TrainingDialog* dialog = trainingDialog();
        dialog->show();
        dialog->raise();
    });
    connect(opacity_, &QSlider::valueChanged, this, &ClassificationPanel::applyHeatmapSettings);
    connect(threshold_, &QSlider::valueChanged, this, &ClassificationPanel::applyHeatmapSettings);
    connect(colorMap_, &QComboBox::currentIndexChanged, this,
            &ClassificationPanel::applyHeatmapSettings);
    connect(pdf_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, "Export report", "classification-report.pdf", "PDF (*.pdf)");
        if (path.isEmpty()) return;
        try {
            exportPdf(path);
            context_.log->info("Classification report written: " + path);
        } catch (const std::exception& e) {
            context_.log->error(QString::fromUtf8(e.what()));
        }
    });
    connect(png_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, "Export report", "classification-report.png", "PNG (*.png)");
        if (path.isEmpty()) return;
        try {
            exportPng(path);
            context_.log->info("Classification report written: " + path);
        } catch (const std::exception& e) {
            context_.log->error(QString::fromUtf8(e.what()));
        }
    });
    Workspace* ws = context_.workspace;
    connect(ws, &Workspace::currentChanged, this, &ClassificationPanel::showCurrent);
    connect(ws, &Workspace::seriesRemoved, this, [this](int id) {
        results_.remove(id);
        showCurrent();
    });
    refreshModels();
    showCurrent();
}

ClassificationPanel::~ClassificationPanel() = default;

TrainingDialog* ClassificationPanel::trainingDialog() {
    if (training_ == nullptr) {
        training_ = new TrainingDialog(context_, this);
        connect(training_, &TrainingDialog::packageWritten, this, [this](const QString& folder) {
            refreshModels();
            selectModel(folder);
        });
    }
    return training_;
}

void ClassificationPanel::refreshModels() {
    const QString selected = selectedModel();
    packages_.clear();
    for (const ModelPackage& p : ModelCatalog::all())
        if (p.isClassifier()) packages_.push_back(p);
    models_->clear();
    for (const ModelPackage& p : packages_) models_->addItem(p.title(), p.folder);
    if (!selected.isEmpty()) selectModel(selected);
    run_->setEnabled(!packages_.isEmpty() && !running_);
    if (packages_.isEmpty())
        message_->setText("No classification model found (Models... adds a folder).");
}

bool ClassificationPanel::selectModel(const QString& folder) {
    const int index = models_->findData(QDir(folder).absolutePath());
    if (index < 0) return false;
    models_->setCurrentIndex(index);
    return true;
}

QString ClassificationPanel::selectedModel() const {
    return models_->currentData().toString();
}

void ClassificationPanel::openModelManager() {
    ModelManagerDialog dialog(this);
    if (!selectedModel().isEmpty()) dialog.select(selectedModel());
    dialog.exec();
    refreshModels();
}

const ClassificationOutcome* ClassificationPanel::outcome() const {
    const auto it = results_.find(context_.workspace->currentId());
    return it == results_.end() ? nullptr : &it->outcome;
}

int ClassificationPanel::heatmapLayer() const {
    const auto it = results_.find(context_.workspace->currentId());
    return it == results_.end() ? 0 : it->layerId;
}

void ClassificationPanel::classify() {
    const auto fail = [this](const QString& why) {
        message_->setText(why);
        Q_EMIT failed(why);
    };
    const LoadedSeries* s = context_.workspace->current();
    if (s == nullptr) return fail("Open an image first.");
    if (s->image.size()[2] != 1)
        return fail("Classification needs a 2D image (an X-ray, a photo), not a volume.");
    const QString model = selectedModel();
    if (model.isEmpty()) return fail("Choose a classification model first.");
    if (running_) return;
    if (!work_) work_ = std::make_unique<QTemporaryDir>();
    if (!work_->isValid()) return fail("Cannot create a temporary folder.");

    ClassificationJob job;
    job.model = model;
    job.workDir = work_->path();
    job.tag = QString::number(++runs_);
    job.image = s->parentId == 0 ? sourceFileOf(s->key, s->sliceFiles, s->image) : QString();
    const core::Image image = s->image;
    const bool writeInput = job.image.isEmpty();  // derived or in-memory images: a NIfTI copy
    if (writeInput) job.image = QDir(work_->path()).filePath("input-" + job.tag + ".nii.gz");
    const int seriesId = s->id;
    const QString sha = readModelPackage(model).sha256;

    running_ = true;
    run_->setEnabled(false);
    message_->setText("Classifying...");
    context_.tasks->run<ClassificationJob::Result>(
        "Classifying " + text(s->name),
        [job, image, writeInput](const core::Task& task) {
            if (writeInput) io::writeImage(image, job.image.toStdString());
            return job.run(task);
        },
        [this, job, seriesId, sha](ClassificationJob::Result r) {
            running_ = false;
            run_->setEnabled(true);
            if (context_.workspace->find(seriesId) == nullptr) return;  // closed meanwhile
            Result result;
            result.outcome = std::move(r.outcome);
            result.overlay = QImage(job.overlayPath());
            result.modelInput = QImage(job.modelInputPath());
            result.sha256 = sha;
            // Replace this series' previous Grad-CAM layer.
            if (results_.contains(seriesId) && results_[seriesId].layerId != 0)
                if (LayerStack* layers = context_.workspace->layers(seriesId)) {
                    layers->remove(results_[seriesId].layerId);
                    context_.workspace->notifyLayersChanged(seriesId);
                }
            try {
                result.layerId =
                    context_.workspace->addHeatmap("Grad-CAM " + result.outcome.gradCamLabel,
                                                   std::move(r.heatmap), ColorMap::Jet, seriesId);
            } catch (const std::exception& e) {
                context_.log->error(QString("Grad-CAM layer: %1").arg(QString::fromUtf8(e.what())));
            }
            results_[seriesId] = std::move(result);
            const ClassificationOutcome& o = results_[seriesId].outcome;
            applyHeatmapSettings();
            context_.log->info(QString("Classification (%1 %2): %3 %4%")
                                   .arg(o.modelName, o.modelVersion, o.labels.value(o.predicted))
                                   .arg(100.0 * o.probabilities.value(o.predicted), 0, 'f', 1));
            for (const QString& w : o.warnings) context_.log->warning("Classification: " + w);
            showCurrent();
            Q_EMIT classified(seriesId);
        },
        [this](std::exception_ptr e) {
            running_ = false;
            run_->setEnabled(true);
            QString why;
            bool refused = false;
            try {
                std::rethrow_exception(e);
            } catch (const core::Cancelled&) {
                why = "Classification cancelled.";
            } catch (const AiProcessError& x) {
                refused = true;
                // The CLI refused the run: an input failing the manifest's checks (a
                // colour image for a grey model, another modality...) is refused with
                // this message, not classified; the panel shows it as its warning.
                why = "Classification failed: " + QString::fromUtf8(x.what());
                context_.log->warning(why);
                warnings_->setText("Not classified: " + QString::fromUtf8(x.what()));
            } catch (const std::exception& x) {
                why = "Classification failed: " + QString::fromUtf8(x.what());
                context_.log->error(why);
            }
            message_->setText(refused ? QString("stratum-ai refused the run (below).") : why);
            Q_EMIT failed(why);
        });
}

void ClassificationPanel::applyHeatmapSettings() {
    const int seriesId = context_.workspace->currentId();
    const auto it = results_.find(seriesId);
    if (it == results_.end() || it->layerId == 0) return;
    LayerStack* layers = context_.workspace->layers(seriesId);
    OverlayLayer* layer = layers ? layers->find(it->layerId) : nullptr;
    if (layer == nullptr) return;
    layer->opacity = opacity_->value() / 100.0;
    layer->threshold = threshold_->value() / 100.0;
    layer->rangeMin = 0.0;
    layer->rangeMax = 1.0;
    layer->colorMap = static_cast<ColorMap>(colorMap_->currentData().toInt());
    context_.workspace->notifyLayersChanged(seriesId);
}

void ClassificationPanel::setHeatmapOpacity(double opacity) {
    opacity_->setValue(static_cast<int>(opacity * 100 + 0.5));
}
void ClassificationPanel::setHeatmapThreshold(double threshold) {
    threshold_->setValue(static_cast<int>(threshold * 100 + 0.5));
}

void ClassificationPanel::showCurrent() {
    const auto it = results_.find(context_.workspace->currentId());
    const bool has = it != results_.end();
    pdf_->setEnabled(has);
    png_->setEnabled(has);
    if (!has) {
        bars_->clear();
        warnings_->clear();
        overlayView_->setPixmap({});
        overlayView_->setText(overlayView_->toolTip());
        modelInputView_->setPixmap({});
        modelInputView_->setText(modelInputView_->toolTip());
        if (!running_ && !packages_.isEmpty())
            message_->setText("Classify the current 2D image with the chosen model.");
        return;
    }
    const ClassificationOutcome& o = it->outcome;
    bars_->setProbabilities(o.labels, o.probabilities);
    warnings_->setText(o.warnings.join('\n'));
    message_->setText(
        QString("%1 %2 on %3. %4").arg(o.modelName, o.modelVersion, o.device, o.disclaimer));
    showPicture(overlayView_, it->overlay);
    showPicture(modelInputView_, it->modelInput);
}

ClassificationReport ClassificationPanel::report() const {
    const int id = context_.workspace->currentId();
    const auto it = results_.find(id);
    if (it == results_.end())
        throw core::InvalidArgument("no classification result for the current series");
    ClassificationReport r;
    if (const LoadedSeries* s = context_.workspace->find(id)) {
        const core::ImageMetadata& m = s->image.metadata();
        r.patientName = text(m.patient.name);
        r.patientId = text(m.patient.id);
        r.studyDate = text(m.study.date);
        r.studyDescription = text(m.study.description);
        r.seriesDescription = text(m.series.description);
        r.modality = text(m.series.modality);
    }
    r.overlay = it->overlay;
    r.modelInput = it->modelInput;
    r.outcome = it->outcome;
    r.modelSha256 = it->sha256;
    return r;
}

void ClassificationPanel::exportPdf(const QString& path) const {
    report().writePdf(path);
}
void ClassificationPanel::exportPng(const QString& path) const {
    report().writePng(path);
}

}  // namespace stratum::app
