#include "stratum/app/PanelRegistry.h"

#include "stratum/app/panels/LayerPanel.h"
#include "stratum/app/panels/LogPanel.h"
#include "stratum/app/panels/MeasurementPanel.h"
#include "stratum/app/panels/StudyBrowser.h"
#include "stratum/app/panels/TagViewer.h"
#ifdef STRATUM_HAVE_PROCESSING
#include "stratum/app/panels/ProcessingPanel.h"
#endif
#ifdef STRATUM_HAVE_MESH
#include "stratum/app/view3d/View3DRegistration.h"
#endif
#ifdef STRATUM_HAVE_AI
#include "stratum/app/ai/AiRegistration.h"
#endif

namespace stratum::app {

void registerDefaultPanels(PanelRegistry& registry) {
    registry.add({"studyBrowser", "Study Browser", Qt::LeftDockWidgetArea,
                  [](const AppContext& c) { return new StudyBrowser(c); }});
    registry.add({"layers", "Layers", Qt::RightDockWidgetArea,
                  [](const AppContext& c) { return new LayerPanel(c); }});
    registry.add({"measurements", "Measurements", Qt::RightDockWidgetArea,
                  [](const AppContext& c) { return new MeasurementPanel(c); }});
    registry.add({"tags", "DICOM Tags", Qt::RightDockWidgetArea,
                  [](const AppContext& c) { return new TagViewer(c); }});
    registry.add({"log", "Log", Qt::BottomDockWidgetArea,
                  [](const AppContext& c) { return new LogPanel(c); }});
#ifdef STRATUM_HAVE_PROCESSING
    registry.add({"processing", "Processing", Qt::RightDockWidgetArea,
                  [](const AppContext& c) { return new ProcessingPanel(c); }});
#endif
#ifdef STRATUM_HAVE_MESH
    registerView3D(registry);  // the 3D view and its panels (issue 9)
#endif
#ifdef STRATUM_HAVE_AI
    registerAiPanels(registry);  // classification, model manager, training (issue 8)
#endif
    // Components built in add their panels here (e.g. the AI panels, issue 8).
}

}  // namespace stratum::app
