// `stratum make-phantoms`, `train-segmenter` and `evaluate-segmentation` as a user runs
// them: phantoms equal to the library's, a tiny training run writing a package and its
// logs, and evaluation figures equal to the library's on the same files.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "Subprocess.h"
#include "TestData.h"
#include "stratum/ai/Phantom.h"
#include "stratum/ai/SegmentationMetrics.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
using namespace stratum::test;
namespace fs = std::filesystem;

namespace {

ProcessResult run(const std::vector<std::string>& args) {
    return runProcess(STRATUM_CLI_PATH, args);
}
bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::string readText(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

ai::PhantomOptions tiny() {
    ai::PhantomOptions o;
    o.size = {24, 24, 24};
    o.spacing = {6.0, 6.0, 6.0};
    return o;
}

}  // namespace

TEST(SegmentTrainCli, PhantomsTrainingAndEvaluation) {
    TempDir dir;
    // make-phantoms: the files hold exactly the library's phantoms.
    ProcessResult r = run({"make-phantoms", (dir / "ph").string(), "--count", "3", "--seed", "5",
                           "--size", "24", "--spacing", "6"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const std::uint64_t seed : {5, 6, 7}) {
        const std::string name = "phantom_00000" + std::to_string(seed) + ".nii.gz";
        const core::Image image = io::readImage(dir / "ph" / "images" / name).image;
        const core::Image labels = io::readImage(dir / "ph" / "labels" / name).image;
        const ai::Phantom p = ai::makePhantom(tiny(), seed);
        ASSERT_EQ(image.size(), p.image.size());
        EXPECT_TRUE(image.geometry().approxEqual(p.image.geometry()));
        EXPECT_EQ(0, std::memcmp(image.data(), p.image.data(), p.image.byteSize())) << seed;
        EXPECT_EQ(0, std::memcmp(labels.data(), p.labels.data(), p.labels.byteSize())) << seed;
    }

    // train-segmenter: a tiny run, one of the three phantoms held out.
    r = run({"train-segmenter",
             "--images",
             (dir / "ph" / "images").string(),
             "--labels",
             (dir / "ph" / "labels").string(),
             "--output",
             (dir / "model").string(),
             "--depth",
             "2",
             "--width",
             "4",
             "--norm",
             "batch",
             "--patch",
             "16,16,16",
             "--inference-patch",
             "24,24,24",
             "--epochs",
             "2",
             "--iterations",
             "3",
             "--intensity",
             "window:0:800",
             "--label-names",
             "background,organ,kidney,vessel",
             "--validation-fraction",
             "0.34",
             "--flip",
             "xy",
             "--rotate",
             "5",
             "--device",
             "cpu",
             "--threads",
             "1",
             "--checkpoint",
             (dir / "ckpt.pt").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "epoch 1/2: loss ")) << r.out;
    EXPECT_TRUE(contains(r.out, "epoch 2/2: loss ")) << r.out;
    EXPECT_TRUE(contains(r.out, "2 training and 1 validation volumes")) << r.out;
    EXPECT_TRUE(fs::exists(dir / "ckpt.pt"));
    const ai::Segmenter model = ai::Segmenter::load(dir / "model", {"cpu"});
    const ai::ModelManifest& m = model.manifest();
    EXPECT_EQ(m.labelNames(), ai::phantomLabelNames());
    EXPECT_EQ(m.input.size, (std::vector<int>{24, 24, 24}));
    EXPECT_EQ(m.weights.dtype, "float16");
    const auto training = nlohmann::json::parse(m.trainingJson);
    EXPECT_EQ(training["training_volumes"], 2);
    EXPECT_EQ(training["epochs_run"], 2);
    const auto validation = nlohmann::json::parse(m.validationJson);
    const std::string csv = readText(dir / "model" / "training-log.csv");
    EXPECT_EQ(
        csv.rfind(
            "epoch,loss,learning_rate,seconds,mean_dice,dice_organ,dice_kidney,dice_vessel,best\n",
            0),
        0u)
        << csv;
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
    const auto log = nlohmann::json::parse(readText(dir / "model" / "training-log.json"));
    ASSERT_EQ(log["epochs"].size(), 2u);
    const int best = validation["best_epoch"];
    EXPECT_DOUBLE_EQ(log["epochs"][best - 1]["mean_dice"].get<double>(),
                     validation["mean_dice"].get<double>());
    // An existing package folder is refused.
    r = run({"train-segmenter", "--images", (dir / "ph" / "images").string(), "--labels",
             (dir / "ph" / "labels").string(), "--output", (dir / "model").string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(contains(r.err, "already exists")) << r.err;

    // evaluate-segmentation of a prediction equals the library on the same files.
    const fs::path image = dir / "ph" / "images" / "phantom_000005.nii.gz";
    const fs::path truth = dir / "ph" / "labels" / "phantom_000005.nii.gz";
    r = run({"segment", "--model", (dir / "model").string(), image.string(),
             (dir / "pred.nii.gz").string(), "--device", "cpu"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = run({"evaluate-segmentation", "--pred", (dir / "pred.nii.gz").string(), "--truth",
             truth.string(), "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    const auto e = ai::evaluateSegmentation(io::readImage(dir / "pred.nii.gz").image,
                                            io::readImage(truth).image);
    ASSERT_EQ(j["pairs"].size(), 1u);
    EXPECT_EQ(j["pairs"][0]["voxel_accuracy"].get<double>(), e.voxelAccuracy);
    ASSERT_EQ(j["pairs"][0]["labels"].size(), e.labels.size());
    for (std::size_t l = 0; l < e.labels.size(); ++l) {
        const auto& jl = j["pairs"][0]["labels"][l];
        EXPECT_EQ(jl["label"].get<int>(), e.labels[l].label);
        EXPECT_EQ(jl["dice"].get<double>(), e.labels[l].dice);
        EXPECT_EQ(jl["iou"].get<double>(), e.labels[l].iou);
        if (std::isfinite(e.labels[l].hd95Mm)) {
            EXPECT_EQ(jl["hd95_mm"].get<double>(), e.labels[l].hd95Mm);
            EXPECT_EQ(jl["mean_surface_distance_mm"].get<double>(),
                      e.labels[l].meanSurfaceDistanceMm);
        }
    }
    // Folders matched by name; the truth against itself is perfect.
    r = run({"evaluate-segmentation", "--pred", (dir / "ph" / "labels").string(), "--truth",
             (dir / "ph" / "labels").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "label 3: Dice 1.000000, IoU 1.000000, HD95 0.000 mm")) << r.out;
    // Intensity mode: MSE and SSIM equal the library's.
    const fs::path other = dir / "ph" / "images" / "phantom_000006.nii.gz";
    r = run({"evaluate-segmentation", "--pred", other.string(), "--truth", image.string(),
             "--intensity", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto ji = nlohmann::json::parse(r.out);
    const auto c = ai::compareIntensities(io::readImage(other).image, io::readImage(image).image);
    EXPECT_EQ(ji["pairs"][0]["mse"].get<double>(), c.mse);
    EXPECT_EQ(ji["pairs"][0]["ssim"].get<double>(), c.ssim);
    // Geometry mismatch: a clear error naming both files.
    ai::PhantomOptions small = tiny();
    small.size = {20, 24, 24};
    io::writeImage(ai::makePhantom(small, 1).labels, dir / "small.nii.gz");
    r = run({"evaluate-segmentation", "--pred", (dir / "small.nii.gz").string(), "--truth",
             truth.string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(contains(r.err, (dir / "small.nii.gz").string())) << r.err;
    EXPECT_TRUE(contains(r.err, truth.string())) << r.err;
    EXPECT_TRUE(contains(r.err, "differ in geometry")) << r.err;
}
