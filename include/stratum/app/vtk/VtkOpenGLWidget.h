#pragma once
// The bridge between Qt 6 and VTK: a QOpenGLWidget that drives a
// vtkGenericOpenGLRenderWindow (Debian's VTK Qt module is built for Qt 5).
//
// VTK renders into its own framebuffers inside the widget's context; paintGL copies
// VTK's display framebuffer into the widget's framebuffer and forces alpha to 1.
// Input: with forwardEvents() on, Qt mouse/key/wheel events go to a
// vtkGenericRenderWindowInteractor (for 3D views and VTK widgets); off (default), the
// owner handles input itself (e.g. through an event filter). Call requestRender()
// after changing the scene. Everything here is swappable for VTK's own
// QVTKOpenGLNativeWidget once a Qt 6 build of it is available.
//
// Before constructing QApplication, call setDefaultSurfaceFormat().
#include <QOpenGLWidget>

#include <vtkNew.h>
#include <vtkSmartPointer.h>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkObject;

namespace stratum::app {

class VtkOpenGLWidget : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkOpenGLWidget(QWidget* parent = nullptr);
    ~VtkOpenGLWidget() override;

    // OpenGL 3.2 core, depth 24, no multisampling: what VTK 9.1 needs. Call before QApplication.
    static void setDefaultSurfaceFormat();

    vtkGenericOpenGLRenderWindow* renderWindow() const;
    vtkGenericRenderWindowInteractor* interactor() const;

    void setForwardEvents(bool on) { forwardEvents_ = on; }
    bool forwardEvents() const noexcept { return forwardEvents_; }

    // Marks the scene changed and schedules a repaint (VTK renders in the next paintGL).
    void requestRender();
    // Milliseconds the last VTK Render() took, and how many renders were done.
    double lastRenderMilliseconds() const noexcept { return lastRenderMs_; }
    long renderCount() const noexcept { return renderCount_; }

Q_SIGNALS:
    // In paintGL, with the context current, just before VTK renders a changed scene:
    // the moment to bring VTK objects up to date (several changes make one render).
    void aboutToRender();
    // After each VTK render inside paintGL.
    void rendered(double milliseconds);

protected:
    void initializeGL() override;
    void resizeGL(int width, int height) override;
    void paintGL() override;

    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void enterEvent(QEnterEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void onMakeCurrent(vtkObject*, unsigned long, void*);
    void onIsCurrent(vtkObject*, unsigned long, void*);
    void onSupportsOpenGL(vtkObject*, unsigned long, void*);
    void onIsDirect(vtkObject*, unsigned long, void*);
    void onFrame(vtkObject*, unsigned long, void*);
    void onInteractorRender(vtkObject*, unsigned long, void*);
    void cleanup();
    void updateSize();
    // Sets the interactor's position and modifiers from a Qt event position.
    void setEventPosition(const QPointF& position, Qt::KeyboardModifiers modifiers, int repeat = 0);

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> renderWindow_;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
    bool forwardEvents_ = false;
    bool dirty_ = true;
    bool inPaint_ = false;
    bool initialized_ = false;
    double lastRenderMs_ = 0.0;
    long renderCount_ = 0;
};

}  // namespace stratum::app
