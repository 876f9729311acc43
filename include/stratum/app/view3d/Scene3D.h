#pragma once
// What the 3D view shows for each study: its surface models (with colour, opacity,
// visibility), its annotations (landmarks, notes, distances, angles in patient
// coordinates), the volume rendering's transfer function and the clipping settings.
// One per Workspace (Scene3D::of), a child QObject of it; the 3D view, its panels and
// the 2D views read it, and change it through the undoable methods (named steps on
// the workspace's QUndoStack). Each study's part is saved as JSON (View3DFile) in the
// storage folder on every change (debounced autosave, atomic write) and read back when
// the study is opened again.
#include <QObject>
#include <QString>
#include <QTimer>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stratum/app/model/AnnotationStore.h"
#include "stratum/app/model/ModelDisplay.h"
#include "stratum/app/model/TransferFunction.h"
#include "stratum/app/model/View3DFile.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::app {

class Workspace;

struct Model3D {
    int id = 0;  // set by Scene3D
    ModelDisplay display;
    std::shared_ptr<const mesh::SurfaceMesh> mesh;  // full quality (LPS mm)
    std::shared_ptr<const mesh::SurfaceMesh> lod;  // thinned, drawn while interacting (may be null)
};

// What a click on a surface in the 3D view does.
enum class PickMode { None, Landmark, Note, Distance, Angle };

struct ClipSettings {
    bool boxEnabled = false;
    // The box as fractions of the scene's bounds: xmin, xmax, ymin, ymax, zmin, zmax in [0, 1].
    std::array<double, 6> box{0, 1, 0, 1, 0, 1};
    // Clip with the plane of a 2D view (-1: none; else a ViewOrientation index), following
    // its slice; `flip` keeps the other side.
    int planeView = -1;
    bool flip = false;
    bool operator==(const ClipSettings&) const = default;
};

class Scene3D : public QObject {
    Q_OBJECT
public:
    // The workspace's scene (created on first use).
    static Scene3D* of(Workspace* workspace);
    explicit Scene3D(Workspace* workspace);
    ~Scene3D() override;

    Workspace* workspace() const noexcept { return workspace_; }
    // The current series' study ("" when nothing is open): study instance UID, or the series key.
    std::string currentStudy() const;

    // ---- models of the current study
    const std::vector<Model3D>& models() const;
    const Model3D* model(int id) const;
    // Undoable.
    void addModels(std::vector<Model3D> models, const QString& step);
    void removeModel(int id);
    void setModelDisplay(int id, const ModelDisplay& display, const QString& step);

    // ---- annotations of the current study
    const AnnotationStore& annotations() const;
    // Undoable; return the new id (0 when nothing is open).
    int addAnnotation(Annotation a, const QString& step = {});
    // Removes it with the distances/angles that use it (one step).
    void removeAnnotation(int id);
    void editAnnotation(const Annotation& a);
    // A click picked `point` on a surface: what happens depends on pickMode() (a landmark,
    // a note with noteText(), or the next landmark of a distance/angle being placed).
    void picked(const core::Vec3& point);
    PickMode pickMode() const noexcept { return pickMode_; }
    void setPickMode(PickMode m);
    QString noteText() const { return noteText_; }
    void setNoteText(const QString& t) { noteText_ = t; }
    // Landmarks placed so far for the distance/angle in progress.
    const std::vector<int>& pendingLandmarks() const noexcept { return pending_; }

    // ---- volume rendering and clipping (current study)
    bool volumeVisible() const noexcept { return volumeVisible_; }
    void setVolumeVisible(bool on);
    const TransferFunction& transferFunction() const;
    QString volumePreset() const;
    // Sets the transfer function (and the preset it came from, or "custom").
    void setTransferFunction(const TransferFunction& tf, const QString& preset);
    void applyPreset(VolumePreset p);
    const ClipSettings& clip() const noexcept { return clip_; }
    void setClip(const ClipSettings& c);

    // ---- persistence
    // Where study files go (default: the application's data folder + "/view3d").
    static void setStorageDirectory(const QString& dir);
    static QString storageDirectory();
    // The file of a study.
    static QString studyFilePath(const std::string& studyKey);
    View3DFile snapshot() const;  // the current study's file content
    // Writes the current study's file now (throws core::IoError).
    void saveNow();
    // Restores annotations, model display and transfer function from a file content
    // (not undoable: opening a study).
    void restore(const View3DFile& file);

    // ---- direct changes for the undo commands (no undo step, no checks beyond the model's)
    void replaceAnnotations(const std::string& study, const std::vector<Annotation>& before,
                            const std::vector<Annotation>& after);
    void replaceModels(const std::string& study, const std::vector<Model3D>& before,
                       const std::vector<Model3D>& after);

Q_SIGNALS:
    void modelsChanged();
    void annotationsChanged();
    void volumeChanged();
    void clipChanged();
    void pickModeChanged(stratum::app::PickMode mode);
    // The current study changed (another series' study became current).
    void studyChanged();
    // After each autosave (path) or failure (message).
    void saved(const QString& path);
    void saveFailed(const QString& message);

private:
    struct StudyScene {
        std::vector<Model3D> models;
        AnnotationStore annotations;
        int nextModelId = 1;
        std::optional<TransferFunction> transfer;
        std::string preset;
        std::vector<ModelDisplay> savedDisplays;  // from the file, applied to models built later
        bool loaded = false;
    };
    StudyScene& scene(const std::string& study);
    const StudyScene* currentScene() const;
    void onCurrentChanged();
    void scheduleSave(const std::string& study);
    void saveStudy(const std::string& study);
    View3DFile fileOf(const std::string& study) const;

    Workspace* workspace_;
    std::map<std::string, StudyScene> scenes_;
    std::string current_;
    PickMode pickMode_ = PickMode::None;
    QString noteText_ = "Note";
    std::vector<int> pending_;
    bool volumeVisible_ = false;
    ClipSettings clip_;
    QTimer saveTimer_;
    std::vector<std::string> dirty_;
};

}  // namespace stratum::app
