// 2D formats (X-rays): PNG, JPEG, BMP, TIFF, and numbered image stacks.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "Phantom.h"
#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
namespace fs = std::filesystem;
using test::TempDir;

namespace {

core::Geometry flatGeometry(std::size_t nx, std::size_t ny) {
    core::Geometry g;
    g.size = {nx, ny, 1};
    return g;
}

}  // namespace

// A chest X-ray of the Kermany set: a 3-channel JPEG whose channels are equal.
TEST(Image2D, ChestXrayJpegLoadsAsGrey) {
    const fs::path file = test::sharedData() / "chest_xray_224/train/NORMAL/IM-0115-0001.jpeg";
    STRATUM_REQUIRE_DATA(file);
    const auto result = io::readImage(file);
    const core::Image& img = result.image;
    EXPECT_EQ(img.components(), 1);
    EXPECT_EQ(img.pixelType(), core::PixelType::UInt8);
    EXPECT_EQ(img.size(), (core::Size3{224, 224, 1}));
    EXPECT_EQ(img.metadata().sourceFormat, "JPEG");
    EXPECT_EQ(img.metadata().photometric, core::Photometric::Monochrome2);
    const auto [lo, hi] = img.minMax();
    EXPECT_LT(lo, 30);
    EXPECT_GT(hi, 200);
}

TEST(Image2D, ChestXrayJpegInTheRepositoryLoadsAsGrey) {
    const fs::path file = test::resources() / "samples/chest-xray/NORMAL/IM-0115-0001.jpeg";
    STRATUM_REQUIRE_DATA(file);
    const core::Image img = io::readImage(file).image;
    EXPECT_EQ(img.components(), 1);
    EXPECT_EQ(img.size(), (core::Size3{224, 224, 1}));
}

TEST(Image2D, PngRoundTripIsExact) {
    TempDir dir;
    for (const auto type : {core::PixelType::UInt8, core::PixelType::UInt16}) {
        const core::Image img = test::makePhantom(type, 1, flatGeometry(37, 23));
        const fs::path file = dir / (std::string("grey-") + core::pixelTypeName(type) + ".png");
        io::writeImage(img, file);
        const core::Image back = io::readImage(file).image;
        EXPECT_EQ(back.pixelType(), type);
        EXPECT_EQ(back.components(), 1);
        EXPECT_EQ(back.size(), img.size());
        EXPECT_EQ(test::countDifferences(back, img), 0u);
    }
}

TEST(Image2D, RgbPngWithDistinctChannelsStaysColour) {
    TempDir dir;
    const core::Image img = test::makePhantom(core::PixelType::UInt8, 3, flatGeometry(31, 19));
    io::writeImage(img, dir / "rgb.png");
    const core::Image back = io::readImage(dir / "rgb.png").image;
    EXPECT_EQ(back.components(), 3);
    EXPECT_EQ(back.metadata().photometric, core::Photometric::Rgb);
    EXPECT_EQ(test::countDifferences(back, img), 0u);
}

TEST(Image2D, RgbPngWithEqualChannelsBecomesGrey) {
    TempDir dir;
    core::Image rgb(core::PixelType::UInt8, 3, flatGeometry(16, 9));
    for (std::size_t j = 0; j < 9; ++j)
        for (std::size_t i = 0; i < 16; ++i)
            for (int c = 0; c < 3; ++c) rgb.setValue(i, j, 0, static_cast<double>(i * 16 + j), c);
    io::writeImage(rgb, dir / "grey-as-rgb.png");
    const core::Image back = io::readImage(dir / "grey-as-rgb.png").image;
    EXPECT_EQ(back.components(), 1);
    EXPECT_EQ(back.value(5, 7, 0), 5 * 16 + 7);
}

TEST(Image2D, BmpAndTiffRoundTrips) {
    TempDir dir;
    const core::Image grey = test::makePhantom(core::PixelType::UInt8, 1, flatGeometry(20, 12));
    const core::Image rgb = test::makePhantom(core::PixelType::UInt8, 3, flatGeometry(20, 12));
    for (const char* name : {"g.bmp", "g.tif"}) {
        io::writeImage(grey, dir / name);
        const core::Image back = io::readImage(dir / name).image;
        EXPECT_EQ(back.components(), 1) << name;
        EXPECT_EQ(test::countDifferences(back, grey), 0u) << name;
    }
    for (const char* name : {"c.bmp", "c.tif"}) {
        io::writeImage(rgb, dir / name);
        const core::Image back = io::readImage(dir / name).image;
        EXPECT_EQ(back.components(), 3) << name;
        EXPECT_EQ(test::countDifferences(back, rgb), 0u) << name;
    }
    // TIFF also holds 16-bit and float slices, and volumes.
    for (const auto type : {core::PixelType::UInt16, core::PixelType::Int16, core::PixelType::Float32}) {
        const core::Image img = test::makePhantom(type, 1, flatGeometry(20, 12));
        io::writeImage(img, dir / "t.tif");
        const core::Image back = io::readImage(dir / "t.tif").image;
        EXPECT_EQ(back.pixelType(), type);
        EXPECT_EQ(test::countDifferences(back, img), 0u);
    }
}

TEST(Image2D, JpegIsWrittenAndReadBackClose) {
    TempDir dir;
    core::Image img(core::PixelType::UInt8, 1, flatGeometry(64, 64));
    for (std::size_t j = 0; j < 64; ++j)
        for (std::size_t i = 0; i < 64; ++i) img.setValue(i, j, 0, static_cast<double>(2 * i + j));
    io::writeImage(img, dir / "smooth.jpg");
    const core::Image back = io::readImage(dir / "smooth.jpg").image;
    EXPECT_EQ(back.components(), 1);
    EXPECT_EQ(test::countDifferences(back, img, 6.0), 0u);  // lossy, but a smooth ramp survives
}

TEST(ImageStack, NaturalOrderAndGivenSpacing) {
    TempDir dir;
    // Slice n has every voxel equal to 10 * n; files are created out of order.
    for (const int n : {10, 1, 3, 2, 20}) {
        core::Image slice(core::PixelType::UInt8, 1, flatGeometry(6, 5));
        for (auto& v : slice.pixels<std::uint8_t>()) v = static_cast<std::uint8_t>(10 * n);
        io::writeImage(slice, dir / ("s" + std::to_string(n) + ".png"));
    }
    test::writeBytes(dir / "notes.txt", "not an image");
    const auto files = io::listImageStack(dir.path());
    ASSERT_EQ(files.size(), 5u);
    const char* expected[] = {"s1.png", "s2.png", "s3.png", "s10.png", "s20.png"};
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(files[i].filename().string(), expected[i]);

    // Hand the files over shuffled: the stack sorts them itself.
    std::vector<fs::path> shuffled{files[3], files[0], files[4], files[2], files[1]};
    const auto result = io::readImageStack(shuffled, 2.5);
    const core::Image& vol = result.image;
    EXPECT_EQ(vol.size(), (core::Size3{6, 5, 5}));
    EXPECT_DOUBLE_EQ(vol.geometry().spacing[2], 2.5);
    EXPECT_DOUBLE_EQ(vol.geometry().spacing[0], 1.0);
    const int values[] = {10, 20, 30, 100, 200};
    for (std::size_t k = 0; k < 5; ++k) EXPECT_EQ(vol.value(3, 2, k), values[k]) << "slice " << k;
}

TEST(ImageStack, LeadingZerosSortNaturally) {
    TempDir dir;
    core::Image slice(core::PixelType::UInt8, 1, flatGeometry(2, 2));
    for (const char* name : {"img_010.png", "img_9.png", "img_0011.png", "img_1.png"}) io::writeImage(slice, dir / name);
    const auto files = io::listImageStack(dir.path());
    ASSERT_EQ(files.size(), 4u);
    EXPECT_EQ(files[0].filename(), "img_1.png");
    EXPECT_EQ(files[1].filename(), "img_9.png");
    EXPECT_EQ(files[2].filename(), "img_010.png");
    EXPECT_EQ(files[3].filename(), "img_0011.png");
}

TEST(ImageStack, MismatchedSizeNamesTheFile) {
    TempDir dir;
    io::writeImage(core::Image(core::PixelType::UInt8, 1, flatGeometry(6, 5)), dir / "s1.png");
    io::writeImage(core::Image(core::PixelType::UInt8, 1, flatGeometry(6, 5)), dir / "s2.png");
    io::writeImage(core::Image(core::PixelType::UInt8, 1, flatGeometry(7, 5)), dir / "s3.png");
    try {
        io::readImageStack(io::listImageStack(dir.path()), 1.0);
        FAIL() << "no error for mismatched sizes";
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("s3.png"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("7x5"), std::string::npos) << e.what();
    }
    io::writeImage(core::Image(core::PixelType::UInt16, 1, flatGeometry(6, 5)), dir / "t.png");
    EXPECT_THROW(io::readImageStack({dir / "s1.png", dir / "t.png"}, 1.0), core::InvalidArgument);
    EXPECT_THROW(io::readImageStack({}, 1.0), core::InvalidArgument);
    EXPECT_THROW(io::readImageStack({dir / "s1.png"}, 0.0), core::InvalidArgument);
    EXPECT_THROW(io::listImageStack(dir / "missing"), core::IoError);
}

TEST(ImageStack, ChestXraysStackAsGrey) {
    const fs::path folder = test::resources() / "samples/chest-xray/NORMAL";
    STRATUM_REQUIRE_DATA(folder);
    const auto files = io::listImageStack(folder);
    ASSERT_EQ(files.size(), 3u);
    const auto result = io::readImageStack(files, 1.5);
    EXPECT_EQ(result.image.size(), (core::Size3{224, 224, 3}));
    EXPECT_EQ(result.image.components(), 1);
    const core::Image second = io::readImage(files[1]).image;
    for (std::size_t j = 0; j < 224; j += 37)
        for (std::size_t i = 0; i < 224; i += 41) EXPECT_EQ(result.image.value(i, j, 1), second.value(i, j, 0));
}
