#pragma once
// The 3D view's controls: surface models (from the label overlay or the series, an
// iso-value, an X-ray's intensity surface, or a mesh file such as a 2D-to-3D
// reconstruction) with colour, opacity and visibility; volume rendering with presets
// and an editable transfer function; standard views; slice planes; clipping box and a
// clipping plane on a 2D view's slice; export of meshes with their annotations,
// screenshots at a chosen size and turntable sequences. Long work runs in the background.
#include <QString>
#include <QWidget>
#include <filesystem>
#include <functional>
#include <vector>

#include "stratum/app/AppContext.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QListWidget;
class QSlider;
class QSpinBox;
class QTableWidget;

namespace stratum::app {

class Scene3D;
class View3D;
struct ModelDisplay;

class View3DPanel : public QWidget {
    Q_OBJECT
public:
    explicit View3DPanel(const AppContext& context, QWidget* parent = nullptr);

    // The 3D view of the window (null when the build has none).
    View3D* view() const;
    Scene3D* scene() const { return scene_; }
    QListWidget* models() const noexcept { return models_; }
    QTableWidget* transferTable() const noexcept { return transfer_; }

    // Background builds; each adds its models as one undoable step when done.
    void buildLabelSurfaces();
    void buildIsoSurface(double value);
    void buildHeightField();
    void openMeshFile(const QString& path);
    // Writes the models (format by extension) and `<file stem>.annotations.json` beside
    // them; returns the files written. Throws on errors (the buttons show them).
    std::vector<std::filesystem::path> exportMeshes(const QString& path, bool ras = false);
    void saveScreenshot(const QString& path, int width, int height);

private:
    void refreshModels();
    void refreshVolume();
    void onModelSelection();
    void editSelectedModel(const std::function<void(ModelDisplay&)>& change, const QString& step);
    void transferEdited();
    void applyClip();
    void report(const QString& what, std::exception_ptr e);
    int selectedModel() const;

    AppContext context_;
    Scene3D* scene_;
    QListWidget* models_;
    QSlider* opacity_;
    QDoubleSpinBox* iso_;
    QCheckBox* volume_;
    QComboBox* preset_;
    QTableWidget* transfer_;
    QCheckBox* box_;
    QSlider* boxSliders_[6];
    QComboBox* clipPlane_;
    QCheckBox* clipFlip_;
    QSpinBox* shotWidth_;
    QSpinBox* shotHeight_;
    QSpinBox* frames_;
    bool updating_ = false;
};

}  // namespace stratum::app
