#pragma once
// The slot for a 3D view (issue 9: surface models and volume rendering for surgeons).
// The 2x2 layout reserves its fourth viewport for it; a provider fills that
// viewport's renderer. Without a provider the viewport shows a short message.
#include <QString>
#include <vector>

#include "stratum/app/model/MeasurementGraphic.h"
#include "stratum/app/model/SlicePlane.h"
#include "stratum/app/model/SliceStack.h"

class vtkRenderer;

namespace stratum::app {

class Workspace;

class View3DProvider {
public:
    virtual ~View3DProvider() = default;
    virtual QString name() const = 0;
    // Called once: the renderer of the 3D viewport (inside the views' render window).
    virtual void attach(vtkRenderer* renderer, Workspace* workspace) = 0;
    // The current series, its image, layers or the cursor changed (GUI thread,
    // before rendering). Update the scene; the caller renders.
    virtual void update(Workspace* workspace) = 0;
    // Mouse and keyboard in the 3D viewport go to VTK's interactor (its
    // vtkRenderWindowInteractor and interactor style) when true.
    virtual bool wantsInteraction() const { return true; }
    // What the 2D view showing `plane` (of `stack`) should draw for the 3D scene, e.g.
    // the 3D annotations lying on that slice; `labelOffset`: label distance in mm.
    virtual void sliceGraphics(const SliceStack& stack, const SlicePlane& plane,
                               double labelOffset, std::vector<MeasurementGraphic>& out) const {
        (void)stack, (void)plane, (void)labelOffset, (void)out;
    }
};

}  // namespace stratum::app
