// pydicom's test files (python3-pydicom): CT in HU, MR in many transfer syntaxes,
// multi-frame, RGB/YBR colour and a truncated file.
#include <gtest/gtest.h>

#include <algorithm>

#include "DicomTestSupport.h"
#include "stratum/core/Error.h"

using namespace stratum;
using stratum::test::pydicomFile;

TEST(DicomPydicomFiles, CtSmallInHounsfieldUnits) {
    const auto file = pydicomFile("CT_small.dcm");
    STRATUM_REQUIRE_DATA(file);
    const core::Image img = io::loadDicomFile(file);
    // Signed 16-bit stored, slope 1, intercept -1024: the header's range does not fit
    // int16 but the values do, so the image is int16 in HU.
    ASSERT_EQ(img.pixelType(), core::PixelType::Int16);
    ASSERT_EQ(img.size(), (core::Size3{128, 128, 1}));
    // Expected HU from pydicom 2.3 + numpy: ds.pixel_array[j, i] * 1 - 1024
    // (stored 175, 1928, 1118, 909, 1171 at the same voxels); min -896, max 1167, sum -1950906.
    EXPECT_EQ(img.value(0, 0, 0), -849);
    EXPECT_EQ(img.value(64, 64, 0), 904);
    EXPECT_EQ(img.value(10, 100, 0), 94);
    EXPECT_EQ(img.value(127, 127, 0), -115);
    EXPECT_EQ(img.value(50, 20, 0), 147);
    const auto [lo, hi] = img.minMax();
    EXPECT_EQ(lo, -896);
    EXPECT_EQ(hi, 1167);
    long long sum = 0;
    for (std::int16_t v : img.pixels<std::int16_t>()) sum += v;
    EXPECT_EQ(sum, -1950906);

    const core::ImageMetadata& m = img.metadata();
    EXPECT_TRUE(m.rescaleApplied);
    EXPECT_EQ(m.rescaleSlope, 1.0);
    EXPECT_EQ(m.rescaleIntercept, -1024.0);
    EXPECT_EQ(m.units, "HU");
    EXPECT_EQ(m.series.modality, "CT");
    EXPECT_EQ(m.patient.name, "CompressedSamples^CT1");
    EXPECT_EQ(m.patient.id, "1CT1");
    EXPECT_EQ(m.study.instanceUid, "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322");
    EXPECT_EQ(m.sopClassUid, "1.2.840.10008.5.1.4.1.1.2");
    EXPECT_NEAR(img.geometry().spacing[0], 0.661468, 1e-9);
    EXPECT_NEAR(img.geometry().origin[0], -158.135803, 1e-9);
    EXPECT_NEAR(img.geometry().origin[2], -75.699997, 1e-9);
}

TEST(DicomPydicomFiles, CtSmallWithoutRescaleKeepsStoredValues) {
    const auto file = pydicomFile("CT_small.dcm");
    STRATUM_REQUIRE_DATA(file);
    io::DicomLoadOptions options;
    options.applyRescale = false;
    const core::Image img = io::loadDicomFile(file, options);
    ASSERT_EQ(img.pixelType(), core::PixelType::Int16);
    EXPECT_EQ(img.value(0, 0, 0), 175);
    EXPECT_EQ(img.value(64, 64, 0), 1928);
    EXPECT_FALSE(img.metadata().rescaleApplied);
    EXPECT_TRUE(img.metadata().units.empty());
}

TEST(DicomPydicomFiles, MrSmallVariantsAllMatch) {
    const auto reference = pydicomFile("MR_small.dcm");
    STRATUM_REQUIRE_DATA(reference);
    const core::Image ref = io::loadDicomFile(reference);
    ASSERT_EQ(ref.pixelType(), core::PixelType::Int16);
    ASSERT_EQ(ref.size(), (core::Size3{64, 64, 1}));
    // pydicom: pixel_array[j, i] at (0,0) 905, (32,32) 182, (10,50) 357, (63,63) 862; sum 2125338.
    EXPECT_EQ(ref.value(0, 0, 0), 905);
    EXPECT_EQ(ref.value(32, 32, 0), 182);
    EXPECT_EQ(ref.value(10, 50, 0), 357);
    EXPECT_EQ(ref.value(63, 63, 0), 862);
    long long sum = 0;
    for (std::int16_t v : ref.pixels<std::int16_t>()) sum += v;
    EXPECT_EQ(sum, 2125338);
    ASSERT_EQ(ref.metadata().windows.size(), 1u);
    EXPECT_EQ(ref.metadata().windows[0].center, 600);
    EXPECT_EQ(ref.metadata().windows[0].width, 1600);

    for (const char* name : {"MR_small_bigendian.dcm", "MR_small_expb.dcm", "MR_small_implicit.dcm",
                             "MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm",
                             "MR_small_jp2klossless.dcm", "MR_small_padded.dcm"}) {
        SCOPED_TRACE(name);
        const auto file = pydicomFile(name);
        if (!std::filesystem::exists(file)) continue;
        const core::Image img = io::loadDicomFile(file);
        ASSERT_EQ(img.size(), ref.size());
        ASSERT_EQ(img.pixelType(), ref.pixelType());
        const auto a = ref.pixels<std::int16_t>();
        const auto b = img.pixels<std::int16_t>();
        std::size_t differing = 0;
        for (std::size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
        EXPECT_EQ(differing, 0u);
        EXPECT_TRUE(img.geometry().approxEqual(ref.geometry(), 1e-9));
    }
}

TEST(DicomPydicomFiles, RtDoseMultiFrameWithGridOffsets) {
    const auto file = pydicomFile("rtdose.dcm");
    STRATUM_REQUIRE_DATA(file);
    const core::Image img = io::loadDicomFile(file);
    // 15 frames of 10x10, 32-bit unsigned, Dose Grid Scaling 1e-6 -> float32 dose.
    ASSERT_EQ(img.size(), (core::Size3{10, 10, 15}));
    ASSERT_EQ(img.pixelType(), core::PixelType::Float32);
    // pydicom: pixel_array[k, j, i] * DoseGridScaling.
    EXPECT_FLOAT_EQ(static_cast<float>(img.value(0, 0, 0)), static_cast<float>(1249000 * 1e-6));
    EXPECT_FLOAT_EQ(static_cast<float>(img.value(5, 5, 7)), static_cast<float>(975000 * 1e-6));
    EXPECT_FLOAT_EQ(static_cast<float>(img.value(9, 9, 14)), static_cast<float>(799000 * 1e-6));
    EXPECT_FLOAT_EQ(static_cast<float>(img.value(3, 7, 2)), static_cast<float>(886000 * 1e-6));
    // Grid Frame Offset Vector 0, 5, ..., 70 mm along the normal from Image Position.
    const core::Geometry& g = img.geometry();
    EXPECT_NEAR(g.spacing[2], 5.0, 1e-9);
    EXPECT_NEAR(g.spacing[0], 10.0, 1e-9);
    EXPECT_NEAR(g.origin[0], 189.43125, 1e-9);
    EXPECT_NEAR(g.origin[1], 199.43125, 1e-9);
    EXPECT_NEAR(g.origin[2], -761.87, 1e-9);
    EXPECT_TRUE(g.direction.approxEqual(core::Mat3::identity(), 1e-12));
    EXPECT_EQ(img.metadata().units, "RELATIVE");
    EXPECT_NEAR(img.metadata().rescaleSlope, 1e-6, 1e-18);

    // Big endian (32-bit samples) and RLE copies (attributes written as UN) agree exactly.
    for (const char* name : {"rtdose_expb.dcm", "rtdose_rle.dcm"}) {
        SCOPED_TRACE(name);
        if (!std::filesystem::exists(pydicomFile(name))) continue;
        const core::Image other = io::loadDicomFile(pydicomFile(name));
        ASSERT_EQ(other.size(), img.size());
        ASSERT_EQ(other.pixelType(), core::PixelType::Float32);
        EXPECT_TRUE(std::equal(img.pixels<float>().begin(), img.pixels<float>().end(),
                               other.pixels<float>().begin()));
        EXPECT_TRUE(other.geometry().approxEqual(g, 1e-9));
    }
}

TEST(DicomPydicomFiles, RgbRleTwoFrames) {
    const auto file = pydicomFile("SC_rgb_rle_2frame.dcm");
    STRATUM_REQUIRE_DATA(file);
    const core::Image img = io::loadDicomFile(file);
    ASSERT_EQ(img.size(), (core::Size3{100, 100, 2}));
    ASSERT_EQ(img.components(), 3);
    ASSERT_EQ(img.pixelType(), core::PixelType::UInt8);
    // pydicom: pixel_array[frame, j, i] = RGB.
    auto rgb = [&](std::size_t i, std::size_t j, std::size_t k) {
        return std::array<int, 3>{static_cast<int>(img.value(i, j, k, 0)),
                                  static_cast<int>(img.value(i, j, k, 1)),
                                  static_cast<int>(img.value(i, j, k, 2))};
    };
    EXPECT_EQ(rgb(0, 0, 0), (std::array<int, 3>{255, 0, 0}));
    EXPECT_EQ(rgb(50, 50, 0), (std::array<int, 3>{128, 128, 255}));
    EXPECT_EQ(rgb(5, 15, 0), (std::array<int, 3>{255, 128, 128}));
    EXPECT_EQ(rgb(99, 99, 1), (std::array<int, 3>{0, 0, 0}));
    EXPECT_EQ(rgb(10, 60, 1), (std::array<int, 3>{255, 255, 255}));
    EXPECT_EQ(img.metadata().photometric, core::Photometric::Rgb);
}

TEST(DicomPydicomFiles, RgbRle16Bit) {
    const auto file = pydicomFile("SC_rgb_rle_16bit.dcm");
    STRATUM_REQUIRE_DATA(file);
    const core::Image img = io::loadDicomFile(file);
    ASSERT_EQ(img.pixelType(), core::PixelType::UInt16);
    ASSERT_EQ(img.components(), 3);
    // pydicom: (0,0) [65535, 0, 0], (50,50) [32896, 32896, 65535].
    EXPECT_EQ(img.value(0, 0, 0, 0), 65535);
    EXPECT_EQ(img.value(0, 0, 0, 1), 0);
    EXPECT_EQ(img.value(50, 50, 0, 0), 32896);
    EXPECT_EQ(img.value(50, 50, 0, 2), 65535);
}

TEST(DicomPydicomFiles, YbrFull422UncompressedBecomesRgb) {
    const auto file = pydicomFile("SC_ybr_full_422_uncompressed.dcm");
    STRATUM_REQUIRE_DATA(file);
    const core::Image img = io::loadDicomFile(file);
    ASSERT_EQ(img.size(), (core::Size3{100, 100, 1}));
    ASSERT_EQ(img.components(), 3);
    // pydicom 2.3: pixel_array (upsampled YBR) then convert_color_space(arr, "YBR_FULL", "RGB"):
    // (0,0) YBR [76, 85, 255] -> [254, 0, 0]; (50,50) [143, 192, 115] -> [125, 130, 255];
    // (5,15) [166, 106, 193] -> [255, 127, 127]; (10,60) [1, 128, 125] -> [0, 3, 1].
    auto px = [&](std::size_t i, std::size_t j) {
        return std::array<int, 3>{static_cast<int>(img.value(i, j, 0, 0)),
                                  static_cast<int>(img.value(i, j, 0, 1)),
                                  static_cast<int>(img.value(i, j, 0, 2))};
    };
    EXPECT_EQ(px(0, 0), (std::array<int, 3>{254, 0, 0}));
    EXPECT_EQ(px(1, 0), (std::array<int, 3>{254, 0, 0}));
    EXPECT_EQ(px(50, 50), (std::array<int, 3>{125, 130, 255}));
    EXPECT_EQ(px(5, 15), (std::array<int, 3>{255, 127, 127}));
    EXPECT_EQ(px(10, 60), (std::array<int, 3>{0, 3, 1}));
    EXPECT_EQ(px(99, 99), (std::array<int, 3>{255, 255, 255}));
    EXPECT_EQ(img.metadata().photometric, core::Photometric::YbrFull422);
}

TEST(DicomPydicomFiles, RgbVariantsAgree) {
    // The same RGB picture stored raw, RLE, and as JPEG baseline with YBR (lossy:
    // within a few levels of the raw one).
    const auto rle = pydicomFile("SC_rgb_rle.dcm");
    const auto jpeg = pydicomFile("SC_rgb_jpeg_dcmtk.dcm");
    STRATUM_REQUIRE_DATA(rle);
    STRATUM_REQUIRE_DATA(jpeg);
    const core::Image a = io::loadDicomFile(rle);
    const core::Image b = io::loadDicomFile(jpeg);
    ASSERT_EQ(a.size(), b.size());
    ASSERT_EQ(b.components(), 3);
    int worst = 0;
    for (std::size_t i = 0; i < a.valueCount(); ++i)
        worst = std::max(
            worst, std::abs(int(a.pixels<std::uint8_t>()[i]) - int(b.pixels<std::uint8_t>()[i])));
    EXPECT_LE(worst, 16);
    EXPECT_EQ(b.value(0, 0, 0, 0) > 200, true);  // red stays red after YBR -> RGB
    EXPECT_LT(b.value(0, 0, 0, 1), 30);
}

TEST(DicomPydicomFiles, OddSizedRgb) {
    const auto file = pydicomFile("SC_rgb_small_odd.dcm");
    STRATUM_REQUIRE_DATA(file);
    const core::Image img = io::loadDicomFile(file);
    EXPECT_EQ(img.size(), (core::Size3{3, 3, 1}));
    EXPECT_EQ(img.components(), 3);
}

TEST(DicomPydicomFiles, TruncatedFileIsAFormatErrorNamingIt) {
    const auto file = pydicomFile("MR_truncated.dcm");
    STRATUM_REQUIRE_DATA(file);
    try {
        io::loadDicomFile(file);
        FAIL() << "a truncated file loaded";
    } catch (const core::FormatError& e) {
        EXPECT_NE(std::string(e.what()).find("MR_truncated.dcm"), std::string::npos) << e.what();
        EXPECT_EQ(e.path(), file.string());
    }
}

TEST(DicomPydicomFiles, NonImageFilesAreFormatErrors) {
    const auto sr = pydicomFile("test-SR.dcm");
    STRATUM_REQUIRE_DATA(sr);
    EXPECT_THROW(io::loadDicomFile(sr), core::FormatError);
    const auto notDicom = pydicomFile("README.txt");
    STRATUM_REQUIRE_DATA(notDicom);
    EXPECT_THROW(io::loadDicomFile(notDicom), core::FormatError);
    EXPECT_THROW(io::readDicomHeader(notDicom), core::FormatError);
    EXPECT_THROW(io::loadDicomFile(pydicomFile("does-not-exist.dcm")), core::IoError);
    EXPECT_THROW(io::scanDicom(notDicom), core::FormatError);
    EXPECT_THROW(io::scanDicom(pydicomFile("does-not-exist")), core::IoError);
}

TEST(DicomPydicomFiles, HeaderOfCtSmall) {
    const auto file = pydicomFile("CT_small.dcm");
    STRATUM_REQUIRE_DATA(file);
    const io::DicomInstance h = io::readDicomHeader(file);
    EXPECT_TRUE(h.hasPixelData);
    EXPECT_EQ(h.rows, 128u);
    EXPECT_EQ(h.columns, 128u);
    EXPECT_EQ(h.bitsAllocated, 16u);
    EXPECT_EQ(h.bitsStored, 16u);
    EXPECT_TRUE(h.signedPixels);
    EXPECT_EQ(h.photometric, "MONOCHROME2");
    EXPECT_EQ(h.transferSyntaxUid, "1.2.840.10008.1.2.1");
    EXPECT_EQ(h.rescaleIntercept, -1024.0);
    ASSERT_TRUE(h.pixelSpacing.has_value());
    EXPECT_NEAR((*h.pixelSpacing)[0], 0.661468, 1e-9);
    ASSERT_TRUE(h.position.has_value());
    EXPECT_NEAR((*h.position)[1], -179.035797, 1e-9);
    EXPECT_NEAR(h.sliceThickness, 5.0, 1e-9);
}
