#include "stratum/app/model/LayerStack.h"

#include <algorithm>
#include <cmath>

#include "stratum/core/Error.h"

namespace stratum::app {

int LayerStack::add(OverlayLayer layer) {
    if (layer.image.empty()) throw core::InvalidArgument("layer '" + layer.name + "' has no image");
    if (layer.image.components() != 1)
        throw core::InvalidArgument("layer '" + layer.name + "' must have one component, it has " +
                                    std::to_string(layer.image.components()));
    if (layer.kind == LayerKind::LabelMap && layer.image.pixelType() == core::PixelType::Float32) {
        for (float v : layer.image.pixels<float>())
            if (v != std::round(v))
                throw core::InvalidArgument("label map '" + layer.name +
                                            "' has non-integer values");
    }
    layer.opacity = std::clamp(layer.opacity, 0.0, 1.0);
    layer.id = nextId_++;
    layers_.push_back(std::move(layer));
    return layers_.back().id;
}

bool LayerStack::remove(int id) {
    const auto it = std::find_if(layers_.begin(), layers_.end(),
                                 [id](const OverlayLayer& l) { return l.id == id; });
    if (it == layers_.end()) return false;
    layers_.erase(it);
    return true;
}

OverlayLayer* LayerStack::find(int id) {
    for (OverlayLayer& l : layers_)
        if (l.id == id) return &l;
    return nullptr;
}

const OverlayLayer* LayerStack::find(int id) const {
    for (const OverlayLayer& l : layers_)
        if (l.id == id) return &l;
    return nullptr;
}

bool LayerStack::raise(int id) {
    for (std::size_t i = 0; i + 1 < layers_.size(); ++i)
        if (layers_[i].id == id) {
            std::swap(layers_[i], layers_[i + 1]);
            return true;
        }
    return false;
}

bool LayerStack::lower(int id) {
    for (std::size_t i = 1; i < layers_.size(); ++i)
        if (layers_[i].id == id) {
            std::swap(layers_[i], layers_[i - 1]);
            return true;
        }
    return false;
}

}  // namespace stratum::app
