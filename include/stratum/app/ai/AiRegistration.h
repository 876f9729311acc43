#pragma once
// The AI panels (issue 8): classification (with the model manager and the training
// dialog) and segmentation. They run the `stratum-ai` executable, so the workstation itself never
// loads LibTorch.
namespace stratum::app {

class PanelRegistry;
void registerAiPanels(PanelRegistry& registry);

}  // namespace stratum::app
