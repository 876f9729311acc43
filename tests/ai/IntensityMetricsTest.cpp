// MSE and SSIM of intensity outputs: hand-computed values and a brute-force SSIM.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "stratum/ai/SegmentationMetrics.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

core::Image randomImage(const core::Size3& size, std::uint64_t seed) {
    core::Geometry g;
    g.size = size;
    core::Image image(core::PixelType::Float32, 1, g);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 100.0f);
    for (float& v : image.pixels<float>()) v = u(rng);
    return image;
}

// SSIM straight from the definition: for every voxel, the weighted sums over the
// window (Gaussian sigma 1.5, radius 5, restricted to the image).
double bruteForceSsim(const core::Image& a, const core::Image& b) {
    const core::Size3& s = a.size();
    double lo = 1e300, hi = -1e300;
    for (const float v : b.pixels<float>())
        lo = std::min<double>(lo, v), hi = std::max<double>(hi, v);
    const double L = hi - lo, c1 = (0.01 * L) * (0.01 * L), c2 = (0.03 * L) * (0.03 * L);
    const int r = 5, rz = s[2] == 1 ? 0 : 5;
    double total = 0.0;
    for (int k = 0; k < int(s[2]); ++k)
        for (int j = 0; j < int(s[1]); ++j)
            for (int i = 0; i < int(s[0]); ++i) {
                double w = 0, mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
                for (int dk = -rz; dk <= rz; ++dk)
                    for (int dj = -r; dj <= r; ++dj)
                        for (int di = -r; di <= r; ++di) {
                            const int x = i + di, y = j + dj, z = k + dk;
                            if (x < 0 || y < 0 || z < 0 || x >= int(s[0]) || y >= int(s[1]) ||
                                z >= int(s[2]))
                                continue;
                            const double wt = std::exp(-(di * di + dj * dj + dk * dk) / (2 * 2.25));
                            const double p = a.value(x, y, z), q = b.value(x, y, z);
                            w += wt;
                            mx += wt * p;
                            my += wt * q;
                            mxx += wt * p * p;
                            myy += wt * q * q;
                            mxy += wt * p * q;
                        }
                mx /= w, my /= w, mxx /= w, myy /= w, mxy /= w;
                const double vx = mxx - mx * mx, vy = myy - my * my, cov = mxy - mx * my;
                total += ((2 * mx * my + c1) * (2 * cov + c2)) /
                         ((mx * mx + my * my + c1) * (vx + vy + c2));
            }
    return total / double(a.voxelCount());
}

}  // namespace

TEST(IntensityMetrics, MseByHand) {
    core::Geometry g;
    g.size = {4, 1, 1};
    core::Image a(core::PixelType::Int16, 1, g), b(core::PixelType::Float32, 1, g);
    const double av[4] = {1, 2, 3, 4}, bv[4] = {1.5, 2, 1, 4};
    for (int i = 0; i < 4; ++i) a.setValue(i, 0, 0, av[i]), b.setValue(i, 0, 0, bv[i]);
    // (0.25 + 0 + 4 + 0) / 4
    EXPECT_DOUBLE_EQ(ai::meanSquaredError(a, b), 4.25 / 4.0);
    EXPECT_DOUBLE_EQ(ai::meanSquaredError(a, a), 0.0);
    g.size = {5, 1, 1};
    EXPECT_THROW(ai::meanSquaredError(a, core::Image(core::PixelType::Float32, 1, g)),
                 core::InvalidArgument);
}

TEST(IntensityMetrics, SsimOfIdenticalImagesIsOne) {
    const core::Image a = randomImage({9, 7, 5}, 1);
    EXPECT_NEAR(ai::structuralSimilarity(a, a), 1.0, 1e-12);
    const auto c = ai::compareIntensities(a, a);
    EXPECT_EQ(c.mse, 0.0);
    EXPECT_NEAR(c.ssim, 1.0, 1e-12);
}

TEST(IntensityMetrics, SsimEqualsBruteForce2DAnd3D) {
    for (const core::Size3 size : {core::Size3{14, 12, 1}, core::Size3{9, 8, 7}}) {
        const core::Image a = randomImage(size, 2), ref = randomImage(size, 3);
        // A related image: the reference plus noise and a gain, so SSIM is between 0 and 1.
        core::Image b = ref.clone();
        std::mt19937_64 rng(4);
        std::normal_distribution<float> n(0.0f, 15.0f);
        for (float& v : b.pixels<float>()) v = 0.9f * v + n(rng);
        const double s = ai::structuralSimilarity(b, ref);
        EXPECT_NEAR(s, bruteForceSsim(b, ref), 1e-10) << size[2];
        EXPECT_GT(s, 0.3);
        EXPECT_LT(s, 0.99);
        EXPECT_NEAR(ai::structuralSimilarity(a, ref), bruteForceSsim(a, ref), 1e-10);
        // Symmetric in the images except for the dynamic range (taken from the reference).
        ai::SsimOptions o;
        o.dynamicRange = 100.0;
        EXPECT_NEAR(ai::structuralSimilarity(b, ref, o), ai::structuralSimilarity(ref, b, o),
                    1e-12);
    }
}
