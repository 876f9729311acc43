// `stratum segment` as a user runs it: a small segmentation package made in the test,
// the label map and probability maps compared with the library's own answer.
#include <gtest/gtest.h>

#include <cstring>

#include "Subprocess.h"
#include "TestData.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/core/Image.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
using namespace stratum::test;
namespace fs = std::filesystem;

namespace {

ProcessResult stratumRun(const std::vector<std::string>& args) {
    return runProcess(STRATUM_CLI_PATH, args);
}
bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

ai::Segmenter makeSegmenter() {
    ai::UNetSpec spec;
    spec.dimensions = 3;
    spec.depth = 2;
    spec.width = 4;
    spec.numLabels = 3;
    ai::Segmenter s = ai::Segmenter::create(spec, 5, "cpu");
    ai::ModelManifest m = s.manifest();
    m.name = "cli-test";
    m.labels = {{"background", {0, 0, 0}}, {"organ a", {255, 0, 0}}, {"organ/b", {0, 255, 0}}};
    m.input.size = {16, 16, 8};
    m.preprocessing.intensity = ai::IntensityMethod::ZScore;
    s.setManifest(m);
    return s;
}

core::Image volume() {
    core::Geometry g;
    g.size = {23, 17, 9};
    g.spacing = {0.8, 0.8, 2.5};
    g.origin = {-4.0, 2.0, 30.0};
    core::Image image(core::PixelType::Int16, 1, g);
    std::int16_t* v = image.data<std::int16_t>();
    for (std::size_t i = 0; i < image.voxelCount(); ++i)
        v[i] = static_cast<std::int16_t>((i * 7919) % 401 - 200);
    return image;
}

void expectSameVoxels(const core::Image& a, const core::Image& b) {
    ASSERT_EQ(a.pixelType(), b.pixelType());
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.byteSize()), 0);
}

}  // namespace

TEST(SegmentCli, LabelMapAndProbabilitiesEqualTheLibrary) {
    TempDir dir;
    makeSegmenter().save(dir / "model");
    const core::Image input = volume();
    io::writeImage(input, dir / "in.nii.gz");
    const ProcessResult r =
        stratumRun({"segment", "--model", (dir / "model").string(), (dir / "in.nii.gz").string(),
                    (dir / "out.nrrd").string(), "--probabilities", (dir / "prob").string(),
                    "--overlap", "0.25", "--mirror", "--device", "cpu"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "model: cli-test")) << r.out;
    EXPECT_TRUE(contains(r.out, "1 organ a: ")) << r.out;

    const ai::Segmenter loaded = ai::Segmenter::load(dir / "model", {"cpu"});
    ai::SegmentOptions o = loaded.defaultOptions();
    o.overlap = 0.25;
    o.mirror = true;
    o.probabilities = true;
    // The input as stratum reads it (NIfTI stores spacing and origin as float32).
    const core::Image read = io::readImage(dir / "in.nii.gz").image;
    const ai::SegmentationResult expected = loaded.segment(read, o);
    const core::Image labels = io::readImage(dir / "out.nrrd").image;
    EXPECT_EQ(labels.geometry().spacing, read.geometry().spacing);
    EXPECT_EQ(labels.geometry().origin, read.geometry().origin);
    EXPECT_EQ(labels.geometry().direction, read.geometry().direction);
    for (int a = 0; a < 3; ++a)
        EXPECT_NEAR(labels.geometry().spacing[a], input.geometry().spacing[a], 1e-6);
    expectSameVoxels(labels, expected.labels);
    expectSameVoxels(io::readImage(dir / "prob" / "1_organ_a.nii.gz").image,
                     expected.probabilities[1]);
    expectSameVoxels(io::readImage(dir / "prob" / "2_organ_b.nii.gz").image,
                     expected.probabilities[2]);
}

TEST(SegmentCli, ClearErrors) {
    TempDir dir;
    makeSegmenter().save(dir / "model");
    io::writeImage(volume(), dir / "in.nii.gz");
    ProcessResult r = stratumRun({"segment", "--model", (dir / "nothing").string(),
                                  (dir / "in.nii.gz").string(), (dir / "out.nii.gz").string()});
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_TRUE(contains(r.err, "model package does not exist")) << r.err;
    r = stratumRun({"segment", "--model", (dir / "model").string(), (dir / "in.nii.gz").string(),
                    (dir / "in.nii.gz").string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(contains(r.err, "would overwrite the input")) << r.err;
    r = stratumRun({"segment", "--model", (dir / "model").string(), (dir / "in.nii.gz").string(),
                    (dir / "out.nii.gz").string(), "--overlap", "1.5"});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(contains(r.err, "--overlap")) << r.err;
    EXPECT_FALSE(fs::exists(dir / "out.nii.gz"));
    r = stratumRun({"segment", "--model", (dir / "model").string(), (dir / "in.nii.gz").string()});
    EXPECT_EQ(r.exitCode, 2) << r.err;
}
