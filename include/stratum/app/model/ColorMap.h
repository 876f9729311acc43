#pragma once
// Colour maps for heatmaps (e.g. Grad-CAM saliency).
#include <string>
#include <vector>

#include "stratum/app/model/Rgb.h"

namespace stratum::app {

enum class ColorMap { Jet, Hot, Inferno, Grey };
const char* colorMapName(ColorMap m);  // "jet", "hot", "inferno", "grey"
const std::vector<ColorMap>& allColorMaps();

// Colour at t in [0, 1] (clamped), piecewise linear between the map's control points.
Rgb mapColor(ColorMap m, double t);

}  // namespace stratum::app
