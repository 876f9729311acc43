#include "stratum/app/ai/AiRegistration.h"

#include "stratum/app/PanelRegistry.h"
#include "stratum/app/ai/ClassificationPanel.h"
#include "stratum/app/ai/SegmentationPanel.h"

namespace stratum::app {

void registerAiPanels(PanelRegistry& registry) {
    registry.add({"classification", "Classification", Qt::RightDockWidgetArea,
                  [](const AppContext& c) { return new ClassificationPanel(c); }});
    registry.add({"segmentation", "Segmentation", Qt::RightDockWidgetArea,
                  [](const AppContext& c) { return new SegmentationPanel(c); }});
}

}  // namespace stratum::app
