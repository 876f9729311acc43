// Written DICOM series loaded back with Stratum's DICOM reader (scanDicom +
// loadDicomSeries) and through readImage.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "Phantom.h"
#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/Dicom.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
namespace fs = std::filesystem;
using test::TempDir;

namespace {

core::Image loadSeries(const fs::path& folder) {
    const io::DicomScan scan = io::scanDicom(folder);
    const io::DicomSeries* series = scan.largestSeries();
    if (!series) throw std::runtime_error("no series in " + folder.string());
    return io::loadDicomSeries(*series);
}

core::Image ctPhantom() {
    core::Image img = test::makePhantom(core::PixelType::Int16);
    for (auto& v : img.pixels<std::int16_t>()) v = static_cast<std::int16_t>(((v % 4096) + 4096) % 4096 - 1024);
    img.metadata().series.modality = "CT";
    img.metadata().rescaleApplied = true;
    img.metadata().units = "HU";
    return img;
}

}  // namespace

TEST(DicomRoundTrip, Colin27NiftiToMrSeriesAndBack) {
    const fs::path ch2 = test::mricron() / "ch2.nii.gz";
    STRATUM_REQUIRE_DATA(ch2);
    TempDir dir;
    const core::Image colin = io::readImage(ch2).image;
    io::DicomWriteOptions options;
    options.modality = "MR";
    options.series.description = "Colin27 T1";
    const auto files = io::writeDicomSeries(colin, dir / "colin", options);
    EXPECT_EQ(files.size(), 181u);

    const core::Image back = loadSeries(dir / "colin");
    EXPECT_EQ(back.metadata().series.modality, "MR");
    EXPECT_TRUE(test::geometryNear(back.geometry(), colin.geometry(), 1e-4));
    EXPECT_EQ(test::countDifferences(back, colin), 0u);
    EXPECT_EQ(back.value(90, 108, 90), 33);
}

TEST(DicomRoundTrip, CtHounsfieldPhantomIsExact) {
    TempDir dir;
    const core::Image ct = ctPhantom();
    io::writeDicomSeries(ct, dir / "ct");
    const core::Image back = loadSeries(dir / "ct");
    EXPECT_TRUE(test::geometryNear(back.geometry(), ct.geometry(), 1e-4));
    EXPECT_EQ(test::countDifferences(back, ct), 0u);
    EXPECT_EQ(back.metadata().series.modality, "CT");
}

TEST(DicomRoundTrip, RealCtNiftiToCtSeriesIsExact) {
    const fs::path file = test::sharedData() / "volumes/totalsegmentator/example_ct_sm.nii.gz";
    STRATUM_REQUIRE_DATA(file);
    TempDir dir;
    const core::Image ct = io::readImage(file).image;
    io::writeDicomSeries(ct, dir / "ct", test::withModality("CT"));
    const core::Image back = loadSeries(dir / "ct");
    EXPECT_TRUE(test::geometryNear(back.geometry(), ct.geometry(), 1e-4));
    EXPECT_EQ(test::countDifferences(back, ct), 0u);
    EXPECT_EQ(back.value(60, 50, 15), -17);
}

TEST(DicomRoundTrip, Float32WithinItsQuantisation) {
    TempDir dir;
    const core::Image img = test::makePhantom(core::PixelType::Float32);
    const auto [lo, hi] = img.minMax();
    io::writeDicomSeries(img, dir / "float", test::withModality("MR"));
    const core::Image back = loadSeries(dir / "float");
    EXPECT_TRUE(test::geometryNear(back.geometry(), img.geometry(), 1e-4));
    const double step = (hi - lo) / 65535.0;
    EXPECT_EQ(test::countDifferences(back, img, step / 2 + 1e-6 * (hi - lo)), 0u);
}

TEST(DicomRoundTrip, EveryPixelTypeAsSecondaryCapture) {
    TempDir dir;
    for (const auto type : {core::PixelType::UInt8, core::PixelType::Int16, core::PixelType::UInt16}) {
        const core::Image img = test::makePhantom(type);
        const fs::path folder = dir / core::pixelTypeName(type);
        io::writeDicomSeries(img, folder);
        const core::Image back = loadSeries(folder);
        EXPECT_TRUE(test::geometryNear(back.geometry(), img.geometry(), 1e-4)) << core::pixelTypeName(type);
        EXPECT_EQ(test::countDifferences(back, img), 0u) << core::pixelTypeName(type);
    }
}

TEST(DicomRoundTrip, CompressedSeriesLoadIdentical) {
    TempDir dir;
    const core::Image ct = ctPhantom();
    for (const char* uid : {"1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.5",
                            "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2"}) {
        const fs::path folder = dir / uid;
        io::writeDicomSeries(ct, folder, test::withSyntax(uid));
        const core::Image back = loadSeries(folder);
        EXPECT_EQ(test::countDifferences(back, ct), 0u) << uid;
        EXPECT_TRUE(test::geometryNear(back.geometry(), ct.geometry(), 1e-4)) << uid;
    }
}

// DICOM has no left-handed grids: the slice normal is row x column. A volume whose k
// axis points the other way comes back with its slices in the opposite order, at
// the same patient positions with the same values.
TEST(DicomRoundTrip, LeftHandedVolumeKeepsPatientPositions) {
    TempDir dir;
    core::Geometry g = test::phantomGeometry();
    const core::Vec3 n = g.direction.column(2);
    for (int r = 0; r < 3; ++r) g.direction(r, 2) = -n[r];
    const core::Image img = test::makePhantom(core::PixelType::Int16, 1, g);
    io::writeDicomSeries(img, dir / "lh");
    const core::Image back = loadSeries(dir / "lh");
    ASSERT_EQ(back.size(), img.size());
    std::size_t bad = 0;
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i) {
                const core::Vec3 p = g.indexToPatient({double(i), double(j), double(k)});
                const core::Vec3 q = back.geometry().patientToIndex(p);
                const auto ri = std::lround(q[0]), rj = std::lround(q[1]), rk = std::lround(q[2]);
                if (std::abs(q[0] - ri) > 1e-4 || std::abs(q[1] - rj) > 1e-4 || std::abs(q[2] - rk) > 1e-4 ||
                    back.value(ri, rj, rk) != img.value(i, j, k))
                    ++bad;
            }
    EXPECT_EQ(bad, 0u);
}

TEST(DicomRoundTrip, ReadImageOpensAWrittenFolderAndWriteImageWritesOne) {
    TempDir dir;
    const core::Image ct = ctPhantom();
    io::writeImage(ct, dir / "series");  // no extension: a DICOM folder
    const io::ReadResult read = io::readImage(dir / "series");
    EXPECT_EQ(test::countDifferences(read.image, ct), 0u);
    EXPECT_EQ(read.image.metadata().sourceFormat, "DICOM");
    // A single file of it.
    const io::ReadResult one = io::readImage(dir / "series" / "IM-0003.dcm");
    EXPECT_EQ(one.image.size(), (core::Size3{17, 13, 1}));
    EXPECT_EQ(one.image.value(4, 5, 0), ct.value(4, 5, 2));
}

TEST(DicomRoundTrip, ReadImageOfAFolderLoadsTheLargestSeriesAndNamesTheOthers) {
    TempDir dir;
    const core::Image big = ctPhantom();
    core::Image small = test::makePhantom(core::PixelType::UInt16, 1, test::phantomGeometry({9, 8, 3}));
    small.metadata().series.description = "Small one";
    fs::create_directories(dir / "study");
    io::writeDicomSeries(big, dir / "study" / "a");
    io::writeDicomSeries(small, dir / "study" / "b", test::withModality("MR"));
    const io::ReadResult read = io::readImage(dir / "study");
    EXPECT_EQ(read.image.size(), big.size());
    EXPECT_EQ(test::countDifferences(read.image, big), 0u);
    bool named = false;
    for (const auto& w : read.warnings) named = named || w.message.find("9x8x3") != std::string::npos;
    EXPECT_TRUE(named) << "the smaller series is not named in the warnings";
}

TEST(DicomRoundTrip, ChestXrayAsSecondaryCapture) {
    const fs::path xray = test::resources() / "samples/chest-xray/NORMAL/IM-0115-0001.jpeg";
    STRATUM_REQUIRE_DATA(xray);
    TempDir dir;
    const core::Image img = io::readImage(xray).image;
    io::writeDicomSeries(img, dir / "dx", test::withModality("DX"));
    const core::Image back = loadSeries(dir / "dx");
    EXPECT_EQ(back.size(), (core::Size3{224, 224, 1}));
    EXPECT_EQ(test::countDifferences(back, img), 0u);
    EXPECT_EQ(back.metadata().series.modality, "DX");
}
