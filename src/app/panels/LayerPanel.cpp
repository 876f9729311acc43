#include "stratum/app/panels/LayerPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>
#include <cmath>

#include "stratum/app/MessageLog.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/Workspace.h"
#include "stratum/io/ImageIO.h"

namespace stratum::app {

namespace {
constexpr int kLayerIdRole = Qt::UserRole + 1;
const char* kImageFilter =
    "Images (*.nii *.nii.gz *.nrrd *.nhdr *.mha *.mhd *.dcm *.png *.jpg *.jpeg *.tif *.tiff);;All "
    "files (*)";
}  // namespace

LayerPanel::LayerPanel(const AppContext& context, QWidget* parent)
    : QWidget(parent),
      context_(context),
      list_(new QListWidget(this)),
      opacity_(new QSlider(Qt::Horizontal, this)),
      outline_(new QCheckBox("Outline only", this)),
      colorMap_(new QComboBox(this)),
      remove_(new QPushButton("Remove", this)),
      up_(new QPushButton("Up", this)),
      down_(new QPushButton("Down", this)) {
    list_->setObjectName("layerList");
    opacity_->setObjectName("layerOpacity");
    outline_->setObjectName("layerOutline");
    colorMap_->setObjectName("layerColorMap");
    opacity_->setRange(0, 100);
    for (ColorMap m : allColorMaps()) colorMap_->addItem(colorMapName(m), static_cast<int>(m));

    auto* addLabels = new QPushButton("Add label map...", this);
    auto* addHeat = new QPushButton("Add heatmap...", this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(up_);
    buttons->addWidget(down_);
    buttons->addWidget(remove_);
    auto* form = new QFormLayout;
    form->addRow("Opacity", opacity_);
    form->addRow("", outline_);
    form->addRow("Colour map", colorMap_);
    auto* adds = new QHBoxLayout;
    adds->addWidget(addLabels);
    adds->addWidget(addHeat);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(list_);
    layout->addLayout(buttons);
    layout->addLayout(form);
    layout->addLayout(adds);

    connect(list_, &QListWidget::currentRowChanged, this, &LayerPanel::selectionChanged);
    connect(list_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (updating_) return;
        if (LayerStack* stack = context_.workspace->currentLayers())
            if (OverlayLayer* l = stack->find(item->data(kLayerIdRole).toInt())) {
                l->visible = item->checkState() == Qt::Checked;
                changed();
            }
    });
    connect(opacity_, &QSlider::valueChanged, this, [this](int v) {
        if (OverlayLayer* l = selected(); l && !updating_) {
            l->opacity = v / 100.0;
            changed();
        }
    });
    connect(outline_, &QCheckBox::toggled, this, [this](bool on) {
        if (OverlayLayer* l = selected(); l && !updating_) {
            l->outline = on;
            changed();
        }
    });
    connect(colorMap_, &QComboBox::currentIndexChanged, this, [this] {
        if (OverlayLayer* l = selected(); l && !updating_) {
            l->colorMap = static_cast<ColorMap>(colorMap_->currentData().toInt());
            changed();
        }
    });
    connect(remove_, &QPushButton::clicked, this, [this] {
        if (OverlayLayer* l = selected()) {
            context_.workspace->currentLayers()->remove(l->id);
            changed();
            refresh();
        }
    });
    connect(up_, &QPushButton::clicked, this, [this] {
        if (OverlayLayer* l = selected()) {
            const int id = l->id;
            context_.workspace->currentLayers()->raise(id);
            changed();
            refresh();
        }
    });
    connect(down_, &QPushButton::clicked, this, [this] {
        if (OverlayLayer* l = selected()) {
            context_.workspace->currentLayers()->lower(l->id);
            changed();
            refresh();
        }
    });
    connect(addLabels, &QPushButton::clicked, this, [this] {
        const QString f =
            QFileDialog::getOpenFileName(this, "Add a label map", QString(), kImageFilter);
        if (!f.isEmpty()) loadLayer(f, true);
    });
    connect(addHeat, &QPushButton::clicked, this, [this] {
        const QString f =
            QFileDialog::getOpenFileName(this, "Add a heatmap", QString(), kImageFilter);
        if (!f.isEmpty()) loadLayer(f, false);
    });
    Workspace* ws = context_.workspace;
    connect(ws, &Workspace::currentChanged, this, &LayerPanel::refresh);
    connect(ws, &Workspace::layersChanged, this, &LayerPanel::refresh);
    refresh();
}

OverlayLayer* LayerPanel::selected() {
    LayerStack* stack = context_.workspace->currentLayers();
    QListWidgetItem* item = list_->currentItem();
    if (!stack || !item) return nullptr;
    return stack->find(item->data(kLayerIdRole).toInt());
}

void LayerPanel::changed() {
    // The list must not be rebuilt while one of its items is emitting (itemChanged).
    selfChange_ = true;
    context_.workspace->notifyLayersChanged(context_.workspace->currentId());
    selfChange_ = false;
}

void LayerPanel::refresh() {
    if (selfChange_) return;
    const int keep = list_->currentItem() ? list_->currentItem()->data(kLayerIdRole).toInt() : 0;
    {
        // No item or selection signals while the list is rebuilt (they would write the
        // half-built items back into the layers).
        const QSignalBlocker block(list_);
        list_->clear();
        if (LayerStack* stack = context_.workspace->currentLayers()) {
            const auto& layers = stack->layers();
            for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
                const QString kind = it->kind == LayerKind::LabelMap ? "labels" : "heatmap";
                auto* item = new QListWidgetItem(
                    QString("%1 (%2)").arg(QString::fromStdString(it->name), kind), list_);
                item->setData(kLayerIdRole, it->id);
                item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                item->setCheckState(it->visible ? Qt::Checked : Qt::Unchecked);
                if (it->id == keep) list_->setCurrentItem(item);
            }
        }
        if (!list_->currentItem() && list_->count() > 0) list_->setCurrentRow(0);
    }
    selectionChanged();
}

void LayerPanel::selectionChanged() {
    const OverlayLayer* l = selected();
    const bool wasUpdating = updating_;
    updating_ = true;
    for (QWidget* w : {static_cast<QWidget*>(opacity_), static_cast<QWidget*>(remove_),
                       static_cast<QWidget*>(up_), static_cast<QWidget*>(down_)})
        w->setEnabled(l != nullptr);
    outline_->setEnabled(l && l->kind == LayerKind::LabelMap);
    colorMap_->setEnabled(l && l->kind == LayerKind::Heatmap);
    if (l) {
        opacity_->setValue(static_cast<int>(std::lround(l->opacity * 100)));
        outline_->setChecked(l->outline);
        colorMap_->setCurrentIndex(colorMap_->findData(static_cast<int>(l->colorMap)));
    }
    updating_ = wasUpdating;
}

void LayerPanel::loadLayer(const QString& path, bool labelMap) {
    const int seriesId = context_.workspace->currentId();
    if (!seriesId) {
        context_.log->error("Open a series before adding a layer to it.");
        return;
    }
    const std::filesystem::path p = path.toStdString();
    const QString name = QFileInfo(path).fileName();
    context_.tasks->run<io::ReadResult>(
        QString("Reading %1").arg(name),
        [p](const core::Task& task) { return io::readImage(p, task); },
        [this, name, labelMap, seriesId](io::ReadResult r) {
            if (labelMap)
                context_.workspace->addLabelMap(name, std::move(r.image), {}, seriesId);
            else
                context_.workspace->addHeatmap(name, std::move(r.image), ColorMap::Jet, seriesId);
            context_.log->info(
                QString("Added %1 %2").arg(labelMap ? "label map" : "heatmap", name));
        },
        [this](std::exception_ptr e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                context_.log->error(QString("Layer: %1").arg(x.what()));
            }
        });
}

}  // namespace stratum::app
