#include "stratum/app/view3d/PickingInteractorStyle.h"

#include <cstdlib>

#include <vtkObjectFactory.h>
#include <vtkRenderWindowInteractor.h>

namespace stratum::app {

vtkStandardNewMacro(PickingInteractorStyle);

void PickingInteractorStyle::OnLeftButtonDown() {
    const int* p = Interactor->GetEventPosition();
    pressX_ = p[0];
    pressY_ = p[1];
    pressed_ = true;
    vtkInteractorStyleTrackballCamera::OnLeftButtonDown();
}

void PickingInteractorStyle::OnLeftButtonUp() {
    vtkInteractorStyleTrackballCamera::OnLeftButtonUp();
    if (!pressed_) return;
    pressed_ = false;
    const int* p = Interactor->GetEventPosition();
    constexpr int kClickPixels = 3;
    if (std::abs(p[0] - pressX_) <= kClickPixels && std::abs(p[1] - pressY_) <= kClickPixels &&
        onClick)
        onClick(p[0], p[1]);
}

}  // namespace stratum::app
