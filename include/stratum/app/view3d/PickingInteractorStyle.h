#pragma once
// The 3D view's mouse handling: VTK's trackball camera (left drag rotates, middle drag
// or Shift+left pans, right drag or the wheel zooms) plus a click (press and release
// within a few pixels) reported to `onClick` with the display position, for picking.
// Keys do nothing here (VTK's defaults include 'q'/'e' = exit the application).
#include <functional>

#include <vtkInteractorStyleTrackballCamera.h>

namespace stratum::app {

class PickingInteractorStyle : public vtkInteractorStyleTrackballCamera {
public:
    static PickingInteractorStyle* New();
    vtkTypeMacro(PickingInteractorStyle, vtkInteractorStyleTrackballCamera)

        // Display coordinates (pixels, origin at the window's bottom left).
        std::function<void(int x, int y)> onClick;

    void OnLeftButtonDown() override;
    void OnLeftButtonUp() override;
    void OnChar() override {}
    void OnKeyPress() override {}
    void OnKeyRelease() override {}

private:
    int pressX_ = 0, pressY_ = 0;
    bool pressed_ = false;
};

}  // namespace stratum::app
