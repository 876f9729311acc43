#include "Checks.h"

#include <algorithm>
#include <cmath>

#include "stratum/core/Parallel.h"

namespace stratum::processing::detail {

void requireGrey(const core::Image& image, const char* operation) {
    if (image.empty()) throw core::InvalidArgument(std::string(operation) + ": the image is empty");
    if (image.components() != 1)
        throw core::InvalidArgument(std::string(operation) + ": needs a grey image, this one has " +
                                    std::to_string(image.components()) + " components per voxel");
}

void requireRadius(const Radius& radius, const char* operation) {
    for (int r : radius)
        if (r < 0)
            throw core::InvalidArgument(std::string(operation) + ": radius " + radiusText(radius) +
                                        " is negative");
}

void requireRepresentable(double value, core::PixelType type, const char* operation,
                          const char* what) {
    const bool ok = core::dispatchPixelType(type, [&](auto t) {
        using T = decltype(t);
        if (!std::isfinite(value)) return false;
        if (value < static_cast<double>(std::numeric_limits<T>::lowest()) ||
            value > static_cast<double>(std::numeric_limits<T>::max()))
            return false;
        return static_cast<double>(static_cast<T>(value)) == value;
    });
    if (!ok)
        throw core::InvalidArgument(std::string(operation) + ": " + what + " " +
                                    std::to_string(value) + " is not a " +
                                    core::pixelTypeName(type) + " value");
}

core::Image sameGrid(const core::Image& image, core::PixelType type) {
    core::Image out(type, 1, image.geometry(), core::Image::Init::Uninitialized);
    out.metadata() = image.metadata();
    return out;
}

Chunks chunksFor(std::size_t n, std::size_t minPerChunk) {
    const std::size_t threads = core::defaultThreadCount();
    // A few chunks per thread balance uneven work; never below minPerChunk items each.
    std::size_t count = std::max<std::size_t>(1, threads * 4);
    count = std::min(count, std::max<std::size_t>(1, n / std::max<std::size_t>(1, minPerChunk)));
    return {n, count};
}

void parallelRanges(std::size_t n, const core::Task& task,
                    const std::function<void(std::size_t, std::size_t)>& f) {
    const Chunks c = chunksFor(n, 65536);
    core::parallelFor(0, c.count, [&](std::size_t i) {
        task.checkCancel();
        f(c.begin(i), c.begin(i + 1));
    });
}

}  // namespace stratum::processing::detail
