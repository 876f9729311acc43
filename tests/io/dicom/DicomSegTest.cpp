// DICOM SEG: label maps written on real and phantom DICOM series, read back voxel for
// voxel, reloaded with DCMTK's own DcmSegmentation, dcmqi-made SEGs read and compared
// with DCMTK's frames, and bad input refused with exact messages.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <random>

#include "DicomTestSupport.h"
#include "stratum/core/Error.h"
#include "stratum/io/DicomSeg.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

fs::path ctThreeSlices() {
    return test::sharedData() / "dicom" / "ct3slice_seg" / "segmentations" / "ct-3slice";
}
fs::path dcmqiSeg(const std::string& name) {
    return test::sharedData() / "dicom" / "ct3slice_seg" / "segmentations" / name;
}

const io::DicomSeries& onlySeries(const io::DicomScan& scan) {
    const auto all = scan.allSeries();
    EXPECT_EQ(all.size(), 1u);
    return *all.front();
}

std::vector<io::SegmentInfo> organSegments() {
    io::SegmentInfo a;
    a.labelValue = 1;
    a.name = "liver";
    a.colour = {221, 130, 101};
    a.algorithmName = "unet-test";
    a.description = "the liver";
    io::SegmentInfo b = a;
    b.labelValue = 2;
    b.name = "spleen";
    b.colour = {157, 108, 162};
    b.description.clear();
    io::SegmentInfo c = a;
    c.labelValue = 3;
    c.name = "kidney";
    c.colour = {185, 102, 83};
    c.type = {"64033007", "SCT", "Kidney"};
    io::SegmentInfo absent = a;
    absent.labelValue = 9;
    absent.name = "absent";
    return {a, b, c, absent};
}

// Three labels that depend on all three indices.
core::Image organLabels(const core::Geometry& g) {
    core::Image labels(core::PixelType::UInt8, 1, g);
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i) {
                int v = 0;
                if (i < 5 + k)
                    v = 1;
                else if (j > 8 && k % 2 == 0)
                    v = 2;
                else if ((i + 2 * j + 3 * k) % 11 == 0)
                    v = 3;
                labels.setValue(i, j, k, v);
            }
    return labels;
}

void expectSameLabels(const core::Image& expected, const core::Image& actual) {
    ASSERT_EQ(expected.size(), actual.size());
    std::size_t differing = 0;
    for (std::size_t k = 0; k < expected.size()[2]; ++k)
        for (std::size_t j = 0; j < expected.size()[1]; ++j)
            for (std::size_t i = 0; i < expected.size()[0]; ++i)
                if (expected.value(i, j, k) != actual.value(i, j, k)) ++differing;
    EXPECT_EQ(differing, 0u);
}

std::vector<std::string> sopUidsBySlice(const io::DicomSeries& s) {
    std::vector<std::string> uids(s.geometry.size[2]);
    for (const io::DicomSlice& slice : s.slices)
        uids[slice.sliceIndex] = s.instances[slice.instance].sopInstanceUid;
    return uids;
}

// DCMTK's own reading: segment labels and the number of set pixels per segment.
struct DcmtkView {
    std::vector<std::string> labels;
    std::map<std::size_t, std::size_t> setPixels;  // segment number -> pixels
    std::size_t frames = 0;
};

DcmtkView loadWithDcmtk(const fs::path& file) {
    DcmtkView view;
    DcmSegmentation* raw = nullptr;
    const OFCondition status = DcmSegmentation::loadFile(file.c_str(), raw);
    EXPECT_TRUE(status.good()) << file << ": " << status.text();
    if (status.bad()) return view;
    std::unique_ptr<DcmSegmentation> seg(raw);
    view.frames = seg->getNumberOfFrames();
    for (std::size_t n = 1; n <= seg->getNumberOfSegments(); ++n) {
        DcmSegment* s = seg->getSegment(n);
        OFString label;
        if (s) s->getSegmentLabel(label);
        view.labels.push_back(label.c_str());
        OFVector<size_t> frames;
        seg->getFramesForSegment(n, frames);
        std::size_t count = 0;
        for (const size_t f : frames) {
            const DcmIODTypes::Frame* frame = seg->getFrame(f);
            if (!frame) continue;
            for (std::size_t b = 0; b < frame->length; ++b)
                count += std::popcount(frame->pixData[b]);
        }
        view.setPixels[n] = count;
    }
    return view;
}

std::size_t countValue(const core::Image& image, double v) {
    std::size_t n = 0;
    for (std::size_t k = 0; k < image.size()[2]; ++k)
        for (std::size_t j = 0; j < image.size()[1]; ++j)
            for (std::size_t i = 0; i < image.size()[0]; ++i) n += image.value(i, j, k) == v;
    return n;
}

std::string messageOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no exception)";
}

class DicomSegTest : public ::testing::Test {
protected:
    test::TempDir dir;
    // An oblique, anisotropic series written by our DICOM writer.
    core::Image phantom = test::makePhantom({20, 14, 9}, {0.7, 0.9, 2.5}, {-30, 12, 41},
                                            test::rotation({1, 2, 3}, 25));
    io::DicomScan scan;

    void SetUp() override {
        io::writeDicomSeries(phantom, dir / "series");
        scan = io::scanDicom(dir / "series");
    }
    const io::DicomSeries& series() { return onlySeries(scan); }
};

TEST_F(DicomSegTest, ObliquePhantomRoundTrip) {
    const core::Image labels = organLabels(phantom.geometry());
    const fs::path out = dir / "out" / "seg.dcm";
    fs::create_directories(out.parent_path());
    const io::DicomSegWriteResult written =
        io::writeDicomSeg(labels, organSegments(), series(), out);
    EXPECT_EQ(written.segmentLabels, (std::vector<unsigned>{1, 2, 3}));
    EXPECT_EQ(written.frames, 3u * 9u);

    const io::DicomSegReadResult read = io::readDicomSeg(out);
    EXPECT_TRUE(read.labels.geometry().approxEqual(phantom.geometry(), 1e-5));
    EXPECT_EQ(read.labels.pixelType(), core::PixelType::UInt8);
    expectSameLabels(labels, read.labels);
    EXPECT_EQ(read.frames, 27u);
    EXPECT_EQ(read.overlappingVoxels, 0u);
    EXPECT_TRUE(read.warnings.empty());
    const auto expected = organSegments();
    ASSERT_EQ(read.segments.size(), 3u);
    for (std::size_t s = 0; s < 3; ++s) {
        EXPECT_EQ(read.segments[s].labelValue, s + 1);
        EXPECT_EQ(read.segments[s].name, expected[s].name);
        EXPECT_EQ(read.segments[s].colour, expected[s].colour) << expected[s].name;
        EXPECT_EQ(read.segments[s].description, expected[s].description);
        EXPECT_EQ(read.segments[s].algorithmName, "unet-test");
        EXPECT_EQ(read.segments[s].algorithmType, io::SegmentAlgorithmType::Automatic);
        EXPECT_EQ(read.segments[s].category, io::tissueConcept());
        EXPECT_EQ(read.segments[s].type, expected[s].type);
    }
    // References: every slice's source image, and the source series.
    EXPECT_EQ(read.referencedSopInstanceUids, sopUidsBySlice(series()));
    EXPECT_EQ(read.sourceSeriesInstanceUid, series().series.instanceUid);
    // Identity copied from the source, a new series.
    const core::ImageMetadata& m = read.labels.metadata();
    EXPECT_EQ(m.series.modality, "SEG");
    EXPECT_EQ(m.series.description, "Segmentation (unet-test)");
    EXPECT_NE(m.series.instanceUid, series().series.instanceUid);
    EXPECT_EQ(m.study.instanceUid, series().study.instanceUid);
    EXPECT_EQ(m.patient.id, series().patient.id);
    EXPECT_EQ(m.series.frameOfReferenceUid, series().series.frameOfReferenceUid);
    EXPECT_FALSE(m.series.frameOfReferenceUid.empty());

    // DCMTK's dcmseg reads it as a valid segmentation with the same pixels.
    const DcmtkView dcmtk = loadWithDcmtk(out);
    EXPECT_EQ(dcmtk.frames, 27u);
    EXPECT_EQ(dcmtk.labels, (std::vector<std::string>{"liver", "spleen", "kidney"}));
    for (std::size_t n = 1; n <= 3; ++n)
        EXPECT_EQ(dcmtk.setPixels.at(n), countValue(labels, n)) << n;
}

TEST_F(DicomSegTest, SkippedEmptyFramesAndRenumberedLabels) {
    core::Image labels(core::PixelType::UInt16, 1, phantom.geometry());
    for (std::size_t k = 3; k <= 6; ++k)
        for (std::size_t j = 2; j < 10; ++j)
            for (std::size_t i = 1; i < 12; ++i)
                labels.setValue(i, j, k, (k == 4 && i > 6) ? 500 : 2);
    auto segments = organSegments();
    segments[1].labelValue = 500;  // "spleen" now stands for 500
    segments[0].labelValue = 2;    // "liver" for 2
    segments.erase(segments.begin() + 2);
    io::DicomSegWriteOptions options;
    options.skipEmptyFrames = true;
    options.seriesDescription = "test labels";
    const fs::path out = dir / "sparse.dcm";
    const io::DicomSegWriteResult written =
        io::writeDicomSeg(labels, segments, series(), out, options);
    EXPECT_EQ(written.segmentLabels, (std::vector<unsigned>{2, 500}));
    EXPECT_EQ(written.frames, 4u + 1u);

    const io::DicomSegReadResult read = io::readDicomSeg(out);
    // The frames span slices 3..6 only.
    core::Geometry g = phantom.geometry();
    g.size[2] = 4;
    g.origin = phantom.geometry().indexToPatient({0, 0, 3});
    EXPECT_TRUE(read.labels.geometry().approxEqual(g, 1e-5));
    ASSERT_EQ(read.labels.size(), g.size);
    for (std::size_t k = 0; k < 4; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i) {
                const double v = labels.value(i, j, k + 3);
                ASSERT_EQ(read.labels.value(i, j, k), v == 2     ? 1
                                                      : v == 500 ? 2
                                                                 : 0)
                    << i << "," << j << "," << k;
            }
    ASSERT_EQ(read.segments.size(), 2u);
    EXPECT_EQ(read.segments[0].name, "liver");
    EXPECT_EQ(read.segments[1].name, "spleen");
    EXPECT_EQ(read.labels.metadata().series.description, "test labels");
    const std::vector<std::string> all = sopUidsBySlice(series());
    EXPECT_EQ(read.referencedSopInstanceUids,
              std::vector<std::string>(all.begin() + 3, all.begin() + 7));
    EXPECT_EQ(loadWithDcmtk(out).frames, 5u);
}

TEST_F(DicomSegTest, BadInputIsRefusedWithExactMessages) {
    const auto segments = organSegments();
    const core::Image labels = organLabels(phantom.geometry());
    const fs::path out = dir / "bad.dcm";
    const std::string folder = series().instances.front().path.parent_path().string();

    // A label map on another grid.
    core::Geometry shifted = phantom.geometry();
    shifted.size = {20, 14, 8};
    const core::Image wrongSize(core::PixelType::UInt8, 1, shifted);
    EXPECT_EQ(messageOf([&] { io::writeDicomSeg(wrongSize, segments, series(), out); }),
              folder +
                  ": the label map (20x14x8, spacing 0.7x0.9x2.5 mm, origin (-30, 12, 41)) does "
                  "not lie on "
                  "the grid of the source series (20x14x9, spacing 0.7x0.9x2.5 mm, origin (-30, "
                  "12, 41))");
    core::Image moved = labels.clone();
    core::Geometry movedGeometry = phantom.geometry();
    movedGeometry.origin[2] += 0.5;
    moved.setGeometry(movedGeometry);
    EXPECT_EQ(messageOf([&] { io::writeDicomSeg(moved, segments, series(), out); }),
              folder +
                  ": the label map (20x14x9, spacing 0.7x0.9x2.5 mm, origin (-30, 12, 41.5)) does "
                  "not lie on "
                  "the grid of the source series (20x14x9, spacing 0.7x0.9x2.5 mm, origin (-30, "
                  "12, 41))");
    // The same through the folder: one series, so its mismatch is reported.
    EXPECT_THROW(io::writeDicomSeg(moved, segments, fs::path(folder), out), core::InvalidArgument);

    // A source that is not DICOM.
    io::writeImage(phantom, dir / "volume.nii.gz");
    try {
        io::writeDicomSeg(labels, segments, dir / "volume.nii.gz", out);
        ADD_FAILURE() << "no exception";
    } catch (const core::FormatError& e) {
        EXPECT_EQ(std::string(e.what()),
                  (dir / "volume.nii.gz").string() +
                      ": not a DICOM file; a DICOM SEG needs the source DICOM series");
    }
    fs::create_directories(dir / "empty");
    EXPECT_EQ(messageOf([&] { io::writeDicomSeg(labels, segments, dir / "empty", out); }),
              (dir / "empty").string() +
                  ": holds no DICOM image; a DICOM SEG needs the source DICOM series");

    // Labels without a segment, no labels, float labels.
    auto missing = segments;
    missing.erase(missing.begin() + 1);
    EXPECT_EQ(messageOf([&] { io::writeDicomSeg(labels, missing, series(), out); }),
              "label value 2 occurs in the label map but no segment describes it");
    const core::Image zeros(core::PixelType::UInt8, 1, phantom.geometry());
    EXPECT_EQ(messageOf([&] { io::writeDicomSeg(zeros, segments, series(), out); }),
              "the label map has no non-zero label: nothing to write as a DICOM SEG");
    const core::Image floats(core::PixelType::Float32, 1, phantom.geometry());
    EXPECT_EQ(messageOf([&] { io::writeDicomSeg(floats, segments, series(), out); }),
              "a DICOM SEG needs an integer label map (uint8, uint16 or int16), not float32");

    // Never into the source folder unless allowed.
    const fs::path inside = fs::path(folder) / "seg.dcm";
    EXPECT_EQ(messageOf([&] { io::writeDicomSeg(labels, segments, series(), inside); }),
              inside.string() + ": is inside the folder of the source series (" + folder +
                  "); write the DICOM SEG elsewhere (or allow it explicitly)");
    EXPECT_FALSE(fs::exists(inside));
    EXPECT_FALSE(fs::exists(out));
    io::DicomSegWriteOptions allow;
    allow.allowInsideSourceFolder = true;
    io::writeDicomSeg(labels, segments, series(), inside, allow);
    EXPECT_TRUE(fs::exists(inside));

    // Reading something that is not a SEG.
    const io::DicomInstance& image = series().instances.front();
    EXPECT_EQ(
        messageOf([&] { io::readDicomSeg(image.path); }),
        image.path.string() + ": not a DICOM Segmentation (SOP class " + image.sopClassUid + ")");
    EXPECT_THROW(io::readDicomSeg(dir / "volume.nii.gz"), core::FormatError);
    EXPECT_THROW(io::readDicomSeg(dir / "missing.dcm"), core::IoError);
}

// pydicom (Debian's python3-pydicom) unpacks the frames and follows the references.
TEST_F(DicomSegTest, PydicomReadsTheSameSegments) {
    const fs::path python = "/usr/bin/python3";
    const fs::path script = test::resources().parent_path() / "scripts" / "check-dicom-seg.py";
    if (!fs::exists(python)) GTEST_SKIP() << "no /usr/bin/python3";
    ASSERT_TRUE(fs::exists(script)) << script;
    const core::Image labels = organLabels(phantom.geometry());
    const fs::path out = dir / "seg.dcm";
    io::writeDicomSeg(labels, organSegments(), series(), out);
    const std::string command = python.string() + " " + script.string() + " " + out.string() + " " +
                                (dir / "series").string() + " 2>&1";
    std::string output;
    int status = -1;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[512];
        while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
        status = ::pclose(pipe);
    }
    if (output.find("ModuleNotFoundError") != std::string::npos)
        GTEST_SKIP() << "python3-pydicom (with numpy) is not installed: " << output;
    EXPECT_EQ(status, 0) << output;
    const std::string expected =
        "segment 1 liver voxels " + std::to_string(countValue(labels, 1)) +
        "\nsegment 2 spleen voxels " + std::to_string(countValue(labels, 2)) +
        "\nsegment 3 kidney voxels " + std::to_string(countValue(labels, 3)) + "\nframes 27\n";
    EXPECT_EQ(output, expected);
}

// A damaged SEG is read or refused with a Stratum error, never a crash (run under ASan).
TEST_F(DicomSegTest, BitFlippedSegsNeverCrash) {
    const fs::path out = dir / "seg.dcm";
    io::writeDicomSeg(organLabels(phantom.geometry()), organSegments(), series(), out);
    const std::vector<char> original = test::readBytes(out);
    std::mt19937 rng(20261202);
    int refused = 0;
    for (int v = 0; v < 150; ++v) {
        std::vector<char> bytes = original;
        const int flips = 1 + static_cast<int>(rng() % 6);
        for (int f = 0; f < flips; ++f) {
            // Mostly in the dataset before the pixel data, where the structure lives.
            const std::size_t limit = rng() % 4 == 0 ? bytes.size() : bytes.size() - 3000;
            bytes[rng() % limit] ^= static_cast<char>(1u << (rng() % 8));
        }
        const fs::path file = dir / "flipped.dcm";
        test::writeBytes(file, bytes);
        try {
            io::readDicomSeg(file);
        } catch (const core::Error&) {
            ++refused;
        }
    }
    EXPECT_GT(refused, 0);
}

TEST(DicomSegRealData, ThresholdOfARealCtRoundTrips) {
    STRATUM_REQUIRE_DATA(ctThreeSlices());
    test::TempDir dir;
    const io::DicomScan scan = io::scanDicom(ctThreeSlices());
    const io::DicomSeries& ct = onlySeries(scan);
    const core::Image hu = io::loadDicomSeries(ct);
    ASSERT_EQ(hu.size(), (core::Size3{512, 512, 3}));
    // Bone (> 300 HU) and soft tissue (-100..300 HU).
    core::Image labels(core::PixelType::UInt8, 1, hu.geometry());
    for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t j = 0; j < 512; ++j)
            for (std::size_t i = 0; i < 512; ++i) {
                const double v = hu.value(i, j, k);
                labels.setValue(i, j, k, v > 300 ? 1 : v > -100 ? 2 : 0);
            }
    const std::size_t bone = countValue(labels, 1);
    const std::size_t soft = countValue(labels, 2);
    ASSERT_GT(bone, 1000u);
    ASSERT_GT(soft, 10000u);
    io::SegmentInfo b{1,          "bone", {241, 214, 145}, "", io::SegmentAlgorithmType::Automatic,
                      "threshold"};
    b.type = {"272673000", "SCT", "Bone"};
    io::SegmentInfo s{
        2, "soft tissue", {128, 174, 128}, "", io::SegmentAlgorithmType::Automatic, "threshold"};

    const fs::path out = dir / "ct-seg.dcm";
    io::writeDicomSeg(labels, {b, s}, ctThreeSlices(), out);  // through the folder
    const io::DicomSegReadResult read = io::readDicomSeg(out);
    EXPECT_TRUE(read.labels.geometry().approxEqual(hu.geometry(), 1e-5));
    expectSameLabels(labels, read.labels);
    ASSERT_EQ(read.segments.size(), 2u);
    EXPECT_EQ(read.segments[0].name, "bone");
    EXPECT_EQ(read.segments[0].colour, b.colour);
    EXPECT_EQ(read.segments[0].type, b.type);
    EXPECT_EQ(read.segments[1].colour, s.colour);
    EXPECT_EQ(read.referencedSopInstanceUids, sopUidsBySlice(ct));
    EXPECT_EQ(read.labels.metadata().study.instanceUid, ct.study.instanceUid);
    EXPECT_EQ(read.labels.metadata().series.frameOfReferenceUid, ct.series.frameOfReferenceUid);

    const DcmtkView dcmtk = loadWithDcmtk(out);
    EXPECT_EQ(dcmtk.frames, 6u);
    EXPECT_EQ(dcmtk.setPixels.at(1), bone);
    EXPECT_EQ(dcmtk.setPixels.at(2), soft);
}

TEST(DicomSegRealData, ReadsDcmqiSegmentationsAsDcmtkDoes) {
    STRATUM_REQUIRE_DATA(dcmqiSeg("liver.dcm"));
    const io::DicomScan scan = io::scanDicom(ctThreeSlices());
    const io::DicomSeries& ct = onlySeries(scan);

    // One segment on all three slices of the CT.
    const io::DicomSegReadResult liver = io::readDicomSeg(dcmqiSeg("liver.dcm"));
    EXPECT_TRUE(liver.labels.geometry().approxEqual(ct.geometry, 1e-3));
    ASSERT_EQ(liver.segments.size(), 1u);
    EXPECT_EQ(liver.segments[0].name, "Liver");
    EXPECT_EQ(liver.referencedSopInstanceUids, sopUidsBySlice(ct));
    const DcmtkView dcmtkLiver = loadWithDcmtk(dcmqiSeg("liver.dcm"));
    EXPECT_GT(dcmtkLiver.setPixels.at(1), 0u);
    EXPECT_EQ(countValue(liver.labels, 1), dcmtkLiver.setPixels.at(1));

    // Five overlapping segments, empty frames left out.
    const io::DicomSegReadResult overlaps = io::readDicomSeg(dcmqiSeg("partial_overlaps.dcm"));
    EXPECT_EQ(overlaps.frames, 7u);
    ASSERT_EQ(overlaps.segments.size(), 5u);
    EXPECT_EQ(overlaps.segments[0].name, "GREEN");
    EXPECT_EQ(overlaps.segments[4].name, "DARK_BLUE");
    const DcmtkView dcmtk = loadWithDcmtk(dcmqiSeg("partial_overlaps.dcm"));
    std::size_t setBits = 0;
    for (const auto& [n, count] : dcmtk.setPixels) setBits += count;
    std::size_t labelled = 0;
    for (unsigned v = 1; v <= 5; ++v) labelled += countValue(overlaps.labels, v);
    EXPECT_GT(overlaps.overlappingVoxels, 0u);
    EXPECT_EQ(labelled + overlaps.overlappingVoxels, setBits);
    EXPECT_TRUE(test::hasWarningContaining(overlaps.warnings, "belong to more than one segment"));
}

}  // namespace
