#include "stratum/app/model/SliceRenderer.h"

#include <algorithm>
#include <cmath>

namespace stratum::app {

std::uint32_t RgbaImage::at(int x, int y) const {
    const std::uint8_t* p = &pixels[(static_cast<std::size_t>(y) * width + x) * 4];
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           p[3];
}

namespace {

// Window/level per pixel: the DICOM linear function, exactly as WindowLevel::toByte.
struct WindowMap {
    double lower, upper, shifted, widthLessOne;
    bool invert;
    explicit WindowMap(const WindowLevel& w, bool inv) : invert(inv) {
        lower = w.lower();
        upper = w.upper();
        shifted = w.center - 0.5;
        widthLessOne = std::max(w.width, 1.0) - 1.0;
    }
    std::uint8_t operator()(float v) const {
        double d;
        if (v <= lower)
            d = 0.0;
        else if (v > upper || widthLessOne <= 0.0)
            d = 255.0;
        else
            d = std::clamp(((v - shifted) / widthLessOne + 0.5) * 255.0, 0.0, 255.0);
        const auto b = static_cast<std::uint8_t>(d + 0.5);
        return invert ? static_cast<std::uint8_t>(255 - b) : b;
    }
};

inline void blend(std::uint8_t* p, Rgb c, double a) {
    p[0] = static_cast<std::uint8_t>(std::lround(p[0] * (1 - a) + c.r * a));
    p[1] = static_cast<std::uint8_t>(std::lround(p[1] * (1 - a) + c.g * a));
    p[2] = static_cast<std::uint8_t>(std::lround(p[2] * (1 - a) + c.b * a));
    p[3] = std::max<std::uint8_t>(p[3], static_cast<std::uint8_t>(std::lround(a * 255)));
}

}  // namespace

void blendLayer(const OverlayLayer& layer, const std::vector<float>& values, int width, int height,
                RgbaImage& rgba, std::vector<std::int32_t>& scratch) {
    const std::size_t n = static_cast<std::size_t>(width) * height;
    const double a = std::clamp(layer.opacity, 0.0, 1.0);
    if (a <= 0.0) return;
    if (layer.kind == LayerKind::LabelMap) {
        scratch.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            scratch[i] =
                std::isnan(values[i]) ? 0 : static_cast<std::int32_t>(std::lround(values[i]));
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                const std::size_t i = static_cast<std::size_t>(y) * width + x;
                const std::int32_t label = scratch[i];
                if (label == 0) continue;
                if (layer.outline) {
                    const bool border = x == 0 || y == 0 || x == width - 1 || y == height - 1 ||
                                        scratch[i - 1] != label || scratch[i + 1] != label ||
                                        scratch[i - width] != label || scratch[i + width] != label;
                    if (!border) continue;
                }
                blend(&rgba.pixels[i * 4], layer.colors.color(label), a);
            }
        return;
    }
    const double range = layer.rangeMax > layer.rangeMin ? layer.rangeMax - layer.rangeMin : 1.0;
    for (std::size_t i = 0; i < n; ++i) {
        const float v = values[i];
        if (std::isnan(v) || v < layer.threshold) continue;
        blend(&rgba.pixels[i * 4], mapColor(layer.colorMap, (v - layer.rangeMin) / range), a);
    }
}

bool SliceRenderer::BaseKey::matches(const core::Image& volume, const SlicePlane& p,
                                     Interpolation in) const {
    // The same buffer on the same grid, sampled on the same plane. (A buffer changed in
    // place is not noticed: images are treated as immutable once shown.)
    auto same = [](const core::Vec3& a, const core::Vec3& b) { return a == b; };
    return data == volume.data() && geometry.approxEqual(volume.geometry(), 0.0) &&
           interpolation == in && same(plane.origin, p.origin) && same(plane.right, p.right) &&
           same(plane.down, p.down) && plane.spacingX == p.spacingX &&
           plane.spacingY == p.spacingY && plane.width == p.width && plane.height == p.height;
}

void SliceRenderer::render(const core::Image& volume, const LayerStack* layers,
                           const SlicePlane& plane, const DisplaySettings& settings,
                           RgbaImage& out) {
    const int nc = volume.components();
    const std::size_t n = plane.pixelCount();
    if (!baseKey_.matches(volume, plane, settings.interpolation) || base_.size() != n * nc) {
        base_.resize(n * nc);
        reslice(volume, plane, settings.interpolation, base_);
        baseKey_ = {volume.owner(), volume.data(), volume.geometry(), plane,
                    settings.interpolation};
        ++reslices_;
    }

    out.width = plane.width;
    out.height = plane.height;
    out.pixels.resize(n * 4);
    const WindowMap map(settings.window, settings.invert);
    std::uint8_t* p = out.pixels.data();
    if (nc == 1) {
        for (std::size_t i = 0; i < n; ++i, p += 4) {
            const float v = base_[i];
            if (std::isnan(v)) {
                p[0] = p[1] = p[2] = p[3] = 0;
                continue;
            }
            p[0] = p[1] = p[2] = map(v);
            p[3] = 255;
        }
    } else {
        for (std::size_t i = 0; i < n; ++i, p += 4) {
            const float* v = &base_[i * nc];
            if (std::isnan(v[0])) {
                p[0] = p[1] = p[2] = p[3] = 0;
                continue;
            }
            for (int c = 0; c < 3; ++c) p[c] = map(v[std::min(c, nc - 1)]);
            p[3] = 255;
        }
    }
    if (!layers) return;
    for (const OverlayLayer& layer : layers->layers()) {
        if (!layer.visible || layer.image.empty()) continue;
        layer_.resize(n);
        reslice(layer.image, plane,
                layer.kind == LayerKind::LabelMap ? Interpolation::Nearest : Interpolation::Linear,
                layer_);
        blendLayer(layer, layer_, plane.width, plane.height, out, labels_);
    }
}

}  // namespace stratum::app
