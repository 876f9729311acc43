#pragma once
// The viewing area: one VtkOpenGLWidget whose render window holds a viewport per 2D
// view (axial, coronal, sagittal) and the 3D slot, laid out one-up, 1x3 or 2x2. One
// GL widget with several renderers, not one widget per view: with software GL (Mesa
// llvmpipe, Xvfb) Qt recomposites the whole window on every update, so fewer GL
// widgets are faster (measured: docs/workstation.md).
//
// Mouse: left = the current tool (navigate: move the linked cursor; measurement
// tools: draw), right drag = window/level, middle drag (or Ctrl+left) = pan,
// Shift+left drag or Ctrl+wheel = zoom, wheel = scroll slices, double-click = one-up
// on/off. Keys: Up/Down, PageUp/PageDown, Home/End scroll the active view; Escape
// cancels a measurement being drawn.
#include <QImage>
#include <QPointF>
#include <QWidget>
#include <array>
#include <memory>
#include <optional>

#include "stratum/app/SliceViewport.h"
#include "stratum/app/model/Measurement.h"
#include "stratum/app/model/MeasurementDraft.h"
#include "stratum/app/model/SliceRenderer.h"
#include "stratum/app/model/ViewOrientation.h"

class QSlider;
class vtkRenderer;
class vtkTextActor;

namespace stratum::app {

class VtkOpenGLWidget;
class Workspace;
class View3DProvider;
class ViewerState;

enum class ViewLayout { OneUp, OneByThree, TwoByTwo };
enum class Tool { Navigate, Distance, Angle, Rectangle, Ellipse };
const char* viewLayoutName(ViewLayout l);
const char* toolName(Tool t);

class ViewArea : public QWidget {
    Q_OBJECT
public:
    explicit ViewArea(Workspace* workspace, QWidget* parent = nullptr);
    ~ViewArea() override;

    VtkOpenGLWidget* glWidget() const noexcept { return gl_; }
    // The slice slider under the views: the slices of the active view.
    QSlider* sliceSlider() const noexcept { return slider_; }

    void setViewLayout(ViewLayout layout);
    ViewLayout viewLayout() const noexcept { return layout_; }
    // The layout actually shown (a single 2D image is always one-up).
    ViewLayout effectiveLayout() const;
    void setActiveView(ViewOrientation o);
    ViewOrientation activeView() const noexcept { return active_; }
    void setTool(Tool tool);
    Tool tool() const noexcept { return tool_; }
    void setOverlayTextVisible(bool on);
    bool overlayTextVisible() const noexcept { return overlayText_; }
    void setCrosshairVisible(bool on);
    bool crosshairVisible() const noexcept { return crosshair_; }

    void fitAll();
    void zoomActive(double factor);
    void scrollActive(int delta);
    void cancelMeasurement();

    void setView3DProvider(std::unique_ptr<View3DProvider> provider);
    View3DProvider* view3DProvider() const noexcept { return provider3D_.get(); }

    const SliceViewport& viewport(ViewOrientation o) const { return *views_[index(o)]; }
    // Where a patient position appears in the widget (logical pixels), for view o.
    QPointF patientToWidget(ViewOrientation o, const core::Vec3& patient) const;
    // The patient position under a widget point, on the plane of the view there.
    std::optional<core::Vec3> widgetToPatient(const QPointF& point) const;
    std::optional<ViewOrientation> viewAt(const QPointF& point) const;
    // The views as shown (the GL framebuffer).
    QImage grabViews();

    // Series id shown in the last frame on screen (0: none).
    int shownSeries() const noexcept { return shownSeries_; }

Q_SIGNALS:
    void readoutChanged(const QString& text);
    void layoutChanged(stratum::app::ViewLayout layout);
    void toolChanged(stratum::app::Tool tool);
    void activeViewChanged(stratum::app::ViewOrientation o);
    // After each render: VTK's render time in ms.
    void frameRendered(double milliseconds);
    // The first frame showing series `id` is on screen (rendered and composed into the window).
    void seriesShown(int id);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    static std::size_t index(ViewOrientation o) { return static_cast<std::size_t>(o); }
    struct ImageKey {
        int series = 0;
        long volumeVersion = 0;
        long layersVersion = 0;
        int slice = -1;
        WindowLevel window;
        bool invert = false;
        Interpolation interpolation = Interpolation::Linear;
        bool operator==(const ImageKey&) const = default;
    };
    enum class Drag { None, Tool, Window, Pan, Zoom };

    ViewerState* viewer() const;
    void relayout();
    void updateSlider();
    // The view the slider and the keys act on (the only one for a 2D image).
    ViewOrientation sliderView() const;
    void fit(ViewOrientation o);
    void requestRender();
    void onAboutToRender();
    void onRendered(double ms);
    void onFrameSwapped();
    void syncViewport(SliceViewport& v);
    void syncOverlays(SliceViewport& v, const ViewerState& state);
    CornerText cornerText(const SliceViewport& v, const ViewerState& state) const;
    std::vector<MeasurementGraphic> measurementGraphics(ViewOrientation o,
                                                        const ViewerState& state) const;
    std::optional<core::Vec3> patientAt(ViewOrientation o, const QPointF& devicePoint) const;
    QPointF devicePoint(const QPointF& logical) const;

    void mousePress(QMouseEvent* e);
    void mouseMove(QMouseEvent* e);
    void mouseRelease(QMouseEvent* e);
    void mouseDoubleClick(QMouseEvent* e);
    void wheel(QWheelEvent* e);
    bool key(QKeyEvent* e);
    void updateReadout(const QPointF& devicePoint);
    void toolPress(ViewOrientation o, const core::Vec3& p);
    void toolMove(const core::Vec3& p);
    void toolRelease();
    void commitMeasurement();

    Workspace* workspace_;
    VtkOpenGLWidget* gl_ = nullptr;
    QSlider* slider_ = nullptr;
    std::array<std::unique_ptr<SliceViewport>, 3> views_;
    std::array<ImageKey, 3> shownKeys_;
    std::array<bool, 3> needsFit_{true, true, true};
    std::array<std::array<double, 2>, 3> fittedSize_{};
    vtkRenderer* background_ = nullptr;
    vtkRenderer* renderer3D_ = nullptr;
    vtkTextActor* message3D_ = nullptr;
    ViewportRect rect3D_;
    std::unique_ptr<View3DProvider> provider3D_;
    std::array<SliceRenderer, 3> sliceRenderers_;  // one per view: each keeps its resliced slice
    RgbaImage rgba_;

    ViewLayout layout_ = ViewLayout::OneByThree;
    ViewOrientation active_ = ViewOrientation::Axial;
    Tool tool_ = Tool::Navigate;
    bool overlayText_ = true;
    bool crosshair_ = true;
    long volumeVersion_ = 0;
    long layersVersion_ = 0;
    int shownSeries_ = 0;
    int pendingShown_ = 0;    // series in the frame being rendered
    int renderedSeries_ = 0;  // series in the last frame rendered (maybe not yet on screen)

    Drag drag_ = Drag::None;
    ViewOrientation dragView_ = ViewOrientation::Axial;
    QPointF lastDevice_;
    MeasurementDraft draft_;
};

}  // namespace stratum::app
