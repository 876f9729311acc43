#pragma once
// The overlay layers of the current series (top first): visibility, opacity, label
// outline mode, heatmap colour map; load a label map or a heatmap from a file (the AI
// panels add theirs through Workspace::addLabelMap/addHeatmap).
#include <QWidget>

#include "stratum/app/AppContext.h"

class QCheckBox;
class QComboBox;
class QListWidget;
class QPushButton;
class QSlider;

namespace stratum::app {

struct OverlayLayer;

class LayerPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayerPanel(const AppContext& context, QWidget* parent = nullptr);

    QListWidget* list() const noexcept { return list_; }
    QSlider* opacity() const noexcept { return opacity_; }
    QCheckBox* outline() const noexcept { return outline_; }
    QComboBox* colorMap() const noexcept { return colorMap_; }
    // Loads `path` in the background and adds it to the current series.
    void loadLayer(const QString& path, bool labelMap);

private:
    void refresh();
    void selectionChanged();
    OverlayLayer* selected();
    void changed();

    AppContext context_;
    QListWidget* list_;
    QSlider* opacity_;
    QCheckBox* outline_;
    QComboBox* colorMap_;
    QPushButton* remove_;
    QPushButton* up_;
    QPushButton* down_;
    bool updating_ = false;
    bool selfChange_ = false;
};

}  // namespace stratum::app
