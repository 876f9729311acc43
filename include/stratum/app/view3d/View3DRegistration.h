#pragma once
// Adds the 3D view (the 2x2 layout's fourth viewport) and its panels ("3D View",
// "3D Annotations") to a registry. Built when the mesh library is.
namespace stratum::app {

class PanelRegistry;

void registerView3D(PanelRegistry& registry);

}  // namespace stratum::app
