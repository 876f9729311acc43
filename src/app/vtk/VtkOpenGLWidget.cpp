#include "stratum/app/vtk/VtkOpenGLWidget.h"

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkOpenGLState.h>

namespace stratum::app {

void VtkOpenGLWidget::setDefaultSurfaceFormat() {
    QSurfaceFormat format;
    format.setRenderableType(QSurfaceFormat::OpenGL);
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    format.setRedBufferSize(8);
    format.setGreenBufferSize(8);
    format.setBlueBufferSize(8);
    format.setAlphaBufferSize(8);
    format.setDepthBufferSize(24);
    format.setStencilBufferSize(0);
    format.setSamples(0);
    QSurfaceFormat::setDefaultFormat(format);
}

VtkOpenGLWidget::VtkOpenGLWidget(QWidget* parent)
    : QOpenGLWidget(parent),
      renderWindow_(vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New()),
      interactor_(vtkSmartPointer<vtkGenericRenderWindowInteractor>::New()) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setUpdateBehavior(QOpenGLWidget::NoPartialUpdate);

    // VTK must not render before Qt has made a context (initializeGL).
    renderWindow_->SetReadyForRendering(false);
    renderWindow_->SetOwnContext(false);
    renderWindow_->SetFrameBlitModeToNoBlit();
    renderWindow_->SetMultiSamples(0);
    renderWindow_->AddObserver(vtkCommand::WindowMakeCurrentEvent, this,
                               &VtkOpenGLWidget::onMakeCurrent);
    renderWindow_->AddObserver(vtkCommand::WindowIsCurrentEvent, this,
                               &VtkOpenGLWidget::onIsCurrent);
    renderWindow_->AddObserver(vtkCommand::WindowSupportsOpenGLEvent, this,
                               &VtkOpenGLWidget::onSupportsOpenGL);
    renderWindow_->AddObserver(vtkCommand::WindowIsDirectEvent, this, &VtkOpenGLWidget::onIsDirect);
    renderWindow_->AddObserver(vtkCommand::WindowFrameEvent, this, &VtkOpenGLWidget::onFrame);

    interactor_->SetRenderWindow(renderWindow_);
    interactor_->EnableRenderOff();  // renders happen in paintGL only
    interactor_->AddObserver(vtkCommand::RenderEvent, this, &VtkOpenGLWidget::onInteractorRender);
}

VtkOpenGLWidget::~VtkOpenGLWidget() {
    cleanup();
    renderWindow_->RemoveAllObservers();
    interactor_->RemoveAllObservers();
}

vtkGenericOpenGLRenderWindow* VtkOpenGLWidget::renderWindow() const {
    return renderWindow_;
}
vtkGenericRenderWindowInteractor* VtkOpenGLWidget::interactor() const {
    return interactor_;
}

void VtkOpenGLWidget::requestRender() {
    dirty_ = true;
    update();
}

void VtkOpenGLWidget::onMakeCurrent(vtkObject*, unsigned long, void*) {
    // QOpenGLWidget::makeCurrent() also binds the widget's framebuffer behind VTK's
    // state cache: VTK calls MakeCurrent in the middle of rendering, so only switch
    // contexts when another one is current.
    if (context() && QOpenGLContext::currentContext() != context()) makeCurrent();
}

void VtkOpenGLWidget::onIsCurrent(vtkObject*, unsigned long, void*) {
    renderWindow_->SetIsCurrent(context() && QOpenGLContext::currentContext() == context());
}

void VtkOpenGLWidget::onSupportsOpenGL(vtkObject*, unsigned long, void*) {
    renderWindow_->SetSupportsOpenGL(context() != nullptr);
}

void VtkOpenGLWidget::onIsDirect(vtkObject*, unsigned long, void*) {
    renderWindow_->SetIsDirect(1);
}

void VtkOpenGLWidget::onFrame(vtkObject*, unsigned long, void*) {
    // VTK finished a frame outside paintGL (e.g. a render triggered by VTK itself): show it.
    if (!inPaint_) update();
}

void VtkOpenGLWidget::onInteractorRender(vtkObject*, unsigned long, void*) {
    requestRender();
}

void VtkOpenGLWidget::initializeGL() {
    renderWindow_->SetReadyForRendering(true);
    renderWindow_->InitializeFromCurrentContext();
    renderWindow_->SetMapped(1);
    initialized_ = true;
    updateSize();
    if (!interactor_->GetInitialized()) interactor_->Initialize();
    connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &VtkOpenGLWidget::cleanup,
            Qt::DirectConnection);
    dirty_ = true;
}

void VtkOpenGLWidget::updateSize() {
    const double dpr = devicePixelRatioF();
    const int w = std::max(1, static_cast<int>(width() * dpr + 0.5));
    const int h = std::max(1, static_cast<int>(height() * dpr + 0.5));
    renderWindow_->SetSize(w, h);
    interactor_->UpdateSize(w, h);
}

void VtkOpenGLWidget::resizeGL(int, int) {
    updateSize();
    dirty_ = true;
}

void VtkOpenGLWidget::paintGL() {
    if (!initialized_ || !renderWindow_->GetReadyForRendering()) return;
    inPaint_ = true;
    vtkOpenGLState* state = renderWindow_->GetState();
    // Qt changed GL state behind VTK's back (its framebuffer, viewport...): let VTK
    // read the real state, and give Qt back its own afterwards.
    state->Reset();
    state->Push();
    const bool render = dirty_;
    if (render) {
        QElapsedTimer timer;
        timer.start();
        dirty_ = false;
        Q_EMIT aboutToRender();
        renderWindow_->Render();
        lastRenderMs_ = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        ++renderCount_;
    }
    // Copy VTK's display framebuffer into the widget's framebuffer. Blits and clears
    // obey the scissor test, which VTK leaves set to the last renderer's viewport.
    state->vtkglDisable(GL_SCISSOR_TEST);
    state->PushFramebufferBindings();
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    renderWindow_->BlitDisplayFramebuffer();
    state->PopFramebufferBindings();
    // VTK leaves alpha below 1 where it blended: widget grabs would come out transparent.
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    state->vtkglColorMask(false, false, false, true);
    state->vtkglClearColor(0.0, 0.0, 0.0, 1.0);
    state->vtkglClear(GL_COLOR_BUFFER_BIT);
    state->vtkglColorMask(true, true, true, true);
    state->Pop();
    inPaint_ = false;
    if (render) Q_EMIT rendered(lastRenderMs_);
}

void VtkOpenGLWidget::cleanup() {
    if (!initialized_) return;
    initialized_ = false;
    if (context()) makeCurrent();
    renderWindow_->Finalize();
    renderWindow_->SetReadyForRendering(false);
    if (context()) doneCurrent();
}

// ---- input forwarding ----------------------------------------------------------------

void VtkOpenGLWidget::setEventPosition(const QPointF& position, Qt::KeyboardModifiers modifiers,
                                       int repeat) {
    const double dpr = devicePixelRatioF();
    interactor_->SetEventInformationFlipY(static_cast<int>(position.x() * dpr + 0.5),
                                          static_cast<int>(position.y() * dpr + 0.5),
                                          (modifiers & Qt::ControlModifier) ? 1 : 0,
                                          (modifiers & Qt::ShiftModifier) ? 1 : 0, 0, repeat);
    interactor_->SetAltKey((modifiers & Qt::AltModifier) ? 1 : 0);
}

namespace {

unsigned long pressEvent(Qt::MouseButton b) {
    switch (b) {
        case Qt::LeftButton:
            return vtkCommand::LeftButtonPressEvent;
        case Qt::MiddleButton:
            return vtkCommand::MiddleButtonPressEvent;
        case Qt::RightButton:
            return vtkCommand::RightButtonPressEvent;
        default:
            return vtkCommand::NoEvent;
    }
}

unsigned long releaseEvent(Qt::MouseButton b) {
    switch (b) {
        case Qt::LeftButton:
            return vtkCommand::LeftButtonReleaseEvent;
        case Qt::MiddleButton:
            return vtkCommand::MiddleButtonReleaseEvent;
        case Qt::RightButton:
            return vtkCommand::RightButtonReleaseEvent;
        default:
            return vtkCommand::NoEvent;
    }
}

}  // namespace

void VtkOpenGLWidget::mousePressEvent(QMouseEvent* event) {
    if (!forwardEvents_) return QOpenGLWidget::mousePressEvent(event);
    setEventPosition(event->position(), event->modifiers());
    if (const unsigned long id = pressEvent(event->button()); id != vtkCommand::NoEvent)
        interactor_->InvokeEvent(id);
    event->accept();
}

void VtkOpenGLWidget::mouseDoubleClickEvent(QMouseEvent* event) {
    if (!forwardEvents_) return QOpenGLWidget::mouseDoubleClickEvent(event);
    setEventPosition(event->position(), event->modifiers(), 1);
    if (const unsigned long id = pressEvent(event->button()); id != vtkCommand::NoEvent)
        interactor_->InvokeEvent(id);
    event->accept();
}

void VtkOpenGLWidget::mouseMoveEvent(QMouseEvent* event) {
    if (!forwardEvents_) return QOpenGLWidget::mouseMoveEvent(event);
    setEventPosition(event->position(), event->modifiers());
    interactor_->InvokeEvent(vtkCommand::MouseMoveEvent);
    event->accept();
}

void VtkOpenGLWidget::mouseReleaseEvent(QMouseEvent* event) {
    if (!forwardEvents_) return QOpenGLWidget::mouseReleaseEvent(event);
    setEventPosition(event->position(), event->modifiers());
    if (const unsigned long id = releaseEvent(event->button()); id != vtkCommand::NoEvent)
        interactor_->InvokeEvent(id);
    event->accept();
}

void VtkOpenGLWidget::wheelEvent(QWheelEvent* event) {
    if (!forwardEvents_) return QOpenGLWidget::wheelEvent(event);
    setEventPosition(event->position(), event->modifiers());
    const int dy = event->angleDelta().y();
    if (dy > 0) interactor_->InvokeEvent(vtkCommand::MouseWheelForwardEvent);
    if (dy < 0) interactor_->InvokeEvent(vtkCommand::MouseWheelBackwardEvent);
    event->accept();
}

void VtkOpenGLWidget::keyPressEvent(QKeyEvent* event) {
    if (!forwardEvents_) return QOpenGLWidget::keyPressEvent(event);
    const QByteArray text = event->text().toLatin1();
    const char key = text.isEmpty() ? 0 : text.at(0);
    interactor_->SetKeyEventInformation((event->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                        (event->modifiers() & Qt::ShiftModifier) ? 1 : 0, key,
                                        event->isAutoRepeat() ? 1 : 0,
                                        text.isEmpty() ? nullptr : text.constData());
    interactor_->InvokeEvent(vtkCommand::KeyPressEvent);
    if (key) interactor_->InvokeEvent(vtkCommand::CharEvent);
    event->accept();
}

void VtkOpenGLWidget::keyReleaseEvent(QKeyEvent* event) {
    if (!forwardEvents_) return QOpenGLWidget::keyReleaseEvent(event);
    const QByteArray text = event->text().toLatin1();
    const char key = text.isEmpty() ? 0 : text.at(0);
    interactor_->SetKeyEventInformation((event->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                        (event->modifiers() & Qt::ShiftModifier) ? 1 : 0, key, 0,
                                        text.isEmpty() ? nullptr : text.constData());
    interactor_->InvokeEvent(vtkCommand::KeyReleaseEvent);
    event->accept();
}

void VtkOpenGLWidget::enterEvent(QEnterEvent* event) {
    if (forwardEvents_) interactor_->InvokeEvent(vtkCommand::EnterEvent);
    QOpenGLWidget::enterEvent(event);
}

void VtkOpenGLWidget::leaveEvent(QEvent* event) {
    if (forwardEvents_) interactor_->InvokeEvent(vtkCommand::LeaveEvent);
    QOpenGLWidget::leaveEvent(event);
}

}  // namespace stratum::app
