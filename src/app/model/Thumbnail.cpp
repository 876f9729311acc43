#include "stratum/app/model/Thumbnail.h"

#include <algorithm>
#include <cmath>

#include "stratum/app/model/IntensityStats.h"
#include "stratum/app/model/WindowPresets.h"
#include "stratum/core/Error.h"

namespace stratum::app {

GreyThumbnail makeThumbnail(const core::Image& image, int maxSize) {
    if (image.empty()) throw core::InvalidArgument("thumbnail of an empty image");
    if (maxSize < 1) throw core::InvalidArgument("thumbnail size must be at least 1");
    const auto& g = image.geometry();
    const std::size_t k = g.size[2] / 2;
    const int nc = image.components();
    const std::size_t sliceValues = g.size[0] * g.size[1] * nc;
    const std::size_t bytes = core::bytesPerComponent(image.pixelType());

    // The middle slice, shared (not copied), for its own window.
    core::Geometry sliceGeometry = g;
    sliceGeometry.size[2] = 1;
    auto* sliceData =
        static_cast<unsigned char*>(const_cast<void*>(image.data())) + k * sliceValues * bytes;
    const core::Image slice =
        core::Image::wrap(image.pixelType(), nc, sliceGeometry, image.owner(), sliceData);
    const WindowLevel window = autoWindow(intensityStats(slice));

    const double physW = g.size[0] * g.spacing[0], physH = g.size[1] * g.spacing[1];
    const double scale = maxSize / std::max(physW, physH);
    GreyThumbnail t;
    t.width = std::clamp(static_cast<int>(std::lround(physW * scale)), 1, maxSize);
    t.height = std::clamp(static_cast<int>(std::lround(physH * scale)), 1, maxSize);
    t.pixels.resize(static_cast<std::size_t>(t.width) * t.height);

    const std::size_t sx = g.size[0], sy = g.size[1];
    for (int y = 0; y < t.height; ++y) {
        const std::size_t j0 = y * sy / t.height, j1 = std::max(j0 + 1, (y + 1) * sy / t.height);
        for (int x = 0; x < t.width; ++x) {
            const std::size_t i0 = x * sx / t.width, i1 = std::max(i0 + 1, (x + 1) * sx / t.width);
            double sum = 0.0;
            std::size_t count = 0;
            for (std::size_t j = j0; j < j1; ++j)
                for (std::size_t i = i0; i < i1; ++i) {
                    double v = 0.0;
                    for (int c = 0; c < nc; ++c) v += slice.value(i, j, 0, c);
                    v /= nc;
                    if (std::isnan(v)) continue;
                    sum += v;
                    ++count;
                }
            t.pixels[static_cast<std::size_t>(y) * t.width + x] =
                count ? window.toByte(sum / count) : 0;
        }
    }
    return t;
}

}  // namespace stratum::app
