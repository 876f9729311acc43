#pragma once
// An overlay drawn over the base image of a view: a label map (segmentation) or a
// heatmap (e.g. Grad-CAM). The layer's image has its own geometry in patient space;
// it is resampled onto each view (labels nearest, heatmaps linear).
#include <string>

#include "stratum/app/model/ColorMap.h"
#include "stratum/app/model/LabelColorTable.h"
#include "stratum/core/Image.h"

namespace stratum::app {

enum class LayerKind { LabelMap, Heatmap };

struct OverlayLayer {
    int id = 0;  // set by LayerStack
    std::string name;
    LayerKind kind = LayerKind::LabelMap;
    core::Image image;  // labels: integer values; heatmap: any grey type
    bool visible = true;
    double opacity = 0.5;  // [0, 1]

    // Label maps.
    bool outline = false;  // draw only the border pixels of each label
    LabelColorTable colors;

    // Heatmaps: values mapped from [rangeMin, rangeMax] onto the colour map; values
    // below `threshold` are not drawn.
    ColorMap colorMap = ColorMap::Jet;
    double rangeMin = 0.0;
    double rangeMax = 1.0;
    double threshold = 0.0;

    static OverlayLayer labelMap(std::string name, core::Image labels, double opacity = 0.5);
    // rangeMin/rangeMax/threshold from the image's min and max.
    static OverlayLayer heatmap(std::string name, core::Image values, double opacity = 0.5,
                                ColorMap map = ColorMap::Jet);
};

}  // namespace stratum::app
