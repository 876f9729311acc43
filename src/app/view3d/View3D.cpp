#include "stratum/app/view3d/View3D.h"

#include <QOpenGLContext>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <vtkActor.h>
#include <vtkAnnotatedCubeActor.h>
#include <vtkBillboardTextActor3D.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkCellPicker.h>
#include <vtkColorTransferFunction.h>
#include <vtkCommand.h>
#include <vtkFixedPointVolumeRayCastMapper.h>
#include <vtkGPUVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkLookupTable.h>
#include <vtkMatrix4x4.h>
#include <vtkOpenGLRenderWindow.h>
#include <vtkPiecewiseFunction.h>
#include <vtkPlane.h>
#include <vtkPlaneCollection.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>
#include <vtkSphereSource.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>
#include <vtkWindowToImageFilter.h>

#include "stratum/app/SliceViewport.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/model/LevelOfDetail.h"
#include "stratum/app/model/ViewOrientation.h"
#include "stratum/app/view3d/PickingInteractorStyle.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/VtkBridge.h"

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

namespace {

void setColor(vtkProperty* p, const Rgb& c) {
    p->SetColor(c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

vtkSmartPointer<vtkActor> makeModelActor(vtkPolyData* poly, const mesh::SurfaceMesh& m,
                                         const ModelDisplay& d,
                                         vtkSmartPointer<vtkPolyDataMapper>* mapperOut = nullptr) {
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputData(poly);
    if (!m.scalars.empty()) {
        // Height fields: the pixel values through a grey-to-warm lookup table.
        const auto [lo, hi] = std::minmax_element(m.scalars.begin(), m.scalars.end());
        vtkNew<vtkLookupTable> lut;
        lut->SetHueRange(0.66, 0.0);
        lut->SetSaturationRange(0.6, 0.8);
        lut->SetValueRange(0.5, 1.0);
        lut->Build();
        mapper->SetLookupTable(lut);
        mapper->SetScalarRange(*lo, *hi > *lo ? *hi : *lo + 1);
        mapper->ScalarVisibilityOn();
    } else {
        mapper->ScalarVisibilityOff();
    }
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    setColor(actor->GetProperty(), d.color);
    actor->GetProperty()->SetOpacity(d.opacity);
    actor->GetProperty()->SetSpecular(0.2);
    actor->GetProperty()->SetSpecularPower(20);
    actor->SetVisibility(d.visible);
    if (mapperOut) *mapperOut = mapper;
    return actor;
}

// The volume placed in patient space: VTK image data with origin 0 and identity
// direction (every mapper supports that), moved by the index->patient matrix.
vtkSmartPointer<vtkImageData> wrapVolume(const core::Image& image) {
    const vtkSmartPointer<vtkImageData> shared = mesh::toVtkImage(image);  // no copy
    auto data = vtkSmartPointer<vtkImageData>::New();
    const core::Size3& n = image.size();
    data->SetDimensions(static_cast<int>(n[0]), static_cast<int>(n[1]), static_cast<int>(n[2]));
    data->SetSpacing(image.geometry().spacing.data());
    data->SetOrigin(0, 0, 0);
    data->GetPointData()->SetScalars(shared->GetPointData()->GetScalars());
    return data;
}

vtkSmartPointer<vtkMatrix4x4> placement(const core::Geometry& g) {
    auto m = vtkSmartPointer<vtkMatrix4x4>::New();
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) m->SetElement(r, c, g.direction(r, c));
        m->SetElement(r, 3, g.origin[static_cast<std::size_t>(r)]);
    }
    return m;
}

vtkSmartPointer<vtkVolumeMapper> makeVolumeMapper(bool gpu, vtkImageData* data, double sampleMm) {
    if (gpu) {
        auto m = vtkSmartPointer<vtkGPUVolumeRayCastMapper>::New();
        m->SetInputData(data);
        m->AutoAdjustSampleDistancesOff();
        m->SetSampleDistance(static_cast<float>(sampleMm));
        m->SetImageSampleDistance(1.0f);
        return m;
    }
    auto m = vtkSmartPointer<vtkFixedPointVolumeRayCastMapper>::New();
    m->SetInputData(data);
    m->AutoAdjustSampleDistancesOff();
    m->SetSampleDistance(static_cast<float>(sampleMm));
    m->SetInteractiveSampleDistance(static_cast<float>(2 * sampleMm));
    m->SetImageSampleDistance(1.0f);
    return m;
}

void setVolumeQuality(vtkVolumeMapper* mapper, bool gpu, double sampleMm, double imageSample) {
    if (gpu) {
        auto* m = static_cast<vtkGPUVolumeRayCastMapper*>(mapper);
        m->SetSampleDistance(static_cast<float>(sampleMm));
        m->SetImageSampleDistance(static_cast<float>(imageSample));
    } else {
        auto* m = static_cast<vtkFixedPointVolumeRayCastMapper*>(mapper);
        m->SetSampleDistance(static_cast<float>(sampleMm));
        m->SetImageSampleDistance(static_cast<float>(imageSample));
    }
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

vtkSmartPointer<vtkBillboardTextActor3D> makeLabel(const std::string& text, const core::Vec3& at,
                                                   const Rgb& color) {
    auto label = vtkSmartPointer<vtkBillboardTextActor3D>::New();
    label->SetInput(text.c_str());
    label->SetPosition(at[0], at[1], at[2]);
    label->GetTextProperty()->SetFontSize(15);
    label->GetTextProperty()->SetColor(color.r / 255.0, color.g / 255.0, color.b / 255.0);
    label->GetTextProperty()->SetBold(true);
    label->GetTextProperty()->SetShadow(true);
    label->SetDisplayOffset(8, 8);
    label->PickableOff();
    return label;
}

vtkSmartPointer<vtkActor> makeSphere(const core::Vec3& at, double radius, const Rgb& color) {
    vtkNew<vtkSphereSource> sphere;
    sphere->SetCenter(at.data());
    sphere->SetRadius(radius);
    sphere->SetThetaResolution(16);
    sphere->SetPhiResolution(12);
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputConnection(sphere->GetOutputPort());
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    setColor(actor->GetProperty(), color);
    actor->PickableOff();
    return actor;
}

vtkSmartPointer<vtkActor> makePolyline(const std::vector<core::Vec3>& points, const Rgb& color,
                                       double width) {
    vtkNew<vtkPoints> pts;
    vtkNew<vtkCellArray> lines;
    lines->InsertNextCell(static_cast<vtkIdType>(points.size()));
    for (const core::Vec3& p : points) lines->InsertCellPoint(pts->InsertNextPoint(p.data()));
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(pts);
    poly->SetLines(lines);
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputData(poly);
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    setColor(actor->GetProperty(), color);
    actor->GetProperty()->SetLineWidth(static_cast<float>(width));
    actor->GetProperty()->LightingOff();
    actor->PickableOff();
    return actor;
}

// Glyphs, lines and labels of the annotations.
void annotationProps(const AnnotationStore& store, double radius,
                     std::vector<vtkSmartPointer<vtkProp>>& out) {
    for (const Annotation& a : store.all()) {
        if (!a.visible) continue;
        const std::vector<core::Vec3> p = store.points(a);
        switch (a.kind) {
            case AnnotationKind::Landmark:
                out.push_back(makeSphere(a.point, radius, a.color));
                out.push_back(makeLabel(a.name, a.point, a.color));
                break;
            case AnnotationKind::Note:
                out.push_back(makeSphere(a.point, radius * 0.8, a.color));
                out.push_back(makeLabel(a.name + ": " + a.text, a.point, a.color));
                break;
            case AnnotationKind::Distance:
                if (p.size() == 2) {
                    out.push_back(makePolyline(p, a.color, 3));
                    out.push_back(makeLabel(fixed(*store.value(a.id), 1) + " mm",
                                            0.5 * (p[0] + p[1]), a.color));
                }
                break;
            case AnnotationKind::Angle:
                if (p.size() == 3) {
                    out.push_back(makePolyline(p, a.color, 3));
                    out.push_back(
                        makeLabel(fixed(*store.value(a.id), 1) + "\u00b0", p[1], a.color));
                }
                break;
        }
    }
}

}  // namespace

View3D::View3D(QObject* parent) : QObject(parent) {}

View3D::~View3D() {
    if (renderer_ && renderer_->GetRenderWindow() && marker_) {
        renderer_->GetRenderWindow()->RemoveObserver(windowObserver_);
        renderer_->GetRenderWindow()->RemoveRenderer(marker_);
    }
}

void View3D::attach(vtkRenderer* renderer, Workspace* workspace) {
    renderer_ = renderer;
    workspace_ = workspace;
    scene_ = Scene3D::of(workspace);
    renderer_->SetBackground(0.05, 0.05, 0.08);
    renderer_->SetBackground2(0.22, 0.24, 0.3);
    renderer_->GradientBackgroundOn();

    connect(scene_, &Scene3D::modelsChanged, this, [this] {
        modelsDirty_ = true;
        requestRender();
    });
    connect(scene_, &Scene3D::annotationsChanged, this, [this] {
        annotationsDirty_ = true;
        requestRender();
    });
    connect(scene_, &Scene3D::volumeChanged, this, [this] {
        volumeDirty_ = true;
        requestRender();
    });
    connect(scene_, &Scene3D::clipChanged, this, &View3D::requestRender);
    connect(workspace_, &Workspace::imageReplaced, this, [this] { volumeDirty_ = true; });
    connect(workspace_, &Workspace::currentChanged, this, [this] {
        volumeDirty_ = true;
        annotationsDirty_ = true;
    });

    vtkRenderWindow* window = renderer_->GetRenderWindow();
    // The orientation marker: a cube with the patient's directions, drawn over the 3D
    // viewport's lower left corner in a second layer, turned like the main camera.
    window->SetNumberOfLayers(std::max(2, window->GetNumberOfLayers()));
    marker_ = vtkSmartPointer<vtkRenderer>::New();
    marker_->SetLayer(1);
    marker_->SetInteractive(false);
    vtkNew<vtkAnnotatedCubeActor> cube;
    cube->SetXPlusFaceText("L");
    cube->SetXMinusFaceText("R");
    cube->SetYPlusFaceText("P");
    cube->SetYMinusFaceText("A");
    cube->SetZPlusFaceText("S");
    cube->SetZMinusFaceText("I");
    cube->SetFaceTextScale(0.6);
    cube->GetCubeProperty()->SetColor(0.35, 0.4, 0.5);
    cube->GetTextEdgesProperty()->SetColor(0.9, 0.9, 0.9);
    cube->GetXPlusFaceProperty()->SetColor(1, 0.85, 0.3);
    cube->GetXMinusFaceProperty()->SetColor(1, 0.85, 0.3);
    cube->GetYPlusFaceProperty()->SetColor(0.4, 1, 0.4);
    cube->GetYMinusFaceProperty()->SetColor(0.4, 1, 0.4);
    cube->GetZPlusFaceProperty()->SetColor(1, 0.45, 0.45);
    cube->GetZMinusFaceProperty()->SetColor(1, 0.45, 0.45);
    cube->PickableOff();
    marker_->AddViewProp(cube);
    marker_->DrawOff();
    window->AddRenderer(marker_);
    // The marker follows the 3D viewport (hidden with it) on every render of the window.
    windowObserver_ = window->AddObserver(vtkCommand::StartEvent, this, &View3D::onWindowRender);

    style_ = vtkSmartPointer<PickingInteractorStyle>::New();
    style_->SetDefaultRenderer(renderer_);
    style_->onClick = [this](int x, int y) { onClick(x, y); };
    style_->AddObserver(vtkCommand::StartInteractionEvent, this, &View3D::onInteractionEvent);
    style_->AddObserver(vtkCommand::EndInteractionEvent, this, &View3D::onInteractionEvent);
    if (vtkRenderWindowInteractor* rwi = window->GetInteractor()) rwi->SetInteractorStyle(style_);
    renderer_->GetActiveCamera()->SetViewAngle(30.0);
}

void View3D::requestRender() {
    if (!renderer_) return;
    if (vtkRenderWindowInteractor* rwi = renderer_->GetRenderWindow()->GetInteractor())
        rwi->Render();  // the Qt widget turns this into a scheduled repaint
}

void View3D::onInteractionEvent(vtkObject*, unsigned long event, void*) {
    setInteracting(event == vtkCommand::StartInteractionEvent);
}

void View3D::setInteracting(bool on) {
    if (on == interacting_) return;
    interacting_ = on;
    Q_EMIT interactionChanged(on);
    requestRender();
}

// ---- scene synchronisation (GUI thread, before each render) --------------------------

void View3D::update(Workspace*) {
    if (!renderer_) return;
    if (modelsDirty_) syncModels();
    if (volumeDirty_) syncVolume();
    syncClipping();
    if (annotationsDirty_ || std::abs(markerRadius() - annotationRadius_) > 1e-9) syncAnnotations();
    syncSlicePlanes();
    applyLevelOfDetail();
    // Fit the camera the first time a study has something to show.
    const std::string study = scene_->currentStudy();
    if (study != cameraStudy_ && sceneBounds()) {
        cameraStudy_ = study;
        setStandardView(StandardView::Anterior);
    }
    renderer_->ResetCameraClippingRange();
}

void View3D::onWindowRender(vtkObject*, unsigned long, void*) {
    syncMarker();
}

void View3D::syncModels() {
    modelsDirty_ = false;
    std::map<int, ModelProp> kept;
    for (const Model3D& m : scene_->models()) {
        auto it = models_.find(m.id);
        if (it != models_.end() && it->second.mesh == m.mesh) {
            kept[m.id] = std::move(it->second);
            models_.erase(it);
        } else {
            ModelProp p;
            p.mesh = m.mesh;
            p.lod = m.lod;
            p.full = mesh::toVtkPolyData(*m.mesh);
            if (m.lod) p.thin = mesh::toVtkPolyData(*m.lod);
            p.actor = makeModelActor(p.full, *m.mesh, m.display, &p.mapper);
            if (clipPlanes_) p.mapper->SetClippingPlanes(clipPlanes_);
            renderer_->AddActor(p.actor);
            kept[m.id] = std::move(p);
        }
        ModelProp& p = kept[m.id];
        setColor(p.actor->GetProperty(), m.display.color);
        p.actor->GetProperty()->SetOpacity(m.display.opacity);
        p.actor->SetVisibility(m.display.visible);
    }
    for (auto& [id, p] : models_) renderer_->RemoveActor(p.actor);
    models_ = std::move(kept);
}

bool View3D::useGpuMapper() {
    if (mapperKind_ != VolumeMapperKind::Auto) return mapperKind_ == VolumeMapperKind::Gpu;
    if (!softwareGl_) {
        // Mesa's software rasterisers ray-cast slower than VTK's multi-threaded CPU caster
        // (docs/view3d.md); a real GPU is faster.
        auto* gl = vtkOpenGLRenderWindow::SafeDownCast(renderer_->GetRenderWindow());
        const std::string caps = gl ? gl->ReportCapabilities() : std::string();
        softwareGl_ = caps.find("llvmpipe") != std::string::npos ||
                      caps.find("softpipe") != std::string::npos ||
                      caps.find("SWR") != std::string::npos || caps.empty();
    }
    return !*softwareGl_;
}

void View3D::setVolumeMapperKind(VolumeMapperKind k) {
    mapperKind_ = k;
    volume_.data = nullptr;  // rebuild with the new mapper
    volumeDirty_ = true;
    requestRender();
}

QString View3D::volumeMapperName() const {
    if (!volume_.volume) return {};
    return volume_.gpu ? "GPU ray cast" : "fixed-point CPU ray cast";
}

void View3D::syncVolume() {
    volumeDirty_ = false;
    const ViewerState* viewer = workspace_->currentViewer();
    const bool show = scene_->volumeVisible() && viewer && !viewer->isSingleImage() &&
                      viewer->volume().components() == 1;
    if (!show) {
        if (volume_.volume) renderer_->RemoveVolume(volume_.volume);
        volume_ = {};
        return;
    }
    const core::Image& image = viewer->volume();
    if (volume_.data != image.data()) {
        if (volume_.volume) renderer_->RemoveVolume(volume_.volume);
        volume_ = {};
        volume_.data = image.data();
        volume_.series = workspace_->currentId();
        volume_.image = wrapVolume(image);
        const core::Vec3& s = image.geometry().spacing;
        volume_.minSpacing = std::min({s[0], s[1], s[2]});
        volume_.gpu = useGpuMapper();
        volume_.mapper = makeVolumeMapper(volume_.gpu, volume_.image, volume_.minSpacing);
        if (clipPlanes_) volume_.mapper->SetClippingPlanes(clipPlanes_);
        volume_.property = vtkSmartPointer<vtkVolumeProperty>::New();
        volume_.property->SetInterpolationTypeToLinear();
        volume_.property->ShadeOn();
        volume_.property->SetAmbient(0.3);
        volume_.property->SetDiffuse(0.7);
        volume_.property->SetSpecular(0.2);
        volume_.volume = vtkSmartPointer<vtkVolume>::New();
        volume_.volume->SetMapper(volume_.mapper);
        volume_.volume->SetProperty(volume_.property);
        volume_.volume->SetUserMatrix(placement(image.geometry()));
        volume_.volume->PickableOff();
        renderer_->AddVolume(volume_.volume);
    }
    syncTransferFunction();
}

void View3D::syncTransferFunction() {
    if (!volume_.property) return;
    vtkNew<vtkColorTransferFunction> color;
    vtkNew<vtkPiecewiseFunction> opacity;
    for (const TransferPoint& p : scene_->transferFunction().points()) {
        color->AddRGBPoint(p.value, p.r, p.g, p.b);
        opacity->AddPoint(p.value, p.opacity);
    }
    volume_.property->SetColor(color);
    volume_.property->SetScalarOpacity(opacity);
}

void View3D::syncClipping() {
    const ClipSettings& clip = scene_->clip();
    std::vector<double> key;
    std::vector<std::pair<core::Vec3, core::Vec3>> planes;  // origin, normal (kept side)
    const auto bounds = sceneBounds();
    if (clip.boxEnabled && bounds) {
        const auto& b = *bounds;
        for (int axis = 0; axis < 3; ++axis) {
            const double lo = b[2 * axis], hi = b[2 * axis + 1];
            core::Vec3 n{0, 0, 0}, o{0, 0, 0};
            n[axis] = 1;
            o[axis] = lo + clip.box[2 * axis] * (hi - lo);
            planes.push_back({o, n});
            n[axis] = -1;
            o[axis] = lo + clip.box[2 * axis + 1] * (hi - lo);
            planes.push_back({o, n});
        }
    }
    const ViewerState* viewer = workspace_->currentViewer();
    if (clip.planeView >= 0 && clip.planeView < 3 && viewer && !viewer->isSingleImage()) {
        const SlicePlane plane = viewer->plane(static_cast<ViewOrientation>(clip.planeView));
        // The 2D view looks along its normal: keep what lies behind the slice (beyond it,
        // as the view shows), or the near side when flipped.
        planes.push_back({plane.origin, clip.flip ? -1.0 * plane.normal : plane.normal});
    }
    for (const auto& [o, n] : planes) key.insert(key.end(), {o[0], o[1], o[2], n[0], n[1], n[2]});
    if (key == clipKey_ && (clipPlanes_ || planes.empty())) return;
    clipKey_ = key;
    if (planes.empty()) {
        clipPlanes_ = nullptr;
    } else {
        clipPlanes_ = vtkSmartPointer<vtkPlaneCollection>::New();
        for (const auto& [o, n] : planes) {
            vtkNew<vtkPlane> p;
            p->SetOrigin(o.data());
            p->SetNormal(n.data());
            clipPlanes_->AddItem(p);
        }
    }
    for (auto& [id, p] : models_) p.mapper->SetClippingPlanes(clipPlanes_);
    if (volume_.mapper) volume_.mapper->SetClippingPlanes(clipPlanes_);
}

double View3D::markerRadius() const {
    const auto b = sceneBounds();
    if (!b) return 1.0;
    const double diag = std::sqrt(std::pow((*b)[1] - (*b)[0], 2) + std::pow((*b)[3] - (*b)[2], 2) +
                                  std::pow((*b)[5] - (*b)[4], 2));
    return std::max(0.5, 0.008 * diag);
}

void View3D::syncAnnotations() {
    annotationsDirty_ = false;
    for (const auto& p : annotationProps_) renderer_->RemoveViewProp(p);
    annotationProps_.clear();
    annotationRadius_ = markerRadius();
    annotationProps(scene_->annotations(), annotationRadius_, annotationProps_);
    for (const auto& p : annotationProps_) renderer_->AddViewProp(p);
}

void View3D::syncSlicePlanes() {
    const ViewerState* viewer = workspace_->currentViewer();
    std::vector<double> key;
    if (viewer && slicePlanesVisible_ && !viewer->isSingleImage() && sceneBounds()) {
        const core::Vec3& c = viewer->cursor();
        key = {c[0], c[1], c[2], static_cast<double>(workspace_->currentId()),
               static_cast<double>(viewer->alignment() == PlaneAlignment::Patient)};
    }
    if (key == slicePlanesKey_ && (slicePlanes_ || key.empty())) return;
    slicePlanesKey_ = key;
    if (slicePlanes_) renderer_->RemoveActor(slicePlanes_);
    slicePlanes_ = nullptr;
    if (key.empty()) return;
    // The outline of each 2D view's slice in its colour: where the MPR cursor is in 3D.
    vtkNew<vtkPoints> pts;
    vtkNew<vtkCellArray> lines;
    vtkNew<vtkUnsignedCharArray> colors;
    colors->SetNumberOfComponents(3);
    for (ViewOrientation o : kAllOrientations) {
        const SlicePlane p = viewer->plane(o);
        const double x0 = -0.5, y0 = -0.5, x1 = p.width - 0.5, y1 = p.height - 0.5;
        const core::Vec3 corners[4] = {p.pixelToPatient(x0, y0), p.pixelToPatient(x1, y0),
                                       p.pixelToPatient(x1, y1), p.pixelToPatient(x0, y1)};
        lines->InsertNextCell(5);
        for (int i = 0; i <= 4; ++i)
            lines->InsertCellPoint(pts->InsertNextPoint(corners[i % 4].data()));
        const std::array<double, 3> c = orientationColor(o);
        const unsigned char rgb[3] = {static_cast<unsigned char>(c[0] * 255),
                                      static_cast<unsigned char>(c[1] * 255),
                                      static_cast<unsigned char>(c[2] * 255)};
        colors->InsertNextTypedTuple(rgb);
    }
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(pts);
    poly->SetLines(lines);
    poly->GetCellData()->SetScalars(colors);
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputData(poly);
    mapper->SetColorModeToDirectScalars();
    mapper->SetScalarModeToUseCellData();
    slicePlanes_ = vtkSmartPointer<vtkActor>::New();
    slicePlanes_->SetMapper(mapper);
    slicePlanes_->GetProperty()->SetLineWidth(2);
    slicePlanes_->GetProperty()->LightingOff();
    slicePlanes_->PickableOff();
    renderer_->AddActor(slicePlanes_);
}

void View3D::setSlicePlanesVisible(bool on) {
    slicePlanesVisible_ = on;
    requestRender();
}

void View3D::applyLevelOfDetail() {
    drawnTriangles_ = 0;
    for (auto& [id, p] : models_) {
        const bool thin = interacting_ && p.thin;
        if (thin != p.showingThin) {
            p.mapper->SetInputData(thin ? p.thin.Get() : p.full.Get());
            p.showingThin = thin;
        }
        if (p.actor->GetVisibility())
            drawnTriangles_ += thin ? p.lod->triangleCount() : p.mesh->triangleCount();
    }
    if (volume_.mapper) {
        // The last frame's time when it was drawn at full quality: the basis for the
        // ray density while interacting.
        if (!wasInteracting_ && renderer_->GetLastRenderTimeInSeconds() > 0)
            lastStillVolumeMs_ = renderer_->GetLastRenderTimeInSeconds() * 1000.0;
        wasInteracting_ = interacting_;
        const double imageSample =
            interacting_ ? interactiveImageSampleDistance(lastStillVolumeMs_, interactiveFrameMs_)
                         : 1.0;
        setVolumeQuality(volume_.mapper, volume_.gpu,
                         interacting_ ? 2 * volume_.minSpacing : volume_.minSpacing,
                         interacting_ ? std::max(2.0, imageSample) : 1.0);
    }
}

void View3D::syncMarker() {
    const bool drawn = renderer_->GetDraw() != 0;
    marker_->SetDraw(drawn);
    if (!drawn) return;
    const double* v = renderer_->GetViewport();
    const int* size = renderer_->GetRenderWindow()->GetSize();
    const double wPx = (v[2] - v[0]) * size[0], hPx = (v[3] - v[1]) * size[1];
    const double side = std::clamp(0.2 * std::min(wPx, hPx), 40.0, 140.0);
    marker_->SetViewport(v[0], v[1], std::min(v[2], v[0] + side / std::max(1, size[0])),
                         std::min(v[3], v[1] + side / std::max(1, size[1])));
    vtkCamera* cam = renderer_->GetActiveCamera();
    double dop[3];
    cam->GetDirectionOfProjection(dop);
    vtkCamera* mc = marker_->GetActiveCamera();
    mc->SetFocalPoint(0, 0, 0);
    mc->SetPosition(-4.5 * dop[0], -4.5 * dop[1], -4.5 * dop[2]);
    mc->SetViewUp(cam->GetViewUp());
    mc->SetViewAngle(30);
    marker_->ResetCameraClippingRange();
}

// ---- camera ----------------------------------------------------------------------------

std::optional<std::array<double, 6>> View3D::sceneBounds() const {
    std::array<double, 6> b{1e300, -1e300, 1e300, -1e300, 1e300, -1e300};
    bool any = false;
    const auto grow = [&](const double* x) {
        for (int i = 0; i < 3; ++i) {
            b[2 * i] = std::min(b[2 * i], x[2 * i]);
            b[2 * i + 1] = std::max(b[2 * i + 1], x[2 * i + 1]);
        }
        any = true;
    };
    for (const Model3D& m : scene_ ? scene_->models() : std::vector<Model3D>{}) {
        if (!m.display.visible || !m.mesh || m.mesh->vertices.empty()) continue;
        double mb[6] = {1e300, -1e300, 1e300, -1e300, 1e300, -1e300};
        for (const mesh::Point3f& p : m.mesh->vertices)
            for (int i = 0; i < 3; ++i) {
                mb[2 * i] = std::min(mb[2 * i], double(p[i]));
                mb[2 * i + 1] = std::max(mb[2 * i + 1], double(p[i]));
            }
        grow(mb);
    }
    if (volume_.volume) grow(volume_.volume->GetBounds());
    if (!any) return std::nullopt;
    return b;
}

void View3D::setStandardView(StandardView v) {
    const auto b = sceneBounds();
    if (!b || !renderer_) return;
    setCameraPose(standardViewPose(v, *b, renderer_->GetActiveCamera()->GetViewAngle()));
}

CameraPose View3D::cameraPose() const {
    CameraPose p;
    vtkCamera* c = renderer_->GetActiveCamera();
    c->GetPosition(p.position.data());
    c->GetFocalPoint(p.focalPoint.data());
    c->GetViewUp(p.viewUp.data());
    return p;
}

void View3D::setCameraPose(const CameraPose& p) {
    vtkCamera* c = renderer_->GetActiveCamera();
    c->SetFocalPoint(p.focalPoint.data());
    c->SetPosition(p.position.data());
    c->SetViewUp(p.viewUp.data());
    c->OrthogonalizeViewUp();
    renderer_->ResetCameraClippingRange();
    requestRender();
}

// ---- picking ---------------------------------------------------------------------------

std::array<int, 2> View3D::viewportCentre() const {
    const double* v = renderer_->GetViewport();
    const int* size = renderer_->GetRenderWindow()->GetSize();
    return {static_cast<int>((v[0] + v[2]) / 2 * size[0]),
            static_cast<int>((v[1] + v[3]) / 2 * size[1])};
}

std::optional<core::Vec3> View3D::pick(int x, int y) {
    if (!renderer_) return std::nullopt;
    vtkNew<vtkCellPicker> picker;
    picker->SetTolerance(1e-5);
    picker->PickFromListOn();
    bool any = false;
    for (auto& [id, p] : models_) {
        // Pick on the full surface, whatever is drawn.
        if (p.showingThin) {
            p.mapper->SetInputData(p.full);
            p.showingThin = false;
        }
        if (p.actor->GetVisibility() && p.actor->GetProperty()->GetOpacity() > 0) {
            picker->AddPickList(p.actor);
            any = true;
        }
    }
    if (!any || !picker->Pick(x, y, 0, renderer_) || picker->GetCellId() < 0) return std::nullopt;
    core::Vec3 out;
    picker->GetPickPosition(out.data());
    return out;
}

void View3D::onClick(int x, int y) {
    const auto p = pick(x, y);
    if (!p) return;
    if (scene_->pickMode() == PickMode::None) {
        // Navigate: the linked cursor moves to the surface point; the 2D views follow.
        if (ViewerState* v = workspace_->currentViewer()) {
            v->setCursor(*p);
            workspace_->notifyCursorChanged();
        }
        return;
    }
    scene_->picked(*p);
}

// ---- 2D views ---------------------------------------------------------------------------

void View3D::sliceGraphics(const SliceStack& stack, const SlicePlane& plane, double offset,
                           std::vector<MeasurementGraphic>& out) const {
    if (!scene_) return;
    const AnnotationStore& store = scene_->annotations();
    for (const Annotation* a : store.onPlane(plane, stack.sliceSpacing() / 2)) {
        const std::vector<core::Vec3> p = store.points(*a);
        if (a->kind == AnnotationKind::Distance)
            out.push_back(measurementGraphic(MeasurementKind::Distance, p,
                                             a->name + " " + fixed(*store.value(a->id), 1) + " mm",
                                             stack, offset));
        else if (a->kind == AnnotationKind::Angle)
            out.push_back(measurementGraphic(
                MeasurementKind::Angle, p, a->name + " " + fixed(*store.value(a->id), 1) + "\u00b0",
                stack, offset));
        else {
            // A diamond around the point, the name beside it.
            const auto c = stack.planeCoordinates(a->point);
            const double r = offset * 0.8;
            MeasurementGraphic g;
            g.points = {{c[0] - r, c[1]}, {c[0], c[1] - r}, {c[0] + r, c[1]}, {c[0], c[1] + r}};
            g.closed = true;
            g.label = a->kind == AnnotationKind::Note ? a->name + ": " + a->text : a->name;
            g.labelAt = {c[0] + offset, c[1] - offset};
            out.push_back(std::move(g));
        }
    }
}

// ---- images -----------------------------------------------------------------------------

void View3D::populate(vtkRenderer* target, std::vector<vtkSmartPointer<vtkProp>>& keep) const {
    double bg[3], bg2[3];
    renderer_->GetBackground(bg);
    renderer_->GetBackground2(bg2);
    target->SetBackground(bg);
    target->SetBackground2(bg2);
    target->SetGradientBackground(renderer_->GetGradientBackground());
    for (const auto& [id, p] : models_) {
        const Model3D* m = scene_->model(id);
        if (!m || !m->display.visible) continue;
        vtkSmartPointer<vtkPolyDataMapper> mapper;
        auto actor = makeModelActor(p.full, *p.mesh, m->display, &mapper);
        if (clipPlanes_) mapper->SetClippingPlanes(clipPlanes_);
        keep.push_back(actor);
    }
    if (volume_.volume) {
        auto mapper = makeVolumeMapper(volume_.gpu, volume_.image, volume_.minSpacing);
        if (clipPlanes_) mapper->SetClippingPlanes(clipPlanes_);
        auto volume = vtkSmartPointer<vtkVolume>::New();
        volume->SetMapper(mapper);
        volume->SetProperty(volume_.property);
        volume->SetUserMatrix(volume_.volume->GetUserMatrix());
        keep.push_back(volume);
    }
    annotationProps(scene_->annotations(),
                    annotationRadius_ > 0 ? annotationRadius_ : markerRadius(), keep);
    for (const auto& p : keep) target->AddViewProp(p);
}

namespace {

// An off-screen VTK window beside Qt's context: Qt's context is released first, and
// again afterwards (Qt makes its own current again before it paints).
class OffscreenWindow {
public:
    OffscreenWindow(int width, int height) {
        if (QOpenGLContext* c = QOpenGLContext::currentContext()) c->doneCurrent();
        window_->SetOffScreenRendering(1);
        window_->SetMultiSamples(0);
        window_->SetSize(width, height);
        window_->AddRenderer(renderer_);
    }
    ~OffscreenWindow() {
        window_->Finalize();
        if (QOpenGLContext* c = QOpenGLContext::currentContext()) c->doneCurrent();
    }
    vtkRenderer* renderer() const { return renderer_; }
    QImage render() {
        window_->Render();
        vtkNew<vtkWindowToImageFilter> grab;
        grab->SetInput(window_);
        grab->SetInputBufferTypeToRGB();
        grab->ReadFrontBufferOff();
        grab->Update();
        vtkImageData* img = grab->GetOutput();
        int dims[3];
        img->GetDimensions(dims);
        QImage out(dims[0], dims[1], QImage::Format_RGB888);
        const auto* src = static_cast<const unsigned char*>(img->GetScalarPointer());
        for (int y = 0; y < dims[1]; ++y)  // VTK's rows run bottom up
            std::memcpy(out.scanLine(dims[1] - 1 - y), src + std::size_t(y) * dims[0] * 3,
                        std::size_t(dims[0]) * 3);
        return out;
    }

private:
    vtkNew<vtkRenderWindow> window_;
    vtkNew<vtkRenderer> renderer_;
};

void checkImageSize(int width, int height) {
    if (width < 16 || height < 16 || width > 8192 || height > 8192)
        throw core::InvalidArgument("image size " + std::to_string(width) + " x " +
                                    std::to_string(height) + ": each side must lie in 16..8192");
}

}  // namespace

QImage View3D::renderImage(int width, int height) {
    checkImageSize(width, height);
    OffscreenWindow off(width, height);
    std::vector<vtkSmartPointer<vtkProp>> keep;
    populate(off.renderer(), keep);
    off.renderer()->GetActiveCamera()->DeepCopy(renderer_->GetActiveCamera());
    off.renderer()->ResetCameraClippingRange();
    return off.render();
}

std::vector<std::filesystem::path> View3D::writeTurntable(const std::filesystem::path& folder,
                                                          int frames, int width, int height,
                                                          const core::Task& task) {
    checkImageSize(width, height);
    if (frames < 2 || frames > 3600)
        throw core::InvalidArgument("turntable: frames must lie in 2..3600, got " +
                                    std::to_string(frames));
    core::AtomicDirectory out(folder);
    std::filesystem::create_directories(out.tempPath());
    std::vector<std::filesystem::path> files;
    {
        OffscreenWindow off(width, height);
        std::vector<vtkSmartPointer<vtkProp>> keep;
        populate(off.renderer(), keep);
        const CameraPose start = cameraPose();
        vtkCamera* cam = off.renderer()->GetActiveCamera();
        cam->DeepCopy(renderer_->GetActiveCamera());
        for (int i = 0; i < frames; ++i) {
            task.progress(double(i) / frames, "turntable");
            // About the patient's superior axis: the model turns like on a turntable.
            const CameraPose p = rotatePose(start, {0, 0, 1}, 360.0 * i / frames);
            cam->SetPosition(p.position.data());
            cam->SetFocalPoint(p.focalPoint.data());
            cam->SetViewUp(p.viewUp.data());
            off.renderer()->ResetCameraClippingRange();
            const QImage image = off.render();
            char name[32];
            std::snprintf(name, sizeof name, "frame_%03d.png", i);
            if (!image.save(QString::fromStdString((out.tempPath() / name).string()), "PNG"))
                throw core::IoError((folder / name).string(), "cannot write the PNG");
            files.push_back(folder / name);
        }
    }
    out.commit();
    task.progress(1.0);
    return files;
}

}  // namespace stratum::app
