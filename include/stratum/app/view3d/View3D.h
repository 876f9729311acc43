#pragma once
// The 3D view of the 2x2 layout (View3DProvider): the current study's surface models,
// volume rendering of the current series with an editable transfer function, the
// annotations, the MPR slice planes and cursor, an orientation marker (patient letters
// on a cube), a clipping box and a clipping plane that follows a 2D view's slice.
//
// The VTK world is the patient's LPS space in millimetres: mesh vertices are patient
// points and the volume is placed by its index->patient matrix, so a picked point is a
// patient point. Mouse: PickingInteractorStyle (rotate, pan, zoom; a click picks: a
// landmark/note/distance/angle point per Scene3D::pickMode(), or the linked cursor).
// While the mouse drags, large surfaces are drawn from their thinned copies and the
// volume with fewer rays; full quality returns when the mouse is released.
#include <QImage>
#include <QObject>
#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <vtkSmartPointer.h>

#include "stratum/app/View3DProvider.h"
#include "stratum/app/model/StandardView.h"
#include "stratum/app/view3d/Scene3D.h"
#include "stratum/core/Progress.h"

class vtkActor;
class vtkImageData;
class vtkObject;
class vtkPlaneCollection;
class vtkPolyData;
class vtkPolyDataMapper;
class vtkProp;
class vtkRenderer;
class vtkVolume;
class vtkVolumeMapper;
class vtkVolumeProperty;

namespace stratum::app {

class PickingInteractorStyle;

enum class VolumeMapperKind { Auto, FixedPointCpu, Gpu };

class View3D : public QObject, public View3DProvider {
    Q_OBJECT
public:
    explicit View3D(QObject* parent = nullptr);
    ~View3D() override;

    QString name() const override { return "3D view"; }
    void attach(vtkRenderer* renderer, Workspace* workspace) override;
    void update(Workspace* workspace) override;
    void sliceGraphics(const SliceStack& stack, const SlicePlane& plane, double labelOffset,
                       std::vector<MeasurementGraphic>& out) const override;

    Scene3D* scene() const noexcept { return scene_; }
    vtkRenderer* renderer() const noexcept { return renderer_; }
    // Schedules a render of the window (the 3D view is redrawn in the next paint).
    void requestRender();

    // ---- camera
    void setStandardView(StandardView v);
    CameraPose cameraPose() const;
    void setCameraPose(const CameraPose& pose);
    // Scene bounds (xmin, xmax, ymin, ymax, zmin, zmax; LPS mm) of the models and the
    // volume shown; nullopt when the scene is empty.
    std::optional<std::array<double, 6>> sceneBounds() const;

    // ---- picking: the surface point under a display position (pixels of the render
    // window, origin bottom left), in patient coordinates; nullopt when no surface is there.
    std::optional<core::Vec3> pick(int displayX, int displayY);
    // The display position of the 3D viewport's centre.
    std::array<int, 2> viewportCentre() const;

    // ---- level of detail
    bool interacting() const noexcept { return interacting_; }
    void setInteracting(bool on);
    // Triangles drawn in the last frame (visible models).
    std::size_t drawnTriangles() const noexcept { return drawnTriangles_; }
    void setVolumeMapperKind(VolumeMapperKind k);
    // The mapper in use ("fixed-point CPU ray cast" / "GPU ray cast"; "" before a volume).
    QString volumeMapperName() const;
    // Target frame time while interacting (ms): sets the volume's ray density.
    void setInteractiveFrameMs(double ms) { interactiveFrameMs_ = ms; }

    void setSlicePlanesVisible(bool on);
    bool slicePlanesVisible() const noexcept { return slicePlanesVisible_; }

    // ---- images
    // The scene from the current camera, rendered off screen at width x height pixels
    // (full quality; no orientation marker). Throws core::InvalidArgument for a size
    // outside 16..8192.
    QImage renderImage(int width, int height);
    // `frames` images of a full turn about the superior axis through the scene centre,
    // from the current camera, as `folder`/frame_000.png..., written atomically (the
    // folder must not exist or be empty). Returns the files.
    std::vector<std::filesystem::path> writeTurntable(const std::filesystem::path& folder,
                                                      int frames, int width, int height,
                                                      const core::Task& task = {});

Q_SIGNALS:
    void interactionChanged(bool interacting);

private:
    struct ModelProp {
        std::shared_ptr<const mesh::SurfaceMesh> mesh, lod;
        vtkSmartPointer<vtkPolyData> full, thin;
        vtkSmartPointer<vtkPolyDataMapper> mapper;
        vtkSmartPointer<vtkActor> actor;
        bool showingThin = false;
    };
    struct VolumeProp {
        const void* data = nullptr;
        int series = 0;
        vtkSmartPointer<vtkImageData> image;
        vtkSmartPointer<vtkVolume> volume;
        vtkSmartPointer<vtkVolumeMapper> mapper;
        vtkSmartPointer<vtkVolumeProperty> property;
        double minSpacing = 1.0;
        bool gpu = false;
    };

    void syncModels();
    void syncVolume();
    void syncTransferFunction();
    void syncClipping();
    void syncAnnotations();
    void syncSlicePlanes();
    void syncMarker();
    void applyLevelOfDetail();
    void onClick(int x, int y);
    void onInteractionEvent(vtkObject*, unsigned long event, void*);
    void onWindowRender(vtkObject*, unsigned long, void*);
    double markerRadius() const;
    bool useGpuMapper();
    // Background and props for another renderer (off-screen images): copies sharing the
    // data.
    void populate(vtkRenderer* target, std::vector<vtkSmartPointer<vtkProp>>& keep) const;

    Workspace* workspace_ = nullptr;
    Scene3D* scene_ = nullptr;
    vtkRenderer* renderer_ = nullptr;
    vtkSmartPointer<vtkRenderer> marker_;
    vtkSmartPointer<PickingInteractorStyle> style_;
    std::map<int, ModelProp> models_;
    VolumeProp volume_;
    vtkSmartPointer<vtkPlaneCollection> clipPlanes_;
    std::vector<double> clipKey_;
    std::vector<vtkSmartPointer<vtkProp>> annotationProps_;
    vtkSmartPointer<vtkActor> slicePlanes_;
    std::vector<double> slicePlanesKey_;
    bool modelsDirty_ = true, volumeDirty_ = true, annotationsDirty_ = true;
    bool interacting_ = false;
    bool wasInteracting_ = false;
    bool slicePlanesVisible_ = true;
    std::size_t drawnTriangles_ = 0;
    VolumeMapperKind mapperKind_ = VolumeMapperKind::Auto;
    std::optional<bool> softwareGl_;
    double interactiveFrameMs_ = 45.0;
    double lastStillVolumeMs_ = 0.0;
    double annotationRadius_ = 0.0;
    unsigned long windowObserver_ = 0;
    std::string cameraStudy_;  // the study whose content the camera was last fitted to
};

}  // namespace stratum::app
