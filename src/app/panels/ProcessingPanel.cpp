#include "stratum/app/panels/ProcessingPanel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "stratum/app/MessageLog.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/model/IntensityStats.h"
#include "stratum/app/model/SliceRenderer.h"
#include "stratum/app/model/SliceStack.h"
#include "stratum/app/model/WindowPresets.h"
#include "stratum/core/Error.h"

namespace stratum::app {

namespace {

constexpr int kPreviewHalfSlab = 4;  // slices on each side of the current one
constexpr int kPreviewSize = 180;    // pixels per picture

QString placeholder(const jobs::ParamSpec& p) {
    QString text = jobs::paramKindName(p.kind);
    if (p.kind == jobs::ParamKind::Numbers || p.kind == jobs::ParamKind::Integers)
        text = QString("%1 %2 (x,y,z or one for all)").arg(p.count).arg(text);
    if (p.min > -1e299 || p.max < 1e299) text += QString(" in [%1, %2]").arg(p.min).arg(p.max);
    return p.required ? text + ", required" : text;
}

// The slices k0..k1 of `image` as a volume of their own (a copy) at the same position.
core::Image slab(const core::Image& image, std::size_t k0, std::size_t k1) {
    core::Geometry g = image.geometry();
    g.origin = g.indexToPatient({0, 0, static_cast<double>(k0)});
    g.size[2] = k1 - k0 + 1;
    core::Image out(image.pixelType(), image.components(), g, core::Image::Init::Uninitialized);
    out.metadata() = image.metadata();
    const std::size_t sliceBytes = image.size()[0] * image.size()[1] * image.components() *
                                   core::bytesPerComponent(image.pixelType());
    std::memcpy(out.data(), static_cast<const unsigned char*>(image.data()) + k0 * sliceBytes,
                g.size[2] * sliceBytes);
    return out;
}

// The axial (native) slice of `image` nearest to `patient`, windowed, as a picture.
QImage picture(const core::Image& image, const core::Vec3& patient, const WindowLevel* window) {
    const SliceStack stack(image.geometry(), nativeAxes(image.geometry()));
    const SlicePlane plane = stack.planeAt(patient);
    DisplaySettings d;
    d.window = window ? *window : autoWindow(intensityStats(image));
    SliceRenderer renderer;
    RgbaImage rgba;
    renderer.render(image, nullptr, plane, d, rgba);
    QImage out(rgba.width, rgba.height, QImage::Format_RGBA8888);
    for (int y = 0; y < rgba.height; ++y)
        std::memcpy(out.scanLine(y), &rgba.pixels[static_cast<std::size_t>(y) * rgba.width * 4],
                    static_cast<std::size_t>(rgba.width) * 4);
    // Physical aspect ratio.
    const double w = rgba.width * plane.spacingX, h = rgba.height * plane.spacingY;
    const double scale = kPreviewSize / std::max(w, h);
    return out.scaled(std::max(1, int(w * scale)), std::max(1, int(h * scale)),
                      Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

}  // namespace

ProcessingPanel::ProcessingPanel(const AppContext& context, QWidget* parent)
    : QWidget(parent),
      context_(context),
      operations_(new QComboBox(this)),
      summary_(new QLabel(this)),
      form_(new QWidget(this)),
      formLayout_(new QFormLayout(form_)),
      message_(new QLabel(this)),
      preview_(new QLabel(this)),
      previewButton_(new QPushButton("Preview", this)),
      applyButton_(new QPushButton("Apply to series", this)) {
    operations_->setObjectName("processingOperation");
    message_->setObjectName("processingMessage");
    preview_->setObjectName("processingPreview");
    previewButton_->setObjectName("processingPreviewButton");
    applyButton_->setObjectName("processingApply");
    summary_->setWordWrap(true);
    message_->setWordWrap(true);
    preview_->setMinimumHeight(kPreviewSize);
    preview_->setAlignment(Qt::AlignCenter);
    QString group;
    for (const jobs::OperationSpec& op : jobs::preprocessOperations()) {
        if (QString::fromStdString(op.group) != group) {
            if (operations_->count() > 0) operations_->insertSeparator(operations_->count());
            group = QString::fromStdString(op.group);
        }
        operations_->addItem(QString("%1: %2").arg(group, QString::fromStdString(op.name)),
                             QString::fromStdString(op.name));
    }
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(previewButton_);
    buttons->addWidget(applyButton_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(operations_);
    layout->addWidget(summary_);
    layout->addWidget(form_);
    layout->addLayout(buttons);
    layout->addWidget(message_);
    layout->addWidget(preview_);
    layout->addStretch();
    connect(operations_, &QComboBox::currentIndexChanged, this, &ProcessingPanel::buildForm);
    connect(previewButton_, &QPushButton::clicked, this, &ProcessingPanel::runPreview);
    connect(applyButton_, &QPushButton::clicked, this, &ProcessingPanel::apply);
    buildForm();
}

bool ProcessingPanel::selectOperation(const QString& name) {
    const int index = operations_->findData(name);
    if (index < 0) return false;
    operations_->setCurrentIndex(index);
    return true;
}

bool ProcessingPanel::setParameter(const QString& name, const QString& value) {
    for (Field& f : fields_)
        if (QString::fromStdString(f.spec->name) == name) {
            f.set(value);
            return true;
        }
    return false;
}

void ProcessingPanel::buildForm() {
    while (formLayout_->rowCount() > 0) formLayout_->removeRow(0);
    fields_.clear();
    const jobs::OperationSpec* op =
        jobs::findOperation(operations_->currentData().toString().toStdString());
    if (!op) return;
    summary_->setText(QString::fromStdString(op->summary));
    for (const jobs::ParamSpec& p : op->params) {
        Field f;
        f.spec = &p;
        QWidget* editor = nullptr;
        const QString def = QString::fromStdString(p.defaultValue);
        if (p.kind == jobs::ParamKind::Choice) {
            auto* box = new QComboBox(form_);
            for (const std::string& c : p.choices) box->addItem(QString::fromStdString(c));
            box->setCurrentText(def);
            f.get = [box] { return box->currentText(); };
            f.set = [box](const QString& v) { box->setCurrentText(v); };
            editor = box;
        } else {
            auto* line = new QLineEdit(def, form_);
            line->setPlaceholderText(placeholder(p));
            f.get = [line] { return line->text().trimmed(); };
            f.set = [line](const QString& v) { line->setText(v); };
            editor = line;
            if (p.kind == jobs::ParamKind::Path) {
                auto* row = new QWidget(form_);
                auto* h = new QHBoxLayout(row);
                h->setContentsMargins(0, 0, 0, 0);
                auto* browse = new QToolButton(row);
                browse->setText("...");
                h->addWidget(line);
                h->addWidget(browse);
                connect(browse, &QToolButton::clicked, this, [this, line] {
                    const QString file = QFileDialog::getOpenFileName(this, "Choose a file");
                    if (!file.isEmpty()) line->setText(file);
                });
                editor = row;
            }
        }
        editor->setObjectName(QString("param-%1").arg(QString::fromStdString(p.name)));
        editor->setToolTip(QString::fromStdString(p.help));
        formLayout_->addRow(QString::fromStdString(p.name), editor);
        fields_.push_back(std::move(f));
    }
    message_->clear();
    preview_->clear();
}

jobs::PreprocessStep ProcessingPanel::step() const {
    const std::string name = operations_->currentData().toString().toStdString();
    QStringList parts;
    for (const Field& f : fields_) {
        const QString v = f.get();
        if (!v.isEmpty()) parts << QString("%1=%2").arg(QString::fromStdString(f.spec->name), v);
    }
    return jobs::parseStep(name, parts.join(':').toStdString());
}

void ProcessingPanel::showError(const QString& text) {
    message_->setStyleSheet("color: #e05050");
    message_->setText(text);
    context_.log->error(text);
}

void ProcessingPanel::runPreview() {
    const LoadedSeries* s = context_.workspace->current();
    ViewerState* v = context_.workspace->currentViewer();
    if (!s || !v) return showError("Open a series first.");
    jobs::PreprocessStep step;
    try {
        step = this->step();
    } catch (const std::exception& e) {
        return showError(QString::fromUtf8(e.what()));
    }
    const core::Image image = s->image;
    const core::Vec3 cursor = v->cursor();
    const WindowLevel window = v->display().window;
    const auto nz = static_cast<long>(image.size()[2]);
    const long k = std::lround(image.geometry().patientToIndex(cursor)[2]);
    const auto k0 = static_cast<std::size_t>(std::clamp(k - kPreviewHalfSlab, 0L, nz - 1));
    const auto k1 = static_cast<std::size_t>(std::clamp(k + kPreviewHalfSlab, 0L, nz - 1));
    message_->setStyleSheet(QString());
    message_->setText("Previewing...");
    context_.tasks->run<QImage>(
        QString("Preview %1").arg(QString::fromStdString(step.text())),
        [=](const core::Task& task) {
            const core::Image part = slab(image, k0, k1);
            const core::Image result = step.operation->run(part, step.args, task);
            // The same window before and after when the values keep their type (and so,
            // presumably, their units); otherwise the result's own automatic window.
            const bool sameUnits = result.pixelType() == part.pixelType();
            const QImage before = picture(part, cursor, &window);
            const QImage after = picture(result, cursor, sameUnits ? &window : nullptr);
            QImage both(before.width() + after.width() + 6,
                        std::max(before.height(), after.height()), QImage::Format_RGBA8888);
            both.fill(Qt::transparent);
            QPainter painter(&both);
            painter.drawImage(0, 0, before);
            painter.drawImage(before.width() + 6, 0, after);
            return both;
        },
        [this, step](QImage both) {
            preview_->setPixmap(QPixmap::fromImage(both));
            message_->setText(
                QString("Preview: %1 (left before, right after; a few slices around the cursor)")
                    .arg(QString::fromStdString(step.text())));
            Q_EMIT previewShown();
        },
        [this](std::exception_ptr e) {
            try {
                std::rethrow_exception(e);
            } catch (const core::Cancelled&) {
                message_->setText("Preview cancelled.");
            } catch (const std::exception& x) {
                showError(QString::fromUtf8(x.what()));
            }
        });
}

void ProcessingPanel::apply() {
    const LoadedSeries* s = context_.workspace->current();
    if (!s) return showError("Open a series first.");
    jobs::PreprocessStep step;
    try {
        step = this->step();
    } catch (const std::exception& e) {
        return showError(QString::fromUtf8(e.what()));
    }
    const core::Image image = s->image;
    const int parentId = s->id;
    const std::string parentKey = s->key, parentName = s->name;
    const QString text = QString::fromStdString(step.text());
    message_->setStyleSheet(QString());
    message_->setText(QString("Running %1...").arg(text));
    applyButton_->setEnabled(false);
    context_.tasks->run<core::Image>(
        QString("Processing: %1").arg(text),
        [=](const core::Task& task) { return step.operation->run(image, step.args, task); },
        [=, this](core::Image result) {
            applyButton_->setEnabled(true);
            LoadedSeries derived;
            derived.key = parentKey + " | " + step.text() + " #" + std::to_string(++derivedCount_);
            derived.name = parentName + " | " + step.text();
            derived.image = std::move(result);
            derived.parentId = parentId;
            derived.operation = step.text();
            context_.workspace->addSeriesUndoable(std::move(derived),
                                                  QString("Apply %1").arg(text));
            const int id = context_.workspace->currentId();
            message_->setText(QString("Added the series \"%1\" (Edit > Undo removes it).")
                                  .arg(QString::fromStdString(parentName + " | " + step.text())));
            context_.log->info(QString("Processing: %1 -> new series").arg(text));
            Q_EMIT applied(id);
        },
        [this](std::exception_ptr e) {
            applyButton_->setEnabled(true);
            try {
                std::rethrow_exception(e);
            } catch (const core::Cancelled&) {
                message_->setText("Processing cancelled.");
                context_.log->info("Processing cancelled.");
            } catch (const std::exception& x) {
                showError(QString::fromUtf8(x.what()));
            }
        });
}

}  // namespace stratum::app
