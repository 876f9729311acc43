#include "stratum/app/view3d/View3DPanel.h"

#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "stratum/app/MessageLog.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/ViewArea.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/view3d/ModelBuilder.h"
#include "stratum/app/view3d/View3D.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/MeshExport.h"
#include "stratum/mesh/SurfaceExtraction.h"

namespace stratum::app {

namespace {

QPushButton* button(const QString& name, const QString& text, const QString& tip = {}) {
    auto* b = new QPushButton(text);
    b->setObjectName(name);
    if (!tip.isEmpty()) b->setToolTip(tip);
    return b;
}

std::size_t sceneTriangles(const Scene3D* scene) {
    std::size_t n = 0;
    for (const Model3D& m : scene->models()) n += m.mesh ? m.mesh->triangleCount() : 0;
    return n;
}

}  // namespace

View3DPanel::View3DPanel(const AppContext& context, QWidget* parent)
    : QWidget(parent), context_(context), scene_(Scene3D::of(context.workspace)) {
    setObjectName("view3DPanel");
    auto* inner = new QWidget;
    auto* box = new QVBoxLayout(inner);

    // ---- models
    auto* modelsBox = new QGroupBox("Surface models");
    auto* ml = new QVBoxLayout(modelsBox);
    models_ = new QListWidget;
    models_->setObjectName("models3D");
    models_->setMinimumHeight(90);
    ml->addWidget(models_);
    auto* build = new QGridLayout;
    QPushButton* labels = button("buildLabels", "From labels",
                                 "One surface per label of the top label map (or of the series "
                                 "itself when it is a segmentation)");
    QPushButton* isoButton =
        button("buildIso", "Iso-surface", "The surface at the value on the right");
    iso_ = new QDoubleSpinBox;
    iso_->setObjectName("isoValue");
    iso_->setRange(-1e6, 1e6);
    iso_->setDecimals(1);
    iso_->setValue(300);
    QPushButton* height = button("buildHeightField", "X-ray surface",
                                 "The intensity surface of the current 2D image");
    QPushButton* open = button("openMesh", "Open mesh...",
                               "STL/OBJ/PLY/VTP/glTF, e.g. a reconstruction from 'stratum hull'");
    build->addWidget(labels, 0, 0);
    build->addWidget(isoButton, 0, 1);
    build->addWidget(iso_, 0, 2);
    build->addWidget(height, 1, 0);
    build->addWidget(open, 1, 1, 1, 2);
    ml->addLayout(build);
    auto* edit = new QHBoxLayout;
    QPushButton* color = button("modelColor", "Colour...");
    opacity_ = new QSlider(Qt::Horizontal);
    opacity_->setObjectName("modelOpacity");
    opacity_->setRange(0, 100);
    opacity_->setToolTip("Opacity of the selected model");
    QPushButton* remove = button("removeModel", "Delete");
    edit->addWidget(color);
    edit->addWidget(new QLabel("Opacity"));
    edit->addWidget(opacity_, 1);
    edit->addWidget(remove);
    ml->addLayout(edit);
    box->addWidget(modelsBox);

    // ---- volume rendering
    auto* volumeBox = new QGroupBox("Volume rendering");
    auto* vl = new QVBoxLayout(volumeBox);
    auto* vrow = new QHBoxLayout;
    volume_ = new QCheckBox("Show");
    volume_->setObjectName("volumeRendering");
    preset_ = new QComboBox;
    preset_->setObjectName("volumePreset");
    for (VolumePreset p : kAllVolumePresets) preset_->addItem(volumePresetName(p));
    preset_->addItem("custom");
    vrow->addWidget(volume_);
    vrow->addWidget(preset_, 1);
    vl->addLayout(vrow);
    transfer_ = new QTableWidget(0, 5);
    transfer_->setObjectName("transferFunction");
    transfer_->setHorizontalHeaderLabels({"value", "opacity", "red", "green", "blue"});
    transfer_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    transfer_->verticalHeader()->hide();
    transfer_->setMinimumHeight(120);
    vl->addWidget(transfer_);
    auto* trow = new QHBoxLayout;
    QPushButton* addPoint = button("addTransferPoint", "Add point");
    QPushButton* removePoint = button("removeTransferPoint", "Remove point");
    trow->addWidget(addPoint);
    trow->addWidget(removePoint);
    vl->addLayout(trow);
    box->addWidget(volumeBox);

    // ---- views and clipping
    auto* viewBox = new QGroupBox("View");
    auto* vg = new QGridLayout(viewBox);
    int i = 0;
    for (StandardView v : kAllStandardViews) {
        QString name = standardViewName(v);
        QPushButton* b = button(QString("view-%1").arg(name), name.left(1).toUpper() + name.mid(1));
        connect(b, &QPushButton::clicked, this, [this, v] {
            if (View3D* view = this->view()) view->setStandardView(v);
        });
        vg->addWidget(b, i / 3, i % 3);
        ++i;
    }
    auto* planes = new QCheckBox("Slice planes and cursor");
    planes->setObjectName("slicePlanes3D");
    planes->setChecked(true);
    connect(planes, &QCheckBox::toggled, this, [this](bool on) {
        if (View3D* v = view()) v->setSlicePlanesVisible(on);
    });
    vg->addWidget(planes, 2, 0, 1, 3);
    box_ = new QCheckBox("Clipping box");
    box_->setObjectName("clipBox");
    vg->addWidget(box_, 3, 0, 1, 3);
    const char* axes[3] = {"R-L", "A-P", "I-S"};
    for (int a = 0; a < 3; ++a) {
        vg->addWidget(new QLabel(axes[a]), 4 + a, 0);
        for (int side = 0; side < 2; ++side) {
            QSlider* s = new QSlider(Qt::Horizontal);
            s->setObjectName(QString("clipBox%1").arg(2 * a + side));
            s->setRange(0, 100);
            s->setValue(side ? 100 : 0);
            boxSliders_[2 * a + side] = s;
            vg->addWidget(s, 4 + a, 1 + side);
            connect(s, &QSlider::valueChanged, this, &View3DPanel::applyClip);
        }
    }
    clipPlane_ = new QComboBox;
    clipPlane_->setObjectName("clipPlane");
    clipPlane_->addItems({"No clipping plane", "Clip at axial slice", "Clip at coronal slice",
                          "Clip at sagittal slice"});
    clipFlip_ = new QCheckBox("Other side");
    clipFlip_->setObjectName("clipFlip");
    vg->addWidget(clipPlane_, 7, 0, 1, 2);
    vg->addWidget(clipFlip_, 7, 2);
    box->addWidget(viewBox);

    // ---- export
    auto* exportBox = new QGroupBox("Export");
    auto* el = new QGridLayout(exportBox);
    QPushButton* exportMeshesButton =
        button("exportMeshes", "Meshes + annotations...", "STL, OBJ, PLY, VTP, glTF, GLB");
    shotWidth_ = new QSpinBox;
    shotWidth_->setObjectName("shotWidth");
    shotWidth_->setRange(16, 8192);
    shotWidth_->setValue(1920);
    shotHeight_ = new QSpinBox;
    shotHeight_->setObjectName("shotHeight");
    shotHeight_->setRange(16, 8192);
    shotHeight_->setValue(1080);
    frames_ = new QSpinBox;
    frames_->setObjectName("turntableFrames");
    frames_->setRange(2, 3600);
    frames_->setValue(36);
    QPushButton* shot = button("screenshot3D", "Screenshot...");
    QPushButton* turntable = button("turntable", "Turntable...");
    el->addWidget(exportMeshesButton, 0, 0, 1, 4);
    el->addWidget(new QLabel("Size"), 1, 0);
    el->addWidget(shotWidth_, 1, 1);
    el->addWidget(shotHeight_, 1, 2);
    el->addWidget(shot, 1, 3);
    el->addWidget(new QLabel("Frames"), 2, 0);
    el->addWidget(frames_, 2, 1);
    el->addWidget(turntable, 2, 3);
    box->addWidget(exportBox);
    box->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setWidget(inner);
    scroll->setWidgetResizable(true);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    // ---- behaviour
    connect(labels, &QPushButton::clicked, this, &View3DPanel::buildLabelSurfaces);
    connect(isoButton, &QPushButton::clicked, this, [this] { buildIsoSurface(iso_->value()); });
    connect(height, &QPushButton::clicked, this, &View3DPanel::buildHeightField);
    connect(open, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(
            this, "Open a surface", {}, "Meshes (*.stl *.obj *.ply *.vtp *.gltf *.glb)");
        if (!f.isEmpty()) openMeshFile(f);
    });
    connect(models_, &QListWidget::itemSelectionChanged, this, &View3DPanel::onModelSelection);
    connect(models_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (updating_) return;
        const int id = item->data(Qt::UserRole).toInt();
        const Model3D* m = scene_->model(id);
        if (!m) return;
        ModelDisplay d = m->display;
        d.visible = item->checkState() == Qt::Checked;
        scene_->setModelDisplay(
            id, d,
            QString("%1 %2").arg(d.visible ? "Show" : "Hide").arg(QString::fromStdString(d.name)));
    });
    connect(color, &QPushButton::clicked, this, [this] {
        const Model3D* m = scene_->model(selectedModel());
        if (!m) return;
        const QColor c = QColorDialog::getColor(
            QColor(m->display.color.r, m->display.color.g, m->display.color.b), this,
            "Model colour");
        if (!c.isValid()) return;
        editSelectedModel(
            [&](ModelDisplay& d) {
                d.color = {static_cast<std::uint8_t>(c.red()), static_cast<std::uint8_t>(c.green()),
                           static_cast<std::uint8_t>(c.blue())};
            },
            "Colour");
    });
    connect(opacity_, &QSlider::valueChanged, this, [this](int v) {
        if (updating_ || opacity_->isSliderDown()) return;
        editSelectedModel([v](ModelDisplay& d) { d.opacity = v / 100.0; }, "Opacity");
    });
    connect(opacity_, &QSlider::sliderReleased, this, [this] {
        const int v = opacity_->value();
        editSelectedModel([v](ModelDisplay& d) { d.opacity = v / 100.0; }, "Opacity");
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (const int id = selectedModel()) scene_->removeModel(id);
    });
    connect(volume_, &QCheckBox::toggled, scene_, &Scene3D::setVolumeVisible);
    connect(preset_, &QComboBox::activated, this, [this](int index) {
        if (index < static_cast<int>(std::size(kAllVolumePresets)))
            scene_->applyPreset(kAllVolumePresets[index]);
    });
    connect(transfer_, &QTableWidget::cellChanged, this, [this] {
        if (!updating_) transferEdited();
    });
    connect(addPoint, &QPushButton::clicked, this, [this] {
        TransferFunction tf = scene_->transferFunction();
        const auto& p = tf.points();
        const double v = p.empty() ? 0.0 : p.back().value + 100.0;
        try {
            tf.insert({v, 1, 1, 1, p.empty() ? 0.5 : p.back().opacity});
            scene_->setTransferFunction(tf, "custom");
        } catch (const std::exception& e) {
            report("Add point", std::current_exception());
        }
    });
    connect(removePoint, &QPushButton::clicked, this, [this] {
        TransferFunction tf = scene_->transferFunction();
        const int row = transfer_->currentRow();
        if (row < 0 || row >= static_cast<int>(tf.points().size())) return;
        tf.remove(static_cast<std::size_t>(row));
        scene_->setTransferFunction(tf, "custom");
    });
    connect(box_, &QCheckBox::toggled, this, &View3DPanel::applyClip);
    connect(clipPlane_, &QComboBox::currentIndexChanged, this, &View3DPanel::applyClip);
    connect(clipFlip_, &QCheckBox::toggled, this, &View3DPanel::applyClip);
    connect(exportMeshesButton, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(
            this, "Export the models with their annotations", "models.stl",
            "STL (*.stl);;OBJ (*.obj);;PLY (*.ply);;VTP (*.vtp);;glTF (*.gltf);;GLB (*.glb)");
        if (f.isEmpty()) return;
        try {
            const auto files = exportMeshes(f);
            context_.log->info(QString("Exported %1 file(s) to %2").arg(files.size()).arg(f));
        } catch (...) {
            report("Export", std::current_exception());
        }
    });
    connect(shot, &QPushButton::clicked, this, [this] {
        const QString f =
            QFileDialog::getSaveFileName(this, "Save the 3D view", "stratum-3d.png", "PNG (*.png)");
        if (f.isEmpty()) return;
        try {
            saveScreenshot(f, shotWidth_->value(), shotHeight_->value());
        } catch (...) {
            report("Screenshot", std::current_exception());
        }
    });
    connect(turntable, &QPushButton::clicked, this, [this] {
        View3D* v = view();
        const QString d =
            QFileDialog::getSaveFileName(this, "New folder for the turntable frames", "turntable");
        if (!v || d.isEmpty()) return;
        try {
            const auto files = v->writeTurntable(d.toStdString(), frames_->value(),
                                                 shotWidth_->value(), shotHeight_->value());
            context_.log->info(QString("Wrote %1 turntable frames to %2").arg(files.size()).arg(d));
        } catch (...) {
            report("Turntable", std::current_exception());
        }
    });
    connect(scene_, &Scene3D::modelsChanged, this, &View3DPanel::refreshModels);
    connect(scene_, &Scene3D::volumeChanged, this, &View3DPanel::refreshVolume);
    connect(scene_, &Scene3D::saveFailed, this,
            [this](const QString& m) { context_.log->error(QString("3D view: %1").arg(m)); });
    connect(context_.workspace, &Workspace::currentChanged, this, [this] {
        if (const ViewerState* v = context_.workspace->currentViewer()) {
            const bool ct = v->volume().metadata().series.modality == "CT";
            iso_->setValue(ct ? 300.0 : std::round((v->stats().p01 + v->stats().p99) / 2));
        }
    });
    refreshModels();
    refreshVolume();
}

View3D* View3DPanel::view() const {
    return context_.views ? dynamic_cast<View3D*>(context_.views->view3DProvider()) : nullptr;
}

void View3DPanel::report(const QString& what, std::exception_ptr e) {
    QString message;
    try {
        std::rethrow_exception(e);
    } catch (const core::Cancelled&) {
        context_.log->info(QString("%1: cancelled").arg(what));
        return;
    } catch (const std::exception& ex) {
        message = QString::fromUtf8(ex.what());
    }
    context_.log->error(QString("%1: %2").arg(what, message));
    auto* box = new QMessageBox(QMessageBox::Warning, what, message, QMessageBox::Ok, this);
    box->setObjectName("view3DError");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// ---- building models ------------------------------------------------------------------

void View3DPanel::buildLabelSurfaces() {
    const LoadedSeries* series = context_.workspace->current();
    LayerStack* layers = context_.workspace->currentLayers();
    if (!series) return;
    core::Image labels;
    LabelColorTable colors;
    QString source;
    if (layers)
        for (auto it = layers->layers().rbegin(); it != layers->layers().rend(); ++it)
            if (it->kind == LayerKind::LabelMap) {
                labels = it->image;
                colors = it->colors;
                source = QString("labels: %1").arg(QString::fromStdString(it->name));
                break;
            }
    if (labels.empty()) {
        if (!mesh::looksLikeLabelMap(series->image)) {
            report("Surfaces from labels",
                   std::make_exception_ptr(core::InvalidArgument(
                       "no label map: add one in the Layers panel, or use an iso-surface")));
            return;
        }
        labels = series->image;
        source = QString("labels: %1").arg(QString::fromStdString(series->name));
    }
    ModelBuildOptions options;
    options.sceneTriangles = sceneTriangles(scene_);
    const std::string src = source.toStdString();
    context_.tasks->run<std::vector<Model3D>>(
        "Surfaces from labels",
        [=](const core::Task& task) {
            return buildLabelModels(labels, colors, src, options, task);
        },
        [this](std::vector<Model3D> models) {
            scene_->addModels(std::move(models), "Surfaces from labels");
        },
        [this](std::exception_ptr e) { report("Surfaces from labels", e); });
}

void View3DPanel::buildIsoSurface(double value) {
    const LoadedSeries* series = context_.workspace->current();
    if (!series) return;
    const core::Image image = series->image;
    ModelBuildOptions options;
    options.sceneTriangles = sceneTriangles(scene_);
    context_.tasks->run<Model3D>(
        QString("Iso-surface at %1").arg(value),
        [=](const core::Task& task) { return buildIsoModel(image, value, options, task); },
        [this, value](Model3D m) {
            std::vector<Model3D> models;
            models.push_back(std::move(m));
            scene_->addModels(std::move(models), QString("Iso-surface at %1").arg(value));
        },
        [this](std::exception_ptr e) { report("Iso-surface", e); });
}

void View3DPanel::buildHeightField() {
    const LoadedSeries* series = context_.workspace->current();
    if (!series) return;
    const core::Image image = series->image;
    if (!image.geometry().is2D()) {
        report("X-ray surface", std::make_exception_ptr(core::InvalidArgument(
                                    "the current series is a volume: the intensity surface is "
                                    "made from a 2D image (X-ray)")));
        return;
    }
    context_.tasks->run<Model3D>(
        "X-ray intensity surface",
        [=](const core::Task& task) { return buildHeightFieldModel(image, {}, task); },
        [this](Model3D m) {
            std::vector<Model3D> models;
            models.push_back(std::move(m));
            scene_->addModels(std::move(models), "X-ray intensity surface");
        },
        [this](std::exception_ptr e) { report("X-ray surface", e); });
}

void View3DPanel::openMeshFile(const QString& path) {
    ModelBuildOptions options;
    options.sceneTriangles = sceneTriangles(scene_);
    const std::filesystem::path p = path.toStdString();
    context_.tasks->run<std::vector<Model3D>>(
        QString("Open %1").arg(path),
        [=](const core::Task& task) { return loadModelFile(p, options, task); },
        [this, path](std::vector<Model3D> models) {
            scene_->addModels(std::move(models),
                              QString("Open %1").arg(QFileInfo(path).fileName()));
        },
        [this](std::exception_ptr e) { report("Open mesh", e); });
}

// ---- models list ------------------------------------------------------------------------

int View3DPanel::selectedModel() const {
    const auto items = models_->selectedItems();
    return items.isEmpty() ? 0 : items.front()->data(Qt::UserRole).toInt();
}

void View3DPanel::refreshModels() {
    updating_ = true;
    const int selected = selectedModel();
    models_->clear();
    for (const Model3D& m : scene_->models()) {
        auto* item = new QListWidgetItem(
            QString("%1  (%2 triangles)")
                .arg(QString::fromStdString(m.display.name))
                .arg(m.mesh ? static_cast<qulonglong>(m.mesh->triangleCount()) : 0));
        item->setData(Qt::UserRole, m.id);
        item->setToolTip(QString::fromStdString(m.display.source));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(m.display.visible ? Qt::Checked : Qt::Unchecked);
        QPixmap swatch(12, 12);
        swatch.fill(QColor(m.display.color.r, m.display.color.g, m.display.color.b));
        item->setIcon(QIcon(swatch));
        models_->addItem(item);
        if (m.id == selected) item->setSelected(true);
    }
    updating_ = false;
    onModelSelection();
}

void View3DPanel::onModelSelection() {
    const Model3D* m = scene_->model(selectedModel());
    updating_ = true;
    opacity_->setEnabled(m != nullptr);
    if (m) opacity_->setValue(static_cast<int>(std::lround(m->display.opacity * 100)));
    updating_ = false;
}

void View3DPanel::editSelectedModel(const std::function<void(ModelDisplay&)>& change,
                                    const QString& step) {
    const Model3D* m = scene_->model(selectedModel());
    if (!m) return;
    ModelDisplay d = m->display;
    change(d);
    scene_->setModelDisplay(m->id, d,
                            QString("%1 of %2").arg(step, QString::fromStdString(d.name)));
}

// ---- volume -----------------------------------------------------------------------------

void View3DPanel::refreshVolume() {
    updating_ = true;
    volume_->setChecked(scene_->volumeVisible());
    const int index = preset_->findText(scene_->volumePreset());
    preset_->setCurrentIndex(index >= 0 ? index : preset_->count() - 1);
    const auto& points = scene_->transferFunction().points();
    transfer_->setRowCount(static_cast<int>(points.size()));
    for (int r = 0; r < static_cast<int>(points.size()); ++r) {
        const TransferPoint& p = points[static_cast<std::size_t>(r)];
        const double values[5] = {p.value, p.opacity, p.r, p.g, p.b};
        for (int c = 0; c < 5; ++c)
            transfer_->setItem(r, c, new QTableWidgetItem(QString::number(values[c], 'g', 6)));
    }
    updating_ = false;
}

void View3DPanel::transferEdited() {
    std::vector<TransferPoint> points;
    bool ok = true;
    for (int r = 0; r < transfer_->rowCount(); ++r) {
        double v[5];
        for (int c = 0; c < 5; ++c) {
            bool good = false;
            v[c] = transfer_->item(r, c) ? transfer_->item(r, c)->text().toDouble(&good) : 0.0;
            ok = ok && good;
        }
        points.push_back({v[0], v[2], v[3], v[4], v[1]});
    }
    try {
        if (!ok) throw core::InvalidArgument("transfer function: every cell must be a number");
        scene_->setTransferFunction(TransferFunction(std::move(points)), "custom");
    } catch (...) {
        report("Transfer function", std::current_exception());
        refreshVolume();
    }
}

void View3DPanel::applyClip() {
    ClipSettings c;
    c.boxEnabled = box_->isChecked();
    for (int i = 0; i < 6; ++i) c.box[i] = boxSliders_[i]->value() / 100.0;
    for (int a = 0; a < 3; ++a)
        if (c.box[2 * a] > c.box[2 * a + 1]) std::swap(c.box[2 * a], c.box[2 * a + 1]);
    c.planeView = clipPlane_->currentIndex() - 1;
    c.flip = clipFlip_->isChecked();
    scene_->setClip(c);
}

// ---- export -----------------------------------------------------------------------------

std::vector<std::filesystem::path> View3DPanel::exportMeshes(const QString& path, bool ras) {
    std::vector<mesh::SurfaceMesh> meshes;
    for (const Model3D& m : scene_->models()) {
        if (!m.mesh || !m.display.visible) continue;
        mesh::SurfaceMesh copy = *m.mesh;
        copy.name = m.display.name;
        copy.color = {m.display.color.r / 255.0f, m.display.color.g / 255.0f,
                      m.display.color.b / 255.0f};
        meshes.push_back(std::move(copy));
    }
    if (meshes.empty()) throw core::InvalidArgument("no visible model to export");
    mesh::MeshWriteOptions options;
    options.coordinates = ras ? mesh::CoordinateSystem::Ras : mesh::CoordinateSystem::Lps;
    const std::filesystem::path out = path.toStdString();
    std::vector<std::filesystem::path> files = mesh::writeMeshes(meshes, out, options);
    // The annotations beside the meshes, always in LPS (the file says so).
    const std::filesystem::path json =
        out.parent_path() / (out.stem().string() + ".annotations.json");
    writeView3DFile(scene_->snapshot(), json);
    files.push_back(json);
    return files;
}

void View3DPanel::saveScreenshot(const QString& path, int width, int height) {
    View3D* v = view();
    if (!v) throw core::InvalidArgument("this window has no 3D view");
    const QImage image = v->renderImage(width, height);
    core::AtomicFile out(path.toStdString());
    if (!image.save(QString::fromStdString(out.tempPath().string()), "PNG"))
        throw core::IoError(path.toStdString(), "cannot write the PNG");
    out.commit();
    context_.log->info(
        QString("Saved the 3D view (%1 x %2) to %3").arg(width).arg(height).arg(path));
}

}  // namespace stratum::app
