#pragma once
// The VTK scene of one 2D view inside the shared render window: the rendered slice
// (an RGBA texture from SliceRenderer), the linked crosshair, measurements,
// orientation labels, corner text, a scale bar and a frame marking the active view.
// World coordinates are the view's plane coordinates (mm along its right and down
// axes, SliceStack::planeCoordinates); the camera looks along +z with screen-up = -y,
// so world y grows downwards like the screen's. Qt-free.
#include <array>
#include <string>
#include <vector>

#include <vtkSmartPointer.h>

#include "stratum/app/model/MeasurementGraphic.h"
#include "stratum/app/model/OrientationLabels.h"
#include "stratum/app/model/SliceRenderer.h"
#include "stratum/app/model/ViewCamera.h"
#include "stratum/app/model/ViewOrientation.h"

class vtkActor;
class vtkActor2D;
class vtkImageActor;
class vtkImageData;
class vtkPolyData;
class vtkRenderer;
class vtkTextActor;

namespace stratum::app {

// A line through the cursor: where another view's plane cuts this one.
struct CrosshairLine {
    std::array<double, 2> direction{1, 0};  // in plane coordinates (unit)
    std::array<double, 3> color{1, 1, 1};
};

struct CornerText {
    std::string topLeft, topRight, bottomLeft, bottomRight;
};

// Pixel rectangle inside the widget, origin top-left (device pixels).
struct ViewportRect {
    int x = 0, y = 0, width = 0, height = 0;
    bool contains(double px, double py) const {
        return width > 0 && px >= x && py >= y && px < x + width && py < y + height;
    }
};

// The colour that marks a view (frame, and the crosshair line of its plane in the others).
std::array<double, 3> orientationColor(ViewOrientation o);

class SliceViewport {
public:
    explicit SliceViewport(ViewOrientation orientation);
    ~SliceViewport();
    SliceViewport(const SliceViewport&) = delete;
    SliceViewport& operator=(const SliceViewport&) = delete;

    ViewOrientation orientation() const noexcept { return orientation_; }
    vtkRenderer* renderer() const;
    ViewCamera& camera() noexcept { return camera_; }
    const ViewCamera& camera() const noexcept { return camera_; }

    // Places the view in a window of windowWidth x windowHeight; a zero-size rect hides it.
    void setRect(const ViewportRect& rect, int windowWidth, int windowHeight);
    const ViewportRect& rect() const noexcept { return rect_; }
    bool visible() const noexcept { return rect_.width > 0 && rect_.height > 0; }

    // Shows the rendered slice; pixel (0, 0) is centred on plane coordinates (0, 0).
    void setImage(const RgbaImage& image, double spacingX, double spacingY);
    void clearImage();
    bool hasImage() const noexcept { return hasImage_; }

    void setCrosshair(double u, double v, const std::vector<CrosshairLine>& lines, double extent,
                      bool visible);
    void setMeasurements(const std::vector<MeasurementGraphic>& graphics);
    void setOrientationLabels(const EdgeLabels& labels, bool visible);
    void setCornerText(const CornerText& text, bool visible);
    void setScaleBarVisible(bool visible) { scaleBarVisible_ = visible; }
    void setActive(bool active);
    // A message in the middle of the view (e.g. "Open a study..."); empty hides it.
    void setMessage(const std::string& message);

    // Applies camera() to the VTK camera and redraws the scale bar (call before rendering).
    void applyCamera();

private:
    void updateScaleBar();
    void updateFrame();

    ViewOrientation orientation_;
    ViewCamera camera_;
    ViewportRect rect_;
    bool hasImage_ = false;
    bool active_ = false;
    bool scaleBarVisible_ = true;

    vtkSmartPointer<vtkRenderer> renderer_;
    vtkSmartPointer<vtkImageData> image_;
    vtkSmartPointer<vtkImageActor> imageActor_;
    vtkSmartPointer<vtkPolyData> crosshair_;
    vtkSmartPointer<vtkActor> crosshairActor_;
    vtkSmartPointer<vtkPolyData> measureLines_;
    vtkSmartPointer<vtkActor> measureActor_;
    std::vector<vtkSmartPointer<vtkTextActor>> measureLabels_;
    std::array<vtkSmartPointer<vtkTextActor>, 4> edgeLabels_;    // left, right, top, bottom
    std::array<vtkSmartPointer<vtkTextActor>, 4> cornerLabels_;  // TL, TR, BL, BR
    vtkSmartPointer<vtkPolyData> scaleBar_;
    vtkSmartPointer<vtkActor2D> scaleBarActor_;
    vtkSmartPointer<vtkTextActor> scaleBarLabel_;
    vtkSmartPointer<vtkPolyData> frame_;
    vtkSmartPointer<vtkActor2D> frameActor_;
    vtkSmartPointer<vtkTextActor> message_;
};

}  // namespace stratum::app
