#pragma once
// The ordered overlays of a series (bottom first). The AI panels add label maps and
// heatmaps here; the view draws the visible ones in order over the base image.
#include <vector>

#include "stratum/app/model/OverlayLayer.h"

namespace stratum::app {

class LayerStack {
public:
    // Adds on top; returns the new layer's id. Throws core::InvalidArgument when the
    // layer has no image, or a label map is not single-component integer-valued.
    int add(OverlayLayer layer);
    bool remove(int id);
    OverlayLayer* find(int id);
    const OverlayLayer* find(int id) const;
    // Moves layer `id` one step up (towards the top) or down; false at the end.
    bool raise(int id);
    bool lower(int id);
    const std::vector<OverlayLayer>& layers() const noexcept { return layers_; }
    bool empty() const noexcept { return layers_.empty(); }
    std::size_t size() const noexcept { return layers_.size(); }

private:
    std::vector<OverlayLayer> layers_;
    int nextId_ = 1;
};

}  // namespace stratum::app
