#pragma once
// Test images and comparisons for the processing tests; ITK filters as references.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "TestData.h"
#include "stratum/core/Image.h"
#include "stratum/io/ImageIO.h"
#include "stratum/io/ItkBridge.h"

namespace stratum::test {

inline core::Geometry gridOf(std::size_t nx, std::size_t ny, std::size_t nz) {
    core::Geometry g;
    g.size = {nx, ny, nz};
    g.spacing = {0.8, 0.9, 1.5};
    g.origin = {-10.0, 5.0, 30.0};
    return g;
}

// Uniform random values in [lo, hi] (a narrow range makes many ties).
inline core::Image randomImage(core::PixelType type, const core::Size3& size, unsigned seed,
                               double lo, double hi) {
    core::Image img(type, 1, gridOf(size[0], size[1], size[2]));
    std::mt19937 rng(seed);
    core::dispatchPixelType(type, [&](auto t) {
        using T = decltype(t);
        T* p = img.data<T>();
        if constexpr (std::is_floating_point_v<T>) {
            std::uniform_real_distribution<double> d(lo, hi);
            for (std::size_t i = 0; i < img.voxelCount(); ++i) p[i] = static_cast<T>(d(rng));
        } else {
            std::uniform_int_distribution<long> d(static_cast<long>(lo), static_cast<long>(hi));
            for (std::size_t i = 0; i < img.voxelCount(); ++i) p[i] = static_cast<T>(d(rng));
        }
    });
    return img;
}

// Full-range random values of the type (float: -1000..1000).
inline core::Image randomFull(core::PixelType type, const core::Size3& size, unsigned seed) {
    switch (type) {
        case core::PixelType::UInt8:
            return randomImage(type, size, seed, 0, 255);
        case core::PixelType::Int16:
            return randomImage(type, size, seed, -32768, 32767);
        case core::PixelType::UInt16:
            return randomImage(type, size, seed, 0, 65535);
        case core::PixelType::Float32:
            return randomImage(type, size, seed, -1000, 1000);
    }
    return {};
}

// A mask of blobs: smoothed noise thresholded, values `fg` (object), 0 and some `other`.
inline core::Image blobMask(core::PixelType type, const core::Size3& size, unsigned seed, double fg,
                            double other, double density = 0.5) {
    core::Image img(type, 1, gridOf(size[0], size[1], size[2]));
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> noise(img.voxelCount());
    for (double& v : noise) v = u(rng);
    // Box-average twice along each axis for blobs of a few voxels.
    auto blur = [&](int axis) {
        const std::size_t stride = axis == 0 ? 1 : axis == 1 ? size[0] : size[0] * size[1];
        if (size[axis] < 3) return;
        std::vector<double> out(noise.size());
        for (std::size_t i = 0; i < noise.size(); ++i) {
            const std::size_t pos = (i / stride) % size[axis];
            double s = noise[i];
            int n = 1;
            if (pos > 0) s += noise[i - stride], ++n;
            if (pos + 1 < size[axis]) s += noise[i + stride], ++n;
            out[i] = s / n;
        }
        noise.swap(out);
    };
    for (int pass = 0; pass < 2; ++pass)
        for (int a = 0; a < 3; ++a) blur(a);
    std::vector<double> sorted = noise;
    std::nth_element(sorted.begin(),
                     sorted.begin() + static_cast<long>(sorted.size() * (1 - density)),
                     sorted.end());
    const double cut = sorted[static_cast<std::size_t>(sorted.size() * (1 - density))];
    for (std::size_t i = 0; i < noise.size(); ++i) {
        const std::size_t x = i % size[0], y = (i / size[0]) % size[1], z = i / (size[0] * size[1]);
        const double v = noise[i] >= cut ? fg : (u(rng) < 0.05 ? other : 0.0);
        img.setValue(x, y, z, v);
    }
    return img;
}

// Number of differing voxels; describes the first one in `where`.
inline std::size_t countDifferences(const core::Image& a, const core::Image& b,
                                    std::string* where = nullptr, double tolerance = 0.0) {
    EXPECT_EQ(a.size(), b.size());
    EXPECT_EQ(a.pixelType(), b.pixelType());
    if (a.size() != b.size() || a.pixelType() != b.pixelType()) return SIZE_MAX;
    std::size_t n = 0;
    const core::Size3& s = a.size();
    for (std::size_t z = 0; z < s[2]; ++z)
        for (std::size_t y = 0; y < s[1]; ++y)
            for (std::size_t x = 0; x < s[0]; ++x) {
                const double va = a.value(x, y, z), vb = b.value(x, y, z);
                if (std::abs(va - vb) > tolerance) {
                    if (n == 0 && where) {
                        std::ostringstream os;
                        os << "(" << x << "," << y << "," << z << "): " << va << " vs " << vb;
                        *where = os.str();
                    }
                    ++n;
                }
            }
    return n;
}

#define STRATUM_EXPECT_SAME_IMAGE(a, b, label)                                                     \
    do {                                                                                           \
        std::string where_;                                                                        \
        const std::size_t diff_ = stratum::test::countDifferences((a), (b), &where_);              \
        EXPECT_EQ(diff_, 0u) << (label) << ": " << diff_ << " voxels differ, first at " << where_; \
    } while (0)

// Runs the ITK filter `filter` on `image` (as an itk::Image<T, D>; D = 2 for a one-slice
// image) and returns its output on the input's grid. `setup(filter)` configures it.
template <class T, unsigned D, class FilterPointer, class Setup>
core::Image runItkFilter(const core::Image& image, FilterPointer filter, Setup setup) {
    using ImageType = itk::Image<T, D>;
    filter->SetInput(io::toItkImage<T, D>(image));
    setup(filter.GetPointer());
    filter->Update();
    typename ImageType::Pointer out = filter->GetOutput();
    out->DisconnectPipeline();
    const core::Image result = io::fromItkImage<T, D>(out);
    core::Image shaped(result.pixelType(), 1, image.geometry(), core::Image::Init::Uninitialized);
    std::memcpy(shaped.data(), result.data(), result.byteSize());
    return shaped;
}

// The same for filters templated on <input image, output image>.
template <template <class, class> class Filter, class T, unsigned D, class Setup>
core::Image runItk(const core::Image& image, Setup setup) {
    using ImageType = itk::Image<T, D>;
    return runItkFilter<T, D>(image, Filter<ImageType, ImageType>::New(), setup);
}

inline std::filesystem::path mrVolume(const std::string& name) {
    return sharedData() / "volumes" / "pyradiomics" / name;
}
inline std::filesystem::path chestXray() {
    return resources() / "samples" / "chest-xray" / "NORMAL" / "IM-0115-0001.jpeg";
}

}  // namespace stratum::test
