// writeDicomSeries checked with DCMTK directly (and dciodvfy when installed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include "DicomFiles.h"
#include "Phantom.h"
#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/Dicom.h"

using namespace stratum;
namespace fs = std::filesystem;
using test::TempDir;

namespace {

core::Image ctPhantom() {
    core::Image img = test::makePhantom(core::PixelType::Int16);
    // HU-like values: -1024 .. 3071.
    for (auto& v : img.pixels<std::int16_t>()) v = static_cast<std::int16_t>(((v % 4096) + 4096) % 4096 - 1024);
    auto& m = img.metadata();
    m.series.modality = "CT";
    m.rescaleApplied = true;
    m.rescaleIntercept = -1024;
    m.units = "HU";
    m.windows = {{"BRAIN", 40, 80}, {"BONE", 480, 2500}};
    m.patient = {"Doe^Jane", "P-123", "19700101", "F"};
    m.study.instanceUid = "1.2.826.0.1.3680043.8.498.1";
    m.study.description = "Phantom study";
    return img;
}

std::string run(const std::string& command) {
    std::string out;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
    return out;
}

bool haveProgram(const std::string& name) { return run("command -v " + name).find(name) != std::string::npos; }

}  // namespace

TEST(DicomUid, FreshUuidDerivedUids) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string uid = io::makeDicomUid();
        ASSERT_EQ(uid.rfind("2.25.", 0), 0u) << uid;
        ASSERT_LE(uid.size(), 64u);
        const std::string digits = uid.substr(5);
        ASSERT_TRUE(std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) << uid;
        ASSERT_TRUE(digits == "0" || digits[0] != '0') << uid;
        seen.insert(uid);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(DicomWriter, CtSeriesHasTheRequiredAttributesAndExactGeometry) {
    TempDir dir;
    const core::Image img = ctPhantom();
    const fs::path out = dir / "ct";
    const auto files = io::writeDicomSeries(img, out);
    ASSERT_EQ(files.size(), img.size()[2]);
    EXPECT_EQ(files.front(), out / "IM-0001.dcm");
    EXPECT_EQ(files.back(), out / "IM-0007.dcm");

    std::set<std::string> sopUids;
    std::string seriesUid;
    const auto& g = img.geometry();
    for (std::size_t k = 0; k < files.size(); ++k) {
        const auto f = test::loadDicom(files[k]);
        EXPECT_EQ(f.transferSyntax(), "1.2.840.10008.1.2.1");
        EXPECT_EQ(f.get(DCM_SOPClassUID), "1.2.840.10008.5.1.4.1.1.2");
        EXPECT_EQ(f.get(DCM_Modality), "CT");
        EXPECT_EQ(f.get(DCM_ImageType), "ORIGINAL\\PRIMARY\\AXIAL");
        EXPECT_EQ(f.get(DCM_RescaleType), "HU");
        EXPECT_EQ(f.get(DCM_PatientName), "Doe^Jane");
        EXPECT_EQ(f.get(DCM_PatientID), "P-123");
        EXPECT_EQ(f.get(DCM_StudyInstanceUID), "1.2.826.0.1.3680043.8.498.1");
        EXPECT_EQ(f.get(DCM_StudyDescription), "Phantom study");
        EXPECT_EQ(f.get(DCM_WindowCenter), "40\\480");
        EXPECT_EQ(f.get(DCM_WindowWidth), "80\\2500");
        EXPECT_EQ(f.get(DCM_WindowCenterWidthExplanation), "BRAIN\\BONE");
        EXPECT_EQ(f.get(DCM_BitsAllocated), "16");
        EXPECT_EQ(f.get(DCM_PixelRepresentation), "1");
        EXPECT_EQ(f.get(DCM_Rows), "13");
        EXPECT_EQ(f.get(DCM_Columns), "17");
        EXPECT_EQ(f.get(DCM_InstanceNumber), std::to_string(k + 1));
        for (const auto& tag : {DCM_KVP, DCM_FrameOfReferenceUID, DCM_PatientPosition, DCM_Manufacturer,
                                DCM_StudyDate, DCM_ReferringPhysicianName, DCM_AcquisitionNumber})
            EXPECT_TRUE(f.has(tag)) << DcmTag(tag).getTagName();
        sopUids.insert(f.get(DCM_SOPInstanceUID));
        if (k == 0) seriesUid = f.get(DCM_SeriesInstanceUID);
        EXPECT_EQ(f.get(DCM_SeriesInstanceUID), seriesUid);

        // Geometry to 1e-4 mm: position of voxel (0,0,k), direction columns, spacing.
        const auto pos = f.numbers(DCM_ImagePositionPatient);
        const auto iop = f.numbers(DCM_ImageOrientationPatient);
        const auto spacing = f.numbers(DCM_PixelSpacing);
        const core::Vec3 expected = g.indexToPatient({0, 0, static_cast<double>(k)});
        ASSERT_EQ(pos.size(), 3u);
        ASSERT_EQ(iop.size(), 6u);
        ASSERT_EQ(spacing.size(), 2u);
        for (int r = 0; r < 3; ++r) {
            EXPECT_NEAR(pos[r], expected[r], 1e-9);
            EXPECT_NEAR(iop[r], g.direction(r, 0), 1e-12);
            EXPECT_NEAR(iop[3 + r], g.direction(r, 1), 1e-12);
        }
        EXPECT_NEAR(spacing[0], g.spacing[1], 1e-12);
        EXPECT_NEAR(spacing[1], g.spacing[0], 1e-12);
        EXPECT_NEAR(f.numbers(DCM_SliceThickness).at(0), g.spacing[2], 1e-12);
        EXPECT_NEAR(f.numbers(DCM_SpacingBetweenSlices).at(0), g.spacing[2], 1e-12);

        // Pixels: exact HU values.
        const auto values = f.values();
        ASSERT_EQ(values.size(), 17u * 13u);
        for (std::size_t j = 0; j < 13; ++j)
            for (std::size_t i = 0; i < 17; ++i) ASSERT_EQ(values[j * 17 + i], img.value(i, j, k));
    }
    EXPECT_EQ(sopUids.size(), files.size());
    EXPECT_NE(seriesUid.find("2.25."), std::string::npos);
}

TEST(DicomWriter, MrSeriesFromUint8Uses16Bits) {
    TempDir dir;
    core::Image img = test::makePhantom(core::PixelType::UInt8);
    img.metadata().series.modality = "MR";
    const auto files = io::writeDicomSeries(img, dir / "mr");
    const auto f = test::loadDicom(files[2]);
    EXPECT_EQ(f.get(DCM_SOPClassUID), "1.2.840.10008.5.1.4.1.1.4");
    EXPECT_EQ(f.get(DCM_Modality), "MR");
    EXPECT_EQ(f.get(DCM_BitsAllocated), "16");
    EXPECT_EQ(f.get(DCM_PixelRepresentation), "0");
    EXPECT_EQ(f.get(DCM_ScanningSequence), "RM");
    EXPECT_EQ(f.get(DCM_SequenceVariant), "NONE");
    for (const auto& tag : {DCM_ScanOptions, DCM_MRAcquisitionType, DCM_EchoTime, DCM_RepetitionTime,
                            DCM_EchoTrainLength, DCM_SpacingBetweenSlices})
        EXPECT_TRUE(f.has(tag)) << DcmTag(tag).getTagName();
    EXPECT_FALSE(f.has(DCM_RescaleSlope));
    const auto values = f.values();
    for (std::size_t j = 0; j < 13; ++j)
        for (std::size_t i = 0; i < 17; ++i) ASSERT_EQ(values[j * 17 + i], img.value(i, j, 2));
}

TEST(DicomWriter, FloatIsQuantisedThroughRescale) {
    TempDir dir;
    core::Image img = test::makePhantom(core::PixelType::Float32);
    const auto [lo, hi] = img.minMax();
    io::DicomWriteOptions options;
    options.modality = "MR";
    const auto files = io::writeDicomSeries(img, dir / "f", options);
    const auto f = test::loadDicom(files[0]);
    const double slope = f.numbers(DCM_RescaleSlope).at(0);
    EXPECT_NEAR(slope, (hi - lo) / 65535.0, 1e-12);
    EXPECT_NEAR(f.numbers(DCM_RescaleIntercept).at(0), lo, 1e-9);
    for (std::size_t k = 0; k < files.size(); ++k) {
        const auto values = test::loadDicom(files[k]).values();
        for (std::size_t j = 0; j < 13; ++j)
            for (std::size_t i = 0; i < 17; ++i) ASSERT_NEAR(values[j * 17 + i], img.value(i, j, k), slope / 2 + 1e-9);
    }
}

TEST(DicomWriter, IntegralFloatIsStoredExactly) {
    TempDir dir;
    core::Image img(core::PixelType::Float32, 1, test::phantomGeometry());
    std::size_t n = 0;
    for (auto& v : img.pixels<float>()) v = static_cast<float>(static_cast<int>(n++ % 3000) - 1000);
    const auto files = io::writeDicomSeries(img, dir / "fi", test::withModality("CT"));
    const auto f = test::loadDicom(files[1]);
    EXPECT_EQ(f.get(DCM_PixelRepresentation), "1");
    EXPECT_EQ(f.get(DCM_RescaleSlope), "1");
    EXPECT_EQ(f.get(DCM_RescaleIntercept), "0");
    const auto values = f.values();
    for (std::size_t j = 0; j < 13; ++j)
        for (std::size_t i = 0; i < 17; ++i) ASSERT_EQ(values[j * 17 + i], img.value(i, j, 1));
}

TEST(DicomWriter, RgbAndOtherModalitiesAreSecondaryCapture) {
    TempDir dir;
    core::Geometry g;
    g.size = {12, 10, 1};
    g.spacing = {0.143, 0.143, 1};
    const core::Image rgb = test::makePhantom(core::PixelType::UInt8, 3, g);
    const auto files = io::writeDicomSeries(rgb, dir / "rgb", test::withModality("XC"));
    ASSERT_EQ(files.size(), 1u);
    const auto f = test::loadDicom(files[0]);
    EXPECT_EQ(f.get(DCM_SOPClassUID), "1.2.840.10008.5.1.4.1.1.7");
    EXPECT_EQ(f.get(DCM_Modality), "XC");
    EXPECT_EQ(f.get(DCM_PhotometricInterpretation), "RGB");
    EXPECT_EQ(f.get(DCM_SamplesPerPixel), "3");
    EXPECT_EQ(f.get(DCM_ConversionType), "WSD");
    EXPECT_EQ(f.get(DCM_PixelSpacing), "0.143\\0.143");
    EXPECT_TRUE(f.has(DCM_ImagePositionPatient));
    const auto values = f.values();
    ASSERT_EQ(values.size(), 12u * 10u * 3u);
    EXPECT_EQ(values[(4 * 12 + 5) * 3 + 2], rgb.value(5, 4, 0, 2));

    core::Image grey = test::makePhantom(core::PixelType::UInt8, 1, g);
    grey.metadata().series.modality = "DX";
    const auto dx = test::loadDicom(io::writeDicomSeries(grey, dir / "dx").at(0));
    EXPECT_EQ(dx.get(DCM_SOPClassUID), "1.2.840.10008.5.1.4.1.1.7");
    EXPECT_EQ(dx.get(DCM_Modality), "DX");
    EXPECT_EQ(dx.get(DCM_BitsAllocated), "8");

    const auto ot = test::loadDicom(io::writeDicomSeries(test::makePhantom(core::PixelType::Int16), dir / "ot").at(0));
    EXPECT_EQ(ot.get(DCM_Modality), "OT");

    EXPECT_THROW(io::writeDicomSeries(rgb, dir / "rgb-ct", test::withModality("CT")), core::InvalidArgument);
    EXPECT_FALSE(fs::exists(dir / "rgb-ct"));
}

TEST(DicomWriter, OptionsOverrideMetadataAndPrefixNamesFiles) {
    TempDir dir;
    core::Image img = ctPhantom();
    io::DicomWriteOptions options;
    options.patient.name = "Other^Name";
    options.series.description = "Converted";
    options.series.number = "42";
    options.filePrefix = "CT";
    const auto files = io::writeDicomSeries(img, dir / "o", options);
    EXPECT_EQ(files[0].filename(), "CT-0001.dcm");
    const auto f = test::loadDicom(files[0]);
    EXPECT_EQ(f.get(DCM_PatientName), "Other^Name");
    EXPECT_EQ(f.get(DCM_PatientID), "P-123");  // from the metadata
    EXPECT_EQ(f.get(DCM_SeriesDescription), "Converted");
    EXPECT_EQ(f.get(DCM_SeriesNumber), "42");
    options.filePrefix = "../evil";
    EXPECT_THROW(io::writeDicomSeries(img, dir / "e", options), core::InvalidArgument);
}

TEST(DicomWriter, CompressedTransferSyntaxesDecodeToTheSameValues) {
    TempDir dir;
    core::Image img = ctPhantom();
    const auto reference = io::writeDicomSeries(img, dir / "ref");
    const char* syntaxes[] = {"1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.5",
                              "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2"};
    for (const char* uid : syntaxes) {
        const auto files = io::writeDicomSeries(img, dir / uid, test::withSyntax(uid));
        for (std::size_t k = 0; k < files.size(); ++k) {
            const auto f = test::loadDicom(files[k]);
            EXPECT_EQ(f.transferSyntax(), uid);
            EXPECT_EQ(f.values(), test::loadDicom(reference[k]).values()) << uid << " slice " << k;
        }
    }
    // Colour and 8-bit data through the encoders too.
    core::Geometry g;
    g.size = {12, 10, 2};
    const core::Image rgb = test::makePhantom(core::PixelType::UInt8, 3, g);
    for (const char* uid : {"1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.5"}) {
        const auto files = io::writeDicomSeries(rgb, dir / (std::string("rgb") + uid), test::withSyntax(uid));
        const auto values = test::loadDicom(files[1]).values();
        ASSERT_EQ(values.size(), 12u * 10u * 3u) << uid;
        for (std::size_t j = 0; j < 10; ++j)
            for (std::size_t i = 0; i < 12; ++i)
                for (int c = 0; c < 3; ++c) ASSERT_EQ(values[(j * 12 + i) * 3 + c], rgb.value(i, j, 1, c)) << uid;
    }
    EXPECT_THROW(io::writeDicomSeries(img, dir / "lossy", test::withSyntax("1.2.840.10008.1.2.4.50")),
                 core::InvalidArgument);
    EXPECT_FALSE(fs::exists(dir / "lossy"));
}

TEST(DicomWriter, ExistingNonEmptyFolderIsRefused) {
    TempDir dir;
    fs::create_directories(dir / "busy");
    test::writeBytes(dir / "busy" / "keep.txt", "mine");
    EXPECT_THROW(io::writeDicomSeries(ctPhantom(), dir / "busy"), core::IoError);
    EXPECT_EQ(test::fileBytes(dir / "busy" / "keep.txt"), "mine");
    // An empty folder is fine.
    fs::create_directories(dir / "empty");
    EXPECT_EQ(io::writeDicomSeries(ctPhantom(), dir / "empty").size(), 7u);
}

namespace {
// Cancels the task after `after` progress reports.
class CancelAfter : public core::ProgressSink {
public:
    CancelAfter(core::CancelToken token, int after) : token_(std::move(token)), after_(after) {}
    void report(double, std::string_view) override {
        if (++count_ > after_) token_.cancel();
    }

private:
    core::CancelToken token_;
    int after_;
    std::atomic<int> count_{0};
};
}  // namespace

TEST(DicomWriter, CancelledWriteLeavesNoFolder) {
    TempDir dir;
    core::Geometry g = test::phantomGeometry({64, 64, 200});
    const core::Image img = test::makePhantom(core::PixelType::Int16, 1, g);
    core::CancelToken token;
    CancelAfter sink(token, 5);
    const core::Task task(&sink, token);
    EXPECT_THROW(io::writeDicomSeries(img, dir / "cancelled", {}, task), core::Cancelled);
    EXPECT_FALSE(fs::exists(dir / "cancelled"));
    EXPECT_TRUE(fs::is_empty(dir.path())) << "temporary folder left behind";
}

TEST(DicomWriter, ProgressReachesTheEnd) {
    TempDir dir;
    core::RecordingProgressSink sink;
    const core::Task task(&sink, core::CancelToken{});
    io::writeDicomSeries(ctPhantom(), dir / "p", {}, task);
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 1.0);
    EXPECT_GE(sink.reportCount(), 7);
}

TEST(DicomWriter, DecimalStringsKeepSubMicronPrecision) {
    TempDir dir;
    core::Geometry g = test::phantomGeometry({4, 3, 2});
    g.origin = {-123456.789012345, 0.000123456789, 98765.4321987654};
    g.spacing = {0.333333333333333, 1.0 / 7.0, 2.718281828459045};
    const core::Image img = test::makePhantom(core::PixelType::Int16, 1, g);
    const auto files = io::writeDicomSeries(img, dir / "precise");
    const auto f = test::loadDicom(files[1]);
    for (const auto& tag : {DCM_ImagePositionPatient, DCM_ImageOrientationPatient, DCM_PixelSpacing})
        for (const std::string& part : {f.get(tag)}) {
            std::size_t start = 0;
            while (start <= part.size()) {
                const std::size_t end = std::min(part.find('\\', start), part.size());
                EXPECT_LE(end - start, 16u) << part;
                start = end + 1;
            }
        }
    const auto pos = f.numbers(DCM_ImagePositionPatient);
    const core::Vec3 expected = g.indexToPatient({0, 0, 1});
    for (int r = 0; r < 3; ++r) EXPECT_NEAR(pos[r], expected[r], 1e-4);
    EXPECT_NEAR(f.numbers(DCM_PixelSpacing)[1], g.spacing[0], 1e-12);
    EXPECT_NEAR(f.numbers(DCM_SliceThickness)[0], g.spacing[2], 1e-12);
}

// dciodvfy (Debian package dicom3tools) checks the files against the CT, MR and SC IODs.
TEST(DicomWriter, DciodvfyFindsNoErrors) {
    if (!haveProgram("dciodvfy")) GTEST_SKIP() << "dciodvfy not installed (Debian package dicom3tools)";
    TempDir dir;
    core::Image mr = test::makePhantom(core::PixelType::Float32);
    mr.metadata().series.modality = "MR";
    core::Geometry g;
    g.size = {12, 10, 1};
    std::vector<fs::path> files = {io::writeDicomSeries(ctPhantom(), dir / "ct").at(0),
                                   io::writeDicomSeries(mr, dir / "mr").at(0),
                                   io::writeDicomSeries(test::makePhantom(core::PixelType::UInt8, 3, g), dir / "sc").at(0),
                                   io::writeDicomSeries(ctPhantom(), dir / "ctjls",
                                                        test::withSyntax("1.2.840.10008.1.2.4.80")).at(0)};
    for (const auto& file : files) {
        const std::string report = run("dciodvfy " + file.string());
        EXPECT_EQ(report.find("Error"), std::string::npos) << file << "\n" << report;
    }
}
