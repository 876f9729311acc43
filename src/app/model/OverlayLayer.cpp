#include "stratum/app/model/OverlayLayer.h"

namespace stratum::app {

OverlayLayer OverlayLayer::labelMap(std::string name, core::Image labels, double opacity) {
    OverlayLayer l;
    l.name = std::move(name);
    l.kind = LayerKind::LabelMap;
    l.image = std::move(labels);
    l.opacity = opacity;
    return l;
}

OverlayLayer OverlayLayer::heatmap(std::string name, core::Image values, double opacity,
                                   ColorMap map) {
    OverlayLayer l;
    l.name = std::move(name);
    l.kind = LayerKind::Heatmap;
    l.opacity = opacity;
    l.colorMap = map;
    if (!values.empty()) {
        const auto [lo, hi] = values.minMax();
        l.rangeMin = lo;
        l.rangeMax = hi > lo ? hi : lo + 1.0;
        l.threshold = lo;
    }
    l.image = std::move(values);
    return l;
}

}  // namespace stratum::app
