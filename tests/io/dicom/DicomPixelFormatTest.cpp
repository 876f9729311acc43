// Pixel formats built with DCMTK: bits stored < allocated, signed samples, the modality
// LUT, MONOCHROME1, palette colour, enhanced multi-frame, deflated.
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <gtest/gtest.h>

#include "DicomTestSupport.h"
#include "stratum/core/Error.h"

using namespace stratum;
using test::SyntheticFormat;

namespace {

// 4 rows x 5 columns of stored values.
std::vector<int> ramp(int base, int step) {
    std::vector<int> v(20);
    for (int i = 0; i < 20; ++i) v[i] = base + i * step;
    return v;
}

}  // namespace

TEST(DicomPixelFormats, BitsStoredMasksGarbageHighBits) {
    test::TempDir dir;
    SyntheticFormat f;
    f.bitsStored = 12;
    f.highBit = 11;
    DcmFileFormat file;
    test::initSynthetic(file, f);
    const std::vector<int> values = ramp(0, 200);  // 0 .. 3800
    std::vector<std::uint16_t> words;
    for (int v : values)
        words.push_back(static_cast<std::uint16_t>(v | 0xF000));  // overlay bits set
    test::putPixels16(file, words);
    test::saveSynthetic(file, dir / "a.dcm");
    const core::Image img = io::loadDicomFile(dir / "a.dcm");
    ASSERT_EQ(img.pixelType(), core::PixelType::UInt16);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(img.pixels<std::uint16_t>()[i], values[i]) << i;
    // A 2D image without position/orientation: identity direction at the origin.
    EXPECT_TRUE(img.geometry().direction.approxEqual(core::Mat3::identity(), 0));
    EXPECT_EQ(img.geometry().origin, (core::Vec3{0, 0, 0}));
}

TEST(DicomPixelFormats, SignedTwelveBitsAreSignExtended) {
    test::TempDir dir;
    SyntheticFormat f;
    f.bitsStored = 12;
    f.highBit = 11;
    f.signedPixels = true;
    DcmFileFormat file;
    test::initSynthetic(file, f);
    const std::vector<int> values = ramp(-2048, 215);  // -2048 .. 2037
    std::vector<std::uint16_t> words;
    for (int v : values) words.push_back(static_cast<std::uint16_t>((v & 0x0FFF) | 0xA000));
    test::putPixels16(file, words);
    test::saveSynthetic(file, dir / "a.dcm");
    const core::Image img = io::loadDicomFile(dir / "a.dcm");
    ASSERT_EQ(img.pixelType(), core::PixelType::Int16);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(img.pixels<std::int16_t>()[i], values[i]) << i;
}

TEST(DicomPixelFormats, HighBitAboveBitsStoredShiftsDown) {
    test::TempDir dir;
    SyntheticFormat f;
    f.bitsStored = 12;
    f.highBit = 15;
    DcmFileFormat file;
    test::initSynthetic(file, f);
    const std::vector<int> values = ramp(5, 201);
    std::vector<std::uint16_t> words;
    for (int v : values) words.push_back(static_cast<std::uint16_t>((v << 4) | 0x7));
    test::putPixels16(file, words);
    test::saveSynthetic(file, dir / "a.dcm");
    const core::Image img = io::loadDicomFile(dir / "a.dcm");
    for (int i = 0; i < 20; ++i) EXPECT_EQ(img.value(i % 5, i / 5, 0), values[i]) << i;
}

TEST(DicomPixelFormats, Monochrome1IsInvertedWithItsWindow) {
    test::TempDir dir;
    SyntheticFormat f;
    f.bitsStored = 10;
    f.highBit = 9;
    f.photometric = "MONOCHROME1";
    f.modality = "CR";
    DcmFileFormat file;
    test::initSynthetic(file, f);
    file.getDataset()->putAndInsertString(DCM_WindowCenter, "300");
    file.getDataset()->putAndInsertString(DCM_WindowWidth, "200");
    file.getDataset()->putAndInsertString(DCM_WindowCenterWidthExplanation, "BONE");
    file.getDataset()->putAndInsertString(DCM_ImagerPixelSpacing, "0.15\\0.2");
    const std::vector<int> values = ramp(3, 50);
    std::vector<std::uint16_t> words(values.begin(), values.end());
    test::putPixels16(file, words);
    test::saveSynthetic(file, dir / "a.dcm");

    const core::Image img = io::loadDicomFile(dir / "a.dcm");
    ASSERT_EQ(img.pixelType(), core::PixelType::UInt16);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(img.pixels<std::uint16_t>()[i], 1023 - values[i]) << i;
    const core::ImageMetadata& m = img.metadata();
    EXPECT_TRUE(m.invertedMonochrome1);
    EXPECT_EQ(m.photometric, core::Photometric::Monochrome1);
    ASSERT_EQ(m.windows.size(), 1u);
    EXPECT_EQ(m.windows[0].name, "BONE");
    EXPECT_EQ(m.windows[0].center, 1023 - 300);
    EXPECT_EQ(m.windows[0].width, 200);
    // ImagerPixelSpacing when PixelSpacing is absent (x = column spacing, the second value).
    EXPECT_NEAR(img.geometry().spacing[0], 0.2, 1e-12);
    EXPECT_NEAR(img.geometry().spacing[1], 0.15, 1e-12);

    io::DicomLoadOptions keep;
    keep.invertMonochrome1 = false;
    const core::Image raw = io::loadDicomFile(dir / "a.dcm", keep);
    EXPECT_FALSE(raw.metadata().invertedMonochrome1);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(raw.pixels<std::uint16_t>()[i], values[i]) << i;
    EXPECT_EQ(raw.metadata().windows[0].center, 300);
}

TEST(DicomPixelFormats, PaletteColourBecomesRgb) {
    test::TempDir dir;
    SyntheticFormat f;
    f.bitsAllocated = 8;
    f.bitsStored = 8;
    f.highBit = 7;
    f.photometric = "PALETTE COLOR";
    DcmFileFormat file;
    test::initSynthetic(file, f);
    DcmDataset* ds = file.getDataset();
    const Uint16 descriptor[3] = {256, 0, 16};
    std::vector<Uint16> red(256), green(256), blue(256);
    for (int i = 0; i < 256; ++i) {
        red[i] = static_cast<Uint16>(i * 256);
        green[i] = static_cast<Uint16>((255 - i) * 256);
        blue[i] = 0x8000;
    }
    for (const auto& [d, v, data] : {std::tuple{DCM_RedPaletteColorLookupTableDescriptor,
                                                DCM_RedPaletteColorLookupTableData, &red},
                                     std::tuple{DCM_GreenPaletteColorLookupTableDescriptor,
                                                DCM_GreenPaletteColorLookupTableData, &green},
                                     std::tuple{DCM_BluePaletteColorLookupTableDescriptor,
                                                DCM_BluePaletteColorLookupTableData, &blue}}) {
        ds->putAndInsertUint16Array(d, descriptor, 3);
        ds->putAndInsertUint16Array(v, data->data(), 256);
    }
    std::vector<std::uint8_t> indices;
    for (int i = 0; i < 20; ++i) indices.push_back(static_cast<std::uint8_t>(i * 13));
    test::putPixels8(file, indices);
    test::saveSynthetic(file, dir / "a.dcm");

    const core::Image img = io::loadDicomFile(dir / "a.dcm");
    ASSERT_EQ(img.components(), 3);
    ASSERT_EQ(img.pixelType(), core::PixelType::UInt8);
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(img.value(i % 5, i / 5, 0, 0), i * 13);
        EXPECT_EQ(img.value(i % 5, i / 5, 0, 1), 255 - i * 13);
        EXPECT_EQ(img.value(i % 5, i / 5, 0, 2), 128);
    }
    EXPECT_EQ(img.metadata().photometric, core::Photometric::Palette);
}

TEST(DicomPixelFormats, NonIntegerRescaleGivesFloat) {
    test::TempDir dir;
    SyntheticFormat f;
    f.modality = "PT";
    DcmFileFormat file;
    test::initSynthetic(file, f);
    file.getDataset()->putAndInsertString(DCM_RescaleSlope, "0.25");
    file.getDataset()->putAndInsertString(DCM_RescaleIntercept, "-3.5");
    const std::vector<int> values = ramp(0, 1001);
    test::putPixels16(file, std::vector<std::uint16_t>(values.begin(), values.end()));
    test::saveSynthetic(file, dir / "a.dcm");
    const core::Image img = io::loadDicomFile(dir / "a.dcm");
    ASSERT_EQ(img.pixelType(), core::PixelType::Float32);
    for (int i = 0; i < 20; ++i)
        EXPECT_FLOAT_EQ(img.pixels<float>()[i], static_cast<float>(values[i] * 0.25 - 3.5));
    EXPECT_TRUE(img.metadata().rescaleApplied);
    EXPECT_EQ(img.metadata().rescaleSlope, 0.25);
}

TEST(DicomPixelFormats, UnsignedCtBeyondInt16BecomesFloat) {
    // 16 bits stored unsigned with intercept -1024: int16 is tried and must give way to
    // float32 when a value does not fit; the other slice keeps its values exactly.
    test::TempDir dir;
    for (int n = 0; n < 2; ++n) {
        SyntheticFormat f;
        f.modality = "CT";
        DcmFileFormat file;
        test::initSynthetic(file, f);
        DcmDataset* ds = file.getDataset();
        ds->putAndInsertString(DCM_SeriesInstanceUID, "1.2.3.4.5.6.7");
        ds->putAndInsertString(DCM_RescaleSlope, "1");
        ds->putAndInsertString(DCM_RescaleIntercept, "-1024");
        ds->putAndInsertString(DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
        ds->putAndInsertString(DCM_ImagePositionPatient, n == 0 ? "0\\0\\0" : "0\\0\\2");
        ds->putAndInsertString(DCM_PixelSpacing, "1\\1");
        std::vector<int> values = ramp(1000 + n, 7);
        if (n == 1) values[3] = 40000;  // 38976 HU: beyond int16
        test::putPixels16(file, std::vector<std::uint16_t>(values.begin(), values.end()));
        test::saveSynthetic(file, dir / ("s" + std::to_string(n) + ".dcm"));
    }
    const io::DicomScan scan = io::scanDicom(dir.path());
    ASSERT_EQ(scan.allSeries().size(), 1u);
    const core::Image img = io::loadDicomSeries(*scan.allSeries().front());
    ASSERT_EQ(img.pixelType(), core::PixelType::Float32);
    ASSERT_EQ(img.size(), (core::Size3{5, 4, 2}));
    EXPECT_EQ(img.value(0, 0, 0), 1000 - 1024);
    EXPECT_EQ(img.value(1, 0, 0), 1007 - 1024);
    EXPECT_EQ(img.value(3, 0, 1), 40000 - 1024);
    EXPECT_EQ(img.value(4, 0, 1), 1001 + 28 - 1024);
    EXPECT_EQ(img.metadata().units, "HU");

    // Without the outlier the same kind of series stays int16.
    std::filesystem::remove(dir / "s1.dcm");
    const io::DicomScan one = io::scanDicom(dir.path());
    const core::Image small = io::loadDicomSeries(*one.allSeries().front());
    EXPECT_EQ(small.pixelType(), core::PixelType::Int16);
    EXPECT_EQ(small.value(0, 0, 0), -24);
}

TEST(DicomPixelFormats, EnhancedMultiFrameSortsFramesByPosition) {
    test::TempDir dir;
    SyntheticFormat f;
    f.frames = 3;
    f.signedPixels = true;
    f.modality = "MR";
    DcmFileFormat file;
    test::initSynthetic(file, f);
    DcmDataset* ds = file.getDataset();
    ds->putAndInsertString(DCM_SOPClassUID, "1.2.840.10008.5.1.4.1.1.4.1");  // Enhanced MR
    DcmItem* shared = nullptr;
    ds->findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
    DcmItem* item = nullptr;
    shared->findOrCreateSequenceItem(DCM_PlaneOrientationSequence, item, 0);
    item->putAndInsertString(DCM_ImageOrientationPatient, "0\\1\\0\\0\\0\\-1");  // sagittal
    shared->findOrCreateSequenceItem(DCM_PixelMeasuresSequence, item, 0);
    item->putAndInsertString(DCM_PixelSpacing, "0.5\\0.7");
    item->putAndInsertString(DCM_SliceThickness, "4");
    shared->findOrCreateSequenceItem(DCM_PixelValueTransformationSequence, item, 0);
    item->putAndInsertString(DCM_RescaleSlope, "2");
    item->putAndInsertString(DCM_RescaleIntercept, "-100");
    const double x[3] = {10, 0, 5};  // frames stored out of order along the normal (+x)
    for (int fr = 0; fr < 3; ++fr) {
        DcmItem* frame = nullptr;
        ds->findOrCreateSequenceItem(DCM_PerFrameFunctionalGroupsSequence, frame, fr);
        frame->findOrCreateSequenceItem(DCM_PlanePositionSequence, item, 0);
        item->putAndInsertString(DCM_ImagePositionPatient,
                                 (std::to_string(x[fr]) + "\\-20\\30").c_str());
    }
    std::vector<std::uint16_t> words;
    for (int fr = 0; fr < 3; ++fr)
        for (int i = 0; i < 20; ++i) words.push_back(static_cast<std::uint16_t>(100 * fr + i));
    test::putPixels16(file, words);
    test::saveSynthetic(file, dir / "enhanced.dcm");

    const io::DicomInstance h = io::readDicomHeader(dir / "enhanced.dcm");
    EXPECT_EQ(h.frames, 3u);
    ASSERT_EQ(h.framePositions.size(), 3u);
    EXPECT_EQ(h.rescaleSlope, 2.0);

    const core::Image img = io::loadDicomFile(dir / "enhanced.dcm");
    ASSERT_EQ(img.size(), (core::Size3{5, 4, 3}));
    ASSERT_EQ(img.pixelType(), core::PixelType::Int16);
    // Normal = row x column = (0,1,0) x (0,0,-1) = (-1,0,0): ascending distance along it
    // is descending x, so k = 0, 1, 2 hold frames 0 (x=10), 2 (x=5), 1 (x=0); values 2*v - 100.
    const int frameAt[3] = {0, 2, 1};
    for (int k = 0; k < 3; ++k)
        for (int i = 0; i < 20; ++i)
            EXPECT_EQ(img.value(i % 5, i / 5, k), 2 * (100 * frameAt[k] + i) - 100)
                << k << " " << i;
    const core::Geometry& g = img.geometry();
    EXPECT_NEAR(g.spacing[0], 0.7, 1e-12);
    EXPECT_NEAR(g.spacing[1], 0.5, 1e-12);
    EXPECT_NEAR(g.spacing[2], 5.0, 1e-12);
    EXPECT_EQ(g.origin, (core::Vec3{10, -20, 30}));
    EXPECT_TRUE(
        g.direction.approxEqual(core::Mat3::fromColumns({0, 1, 0}, {0, 0, -1}, {-1, 0, 0}), 1e-12));
    for (int k = 0; k < 3; ++k) {
        const core::Vec3 p = g.indexToPatient({0, 0, static_cast<double>(k)});
        EXPECT_NEAR(p[0], x[frameAt[k]], 1e-9) << k;
    }
}

TEST(DicomPixelFormats, EnhancedMultiFramePerFrameRescale) {
    test::TempDir dir;
    SyntheticFormat f;
    f.frames = 2;
    f.modality = "PT";
    DcmFileFormat file;
    test::initSynthetic(file, f);
    DcmDataset* ds = file.getDataset();
    DcmItem* shared = nullptr;
    DcmItem* item = nullptr;
    ds->findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
    shared->findOrCreateSequenceItem(DCM_PlaneOrientationSequence, item, 0);
    item->putAndInsertString(DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
    const char* slopes[2] = {"1", "0.5"};
    const char* intercepts[2] = {"0", "-10"};
    for (int fr = 0; fr < 2; ++fr) {
        DcmItem* frame = nullptr;
        ds->findOrCreateSequenceItem(DCM_PerFrameFunctionalGroupsSequence, frame, fr);
        frame->findOrCreateSequenceItem(DCM_PlanePositionSequence, item, 0);
        item->putAndInsertString(DCM_ImagePositionPatient, fr == 0 ? "0\\0\\0" : "0\\0\\3");
        frame->findOrCreateSequenceItem(DCM_PixelValueTransformationSequence, item, 0);
        item->putAndInsertString(DCM_RescaleSlope, slopes[fr]);
        item->putAndInsertString(DCM_RescaleIntercept, intercepts[fr]);
    }
    std::vector<std::uint16_t> words;
    for (int fr = 0; fr < 2; ++fr)
        for (int i = 0; i < 20; ++i) words.push_back(static_cast<std::uint16_t>(1000 * fr + 7 * i));
    test::putPixels16(file, words);
    test::saveSynthetic(file, dir / "pet.dcm");
    const core::Image img = io::loadDicomFile(dir / "pet.dcm");
    ASSERT_EQ(img.size(), (core::Size3{5, 4, 2}));
    ASSERT_EQ(img.pixelType(), core::PixelType::Float32);  // slope 0.5 is not integral
    for (int i = 0; i < 20; ++i) {
        EXPECT_FLOAT_EQ(img.pixels<float>()[i], static_cast<float>(7 * i));
        EXPECT_FLOAT_EQ(img.pixels<float>()[20 + i], static_cast<float>(0.5 * (1000 + 7 * i) - 10));
    }
}

TEST(DicomPixelFormats, DeflatedAndBigEndianMatchLittleEndian) {
    test::TempDir dir;
    SyntheticFormat f;
    f.signedPixels = true;
    DcmFileFormat file;
    test::initSynthetic(file, f);
    const std::vector<int> values = ramp(-900, 97);
    std::vector<std::uint16_t> words;
    for (int v : values) words.push_back(static_cast<std::uint16_t>(v));
    test::putPixels16(file, words);
    test::saveSynthetic(file, dir / "le.dcm", EXS_LittleEndianExplicit);
    test::saveSynthetic(file, dir / "be.dcm", EXS_BigEndianExplicit);
    test::saveSynthetic(file, dir / "deflated.dcm", EXS_DeflatedLittleEndianExplicit);
    test::saveSynthetic(file, dir / "implicit.dcm", EXS_LittleEndianImplicit);
    for (const char* name : {"le.dcm", "be.dcm", "deflated.dcm", "implicit.dcm"}) {
        SCOPED_TRACE(name);
        const core::Image img = io::loadDicomFile(dir / name);
        ASSERT_EQ(img.pixelType(), core::PixelType::Int16);
        for (int i = 0; i < 20; ++i) EXPECT_EQ(img.pixels<std::int16_t>()[i], values[i]);
    }
}
