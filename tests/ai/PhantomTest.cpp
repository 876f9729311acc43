// The procedural phantom generator: determinism, labels, configured intensity
// statistics and the random pose.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "stratum/ai/Phantom.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

ai::PhantomOptions smallOptions() {
    ai::PhantomOptions o;
    o.size = {48, 48, 48};
    o.spacing = {3.0, 3.0, 3.0};
    return o;
}

std::array<std::size_t, 4> counts(const core::Image& labels) {
    std::array<std::size_t, 4> c{};
    for (const std::uint8_t v : labels.pixels<std::uint8_t>()) ++c.at(v);
    return c;
}

core::Vec3 centroid(const core::Image& labels, int label) {
    core::Vec3 sum{0, 0, 0};
    double n = 0;
    const core::Size3& s = labels.size();
    for (std::size_t k = 0; k < s[2]; ++k)
        for (std::size_t j = 0; j < s[1]; ++j)
            for (std::size_t i = 0; i < s[0]; ++i)
                if (labels.value(i, j, k) == label) {
                    const core::Vec3 p =
                        labels.geometry().indexToPatient({double(i), double(j), double(k)});
                    for (int a = 0; a < 3; ++a) sum[a] += p[a];
                    ++n;
                }
    return {sum[0] / n, sum[1] / n, sum[2] / n};
}

double distance(const core::Vec3& a, const core::Vec3& b) {
    return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

}  // namespace

TEST(Phantom, DeterministicPerSeedAndDifferentAcrossSeeds) {
    const ai::PhantomOptions o = smallOptions();
    const ai::Phantom a = ai::makePhantom(o, 7), b = ai::makePhantom(o, 7),
                      c = ai::makePhantom(o, 8);
    ASSERT_EQ(a.image.pixelType(), core::PixelType::Int16);
    ASSERT_EQ(a.labels.pixelType(), core::PixelType::UInt8);
    EXPECT_EQ(a.image.geometry().size, o.size);
    EXPECT_EQ(a.image.geometry().spacing, o.spacing);
    EXPECT_EQ(a.labels.geometry().origin, a.image.geometry().origin);
    EXPECT_DOUBLE_EQ(a.image.geometry().origin[0], -0.5 * 47 * 3.0);
    EXPECT_EQ(0, std::memcmp(a.image.data<std::int16_t>(), b.image.data<std::int16_t>(),
                             a.image.voxelCount() * 2));
    EXPECT_EQ(0, std::memcmp(a.labels.data<std::uint8_t>(), b.labels.data<std::uint8_t>(),
                             a.labels.voxelCount()));
    EXPECT_NE(0, std::memcmp(a.labels.data<std::uint8_t>(), c.labels.data<std::uint8_t>(),
                             a.labels.voxelCount()));
}

TEST(Phantom, AllLabelsPresentWithPlausibleVolumes) {
    const ai::PhantomOptions o = smallOptions();
    for (const std::uint64_t seed : {1, 2, 3}) {
        const auto c = counts(ai::makePhantom(o, seed).labels);
        const double voxel = 27.0;  // mm^3
        // Organ: ellipsoid of radii ~34, 26, 22 mm (+-10% per radius, pose scale +-10%,
        // bumps): 81.5 cm^3 nominal. Kidney ~18, 12, 13 mm: 11.8 cm^3.
        EXPECT_GT(c[1] * voxel, 0.45 * 81500) << seed;
        EXPECT_LT(c[1] * voxel, 1.8 * 81500) << seed;
        EXPECT_GT(c[2] * voxel, 0.45 * 11760) << seed;
        EXPECT_LT(c[2] * voxel, 1.8 * 11760) << seed;
        // Vessel: radius ~6 mm through the field of view (>= 100 mm of length).
        EXPECT_GT(c[3] * voxel, 0.5 * 3.14159 * 36 * 100) << seed;
        EXPECT_GT(c[0], c[1]) << seed;
    }
}

TEST(Phantom, IntensityStatisticsAsConfigured) {
    // No texture, bias or blur: interior voxels (all 6 neighbours share the label) are
    // the tissue mean plus the configured noise.
    ai::PhantomOptions o = smallOptions();
    o.background.texture = 0.0;
    for (auto& t : o.tissues) t.texture = 0.0;
    o.biasAmplitude = 0.0;
    o.blurSigmaMm = 0.0;
    o.noiseSigma = 10.0;
    o.pixelType = core::PixelType::Float32;
    const ai::Phantom p = ai::makePhantom(o, 11);
    const core::Size3& s = p.labels.size();
    const double means[4] = {o.background.mean, o.tissues[0].mean, o.tissues[1].mean,
                             o.tissues[2].mean};
    for (int label = 0; label < 4; ++label) {
        double sum = 0.0, sum2 = 0.0, n = 0.0;
        for (std::size_t k = 1; k + 1 < s[2]; ++k)
            for (std::size_t j = 1; j + 1 < s[1]; ++j)
                for (std::size_t i = 1; i + 1 < s[0]; ++i) {
                    auto l = [&](std::size_t a, std::size_t b, std::size_t c) {
                        return int(p.labels.value(a, b, c));
                    };
                    if (l(i, j, k) != label || l(i - 1, j, k) != label || l(i + 1, j, k) != label ||
                        l(i, j - 1, k) != label || l(i, j + 1, k) != label ||
                        l(i, j, k - 1) != label || l(i, j, k + 1) != label)
                        continue;
                    const double v = p.image.value(i, j, k);
                    sum += v;
                    sum2 += v * v;
                    ++n;
                }
        ASSERT_GT(n, 50) << label;
        const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
        // Standard error of the mean 10 / sqrt(n); 5 of them. SD within 4 of its standard errors.
        EXPECT_NEAR(mean, means[label], 5.0 * 10.0 / std::sqrt(n)) << label;
        EXPECT_NEAR(sd, 10.0, 4.0 * 10.0 / std::sqrt(2.0 * n)) << label;
    }
    // Without noise either, interior voxels are exactly the mean.
    o.noiseSigma = 0.0;
    const ai::Phantom q = ai::makePhantom(o, 11);
    EXPECT_EQ(q.image.value(0, 0, 0), o.background.mean);  // corner: background
}

TEST(Phantom, ShapesMoveWithTheSeedUnlessThePoseIsFixed) {
    ai::PhantomOptions o = smallOptions();
    const core::Vec3 a = centroid(ai::makePhantom(o, 21).labels, 1);
    const core::Vec3 b = centroid(ai::makePhantom(o, 22).labels, 1);
    EXPECT_GT(distance(a, b), 2.0);
    o.maxRotationDegrees = 0.0;
    o.maxTranslationMm = 0.0;
    o.maxScaleChange = 0.0;
    const core::Vec3 c = centroid(ai::makePhantom(o, 21).labels, 1);
    const core::Vec3 d = centroid(ai::makePhantom(o, 22).labels, 1);
    // Only the shape jitter is left: the organ stays near its canonical centre
    // (-14, 4, 0) mm.
    EXPECT_LT(distance(c, d), 4.0);
    EXPECT_LT(distance(c, {-14.0, 4.0, 0.0}), 4.0);
}

TEST(Phantom, BadOptionsAreClearErrors) {
    ai::PhantomOptions o = smallOptions();
    o.spacing[1] = 0.0;
    EXPECT_THROW(ai::makePhantom(o, 1), core::InvalidArgument);
    o = smallOptions();
    o.biasAmplitude = 1.5;
    EXPECT_THROW(ai::makePhantom(o, 1), core::InvalidArgument);
    o = smallOptions();
    o.pixelType = core::PixelType::UInt8;
    EXPECT_THROW(ai::makePhantom(o, 1), core::InvalidArgument);
    EXPECT_EQ(ai::phantomLabelNames().size(), 4u);
}
