// Series written with writeDicomSeries, then rearranged on disk: scanning must sort,
// split and report exactly, and loading must give back the phantom.
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "DicomTestSupport.h"
#include "stratum/core/Error.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

// Loads `file` completely, lets `edit` change it, and saves it to `target` (explicit LE).
template <class Edit>
void editDicom(const fs::path& file, const fs::path& target, Edit edit) {
    DcmFileFormat ff;
    ASSERT_TRUE(ff.loadFile(file.c_str()).good());
    ASSERT_TRUE(ff.loadAllDataIntoMemory().good());
    edit(*ff.getDataset());
    ASSERT_TRUE(ff.saveFile(target.c_str(), EXS_LittleEndianExplicit).good());
}

const io::DicomSeries& onlySeries(const io::DicomScan& scan) {
    const auto all = scan.allSeries();
    EXPECT_EQ(all.size(), 1u);
    return *all.front();
}

class DicomSeriesTest : public ::testing::Test {
protected:
    test::TempDir dir;
    core::Image phantom = test::makePhantom();
    std::vector<fs::path> files;

    void writePhantom(const fs::path& folder, const core::Image& image) {
        files = io::writeDicomSeries(image, folder);
    }
};

}  // namespace

TEST_F(DicomSeriesTest, RoundTripKeepsValuesAndGeometry) {
    writePhantom(dir / "s", phantom);
    const io::DicomScan scan = io::scanDicom(dir / "s");
    EXPECT_EQ(scan.filesSeen, 8u);
    EXPECT_EQ(scan.dicomFiles, 8u);
    EXPECT_TRUE(scan.warnings.empty()) << test::joinWarnings(scan.warnings);
    ASSERT_EQ(scan.patients.size(), 1u);
    const io::DicomSeries& s = onlySeries(scan);
    EXPECT_TRUE(s.sortedByPosition);
    EXPECT_TRUE(s.warnings.empty()) << test::joinWarnings(s.warnings);
    EXPECT_EQ(s.frameCount(), 8u);
    EXPECT_EQ(s.subSeries, 0);
    EXPECT_EQ(s.summary(), "CT  Phantom  axial  16x12x8  (8 files)");
    EXPECT_TRUE(s.geometry.approxEqual(phantom.geometry(), 1e-6));

    core::Warnings warnings;
    const core::Image img = io::loadDicomSeries(s, {}, {}, &warnings);
    EXPECT_TRUE(warnings.empty()) << test::joinWarnings(warnings);
    test::expectPhantomValues(img);
    EXPECT_TRUE(img.geometry().approxEqual(phantom.geometry(), 1e-6));
    EXPECT_EQ(img.metadata().series.modality, "CT");
    EXPECT_EQ(img.metadata().patient.name, "Test^Phantom");
    EXPECT_EQ(img.metadata().units, "HU");
    EXPECT_EQ(img.metadata().sourcePath, (dir / "s").string());
}

TEST_F(DicomSeriesTest, ShuffledFileNamesAreSortedByPosition) {
    writePhantom(dir / "orig", phantom);
    // Copy to random names in random order: neither names nor copy order follow k.
    std::mt19937 rng(12345);
    std::vector<fs::path> shuffled = files;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    fs::create_directories(dir / "shuffled" / "sub");
    for (std::size_t n = 0; n < shuffled.size(); ++n) {
        const std::string name = "x" + std::to_string(rng() % 100000) + "_" + std::to_string(n);
        fs::copy_file(shuffled[n], dir / "shuffled" / (n % 2 ? "sub" : "") / name);
    }
    const io::DicomScan scan = io::scanDicom(dir / "shuffled");
    const io::DicomSeries& s = onlySeries(scan);
    EXPECT_TRUE(s.warnings.empty()) << test::joinWarnings(s.warnings);
    const core::Image img = io::loadDicomSeries(s);
    test::expectPhantomValues(img);
    EXPECT_TRUE(img.geometry().approxEqual(phantom.geometry(), 1e-6));

    io::DicomScanOptions flat;
    flat.recursive = false;
    EXPECT_EQ(io::scanDicom(dir / "shuffled", flat).dicomFiles, 4u);
}

TEST_F(DicomSeriesTest, MissingSliceKeepsGeometryAndFillsTheGap) {
    writePhantom(dir / "s", phantom);
    fs::remove(files[3]);
    const io::DicomScan scan = io::scanDicom(dir / "s");
    const io::DicomSeries& s = onlySeries(scan);
    EXPECT_EQ(s.frameCount(), 7u);
    EXPECT_EQ(s.geometry.size[2], 8u);
    EXPECT_TRUE(s.geometry.approxEqual(phantom.geometry(), 1e-6));
    ASSERT_EQ(s.warnings.size(), 1u) << test::joinWarnings(s.warnings);
    EXPECT_NE(s.warnings[0].message.find("1 slice missing"), std::string::npos)
        << s.warnings[0].text();
    EXPECT_NE(s.warnings[0].message.find("Phantom"), std::string::npos) << s.warnings[0].text();

    core::Warnings warnings;
    const core::Image img = io::loadDicomSeries(s, {}, {}, &warnings);
    EXPECT_TRUE(test::hasWarningContaining(warnings, "missing")) << test::joinWarnings(warnings);
    test::expectPhantomValues(img, 3);
    // The gap holds the lowest loaded value: phantomValue(0, 0, 0) = -500.
    for (std::size_t j = 0; j < 12; ++j)
        for (std::size_t i = 0; i < 16; ++i) ASSERT_EQ(img.value(i, j, 3), -500);

    // A missing end slice is no gap: the volume is just shorter.
    fs::remove(files[7]);
    const io::DicomScan rescan = io::scanDicom(dir / "s");
    const io::DicomSeries& shorter = onlySeries(rescan);
    EXPECT_EQ(shorter.geometry.size[2], 7u);
    EXPECT_EQ(shorter.warnings.size(), 1u);
}

TEST_F(DicomSeriesTest, DuplicateFileIsDroppedWithAWarning) {
    writePhantom(dir / "s", phantom);
    fs::copy_file(files[2], dir / "s" / "copy-of-slice-3.dcm");
    const io::DicomScan scan = io::scanDicom(dir / "s");
    const io::DicomSeries& s = onlySeries(scan);
    EXPECT_EQ(s.instances.size(), 8u);
    EXPECT_EQ(s.frameCount(), 8u);
    ASSERT_EQ(s.warnings.size(), 1u) << test::joinWarnings(s.warnings);
    EXPECT_NE(s.warnings[0].message.find("same SOP Instance UID"), std::string::npos);
    EXPECT_NE(s.warnings[0].path.find("copy-of-slice-3.dcm"), std::string::npos);
    test::expectPhantomValues(io::loadDicomSeries(s));
}

TEST_F(DicomSeriesTest, DuplicatePositionIsDroppedWithAWarning) {
    writePhantom(dir / "s", phantom);
    // Another instance (new SOP Instance UID, other pixels) at slice 5's position.
    editDicom(files[5], dir / "s" / "z-other.dcm", [](DcmDataset& ds) {
        ds.putAndInsertString(DCM_SOPInstanceUID, "1.2.3.999");
        std::vector<Uint16> zeros(16 * 12, 0);
        ds.putAndInsertUint16Array(DCM_PixelData, zeros.data(),
                                   static_cast<unsigned long>(zeros.size()));
    });
    const io::DicomScan scan = io::scanDicom(dir / "s");
    const io::DicomSeries& s = onlySeries(scan);
    EXPECT_EQ(s.instances.size(), 9u);
    EXPECT_EQ(s.frameCount(), 8u);
    ASSERT_EQ(s.warnings.size(), 1u) << test::joinWarnings(s.warnings);
    EXPECT_NE(s.warnings[0].message.find("duplicates"), std::string::npos);
    EXPECT_NE(s.warnings[0].path.find("z-other.dcm"), std::string::npos);
    test::expectPhantomValues(io::loadDicomSeries(s));
}

TEST_F(DicomSeriesTest, ObliqueOrientationKeepsExactGeometry) {
    const core::Mat3 r = test::rotation({1, 2, 3}, 35);
    const core::Image oblique = test::makePhantom({16, 12, 8}, {0.8, 0.9, 2.5}, {-10, 20, 30}, r);
    writePhantom(dir / "s", oblique);
    const io::DicomScan scan = io::scanDicom(dir / "s");
    const io::DicomSeries& s = onlySeries(scan);
    EXPECT_TRUE(s.warnings.empty()) << test::joinWarnings(s.warnings);
    const core::Image img = io::loadDicomSeries(s);
    test::expectPhantomValues(img);
    EXPECT_TRUE(img.geometry().direction.approxEqual(r, 1e-6));
    EXPECT_TRUE(img.geometry().approxEqual(oblique.geometry(), 1e-6));
    for (const core::Vec3 index :
         {core::Vec3{0, 0, 0}, core::Vec3{15, 11, 7}, core::Vec3{3, 9, 5}}) {
        const core::Vec3 a = img.geometry().indexToPatient(index),
                         b = oblique.geometry().indexToPatient(index);
        for (int c = 0; c < 3; ++c) EXPECT_NEAR(a[c], b[c], 1e-6);
    }
    EXPECT_EQ(img.geometry().planeName(), "oblique");
}

TEST_F(DicomSeriesTest, SlicesStoredAgainstTheNormalAreReversed) {
    // Third direction column opposite to row x column: slices come back in the reverse
    // order with the normal as third column, and every voxel keeps its patient position.
    const core::Mat3 flipped = core::Mat3::fromColumns({1, 0, 0}, {0, 1, 0}, {0, 0, -1});
    const core::Image down =
        test::makePhantom({16, 12, 8}, {0.8, 0.9, 2.5}, {-10, 20, 30}, flipped);
    writePhantom(dir / "s", down);
    const core::Image img = io::loadDicomSeries(onlySeries(io::scanDicom(dir / "s")));
    EXPECT_TRUE(img.geometry().direction.approxEqual(core::Mat3::identity(), 1e-9));
    EXPECT_NEAR(img.geometry().origin[2], 30 - 7 * 2.5, 1e-6);
    for (std::size_t k = 0; k < 8; ++k)
        for (std::size_t j = 0; j < 12; j += 5)
            for (std::size_t i = 0; i < 16; i += 5)
                ASSERT_EQ(img.value(i, j, k), test::phantomValue(i, j, 7 - k));
}

TEST_F(DicomSeriesTest, TwoSeriesInOneFolder) {
    fs::create_directories(dir / "both");
    writePhantom(dir / "both" / "a", phantom);
    core::Image second = test::makePhantom({10, 10, 5});
    second.metadata().series.description = "Second";
    second.metadata().series.modality = "MR";
    io::writeDicomSeries(second, dir / "both" / "b");
    const io::DicomScan scan = io::scanDicom(dir / "both");
    EXPECT_EQ(scan.dicomFiles, 13u);
    const auto all = scan.allSeries();
    ASSERT_EQ(all.size(), 2u);
    ASSERT_NE(scan.largestSeries(), nullptr);
    EXPECT_EQ(scan.largestSeries()->series.description, "Phantom");
    for (const io::DicomSeries* s : all) {
        const core::Image img = io::loadDicomSeries(*s);
        if (s->series.description == "Second") {
            EXPECT_EQ(img.size(), (core::Size3{10, 10, 5}));
            EXPECT_EQ(img.metadata().series.modality, "MR");
            EXPECT_EQ(img.value(9, 9, 4), test::phantomValue(9, 9, 4));
        } else {
            test::expectPhantomValues(img);
        }
    }
}

TEST_F(DicomSeriesTest, MixedSizesInOneSeriesAreSplit) {
    writePhantom(dir / "s", phantom);
    const std::string uid = io::readDicomHeader(files[0]).series.instanceUid;
    const auto small = io::writeDicomSeries(test::makePhantom({8, 8, 3}), dir / "small");
    for (std::size_t n = 0; n < small.size(); ++n)
        editDicom(
            small[n], dir / "s" / ("small" + std::to_string(n) + ".dcm"),
            [&](DcmDataset& ds) { ds.putAndInsertString(DCM_SeriesInstanceUID, uid.c_str()); });
    const io::DicomScan scan = io::scanDicom(dir / "s");
    const auto all = scan.allSeries();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0]->series.instanceUid, all[1]->series.instanceUid);
    std::vector<int> parts{all[0]->subSeries, all[1]->subSeries};
    std::sort(parts.begin(), parts.end());
    EXPECT_EQ(parts, (std::vector<int>{1, 2}));
    std::vector<std::size_t> frames{all[0]->frameCount(), all[1]->frameCount()};
    std::sort(frames.begin(), frames.end());
    EXPECT_EQ(frames, (std::vector<std::size_t>{3, 8}));
    EXPECT_TRUE(test::hasWarningContaining(all[0]->warnings, "split into 2 parts"));
}

TEST_F(DicomSeriesTest, UnevenSpacingIsReported) {
    writePhantom(dir / "s", phantom);
    editDicom(files[5], files[5], [](DcmDataset& ds) {
        ds.putAndInsertString(DCM_ImagePositionPatient, "-10\\20\\43.2");  // 12.5 expected + 0.7
    });
    const io::DicomScan scan = io::scanDicom(dir / "s");
    const io::DicomSeries& s = onlySeries(scan);
    EXPECT_TRUE(test::hasWarningContaining(s.warnings, "uneven slice spacing"))
        << test::joinWarnings(s.warnings);
    EXPECT_EQ(s.geometry.size[2], 8u);
    EXPECT_NEAR(s.geometry.spacing[2], 2.5, 1e-9);
}

TEST_F(DicomSeriesTest, NonDicomFilesAreWarningsAndTheSeriesStillLoads) {
    writePhantom(dir / "s", phantom);
    test::writeBytes(dir / "s" / "notes.txt", {'h', 'e', 'l', 'l', 'o', '\n'});
    std::mt19937 rng(7);
    std::vector<char> junk(3000);
    for (char& c : junk) c = static_cast<char>(rng());
    test::writeBytes(dir / "s" / "junk.dcm", junk);
    test::writeBytes(dir / "s" / "empty.dcm", {});
    const io::DicomScan scan = io::scanDicom(dir / "s");
    EXPECT_EQ(scan.filesSeen, 11u);
    EXPECT_EQ(scan.dicomFiles, 8u);
    EXPECT_EQ(scan.warnings.size(), 3u) << test::joinWarnings(scan.warnings);
    for (const char* name : {"notes.txt", "junk.dcm", "empty.dcm"})
        EXPECT_TRUE(test::hasWarningContaining(scan.warnings, name)) << name;
    test::expectPhantomValues(io::loadDicomSeries(onlySeries(scan)));
}

TEST_F(DicomSeriesTest, CorruptSliceIsFilledAndReported) {
    writePhantom(dir / "s", phantom);
    const io::DicomScan scan = io::scanDicom(dir / "s");
    // Damage slice 4 after the scan: its pixel data now ends early.
    std::vector<char> bytes = test::readBytes(files[4]);
    bytes.resize(bytes.size() - 100);
    test::writeBytes(files[4], bytes);
    core::Warnings warnings;
    const core::Image img = io::loadDicomSeries(onlySeries(scan), {}, {}, &warnings);
    EXPECT_TRUE(test::hasWarningContaining(warnings, files[4].filename().string()))
        << test::joinWarnings(warnings);
    EXPECT_TRUE(test::hasWarningContaining(warnings, "could not decode"))
        << test::joinWarnings(warnings);
    test::expectPhantomValues(img, 4);
    EXPECT_EQ(img.value(7, 7, 4), -500);
}

TEST_F(DicomSeriesTest, NothingDecodableIsAFormatError) {
    writePhantom(dir / "s", phantom);
    const io::DicomScan scan = io::scanDicom(dir / "s");
    for (const auto& f : files) {
        std::vector<char> bytes = test::readBytes(f);
        bytes.resize(bytes.size() / 2);
        test::writeBytes(f, bytes);
    }
    try {
        io::loadDicomSeries(onlySeries(scan));
        FAIL() << "loaded a series of broken files";
    } catch (const core::FormatError& e) {
        EXPECT_NE(std::string(e.what()).find(files[0].filename().string()), std::string::npos)
            << e.what();
    }
}

TEST_F(DicomSeriesTest, ProgressReachesTheEnd) {
    writePhantom(dir / "s", phantom);
    core::RecordingProgressSink scanSink, loadSink;
    const io::DicomScan scan =
        io::scanDicom(dir / "s", {}, core::Task(&scanSink, core::CancelToken()));
    EXPECT_EQ(scanSink.lastFraction(), 1.0);
    EXPECT_GE(scanSink.reportCount(), 2);
    io::loadDicomSeries(onlySeries(scan), {}, core::Task(&loadSink, core::CancelToken()));
    EXPECT_EQ(loadSink.lastFraction(), 1.0);
    EXPECT_GE(loadSink.reportCount(), 2);
}

namespace {
// Cancels its token at the first report past the start.
class CancellingSink : public core::ProgressSink {
public:
    explicit CancellingSink(core::CancelToken token) : token_(std::move(token)) {}
    void report(double fraction, std::string_view) override {
        if (fraction > 0) token_.cancel();
    }

private:
    core::CancelToken token_;
};
}  // namespace

TEST_F(DicomSeriesTest, CancelledTaskThrowsCancelled) {
    writePhantom(dir / "s", phantom);
    const io::DicomScan scan = io::scanDicom(dir / "s");
    core::CancelToken token;
    token.cancel();
    EXPECT_THROW(io::loadDicomSeries(onlySeries(scan), {}, core::Task(token)), core::Cancelled);
    EXPECT_THROW(io::scanDicom(dir / "s", {}, core::Task(token)), core::Cancelled);
    EXPECT_THROW(io::loadDicomFile(files[0], {}, core::Task(token)), core::Cancelled);

    // Cancelled while loading: stops between files.
    core::CancelToken midway;
    CancellingSink sink(midway);
    io::DicomLoadOptions oneThread;
    oneThread.threads = 1;
    EXPECT_THROW(io::loadDicomSeries(onlySeries(scan), oneThread, core::Task(&sink, midway)),
                 core::Cancelled);
}
