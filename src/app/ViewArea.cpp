#include "stratum/app/ViewArea.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numbers>

#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include "stratum/app/View3DProvider.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/model/OrientationLabels.h"
#include "stratum/app/model/PixelReadout.h"
#include "stratum/app/vtk/VtkOpenGLWidget.h"

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

const char* viewLayoutName(ViewLayout l) {
    switch (l) {
        case ViewLayout::OneUp:
            return "one-up";
        case ViewLayout::OneByThree:
            return "1x3";
        case ViewLayout::TwoByTwo:
            return "2x2";
    }
    return "unknown";
}

const char* toolName(Tool t) {
    switch (t) {
        case Tool::Navigate:
            return "navigate";
        case Tool::Distance:
            return "distance";
        case Tool::Angle:
            return "angle";
        case Tool::Rectangle:
            return "rectangle";
        case Tool::Ellipse:
            return "ellipse";
    }
    return "unknown";
}

namespace {

constexpr int kGap = 2;  // pixels between viewports
constexpr double kMinDragPixels = 3.0;
const char* kNoSeriesMessage = "Open a study: File > Open (Ctrl+O),\nor drop a file or folder here";

bool crossSectional(const std::string& modality) {
    return modality == "CT" || modality == "MR" || modality == "PT" || modality == "NM";
}

std::string prettyName(std::string pn) {
    std::replace(pn.begin(), pn.end(), '^', ' ');
    while (!pn.empty() && pn.back() == ' ') pn.pop_back();
    return pn;
}

std::string prettyDate(const std::string& da) {
    if (da.size() != 8) return da;
    return da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2);
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace

ViewArea::ViewArea(Workspace* workspace, QWidget* parent) : QWidget(parent), workspace_(workspace) {
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(0, 0, 0, 0);
    gl_ = new VtkOpenGLWidget(this);
    gl_->setObjectName("views");
    box->addWidget(gl_, 1);
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName("sliceSlider");
    slider_->setToolTip("Slice of the active view (wheel, Up/Down, PageUp/PageDown)");
    slider_->setEnabled(false);
    box->addWidget(slider_);
    connect(slider_, &QSlider::valueChanged, this, [this](int k) {
        ViewerState* s = viewer();
        if (!s || s->sliceIndex(sliderView()) == k) return;
        s->setSliceIndex(sliderView(), k);
        workspace_->notifyCursorChanged();
    });
    gl_->installEventFilter(this);
    setMinimumSize(240, 200);

    vtkGenericOpenGLRenderWindow* window = gl_->renderWindow();
    vtkNew<vtkRenderer> background;
    background->SetBackground(0.16, 0.16, 0.18);
    background->SetViewport(0, 0, 1, 1);
    background->SetInteractive(false);
    window->AddRenderer(background);
    background_ = background;
    for (ViewOrientation o : kAllOrientations) {
        views_[index(o)] = std::make_unique<SliceViewport>(o);
        window->AddRenderer(views_[index(o)]->renderer());
    }
    vtkNew<vtkRenderer> r3d;
    r3d->SetBackground(0.05, 0.05, 0.08);
    vtkNew<vtkTextActor> message;
    message->SetInput("3D view\n(no 3D view in this build)");
    message->SetTextScaleModeToNone();
    message->GetTextProperty()->SetFontSize(15);
    message->GetTextProperty()->SetColor(0.6, 0.6, 0.65);
    message->GetTextProperty()->SetJustificationToCentered();
    message->GetTextProperty()->SetVerticalJustificationToCentered();
    message->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    message->GetPositionCoordinate()->SetValue(0.5, 0.5);
    r3d->AddViewProp(message);
    message3D_ = message;
    window->AddRenderer(r3d);
    renderer3D_ = r3d;

    connect(gl_, &VtkOpenGLWidget::aboutToRender, this, &ViewArea::onAboutToRender);
    connect(gl_, &VtkOpenGLWidget::rendered, this, &ViewArea::onRendered);
    connect(gl_, &QOpenGLWidget::frameSwapped, this, &ViewArea::onFrameSwapped);
    connect(workspace_, &Workspace::currentChanged, this, [this] {
        needsFit_ = {true, true, true};
        draft_.cancel();
        relayout();
        updateSlider();
        requestRender();
    });
    connect(workspace_, &Workspace::seriesRemoved, this, [this] { requestRender(); });
    connect(workspace_, &Workspace::imageReplaced, this, [this] {
        ++volumeVersion_;
        relayout();  // a first slice (one view) became a volume (all views)
        updateSlider();
        requestRender();
    });
    connect(workspace_, &Workspace::layersChanged, this, [this] {
        ++layersVersion_;
        requestRender();
    });
    connect(workspace_, &Workspace::measurementsChanged, this, [this] { requestRender(); });
    connect(workspace_, &Workspace::cursorChanged, this, [this] {
        updateSlider();
        requestRender();
    });
    connect(workspace_, &Workspace::displayChanged, this, [this] { requestRender(); });
}

ViewArea::~ViewArea() = default;

ViewerState* ViewArea::viewer() const {
    return workspace_->currentViewer();
}

ViewLayout ViewArea::effectiveLayout() const {
    // Nothing open (one view with the invitation to open a study) or a single 2D image.
    const ViewerState* s = viewer();
    return !s || s->isSingleImage() ? ViewLayout::OneUp : layout_;
}

void ViewArea::setViewLayout(ViewLayout layout) {
    if (layout == layout_) return;
    layout_ = layout;
    needsFit_ = {true, true, true};
    relayout();
    requestRender();
    Q_EMIT layoutChanged(layout);
}

ViewOrientation ViewArea::sliderView() const {
    const ViewerState* s = viewer();
    return s && s->isSingleImage() ? ViewOrientation::Axial : active_;
}

void ViewArea::updateSlider() {
    const ViewerState* s = viewer();
    const QSignalBlocker block(slider_);
    if (!s) {
        slider_->setRange(0, 0);
        slider_->setEnabled(false);
        return;
    }
    const ViewOrientation o = sliderView();
    slider_->setRange(0, std::max(0, s->stack(o).sliceCount() - 1));
    slider_->setValue(s->sliceIndex(o));
    slider_->setEnabled(s->stack(o).sliceCount() > 1);
}

void ViewArea::setActiveView(ViewOrientation o) {
    if (o == active_) return;
    active_ = o;
    updateSlider();
    if (effectiveLayout() == ViewLayout::OneUp) needsFit_[index(o)] = true;
    relayout();
    requestRender();
    Q_EMIT activeViewChanged(o);
}

void ViewArea::setTool(Tool tool) {
    if (tool == tool_) return;
    tool_ = tool;
    draft_.cancel();
    requestRender();
    Q_EMIT toolChanged(tool);
}

void ViewArea::setOverlayTextVisible(bool on) {
    overlayText_ = on;
    requestRender();
}

void ViewArea::setCrosshairVisible(bool on) {
    crosshair_ = on;
    requestRender();
}

void ViewArea::fitAll() {
    needsFit_ = {true, true, true};
    requestRender();
}

void ViewArea::zoomActive(double factor) {
    SliceViewport& v = *views_[index(active_)];
    v.camera().zoomAbout(factor, v.rect().width / 2.0, v.rect().height / 2.0);
    requestRender();
}

void ViewArea::scrollActive(int delta) {
    ViewerState* s = viewer();
    if (!s) return;
    if (s->scroll(sliderView(), delta)) workspace_->notifyCursorChanged();
}

void ViewArea::cancelMeasurement() {
    if (!draft_.active()) return;
    draft_.cancel();
    requestRender();
}

void ViewArea::setView3DProvider(std::unique_ptr<View3DProvider> provider) {
    provider3D_ = std::move(provider);
    if (provider3D_) {
        renderer3D_->RemoveViewProp(message3D_);
        provider3D_->attach(renderer3D_, workspace_);
    }
    requestRender();
}

void ViewArea::requestRender() {
    gl_->requestRender();
}

// ---- layout and rendering ---------------------------------------------------------------

void ViewArea::relayout() {
    const double dpr = gl_->devicePixelRatioF();
    const int W = std::max(1, static_cast<int>(gl_->width() * dpr + 0.5));
    const int H = std::max(1, static_cast<int>(gl_->height() * dpr + 0.5));
    std::array<ViewportRect, 3> rects{};
    ViewportRect r3d;
    const ViewerState* s = viewer();
    switch (effectiveLayout()) {
        case ViewLayout::OneUp: {
            const ViewOrientation shown =
                s && s->isSingleImage() ? ViewOrientation::Axial : active_;
            rects[index(shown)] = {0, 0, W, H};
            break;
        }
        case ViewLayout::OneByThree: {
            int x = 0;
            for (ViewOrientation o : kAllOrientations) {
                const int right = (static_cast<int>(index(o)) + 1) * W / 3;
                rects[index(o)] = {x, 0, right - x - (index(o) < 2 ? kGap : 0), H};
                x = right;
            }
            break;
        }
        case ViewLayout::TwoByTwo: {
            const int w0 = W / 2, h0 = H / 2;
            rects[index(ViewOrientation::Axial)] = {0, 0, w0 - kGap, h0 - kGap};
            rects[index(ViewOrientation::Coronal)] = {w0, 0, W - w0, h0 - kGap};
            rects[index(ViewOrientation::Sagittal)] = {0, h0, w0 - kGap, H - h0};
            r3d = {w0, h0, W - w0, H - h0};
            break;
        }
    }
    for (ViewOrientation o : kAllOrientations) {
        SliceViewport& v = *views_[index(o)];
        const ViewportRect& old = v.rect();
        if (old.width != rects[index(o)].width || old.height != rects[index(o)].height)
            needsFit_[index(o)] = true;
        v.setRect(rects[index(o)], W, H);
    }
    rect3D_ = r3d;
    if (r3d.width > 0) {
        renderer3D_->DrawOn();
        renderer3D_->SetViewport(double(r3d.x) / W, 1.0 - double(r3d.y + r3d.height) / H,
                                 double(r3d.x + r3d.width) / W, 1.0 - double(r3d.y) / H);
    } else {
        renderer3D_->DrawOff();
        renderer3D_->SetViewport(0, 0, 0, 0);
    }
}

void ViewArea::fit(ViewOrientation o) {
    const ViewerState* s = viewer();
    SliceViewport& v = *views_[index(o)];
    if (!s || !v.visible()) return;
    const SliceStack& stack = s->stack(o);
    v.camera().setViewport(v.rect().width, v.rect().height);
    v.camera().fit(-stack.spacingX() / 2, -stack.spacingY() / 2,
                   stack.widthMm() - stack.spacingX() / 2, stack.heightMm() - stack.spacingY() / 2);
    needsFit_[index(o)] = false;
    fittedSize_[index(o)] = {stack.widthMm(), stack.heightMm()};
}

void ViewArea::onAboutToRender() {
    relayout();
    for (ViewOrientation o : kAllOrientations)
        if (views_[index(o)]->visible()) syncViewport(*views_[index(o)]);
    if (provider3D_ && rect3D_.width > 0) provider3D_->update(workspace_);
}

void ViewArea::onRendered(double ms) {
    renderedSeries_ = pendingShown_;
    Q_EMIT frameRendered(ms);
}

void ViewArea::onFrameSwapped() {
    // The rendered frame is now composed into the window and on screen.
    if (renderedSeries_ != 0 && renderedSeries_ != shownSeries_) {
        shownSeries_ = renderedSeries_;
        Q_EMIT seriesShown(shownSeries_);
    }
}

void ViewArea::syncViewport(SliceViewport& v) {
    const ViewerState* s = viewer();
    const ViewOrientation o = v.orientation();
    if (!s) {
        v.clearImage();
        v.setMessage(kNoSeriesMessage);
        v.setCrosshair(0, 0, {}, 0, false);
        v.setMeasurements({});
        v.setOrientationLabels({}, false);
        v.setCornerText({}, false);
        v.setActive(false);
        v.applyCamera();
        pendingShown_ = 0;
        renderedSeries_ = 0;
        shownSeries_ = 0;
        return;
    }
    v.setMessage("");
    const SliceStack& stack = s->stack(o);
    const auto& fitted = fittedSize_[index(o)];
    if (needsFit_[index(o)] || std::abs(fitted[0] - stack.widthMm()) > 1e-6 ||
        std::abs(fitted[1] - stack.heightMm()) > 1e-6)
        fit(o);

    ImageKey key;
    key.series = workspace_->currentId();
    key.volumeVersion = volumeVersion_;
    key.layersVersion = layersVersion_;
    key.slice = s->sliceIndex(o);
    key.window = s->display().window;
    key.invert = s->display().invert;
    key.interpolation = s->display().interpolation;
    if (!(key == shownKeys_[index(o)]) || !v.hasImage()) {
        sliceRenderers_[index(o)].render(s->volume(), workspace_->currentLayers(), s->plane(o),
                                         s->display(), rgba_);
        v.setImage(rgba_, stack.spacingX(), stack.spacingY());
        shownKeys_[index(o)] = key;
    }
    pendingShown_ = key.series;
    syncOverlays(v, *s);
    v.setActive(o == active_ && effectiveLayout() != ViewLayout::OneUp);
    v.applyCamera();
}

void ViewArea::syncOverlays(SliceViewport& v, const ViewerState& s) {
    const ViewOrientation o = v.orientation();
    const SliceStack& stack = s.stack(o);
    const auto c = stack.planeCoordinates(s.cursor());
    std::vector<CrosshairLine> lines;
    if (!s.isSingleImage())
        for (ViewOrientation other : kAllOrientations) {
            if (other == o) continue;
            const core::Vec3 d = core::cross(stack.normal(), s.stack(other).normal());
            const double du = core::dot(d, stack.right()), dv = core::dot(d, stack.down());
            const double n = std::hypot(du, dv);
            if (n < 1e-6) continue;
            lines.push_back({{du / n, dv / n}, orientationColor(other)});
        }
    const double extent = 2.0 * std::max(stack.widthMm(), stack.heightMm()) + 10.0;
    v.setCrosshair(c[0], c[1], lines, extent, crosshair_);
    v.setMeasurements(measurementGraphics(o, s));
    const std::string& modality = s.volume().metadata().series.modality;
    const bool labels = overlayText_ && (!s.isSingleImage() || crossSectional(modality));
    v.setOrientationLabels(edgeLabels(stack.right(), stack.down()), labels);
    v.setCornerText(cornerText(v, s), overlayText_);
    v.setScaleBarVisible(overlayText_);
}

CornerText ViewArea::cornerText(const SliceViewport& v, const ViewerState& s) const {
    const core::ImageMetadata& md = s.volume().metadata();
    CornerText t;
    t.topLeft = prettyName(md.patient.name);
    if (!md.patient.id.empty()) t.topLeft += "\nID " + md.patient.id;
    if (!md.patient.birthDate.empty() || !md.patient.sex.empty())
        t.topLeft += "\n" + prettyDate(md.patient.birthDate) +
                     (md.patient.sex.empty() ? "" : "  " + md.patient.sex);
    t.topRight = md.study.description;
    if (!md.study.date.empty())
        t.topRight += (t.topRight.empty() ? "" : "\n") + prettyDate(md.study.date);
    const LoadedSeries* series = workspace_->current();
    const std::string name = series ? series->name : md.series.description;
    if (!name.empty()) t.topRight += (t.topRight.empty() ? "" : "\n") + name;

    const ViewOrientation o = v.orientation();
    const SliceStack& stack = s.stack(o);
    const SlicePlane plane = s.plane(o);
    const double location = core::dot(plane.origin, plane.normal);
    std::string viewName = s.isSingleImage() ? "Image" : viewOrientationName(o);
    viewName[0] = static_cast<char>(std::toupper(viewName[0]));
    t.bottomLeft = viewName + "  " + std::to_string(s.sliceIndex(o) + 1) + " / " +
                   std::to_string(stack.sliceCount());
    if (!s.isSingleImage())
        t.bottomLeft +=
            "\n" + directionLabel(location >= 0 ? plane.normal : -1.0 * plane.normal).substr(0, 1) +
            " " + fixed(std::abs(location), 1) + " mm";
    const WindowLevel& w = s.display().window;
    t.bottomRight = "W " + fixed(w.width, w.width < 10 ? 2 : 0) + "  L " +
                    fixed(w.center, w.width < 10 ? 2 : 0);
    if (s.display().invert) t.bottomRight += "  inv";
    t.bottomRight += "\nZoom " + fixed(v.camera().pixelsPerMm() * stack.spacingX(), 2) + "x";
    return t;
}

std::vector<MeasurementGraphic> ViewArea::measurementGraphics(ViewOrientation o,
                                                              const ViewerState& s) const {
    std::vector<MeasurementGraphic> out;
    const SliceStack& stack = s.stack(o);
    const double offset = 6.0 / views_[index(o)]->camera().pixelsPerMm();
    if (const LoadedSeries* series = workspace_->current())
        for (const Measurement* m :
             workspace_->measurements().onPlane(series->key, s.plane(o), stack.sliceSpacing() / 2))
            out.push_back(measurementGraphic(m->kind, m->points, viewLabel(*m), stack, offset));
    if (provider3D_) provider3D_->sliceGraphics(stack, s.plane(o), offset, out);
    if (draft_.active() && draft_.view() == o)
        out.push_back(measurementGraphic(draft_.kind(), draft_.points(), draft_.liveText(), stack,
                                         offset, true));
    return out;
}

// ---- coordinates ----------------------------------------------------------------------

QPointF ViewArea::devicePoint(const QPointF& logical) const {
    return logical * gl_->devicePixelRatioF();
}

std::optional<ViewOrientation> ViewArea::viewAt(const QPointF& point) const {
    const QPointF d = devicePoint(point);
    for (ViewOrientation o : kAllOrientations)
        if (views_[index(o)]->rect().contains(d.x(), d.y())) return o;
    return std::nullopt;
}

std::optional<core::Vec3> ViewArea::patientAt(ViewOrientation o, const QPointF& d) const {
    const ViewerState* s = viewer();
    const SliceViewport& v = *views_[index(o)];
    if (!s || !v.visible()) return std::nullopt;
    const auto uv = v.camera().screenToPlane(d.x() - v.rect().x, d.y() - v.rect().y);
    const SlicePlane plane = s->plane(o);
    return plane.pixelToPatient(uv[0] / plane.spacingX, uv[1] / plane.spacingY);
}

std::optional<core::Vec3> ViewArea::widgetToPatient(const QPointF& point) const {
    const auto o = viewAt(point);
    if (!o) return std::nullopt;
    return patientAt(*o, devicePoint(point));
}

QPointF ViewArea::patientToWidget(ViewOrientation o, const core::Vec3& patient) const {
    const ViewerState* s = viewer();
    const SliceViewport& v = *views_[index(o)];
    if (!s) return {};
    const auto uv = s->stack(o).planeCoordinates(patient);
    const auto xy = v.camera().planeToScreen(uv[0], uv[1]);
    return QPointF(xy[0] + v.rect().x, xy[1] + v.rect().y) / gl_->devicePixelRatioF();
}

QImage ViewArea::grabViews() {
    return gl_->grabFramebuffer();
}

// ---- input ----------------------------------------------------------------------------

bool ViewArea::eventFilter(QObject* watched, QEvent* event) {
    if (watched != gl_) return QWidget::eventFilter(watched, event);
    const auto forward3D = [this](const QPointF& p) {
        const QPointF d = devicePoint(p);
        const bool in3D =
            provider3D_ && provider3D_->wantsInteraction() && rect3D_.contains(d.x(), d.y());
        gl_->setForwardEvents(in3D && drag_ == Drag::None);
        return in3D && drag_ == Drag::None;
    };
    switch (event->type()) {
        case QEvent::MouseButtonPress: {
            auto* e = static_cast<QMouseEvent*>(event);
            if (forward3D(e->position())) return false;
            gl_->setFocus();
            mousePress(e);
            return true;
        }
        case QEvent::MouseMove: {
            auto* e = static_cast<QMouseEvent*>(event);
            if (forward3D(e->position())) return false;
            mouseMove(e);
            return true;
        }
        case QEvent::MouseButtonRelease: {
            auto* e = static_cast<QMouseEvent*>(event);
            if (drag_ == Drag::None && forward3D(e->position())) return false;
            mouseRelease(e);
            return true;
        }
        case QEvent::MouseButtonDblClick: {
            auto* e = static_cast<QMouseEvent*>(event);
            if (forward3D(e->position())) return false;
            mouseDoubleClick(e);
            return true;
        }
        case QEvent::Wheel: {
            auto* e = static_cast<QWheelEvent*>(event);
            if (forward3D(e->position())) return false;
            wheel(e);
            return true;
        }
        case QEvent::KeyPress:
            return key(static_cast<QKeyEvent*>(event));
        case QEvent::Leave:
            Q_EMIT readoutChanged(QString());
            return false;
        case QEvent::Resize:
            relayout();
            return false;
        default:
            return false;
    }
}

void ViewArea::mousePress(QMouseEvent* e) {
    const auto o = viewAt(e->position());
    if (!o || !viewer()) return;
    if (*o != active_ && effectiveLayout() != ViewLayout::OneUp) setActiveView(*o);
    const QPointF d = devicePoint(e->position());
    dragView_ = *o;
    lastDevice_ = d;
    const Qt::KeyboardModifiers mods = e->modifiers();
    if (e->button() == Qt::RightButton) {
        drag_ = Drag::Window;
    } else if (e->button() == Qt::MiddleButton ||
               (e->button() == Qt::LeftButton && (mods & Qt::ControlModifier))) {
        drag_ = Drag::Pan;
    } else if (e->button() == Qt::LeftButton && (mods & Qt::ShiftModifier)) {
        drag_ = Drag::Zoom;
    } else if (e->button() == Qt::LeftButton) {
        drag_ = Drag::Tool;
        if (const auto p = patientAt(*o, d)) toolPress(*o, *p);
    }
}

void ViewArea::mouseMove(QMouseEvent* e) {
    const QPointF d = devicePoint(e->position());
    const QPointF delta = d - lastDevice_;
    lastDevice_ = d;
    ViewerState* s = viewer();
    switch (drag_) {
        case Drag::None:
            if (draft_.active() && draft_.kind() == MeasurementKind::Angle)
                if (const auto p = patientAt(draft_.view(), d)) toolMove(*p);
            updateReadout(d);
            break;
        case Drag::Tool:
            if (const auto p = patientAt(dragView_, d)) toolMove(*p);
            updateReadout(d);
            break;
        case Drag::Window:
            if (s) {
                s->display().window =
                    s->display().window.dragged(delta.x(), delta.y(), s->windowDragScale());
                workspace_->notifyDisplayChanged();
            }
            break;
        case Drag::Pan:
            views_[index(dragView_)]->camera().panBy(delta.x(), delta.y());
            requestRender();
            break;
        case Drag::Zoom: {
            SliceViewport& v = *views_[index(dragView_)];
            v.camera().zoomAbout(std::exp(-delta.y() * 0.01), v.rect().width / 2.0,
                                 v.rect().height / 2.0);
            requestRender();
            break;
        }
    }
}

void ViewArea::mouseRelease(QMouseEvent*) {
    if (drag_ == Drag::Tool) toolRelease();
    drag_ = Drag::None;
}

void ViewArea::mouseDoubleClick(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton || tool_ != Tool::Navigate) return;
    const auto o = viewAt(e->position());
    if (!o || !viewer() || viewer()->isSingleImage()) return;
    if (layout_ == ViewLayout::OneUp) {
        setViewLayout(ViewLayout::OneByThree);
    } else {
        setActiveView(*o);
        setViewLayout(ViewLayout::OneUp);
    }
}

void ViewArea::wheel(QWheelEvent* e) {
    const auto o = viewAt(e->position());
    ViewerState* s = viewer();
    if (!o || !s) return;
    const int dy = e->angleDelta().y();
    if (dy == 0) return;
    const int steps = dy > 0 ? std::max(1, dy / 120) : std::min(-1, dy / 120);
    if (e->modifiers() & Qt::ControlModifier) {
        SliceViewport& v = *views_[index(*o)];
        const QPointF d = devicePoint(e->position());
        v.camera().zoomAbout(std::pow(1.15, steps), d.x() - v.rect().x, d.y() - v.rect().y);
        requestRender();
        return;
    }
    if (s->scroll(*o, steps)) workspace_->notifyCursorChanged();
    updateReadout(devicePoint(e->position()));
}

bool ViewArea::key(QKeyEvent* e) {
    ViewerState* s = viewer();
    switch (e->key()) {
        case Qt::Key_Up:
            scrollActive(1);
            return true;
        case Qt::Key_Down:
            scrollActive(-1);
            return true;
        case Qt::Key_PageUp:
            scrollActive(10);
            return true;
        case Qt::Key_PageDown:
            scrollActive(-10);
            return true;
        case Qt::Key_Home:
        case Qt::Key_End:
            if (s) {
                const ViewOrientation o = s->isSingleImage() ? ViewOrientation::Axial : active_;
                s->setSliceIndex(o, e->key() == Qt::Key_Home ? 0 : s->stack(o).sliceCount() - 1);
                workspace_->notifyCursorChanged();
            }
            return true;
        case Qt::Key_Escape:
            if (!draft_.active()) return false;
            cancelMeasurement();
            return true;
        default:
            return false;
    }
}

void ViewArea::updateReadout(const QPointF& d) {
    ViewerState* s = viewer();
    const auto o = viewAt(d / gl_->devicePixelRatioF());
    if (!s || !o) {
        Q_EMIT readoutChanged(QString());
        return;
    }
    const auto p = patientAt(*o, d);
    if (!p) return;
    Q_EMIT readoutChanged(QString::fromStdString(formatReadout(readPixel(s->volume(), *p))));
}

namespace {

MeasurementKind measurementKindOf(Tool t) {
    switch (t) {
        case Tool::Angle:
            return MeasurementKind::Angle;
        case Tool::Rectangle:
            return MeasurementKind::Rectangle;
        case Tool::Ellipse:
            return MeasurementKind::Ellipse;
        default:
            return MeasurementKind::Distance;
    }
}

}  // namespace

void ViewArea::toolPress(ViewOrientation o, const core::Vec3& p) {
    if (tool_ == Tool::Navigate) {
        viewer()->setCursor(p);
        workspace_->notifyCursorChanged();
        return;
    }
    if (draft_.press(measurementKindOf(tool_), o, p))
        commitMeasurement();
    else
        requestRender();
}

void ViewArea::toolMove(const core::Vec3& p) {
    if (tool_ == Tool::Navigate) {
        viewer()->setCursor(p);
        workspace_->notifyCursorChanged();
        return;
    }
    if (!draft_.active()) return;
    draft_.move(p);
    requestRender();
}

void ViewArea::toolRelease() {
    if (!draft_.active()) return;
    const QPointF a = patientToWidget(draft_.view(), draft_.points().front());
    const QPointF b = patientToWidget(draft_.view(), draft_.points().back());
    const double pixels = std::hypot(a.x() - b.x(), a.y() - b.y()) * gl_->devicePixelRatioF();
    if (draft_.release(pixels, kMinDragPixels))
        commitMeasurement();
    else
        requestRender();
}

void ViewArea::commitMeasurement() {
    ViewerState* s = viewer();
    if (!draft_.active() || !s) return;
    Measurement m = draft_.finish(s->volume(), s->plane(draft_.view()));
    workspace_->addMeasurement(std::move(m));
    requestRender();
}

}  // namespace stratum::app
