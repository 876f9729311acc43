// `stratum segment` with a DICOM input and an output ending in .dcm: a DICOM SEG whose
// label map equals the library's segmentation, with the manifest's names and colours.
#include <gtest/gtest.h>

#include <map>

#include "Subprocess.h"
#include "TestData.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/io/Dicom.h"
#include "stratum/io/DicomSeg.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
using namespace stratum::test;
namespace fs = std::filesystem;

namespace {

ai::Segmenter makeSegSegmenter() {
    ai::UNetSpec spec;
    spec.dimensions = 3;
    spec.depth = 2;
    spec.width = 4;
    spec.numLabels = 3;
    ai::Segmenter s = ai::Segmenter::create(spec, 11, "cpu");
    ai::ModelManifest m = s.manifest();
    m.name = "seg-cli-test";
    m.labels = {{"background", {0, 0, 0}}, {"organ a", {255, 0, 0}}, {"organ b", {0, 0, 255}}};
    m.input.size = {16, 16, 8};
    m.preprocessing.intensity = ai::IntensityMethod::ZScore;
    s.setManifest(m);
    return s;
}

}  // namespace

TEST(SegmentCli, DicomInputToDicomSeg) {
    TempDir dir;
    ai::Segmenter segmenter = makeSegSegmenter();
    segmenter.save(dir / "model");
    core::Geometry g;
    g.size = {21, 18, 7};
    g.spacing = {0.9, 0.9, 3.0};
    g.origin = {-12.0, 4.0, 50.0};
    core::Image input(core::PixelType::Int16, 1, g);
    std::int16_t* v = input.data<std::int16_t>();
    for (std::size_t i = 0; i < input.voxelCount(); ++i)
        v[i] = static_cast<std::int16_t>((i * 7919) % 401 - 200);
    io::writeDicomSeries(input, dir / "series");

    const ProcessResult r =
        runProcess(STRATUM_CLI_PATH,
                   {"segment", "--model", (dir / "model").string(), (dir / "series").string(),
                    (dir / "seg.dcm").string(), "--device", "cpu"});
    ASSERT_EQ(r.exitCode, 0) << r.err;

    // What the library says for the same input, renumbered 1..N over the labels present.
    const core::Image read = io::readImage(dir / "series").image;
    const ai::SegmentationResult expected = segmenter.segment(read, segmenter.defaultOptions());
    std::map<int, int> present;
    for (std::size_t i = 0; i < expected.labels.voxelCount(); ++i)
        if (const int l = static_cast<int>(expected.labels.value(
                i % g.size[0], (i / g.size[0]) % g.size[1], i / (g.size[0] * g.size[1])));
            l > 0)
            present[l] = 0;
    ASSERT_FALSE(present.empty()) << "the test network predicts background only";
    int n = 0;
    for (auto& [label, number] : present) number = ++n;

    const io::DicomSegReadResult seg = io::readDicomSeg(dir / "seg.dcm");
    ASSERT_TRUE(seg.labels.geometry().approxEqual(read.geometry(), 1e-5));
    std::size_t differing = 0;
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i) {
                const int l = static_cast<int>(expected.labels.value(i, j, k));
                differing += seg.labels.value(i, j, k) != (l == 0 ? 0 : present[l]);
            }
    EXPECT_EQ(differing, 0u);
    const ai::ModelManifest& m = segmenter.manifest();
    ASSERT_EQ(seg.segments.size(), present.size());
    for (const auto& [label, number] : present) {
        const io::SegmentInfo& s = seg.segments[number - 1];
        EXPECT_EQ(s.name, m.labels[label].name);
        EXPECT_EQ(s.colour, m.labels[label].colour);
        EXPECT_EQ(s.algorithmName, "seg-cli-test");
    }
    EXPECT_EQ(seg.labels.metadata().series.description, "Segmentation (seg-cli-test)");

    // Never into the input series' folder (refused before the model runs).
    const ProcessResult inside =
        runProcess(STRATUM_CLI_PATH,
                   {"segment", "--model", (dir / "model").string(), (dir / "series").string(),
                    (dir / "series" / "seg.dcm").string(), "--device", "cpu"});
    EXPECT_EQ(inside.exitCode, 1) << inside.err;
    EXPECT_NE(
        inside.err.find((dir / "series" / "seg.dcm").string() + ": is inside the input folder (" +
                        (dir / "series").string() + "); write the DICOM SEG elsewhere"),
        std::string::npos)
        << inside.err;
    EXPECT_FALSE(fs::exists(dir / "series" / "seg.dcm"));
}
