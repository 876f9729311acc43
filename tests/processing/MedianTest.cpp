// Median filter: known answers, and voxel-for-voxel equality with ITK's MedianImageFilter.
#include <itkMedianImageFilter.h>

#include "SimdKernels.h"
#include "Support.h"
#include "stratum/processing/Median.h"

using namespace stratum;
using namespace stratum::test;
using processing::Radius;

namespace {

template <class T, unsigned D>
core::Image itkMedian(const core::Image& image, const Radius& r) {
    return runItk<itk::MedianImageFilter, T, D>(image, [&](auto* f) {
        typename itk::Size<D> radius;
        for (unsigned a = 0; a < D; ++a) radius[a] = static_cast<itk::SizeValueType>(r[a]);
        f->SetRadius(radius);
    });
}

core::Image itkMedianAnyType(const core::Image& image, const Radius& r) {
    const bool flat = image.size()[2] == 1;
    return core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        return flat ? itkMedian<T, 2>(image, r) : itkMedian<T, 3>(image, r);
    });
}

const core::PixelType kTypes[] = {core::PixelType::UInt8, core::PixelType::Int16,
                                  core::PixelType::UInt16, core::PixelType::Float32};

}  // namespace

TEST(Median, KnownAnswer3x3) {
    // As ITK's median GTest: a 3x3 window on a tiny image with an impulse.
    core::Image img(core::PixelType::UInt8, 1, gridOf(5, 5, 1));
    img.setValue(2, 2, 0, 200);  // a lone impulse vanishes
    img.setValue(0, 0, 0, 50);   // a corner: the window repeats the edge, 4 of 9 are 50
    img.setValue(1, 0, 0, 50);
    const core::Image out = processing::median(img, {1, 1, 0});
    EXPECT_EQ(out.value(2, 2, 0), 0.0);
    // Corner window (edge repeated): rows {50,50,50},{50,50,50},{0,0,0} -> median 50.
    EXPECT_EQ(out.value(0, 0, 0), 50.0);
    // Window at (1,0): {50,50,0} twice and {0,0,0}: four 50s of nine -> 0.
    EXPECT_EQ(out.value(1, 0, 0), 0.0);
    EXPECT_EQ(out.geometry().spacing, img.geometry().spacing);
}

TEST(Median, KnownAnswerIsTheMiddleValueOfARamp) {
    core::Image img(core::PixelType::Int16, 1, gridOf(7, 1, 1));
    const double values[] = {5, -3, 9, 1, 1, 7, -8};
    for (int x = 0; x < 7; ++x) img.setValue(x, 0, 0, values[x]);
    const core::Image out = processing::median(img, {2, 0, 0});
    // Windows with the edge repeated: x=0: {5,5,5,-3,9} -> 5; x=3: {-3,9,1,1,7} -> 1; x=6:
    // {1,7,-8,-8,-8} -> -8.
    EXPECT_EQ(out.value(0, 0, 0), 5.0);
    EXPECT_EQ(out.value(3, 0, 0), 1.0);
    EXPECT_EQ(out.value(6, 0, 0), -8.0);
}

TEST(Median, MatchesItk2DEveryTypeAndRadius) {
    unsigned seed = 1;
    for (core::PixelType type : kTypes)
        for (const Radius& r : {Radius{1, 1, 0}, Radius{2, 2, 0}, Radius{3, 1, 0}, Radius{0, 2, 0},
                                Radius{3, 3, 0}, Radius{5, 4, 0}}) {
            // Odd sizes, narrow values (ties) and full range.
            for (bool narrow : {true, false}) {
                const core::Image img = narrow ? randomImage(type, {37, 23, 1}, seed++, 0, 9)
                                               : randomFull(type, {45, 31, 1}, seed++);
                const core::Image ours = processing::median(img, r);
                STRATUM_EXPECT_SAME_IMAGE(ours, itkMedianAnyType(img, r),
                                          std::string(core::pixelTypeName(type)) + " radius " +
                                              processing::radiusText(r));
            }
        }
}

TEST(Median, MatchesItk3DEveryTypeAndRadius) {
    unsigned seed = 100;
    for (core::PixelType type : kTypes)
        for (const Radius& r :
             {Radius{1, 1, 1}, Radius{1, 0, 1}, Radius{2, 1, 1}, Radius{2, 2, 2}}) {
            const core::Image img = randomFull(type, {19, 14, 11}, seed++);
            STRATUM_EXPECT_SAME_IMAGE(
                processing::median(img, r), itkMedianAnyType(img, r),
                std::string(core::pixelTypeName(type)) + " radius " + processing::radiusText(r));
        }
}

TEST(Median, MatchesItkOnAnMrVolume) {
    const auto path = mrVolume("brain1_image.nrrd");
    STRATUM_REQUIRE_DATA(path);
    const core::Image img = io::readImage(path).image;
    ASSERT_EQ(img.pixelType(), core::PixelType::Int16);
    for (const Radius& r : {Radius{1, 1, 1}, Radius{2, 2, 1}})
        STRATUM_EXPECT_SAME_IMAGE(processing::median(img, r), itkMedianAnyType(img, r),
                                  "brain1 radius " + processing::radiusText(r));
}

TEST(Median, MatchesItkOnAChestXray) {
    const auto path = chestXray();
    STRATUM_REQUIRE_DATA(path);
    const core::Image img = io::readImage(path).image;
    ASSERT_EQ(img.size()[2], 1u);
    for (const Radius& r : {Radius{1, 1, 0}, Radius{2, 2, 0}, Radius{4, 4, 0}})
        STRATUM_EXPECT_SAME_IMAGE(processing::median(img, r), itkMedianAnyType(img, r),
                                  "chest X-ray radius " + processing::radiusText(r));
}

TEST(Median, BothKernelBuildsMatchNthElement) {
    // The AVX-512, AVX2 and baseline builds of the selection network, called directly on
    // rows, against std::nth_element, for every window size up to the network's limit.
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> value(-300, 300);
    std::vector<const processing::detail::SimdKernels*> builds{
        &processing::detail::genericKernels()};
    if (__builtin_cpu_supports("avx2")) builds.push_back(&processing::detail::avx2Kernels());
    if (__builtin_cpu_supports("avx512bw"))
        builds.push_back(&processing::detail::avx512Kernels());
    for (const processing::detail::SimdKernels* kernels : builds) {
        for (int rowCount : {1, 3, 5, 9, 15, 25}) {
            for (int rx = 0; rx <= 4; ++rx) {
                const int n = rowCount * (2 * rx + 1);
                if (n > processing::detail::kMaxNetworkWindow || n == 1) continue;
                const std::size_t count = 70;
                std::vector<std::vector<std::int16_t>> rows(
                    static_cast<std::size_t>(rowCount),
                    std::vector<std::int16_t>(count + 2 * rx + 64));
                std::vector<const std::int16_t*> pointers;
                for (auto& row : rows) {
                    for (auto& v : row) v = static_cast<std::int16_t>(value(rng));
                    pointers.push_back(row.data());
                }
                std::vector<std::int16_t> out(count + 64);
                kernels->medianI16(pointers.data(), rowCount, rx, count, out.data());
                for (std::size_t x = 0; x < count; ++x) {
                    std::vector<std::int16_t> window;
                    for (const auto& row : rows)
                        for (int dx = 0; dx <= 2 * rx; ++dx) window.push_back(row[x + dx]);
                    std::nth_element(window.begin(), window.begin() + n / 2, window.end());
                    ASSERT_EQ(out[x], window[n / 2]) << kernels->name << " n=" << n << " x=" << x;
                }
            }
        }
    }
}

TEST(Median, RejectsBadArguments) {
    const core::Image img = randomFull(core::PixelType::UInt8, {8, 8, 1}, 3);
    EXPECT_THROW(processing::median(img, {-1, 1, 0}), core::InvalidArgument);
    EXPECT_THROW(processing::median(core::Image{}, {1, 1, 0}), core::InvalidArgument);
    core::Image rgb(core::PixelType::UInt8, 3, gridOf(8, 8, 1));
    EXPECT_THROW(processing::median(rgb, {1, 1, 0}), core::InvalidArgument);
    try {
        processing::median(img, {-1, 1, 0});
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("radius"), std::string::npos) << e.what();
    }
}

TEST(Median, CancelThrowsCancelled) {
    const core::Image img = randomFull(core::PixelType::Int16, {64, 64, 16}, 5);
    core::CancelToken token;
    token.cancel();
    EXPECT_THROW(processing::median(img, {1, 1, 1}, core::Task(token)), core::Cancelled);
    EXPECT_THROW(processing::median(img, {3, 3, 3}, core::Task(token)), core::Cancelled);
}

TEST(Median, ReportsProgressToTheEnd) {
    const core::Image img = randomFull(core::PixelType::Int16, {64, 64, 16}, 5);
    core::RecordingProgressSink sink;
    processing::median(img, {1, 1, 1}, core::Task(&sink, core::CancelToken{}));
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 1.0);
    EXPECT_GT(sink.reportCount(), 1);
}
