// Thresholds, windowing, normalisation and contrast: known answers, ITK where it has
// the same operation.
#include <itkBinaryThresholdImageFilter.h>
#include <itkIntensityWindowingImageFilter.h>
#include <itkOtsuThresholdImageFilter.h>
#include <itkRescaleIntensityImageFilter.h>

#include <cmath>
#include <numeric>

#include "Support.h"
#include "stratum/processing/Contrast.h"
#include "stratum/processing/Normalize.h"
#include "stratum/processing/Threshold.h"

using namespace stratum;
using namespace stratum::test;

TEST(Threshold, MatchesItkBinaryThreshold) {
    const core::Image img = randomFull(core::PixelType::Int16, {30, 20, 7}, 4);
    const core::Image ours = processing::threshold(img, -1000, 2500, 255, 0);
    using In = itk::Image<std::int16_t, 3>;
    using Out = itk::Image<std::uint8_t, 3>;
    auto f = itk::BinaryThresholdImageFilter<In, Out>::New();
    f->SetInput(io::toItkImage<std::int16_t, 3>(img));
    f->SetLowerThreshold(-1000);
    f->SetUpperThreshold(2500);
    f->SetInsideValue(255);
    f->SetOutsideValue(0);
    f->Update();
    const core::Image theirs = io::fromItkImage<std::uint8_t, 3>(f->GetOutput());
    STRATUM_EXPECT_SAME_IMAGE(ours, theirs, "threshold");
    EXPECT_THROW(processing::threshold(img, 5, 1), core::InvalidArgument);
    EXPECT_THROW(processing::threshold(img, 1, 5, 300), core::InvalidArgument);
}

TEST(Threshold, OtsuSeparatesTwoClasses) {
    // Two noisy classes around 100 and 180: Otsu's threshold falls between them.
    core::Image img = randomImage(core::PixelType::UInt8, {64, 64, 1}, 8, 90, 110);
    for (std::size_t y = 0; y < 64; ++y)
        for (std::size_t x = 32; x < 64; ++x) img.setValue(x, y, 0, 170 + (x + y) % 20);
    const double t = processing::otsuThreshold(img);
    EXPECT_GT(t, 110.0);
    EXPECT_LT(t, 170.0);
    const core::Image mask = processing::otsu(img);
    for (std::size_t y = 0; y < 64; ++y)
        for (std::size_t x = 0; x < 64; ++x) ASSERT_EQ(mask.value(x, y, 0), x >= 32 ? 1.0 : 0.0);
}

TEST(Threshold, OtsuAgreesWithItkOnAnMrVolume) {
    const auto path = mrVolume("brain1_image.nrrd");
    STRATUM_REQUIRE_DATA(path);
    const core::Image img = io::readImage(path).image;
    using In = itk::Image<std::int16_t, 3>;
    using Out = itk::Image<std::uint8_t, 3>;
    auto f = itk::OtsuThresholdImageFilter<In, Out>::New();
    f->SetInput(io::toItkImage<std::int16_t, 3>(img));
    f->SetNumberOfHistogramBins(256);
    f->Update();
    const double theirs = f->GetThreshold();
    const double ours = processing::otsuThreshold(img, 256);
    const auto [lo, hi] = img.minMax();
    // Same criterion, binned differently: within two bins.
    EXPECT_NEAR(ours, theirs, 2.0 * (hi - lo) / 256.0) << "ITK " << theirs << " ours " << ours;
}

TEST(Threshold, WindowMatchesItk) {
    const core::Image img = randomFull(core::PixelType::UInt16, {25, 16, 3}, 2);
    const core::Image ours = processing::intensityWindow(img, 10000, 40000, 0, 1);
    using In = itk::Image<std::uint16_t, 3>;
    using Out = itk::Image<float, 3>;
    auto f = itk::IntensityWindowingImageFilter<In, Out>::New();
    f->SetInput(io::toItkImage<std::uint16_t, 3>(img));
    f->SetWindowMinimum(10000);
    f->SetWindowMaximum(40000);
    f->SetOutputMinimum(0);
    f->SetOutputMaximum(1);
    f->Update();
    std::string where;
    EXPECT_EQ(countDifferences(ours, io::fromItkImage<float, 3>(f->GetOutput()), &where, 1e-6), 0u)
        << where;
    EXPECT_THROW(processing::intensityWindow(img, 5, 5), core::InvalidArgument);
}

TEST(Normalize, MinMaxMatchesItkRescale) {
    const core::Image img = randomFull(core::PixelType::Int16, {20, 20, 5}, 12);
    const core::Image ours = processing::minMaxNormalize(img, 0, 1);
    using In = itk::Image<std::int16_t, 3>;
    using Out = itk::Image<float, 3>;
    auto f = itk::RescaleIntensityImageFilter<In, Out>::New();
    f->SetInput(io::toItkImage<std::int16_t, 3>(img));
    f->SetOutputMinimum(0);
    f->SetOutputMaximum(1);
    f->Update();
    std::string where;
    EXPECT_EQ(countDifferences(ours, io::fromItkImage<float, 3>(f->GetOutput()), &where, 1e-6), 0u)
        << where;
    EXPECT_EQ(ours.minMax(), (std::pair<double, double>{0.0, 1.0}));
}

TEST(Normalize, ZScoreKnownAnswerAndMask) {
    core::Image img(core::PixelType::UInt8, 1, gridOf(4, 1, 1));
    const double values[] = {2, 4, 4, 6};  // mean 4, population sd sqrt(2)
    for (int x = 0; x < 4; ++x) img.setValue(x, 0, 0, values[x]);
    const core::Image z = processing::zScore(img);
    EXPECT_NEAR(z.value(0, 0, 0), -2.0 / std::sqrt(2.0), 1e-6);
    EXPECT_NEAR(z.value(3, 0, 0), 2.0 / std::sqrt(2.0), 1e-6);
    // Mask: only voxels 1..3 (4, 4, 6): mean 14/3.
    core::Image mask(core::PixelType::UInt8, 1, gridOf(4, 1, 1));
    for (int x = 1; x < 4; ++x) mask.setValue(x, 0, 0, 1);
    const double mean = 14.0 / 3.0;
    const double sd = std::sqrt(((4 - mean) * (4 - mean) * 2 + (6 - mean) * (6 - mean)) / 3.0);
    const core::Image zm = processing::zScore(img, &mask);
    EXPECT_NEAR(zm.value(0, 0, 0), (2 - mean) / sd, 1e-5);
    EXPECT_NEAR(zm.value(3, 0, 0), (6 - mean) / sd, 1e-5);
    core::Image empty(core::PixelType::UInt8, 1, gridOf(4, 1, 1));
    EXPECT_THROW(processing::zScore(img, &empty), core::InvalidArgument);
    core::Image wrong(core::PixelType::UInt8, 1, gridOf(3, 1, 1));
    EXPECT_THROW(processing::zScore(img, &wrong), core::InvalidArgument);
}

TEST(Normalize, PercentilesAsNumpyLinear) {
    core::Image img(core::PixelType::Float32, 1, gridOf(5, 1, 1));
    const double values[] = {10, 1, 7, 3, 5};  // sorted 1 3 5 7 10
    for (int x = 0; x < 5; ++x) img.setValue(x, 0, 0, values[x]);
    EXPECT_DOUBLE_EQ(processing::percentile(img, 0), 1.0);
    EXPECT_DOUBLE_EQ(processing::percentile(img, 50), 5.0);
    EXPECT_DOUBLE_EQ(processing::percentile(img, 100), 10.0);
    EXPECT_DOUBLE_EQ(processing::percentile(img, 90), 7.0 + 0.6 * 3.0);   // pos 3.6
    const core::Image clipped = processing::percentileClip(img, 25, 75);  // 3 .. 7
    EXPECT_EQ(clipped.value(0, 0, 0), 7.0);
    EXPECT_EQ(clipped.value(1, 0, 0), 3.0);
    EXPECT_EQ(clipped.value(4, 0, 0), 5.0);
    EXPECT_THROW(processing::percentileClip(img, 50, 50), core::InvalidArgument);
    EXPECT_THROW(processing::percentile(img, 101), core::InvalidArgument);
}

TEST(Normalize, CtWindowKnownAnswer) {
    core::Image img(core::PixelType::Int16, 1, gridOf(4, 1, 1));
    const double hu[] = {-1000, -160, 40, 240};
    for (int x = 0; x < 4; ++x) img.setValue(x, 0, 0, hu[x]);
    const core::Image w = processing::ctWindow(img, 40, 400);  // [-160, 240]
    EXPECT_FLOAT_EQ(static_cast<float>(w.value(0, 0, 0)), 0.0f);
    EXPECT_FLOAT_EQ(static_cast<float>(w.value(1, 0, 0)), 0.0f);
    EXPECT_FLOAT_EQ(static_cast<float>(w.value(2, 0, 0)), 0.5f);
    EXPECT_FLOAT_EQ(static_cast<float>(w.value(3, 0, 0)), 1.0f);
    EXPECT_THROW(processing::ctWindow(img, 40, 0), core::InvalidArgument);
}

TEST(Contrast, HistogramEqualizationFlattensTheHistogram) {
    // A dark, skewed image: after equalisation the cumulative histogram is close to a line.
    core::Image img(core::PixelType::UInt8, 1, gridOf(64, 64, 1));
    std::mt19937 rng(3);
    std::exponential_distribution<double> d(1.0 / 20.0);
    for (std::size_t i = 0; i < img.voxelCount(); ++i)
        img.data<std::uint8_t>()[i] = static_cast<std::uint8_t>(std::min(255.0, d(rng)));
    const core::Image eq = processing::histogramEqualize(img);
    std::vector<double> sorted(eq.voxelCount());
    for (std::size_t i = 0; i < sorted.size(); ++i) sorted[i] = eq.data<std::uint8_t>()[i];
    std::sort(sorted.begin(), sorted.end());
    const auto [lo, hi] = img.minMax();
    for (double q : {0.25, 0.5, 0.75}) {
        const double v = sorted[static_cast<std::size_t>(q * sorted.size())];
        EXPECT_NEAR((v - lo) / (hi - lo), q, 0.06) << "quantile " << q;
    }
    // Monotone: order of values is kept.
    for (std::size_t i = 1; i < img.voxelCount(); ++i) {
        const auto a = img.data<std::uint8_t>()[i - 1], b = img.data<std::uint8_t>()[i];
        const auto ea = eq.data<std::uint8_t>()[i - 1], eb = eq.data<std::uint8_t>()[i];
        if (a < b) {
            ASSERT_LE(ea, eb);
        }
    }
}

namespace {

// CLAHE by its definition, voxel by voxel (no shared code with the library's loops).
double claheReference(const core::Image& img, const processing::ClaheOptions& o, std::size_t x,
                      std::size_t y) {
    const auto [lo, hi] = img.minMax();
    const std::size_t nx = img.size()[0], ny = img.size()[1];
    auto bin = [&](double v) {
        int b = static_cast<int>((v - lo) / (hi - lo) * o.bins);
        return std::clamp(b, 0, o.bins - 1);
    };
    auto mapping = [&](int ti, int tj, int b) {
        const std::size_t x0 = nx * ti / o.tilesX, x1 = nx * (ti + 1) / o.tilesX;
        const std::size_t y0 = ny * tj / o.tilesY, y1 = ny * (tj + 1) / o.tilesY;
        std::vector<double> h(static_cast<std::size_t>(o.bins), 0.0);
        for (std::size_t yy = y0; yy < y1; ++yy)
            for (std::size_t xx = x0; xx < x1; ++xx) h[bin(img.value(xx, yy, 0))] += 1;
        const double n = static_cast<double>((x1 - x0) * (y1 - y0));
        const double clip = std::max(1.0, o.clipLimit * n);
        double excess = 0;
        for (double& c : h) excess += std::max(0.0, c - clip), c = std::min(c, clip);
        double cdf = 0;
        for (int k = 0; k <= b; ++k) cdf += h[k] + excess / o.bins;
        return lo + cdf / n * (hi - lo);
    };
    auto center = [](std::size_t size, int tiles, int k) {
        return (static_cast<double>(size * k / tiles) +
                static_cast<double>(size * (k + 1) / tiles) - 1) /
               2;
    };
    auto locate = [&](double p, std::size_t size, int tiles, int& k, double& w) {
        k = 0;
        w = 0;
        if (p <= center(size, tiles, 0)) return;
        if (p >= center(size, tiles, tiles - 1)) {
            k = tiles - 1;
            return;
        }
        while (center(size, tiles, k + 1) <= p) ++k;
        w = (p - center(size, tiles, k)) / (center(size, tiles, k + 1) - center(size, tiles, k));
    };
    int i, j;
    double wx, wy;
    locate(static_cast<double>(x), nx, o.tilesX, i, wx);
    locate(static_cast<double>(y), ny, o.tilesY, j, wy);
    const int i2 = std::min(i + 1, o.tilesX - 1), j2 = std::min(j + 1, o.tilesY - 1);
    const int b = bin(img.value(x, y, 0));
    return (1 - wy) * ((1 - wx) * mapping(i, j, b) + wx * mapping(i2, j, b)) +
           wy * ((1 - wx) * mapping(i, j2, b) + wx * mapping(i2, j2, b));
}

}  // namespace

TEST(Contrast, ClaheMatchesItsDefinition) {
    const core::Image img = randomImage(core::PixelType::Float32, {37, 29, 1}, 21, 0, 100);
    processing::ClaheOptions o;
    o.tilesX = 3;
    o.tilesY = 4;
    o.clipLimit = 0.02;
    o.bins = 32;
    const core::Image out = processing::clahe(img, o);
    for (std::size_t y = 0; y < 29; y += 3)
        for (std::size_t x = 0; x < 37; x += 2)
            ASSERT_NEAR(out.value(x, y, 0), claheReference(img, o, x, y), 1e-3) << x << "," << y;
}

TEST(Contrast, ClaheOnAChestXrayKeepsRangeAndRaisesLocalContrast) {
    const auto path = chestXray();
    STRATUM_REQUIRE_DATA(path);
    const core::Image img = io::readImage(path).image;
    const core::Image out = processing::clahe(img);
    EXPECT_EQ(out.pixelType(), img.pixelType());
    const auto [lo, hi] = img.minMax();
    const auto [olo, ohi] = out.minMax();
    EXPECT_GE(olo, lo);
    EXPECT_LE(ohi, hi);
    // Local contrast: mean absolute difference between horizontal neighbours grows.
    auto local = [](const core::Image& im) {
        double s = 0;
        for (std::size_t y = 0; y < im.size()[1]; ++y)
            for (std::size_t x = 1; x < im.size()[0]; ++x)
                s += std::abs(im.value(x, y, 0) - im.value(x - 1, y, 0));
        return s;
    };
    EXPECT_GT(local(out), local(img));
}

TEST(Contrast, RejectsBadParameters) {
    const core::Image img = randomFull(core::PixelType::UInt8, {16, 16, 1}, 1);
    processing::ClaheOptions o;
    o.tilesX = 0;
    EXPECT_THROW(processing::clahe(img, o), core::InvalidArgument);
    o.tilesX = 17;
    EXPECT_THROW(processing::clahe(img, o), core::InvalidArgument);
    o.tilesX = 2;
    o.clipLimit = -1;
    EXPECT_THROW(processing::clahe(img, o), core::InvalidArgument);
    EXPECT_THROW(processing::histogramEqualize(img, 1), core::InvalidArgument);
    EXPECT_THROW(processing::otsuThreshold(img, 1), core::InvalidArgument);
}
