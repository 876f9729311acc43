#pragma once
// Everything a 2D view shows, computed without a display: the base volume resliced
// on a plane, window/level (and invert) applied, and the visible overlays blended in.
#include <cstdint>
#include <memory>
#include <vector>

#include "stratum/app/model/LayerStack.h"
#include "stratum/app/model/Reslicer.h"
#include "stratum/app/model/SlicePlane.h"
#include "stratum/app/model/WindowLevel.h"
#include "stratum/core/Image.h"

namespace stratum::app {

struct DisplaySettings {
    WindowLevel window;
    bool invert = false;
    Interpolation interpolation = Interpolation::Linear;
};

// RGBA, 8 bits per channel, rows top to bottom. Pixels outside the volume are black
// with alpha 0 (the background shows through).
struct RgbaImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;      // width * height * 4
    std::uint32_t at(int x, int y) const;  // 0xRRGGBBAA
};

class SliceRenderer {
public:
    // Renders `plane` of `volume` with `layers` into `out` (resized as needed).
    // Buffers are reused between calls, so rendering a view again allocates nothing.
    void render(const core::Image& volume, const LayerStack* layers, const SlicePlane& plane,
                const DisplaySettings& settings, RgbaImage& out);

    // The resliced base values of the last render (width * height * components).
    const std::vector<float>& baseValues() const noexcept { return base_; }
    // Reslices done so far (a render with the same volume, plane and interpolation as
    // the previous one, e.g. after a window/level change, reuses the values).
    long resliceCount() const noexcept { return reslices_; }

private:
    struct BaseKey {
        // The buffer's owner, weakly: a freed buffer whose address is reused by another
        // volume must not look like the same volume.
        std::weak_ptr<void> owner;
        const void* data = nullptr;
        core::Geometry geometry;
        SlicePlane plane;
        Interpolation interpolation = Interpolation::Linear;
        bool matches(const core::Image& volume, const SlicePlane& p, Interpolation in) const;
    };
    BaseKey baseKey_;
    long reslices_ = 0;
    std::vector<float> base_;
    std::vector<float> layer_;
    std::vector<std::int32_t> labels_;
};

// Blends one overlay slice into `rgba`: label colours (or their outlines: pixels with a
// 4-neighbour of another label), or the heatmap's colour map, at the layer's opacity.
// `values` holds the layer resampled on the same grid (NaN outside).
void blendLayer(const OverlayLayer& layer, const std::vector<float>& values, int width, int height,
                RgbaImage& rgba, std::vector<std::int32_t>& scratch);

}  // namespace stratum::app
