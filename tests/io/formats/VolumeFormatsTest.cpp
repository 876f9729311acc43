// NIfTI, NRRD and MetaImage through readImage/writeImage.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <tuple>

#include "Phantom.h"
#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
namespace fs = std::filesystem;
using test::TempDir;

namespace {

const char* typeName(core::PixelType t) { return core::pixelTypeName(t); }

class VolumeRoundTrip : public ::testing::TestWithParam<std::tuple<std::string, core::PixelType>> {};

}  // namespace

TEST_P(VolumeRoundTrip, KeepsVoxelsAndObliqueGeometry) {
    const auto [ext, type] = GetParam();
    TempDir dir;
    const core::Image img = test::makePhantom(type);
    const fs::path file = dir / ("phantom" + ext);
    io::writeImage(img, file);
    ASSERT_TRUE(fs::exists(file));

    const io::ReadResult back = io::readImage(file);
    EXPECT_TRUE(back.warnings.empty());
    EXPECT_EQ(back.image.pixelType(), type);
    EXPECT_EQ(back.image.components(), 1);
    EXPECT_EQ(test::countDifferences(back.image, img), 0u);
    // NIfTI stores its affine in float32: ~1e-5 mm at 120 mm from the origin.
    EXPECT_TRUE(test::geometryNear(back.image.geometry(), img.geometry(), ext.find(".nii") == 0 ? 2e-5 : 1e-9));
    EXPECT_EQ(back.image.metadata().sourcePath, file.string());
    // Only the file itself: no temporaries left behind.
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(dir.path())) {
        (void)e;
        ++entries;
    }
    EXPECT_EQ(entries, ext == ".mhd" ? 2u : 1u);
}

INSTANTIATE_TEST_SUITE_P(AllFormatsAndTypes, VolumeRoundTrip,
                         ::testing::Combine(::testing::Values(".nii", ".nii.gz", ".nrrd", ".mha", ".mhd"),
                                            ::testing::Values(core::PixelType::UInt8, core::PixelType::Int16,
                                                              core::PixelType::UInt16, core::PixelType::Float32)),
                         [](const auto& p) {
                             std::string ext = std::get<0>(p.param).substr(1);
                             for (auto& c : ext)
                                 if (c == '.') c = '_';
                             return ext + "_" + typeName(std::get<1>(p.param));
                         });

TEST(VolumeFormats, SourceFormatNames) {
    TempDir dir;
    const core::Image img = test::makePhantom(core::PixelType::Int16);
    const std::pair<const char*, const char*> cases[] = {
        {"a.nii.gz", "NIfTI"}, {"a.nrrd", "NRRD"}, {"a.mha", "MetaImage"}};
    for (const auto& [name, format] : cases) {
        io::writeImage(img, dir / name);
        EXPECT_EQ(io::readImage(dir / name).image.metadata().sourceFormat, format) << name;
        EXPECT_EQ(io::formatName(io::detectFormat(dir / name)), std::string(format)) << name;
    }
}

TEST(VolumeFormats, RgbVolumeRoundTrips) {
    TempDir dir;
    const core::Image img = test::makePhantom(core::PixelType::UInt8, 3);
    for (const char* name : {"rgb.nii.gz", "rgb.nrrd", "rgb.mha"}) {
        io::writeImage(img, dir / name);
        const auto back = io::readImage(dir / name);
        EXPECT_EQ(back.image.components(), 3) << name;
        EXPECT_EQ(test::countDifferences(back.image, img), 0u) << name;
    }
}

// Colin27 (mricron-data). Its header, read independently with Python (gzip + struct on
// the 348-byte NIfTI-1 header of /usr/share/mricron/templates/ch2.nii.gz):
//   dim = [3, 181, 217, 181], datatype 2 (uint8), pixdim = [1, 1, 1, 1],
//   qform_code 0, sform_code 4 (MNI),
//   srow_x = [1, 0, 0, -90], srow_y = [0, 1, 0, -125], srow_z = [0, 0, 1, -71]  (RAS)
// and voxels (i, j, k): (90,108,90) = 33, (60,100,80) = 113, (120,150,100) = 103,
// (100,50,30) = 86, (0,0,0) = 0; range 0..254.
// RAS -> LPS negates x and y: origin (90, 125, -71), direction diag(-1, -1, 1).
TEST(VolumeFormats, Colin27GeometryIsTheSformInLps) {
    const fs::path ch2 = test::mricron() / "ch2.nii.gz";
    STRATUM_REQUIRE_DATA(ch2);
    const auto result = io::readImage(ch2);
    const core::Image& img = result.image;
    EXPECT_EQ(img.pixelType(), core::PixelType::UInt8);
    EXPECT_EQ(img.size(), (core::Size3{181, 217, 181}));
    core::Geometry expected;
    expected.size = {181, 217, 181};
    expected.spacing = {1, 1, 1};
    expected.origin = {90, 125, -71};
    expected.direction = core::Mat3::fromColumns({-1, 0, 0}, {0, -1, 0}, {0, 0, 1});
    EXPECT_TRUE(test::geometryNear(img.geometry(), expected, 1e-6));
    EXPECT_EQ(img.value(90, 108, 90), 33);
    EXPECT_EQ(img.value(60, 100, 80), 113);
    EXPECT_EQ(img.value(120, 150, 100), 103);
    EXPECT_EQ(img.value(100, 50, 30), 86);
    EXPECT_EQ(img.value(0, 0, 0), 0);
    EXPECT_EQ(img.minMax(), (std::pair<double, double>{0, 254}));
    EXPECT_EQ(img.geometry().orientationCode(), "RAS");
    EXPECT_EQ(img.metadata().sourceFormat, "NIfTI");
}

// AICHA atlas (mricron-data), a radiological (qfac -1) header, read with Python as above:
//   dim = [3, 91, 109, 91], uint8, pixdim[0] (qfac) = -1, spacing 2,
//   sform_code 2: srow_x = [-2, 0, 0, 90], srow_y = [0, 2, 0, -126], srow_z = [0, 0, 2, -72]
// In LPS: origin (-90, 126, -72), i -> +x (L), j -> -y (A), k -> +z: a left-handed grid.
TEST(VolumeFormats, RadiologicalNiftiGeometry) {
    const fs::path aicha = test::mricron() / "AICHAmc.nii.gz";
    STRATUM_REQUIRE_DATA(aicha);
    const core::Image img = io::readImage(aicha).image;
    core::Geometry expected;
    expected.size = {91, 109, 91};
    expected.spacing = {2, 2, 2};
    expected.origin = {-90, 126, -72};
    expected.direction = core::Mat3::fromColumns({1, 0, 0}, {0, -1, 0}, {0, 0, 1});
    EXPECT_TRUE(test::geometryNear(img.geometry(), expected, 1e-6));
    // Its qform (quatern (0,1,0), qoffset (90,0,0)) disagrees with the sform in the
    // offset; ITK 5.2 alone would take the qform. The sform wins, with a warning.
    const auto warnings = io::readImage(aicha).warnings;
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].message.find("sform"), std::string::npos);
}

TEST(VolumeFormats, LeftHandedGeometryRoundTrips) {
    TempDir dir;
    core::Geometry g = test::phantomGeometry();
    const core::Vec3 n = g.direction.column(2);
    for (int r = 0; r < 3; ++r) g.direction(r, 2) = -n[r];  // determinant -1
    const core::Image img = test::makePhantom(core::PixelType::Int16, 1, g);
    for (const char* name : {"lh.nii.gz", "lh.nrrd", "lh.mha"}) {
        io::writeImage(img, dir / name);
        const auto back = io::readImage(dir / name);
        EXPECT_TRUE(back.warnings.empty()) << name;
        EXPECT_TRUE(test::geometryNear(back.image.geometry(), g, 2e-5)) << name;
        EXPECT_EQ(test::countDifferences(back.image, img), 0u) << name;
    }
}

// inia19 T1 (mricron-data): float32 (datatype 16), 168x206x128 at 0.5 mm,
// sform_code 1, srow = [0.5,0,0,-42], [0,0.5,0,-57.5], [0,0,0.5,-30] (RAS).
TEST(VolumeFormats, FloatNiftiReadsAsFloat32) {
    const fs::path inia = test::mricron() / "inia19-t1-brain.nii.gz";
    STRATUM_REQUIRE_DATA(inia);
    const core::Image img = io::readImage(inia).image;
    EXPECT_EQ(img.pixelType(), core::PixelType::Float32);
    core::Geometry expected;
    expected.size = {168, 206, 128};
    expected.spacing = {0.5, 0.5, 0.5};
    expected.origin = {42, 57.5, -30};
    expected.direction = core::Mat3::fromColumns({-1, 0, 0}, {0, -1, 0}, {0, 0, 1});
    EXPECT_TRUE(test::geometryNear(img.geometry(), expected, 1e-6));
}

// TotalSegmentator's small CT (../shared/data), header read with Python as above:
//   dim [3, 122, 101, 30], int16, qform_code 0, sform_code 2,
//   srow_x = [3, 0, 0, -177.95632934570312], srow_y = [0, 3, 0, 11.319000244140625],
//   srow_z = [0, 0, 3, 94.3017578125]; voxels (60,50,15) = -17, (10,20,5) = -985,
//   (100,80,25) = -1013; range -1100..1207 (HU).
TEST(VolumeFormats, RealCtNiftiGeometryAndValues) {
    const fs::path ct = test::sharedData() / "volumes/totalsegmentator/example_ct_sm.nii.gz";
    STRATUM_REQUIRE_DATA(ct);
    const core::Image img = io::readImage(ct).image;
    EXPECT_EQ(img.pixelType(), core::PixelType::Int16);
    core::Geometry expected;
    expected.size = {122, 101, 30};
    expected.spacing = {3, 3, 3};
    expected.origin = {177.95632934570312, -11.319000244140625, 94.3017578125};
    expected.direction = core::Mat3::fromColumns({-1, 0, 0}, {0, -1, 0}, {0, 0, 1});
    EXPECT_TRUE(test::geometryNear(img.geometry(), expected, 1e-9));
    EXPECT_EQ(img.value(60, 50, 15), -17);
    EXPECT_EQ(img.value(10, 20, 5), -985);
    EXPECT_EQ(img.value(100, 80, 25), -1013);
    EXPECT_EQ(img.minMax(), (std::pair<double, double>{-1100, 1207}));
}

TEST(VolumeFormats, Colin27NiftiToNrrdToNiftiIsExact) {
    const fs::path ch2 = test::mricron() / "ch2.nii.gz";
    STRATUM_REQUIRE_DATA(ch2);
    TempDir dir;
    const core::Image img = io::readImage(ch2).image;
    io::writeImage(img, dir / "colin.nrrd");
    const core::Image nrrd = io::readImage(dir / "colin.nrrd").image;
    io::writeImage(nrrd, dir / "colin.nii");
    const core::Image nii = io::readImage(dir / "colin.nii").image;
    EXPECT_EQ(test::countDifferences(nii, img), 0u);
    EXPECT_TRUE(test::geometryNear(nii.geometry(), img.geometry(), 1e-6));
}

TEST(VolumeFormats, OtherPixelTypesAreConvertedWithAWarning) {
    TempDir dir;
    // int32 values that fit in int16, int32 values that do not, and doubles.
    const auto write = [&](const std::string& name, const std::string& type, const std::string& data) {
        test::writeBytes(dir / name, "NRRD0004\ntype: " + type + "\ndimension: 3\nsizes: 2 2 1\nencoding: ascii\n\n" + data);
    };
    write("small.nrrd", "int", "-5 7 300 -32768");
    write("big.nrrd", "int", "-5 7 300 100000");
    write("double.nrrd", "double", "0.5 1.25 -3 2");
    write("int8.nrrd", "signed char", "-128 0 5 127");

    const auto small = io::readImage(dir / "small.nrrd");
    EXPECT_EQ(small.image.pixelType(), core::PixelType::Int16);
    EXPECT_EQ(small.image.value(1, 1, 0), -32768);
    ASSERT_EQ(small.warnings.size(), 1u);

    const auto big = io::readImage(dir / "big.nrrd");
    EXPECT_EQ(big.image.pixelType(), core::PixelType::Float32);
    EXPECT_EQ(big.image.value(1, 1, 0), 100000);
    EXPECT_EQ(big.warnings.size(), 1u);

    const auto dbl = io::readImage(dir / "double.nrrd");
    EXPECT_EQ(dbl.image.pixelType(), core::PixelType::Float32);
    EXPECT_EQ(dbl.image.value(1, 0, 0), 1.25);
    EXPECT_EQ(dbl.warnings.size(), 1u);

    const auto int8 = io::readImage(dir / "int8.nrrd");
    EXPECT_EQ(int8.image.pixelType(), core::PixelType::Int16);
    EXPECT_EQ(int8.image.value(0, 0, 0), -128);
    EXPECT_EQ(int8.image.value(1, 1, 0), 127);
}

TEST(VolumeFormats, NrrdInRasSpaceIsConvertedToLps) {
    TempDir dir;
    test::writeBytes(dir / "ras.nrrd",
                     "NRRD0004\ntype: short\ndimension: 3\nspace: right-anterior-superior\nsizes: 2 2 2\n"
                     "space directions: (0.5,0,0) (0,0.75,0) (0,0,2)\nspace origin: (10,20,30)\n"
                     "encoding: ascii\n\n1 2 3 4 5 6 7 8");
    const core::Image img = io::readImage(dir / "ras.nrrd").image;
    core::Geometry expected;
    expected.size = {2, 2, 2};
    expected.spacing = {0.5, 0.75, 2};
    expected.origin = {-10, -20, 30};
    expected.direction = core::Mat3::fromColumns({-1, 0, 0}, {0, -1, 0}, {0, 0, 1});
    EXPECT_TRUE(test::geometryNear(img.geometry(), expected, 1e-9));
    EXPECT_EQ(img.value(1, 1, 1), 8);
}
