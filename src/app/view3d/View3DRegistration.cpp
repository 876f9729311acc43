#include "stratum/app/view3d/View3DRegistration.h"

#include "stratum/app/PanelRegistry.h"
#include "stratum/app/view3d/AnnotationPanel.h"
#include "stratum/app/view3d/View3D.h"
#include "stratum/app/view3d/View3DPanel.h"

namespace stratum::app {

void registerView3D(PanelRegistry& registry) {
    registry.add({"view3D", "3D View", Qt::RightDockWidgetArea,
                  [](const AppContext& c) { return new View3DPanel(c); }});
    registry.add({"annotations3D", "3D Annotations", Qt::RightDockWidgetArea,
                  [](const AppContext& c) { return new AnnotationPanel(c); }});
    registry.setView3D([] { return std::make_unique<View3D>(); });
}

}  // namespace stratum::app
