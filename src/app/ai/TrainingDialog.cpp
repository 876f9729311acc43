#include "stratum/app/ai/TrainingDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "stratum/app/MessageLog.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/ai/AiProcess.h"
#include "stratum/app/ai/ModelCatalog.h"
#include "stratum/app/ai/TrainingCharts.h"
#include "stratum/app/ai/TrainingResultView.h"
#include "stratum/core/Error.h"

namespace stratum::app {
namespace {

QWidget* withButton(QLineEdit* edit, QPushButton* button) {
    auto* w = new QWidget;
    auto* l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(edit, 1);
    l->addWidget(button);
    return w;
}

}  // namespace

TrainingDialog::TrainingDialog(const AppContext& context, QWidget* parent)
    : QDialog(parent),
      context_(context),
      task_(new QComboBox),
      data_(new QLineEdit),
      labels_(new QLineEdit),
      output_(new QLineEdit),
      architecture_(new QComboBox),
      width_(new QSpinBox),
      inputSize_(new QSpinBox),
      depth_(new QSpinBox),
      patch_(new QSpinBox),
      iterations_(new QSpinBox),
      epochs_(new QSpinBox),
      batch_(new QSpinBox),
      learningRate_(new QDoubleSpinBox),
      validation_(new QDoubleSpinBox),
      augment_(new QCheckBox("Augmentation (rotation, scale, shift, contrast, noise...)")),
      start_(new QPushButton("Train")),
      cancel_(new QPushButton("Cancel Training")),
      progress_(new QProgressBar),
      status_(new QLabel),
      charts_(new TrainingCharts),
      result_(new TrainingResultView) {
    setWindowTitle("Train a Model");
    setObjectName("trainingDialog");
    task_->addItems({"classification", "segmentation"});
    task_->setObjectName("trainingTask");
    width_->setRange(1, 256);
    inputSize_->setRange(16, 1024);
    depth_->setRange(1, 7);
    patch_->setRange(8, 512);
    iterations_->setRange(1, 100000);
    epochs_->setRange(1, 1000);
    batch_->setRange(2, 1024);
    learningRate_->setDecimals(6);
    learningRate_->setRange(1e-6, 1.0);
    learningRate_->setSingleStep(1e-4);
    validation_->setRange(0.0, 0.9);
    validation_->setSingleStep(0.05);
    progress_->setRange(0, 1000);
    status_->setObjectName("trainingStatus");
    status_->setWordWrap(true);
    start_->setObjectName("startTraining");
    cancel_->setObjectName("cancelTraining");

    auto* browseData = new QPushButton("Browse...");
    auto* browseLabels = new QPushButton("Browse...");
    auto* browseOutput = new QPushButton("Browse...");
    auto* form = new QFormLayout;
    form_ = form;
    form->addRow("Task", task_);
    form->addRow("Data (one folder per class)", withButton(data_, browseData));
    form->addRow("Labels (same file names)", withButton(labels_, browseLabels));
    form->addRow("Package to write", withButton(output_, browseOutput));
    form->addRow("Architecture", architecture_);
    form->addRow("Width", width_);
    form->addRow("Input size (pixels)", inputSize_);
    form->addRow("Depth (levels)", depth_);
    form->addRow("Patch (voxels per axis)", patch_);
    form->addRow("Iterations per epoch", iterations_);
    form->addRow("Epochs", epochs_);
    form->addRow("Batch size", batch_);
    form->addRow("Learning rate", learningRate_);
    form->addRow("Validation fraction", validation_);
    form->addRow("", augment_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(start_);
    buttons->addWidget(cancel_);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(charts_, 2);
    layout->addWidget(result_, 1);
    resize(860, 900);
    setSettings(TrainingSettings{});
    setRunning(false);

    connect(task_, &QComboBox::currentIndexChanged, this, [this](int index) {
        showTask(index == 1 ? TrainingSettings::Task::Segmentation
                            : TrainingSettings::Task::Classification);
    });
    connect(browseData, &QPushButton::clicked, this, [this] { browse(data_, "Training data"); });
    connect(browseLabels, &QPushButton::clicked, this, [this] { browse(labels_, "Label maps"); });
    connect(browseOutput, &QPushButton::clicked, this,
            [this] { browse(output_, "New package folder"); });
    connect(start_, &QPushButton::clicked, this, &TrainingDialog::start);
    connect(cancel_, &QPushButton::clicked, this, &TrainingDialog::cancel);
    connect(context_.tasks, &TaskRunner::progress, this, &TrainingDialog::onProgress);
}

// A run still going is cancelled with the others by the main window (TaskRunner), which
// may already be gone here; the callbacks hold a QPointer to the dialog.
TrainingDialog::~TrainingDialog() = default;

TrainingSettings TrainingDialog::settings() const {
    TrainingSettings s;
    s.task = task_->currentIndex() == 1 ? TrainingSettings::Task::Segmentation
                                        : TrainingSettings::Task::Classification;
    s.data = data_->text().trimmed();
    s.labels = labels_->text().trimmed();
    s.output = output_->text().trimmed();
    s.architecture = architecture_->currentText();
    s.width = width_->value();
    s.inputSize = inputSize_->value();
    s.depth = depth_->value();
    s.patch = patch_->value();
    s.iterations = iterations_->value();
    s.epochs = epochs_->value();
    s.batchSize = batch_->value();
    s.learningRate = learningRate_->value();
    s.validationFraction = validation_->value();
    s.augmentation = augment_->isChecked();
    return s;
}

void TrainingDialog::setSettings(const TrainingSettings& s) {
    task_->setCurrentIndex(s.segmentation() ? 1 : 0);
    showTask(s.task);
    data_->setText(s.data);
    labels_->setText(s.labels);
    output_->setText(s.output);
    architecture_->setCurrentText(s.architecture);
    width_->setValue(s.width);
    inputSize_->setValue(s.inputSize);
    depth_->setValue(s.depth);
    patch_->setValue(s.patch);
    iterations_->setValue(s.iterations);
    epochs_->setValue(s.epochs);
    batch_->setValue(s.batchSize);
    learningRate_->setValue(s.learningRate);
    validation_->setValue(s.validationFraction);
    augment_->setChecked(s.augmentation);
}

void TrainingDialog::browse(QLineEdit* edit, const QString& title) {
    const QString folder = QFileDialog::getExistingDirectory(this, title, edit->text());
    if (!folder.isEmpty()) edit->setText(folder);
}

void TrainingDialog::showTask(TrainingSettings::Task task) {
    const bool seg = task == TrainingSettings::Task::Segmentation;
    const QStringList architectures = seg ? QStringList{"unet", "attention-unet", "unet++"}
                                          : QStringList{"resnet", "densenet", "simplecnn"};
    if (architecture_->itemText(0) != architectures.first()) {
        architecture_->clear();
        architecture_->addItems(architectures);
    }
    if (auto* label = qobject_cast<QLabel*>(form_->labelForField(data_->parentWidget())))
        label->setText(seg ? "Images (volumes or PNG slices)" : "Data (one folder per class)");
    form_->setRowVisible(labels_->parentWidget(), seg);
    form_->setRowVisible(inputSize_, !seg);
    form_->setRowVisible(depth_, seg);
    form_->setRowVisible(patch_, seg);
    form_->setRowVisible(iterations_, seg);
    augment_->setText(seg ? "Augmentation (rotation, scale, intensity, noise)"
                          : "Augmentation (rotation, scale, shift, contrast, noise...)");
    charts_->setSegmentation(seg);
    result_->setVisible(!seg);  // confusion matrix and ROC: classification only
    setWindowTitle(seg ? "Train a Segmentation Model" : "Train a Classifier");
}

void TrainingDialog::setRunning(bool running) {
    task_->setEnabled(!running);
    start_->setEnabled(!running);
    cancel_->setEnabled(running);
}

void TrainingDialog::start() {
    if (running()) return;
    const TrainingSettings s = settings();
    const auto refuse = [this](const QString& why) {
        status_->setText(why);
        Q_EMIT failed(why);
    };
    if (!QFileInfo(s.data).isDir())
        return refuse(s.segmentation() ? "Choose the images folder."
                                       : "Choose the data folder (one sub-folder per class).");
    if (s.segmentation() && !QFileInfo(s.labels).isDir())
        return refuse("Choose the labels folder (label maps with the images' file names).");
    if (s.output.isEmpty()) return refuse("Choose the folder of the package to write.");
    if (QFileInfo::exists(s.output) && !QDir(s.output).isEmpty())
        return refuse(s.output + " exists and is not empty: choose a new folder.");
    if (!QDir().mkpath(QFileInfo(s.output).absolutePath()))
        return refuse("Cannot create the folder " + QFileInfo(s.output).absolutePath() + ".");
    charts_->clear();
    result_->clear();
    progress_->setValue(0);
    status_->setText("Starting stratum-ai " + s.arguments().first() + "...");
    charts_->setSegmentation(s.segmentation());
    setRunning(true);

    QPointer<TrainingDialog> self(this);
    TaskRunner* tasks = context_.tasks;
    const QStringList args = s.arguments();
    jobId_ = tasks->run<QByteArray>(
        "Training " + QFileInfo(s.output).fileName(),
        [args, self, tasks](const core::Task& task) {
            return AiProcess::run(args, task, [self, tasks](const QJsonObject& event) {
                if (event.value("event").toString() != "epoch") return;
                tasks->post([self, event] {
                    if (self) self->charts_->addEpoch(event);
                });
            });
        },
        [self, s](QByteArray out) {
            if (self) self->finished(s, out);
        },
        [self](std::exception_ptr e) {
            if (!self) return;
            self->jobId_ = 0;
            self->setRunning(false);
            QString why;
            try {
                std::rethrow_exception(e);
            } catch (const core::Cancelled&) {
                why = "Training cancelled (no package written).";
            } catch (const std::exception& x) {
                why = "Training failed: " + QString::fromUtf8(x.what());
                self->context_.log->error(why);
            }
            self->status_->setText(why);
            Q_EMIT self->failed(why);
        });
}

void TrainingDialog::finished(const TrainingSettings& s, const QByteArray& out) {
    jobId_ = 0;
    setRunning(false);
    progress_->setValue(1000);
    const QString folder = QDir(s.output).absolutePath();
    if (s.segmentation()) {
        // train-segmenter prints text; its last line sums it up ("wrote ...: N training
        // and M validation volumes, ... best epoch E (mean validation Dice D) ...").
        const QList<QByteArray> lines = out.trimmed().split('\n');
        status_->setText(lines.isEmpty() ? "Wrote " + folder
                                         : QString::fromUtf8(lines.last()).trimmed());
    } else {
        const QJsonObject result = QJsonDocument::fromJson(out).object();
        result_->setResult(result);
        status_->setText(
            QString("Wrote %1: best epoch %2 of %3, validation accuracy %4.")
                .arg(folder)
                .arg(result.value("best_epoch").toInt())
                .arg(result.value("epochs_run").toInt())
                .arg(result.value("validation").toObject().value("accuracy").toDouble(), 0, 'f',
                     3));
    }
    ModelCatalog::addUserFolder(QFileInfo(folder).absolutePath());  // offered in the model manager
    context_.log->info("Training: wrote the model package " + folder);
    Q_EMIT packageWritten(folder);
}

void TrainingDialog::cancel() {
    if (jobId_ != 0) context_.tasks->cancel(jobId_);
}

void TrainingDialog::reject() {
    cancel();
    QDialog::reject();
}

void TrainingDialog::onProgress(int id, double fraction, const QString& message) {
    if (id != jobId_ || jobId_ == 0) return;
    progress_->setValue(static_cast<int>(fraction * 1000));
    status_->setText(message);  // e.g. "epoch 3/8, batch 40/139, loss 0.31, about 12 min left"
}

}  // namespace stratum::app
