// `stratum classify`, `evaluate` and `train-classifier` as a user runs them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "Subprocess.h"
#include "TestData.h"
#include "stratum/core/Image.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
using namespace stratum::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

ProcessResult stratumRun(const std::vector<std::string>& args) { return runProcess(STRATUM_CLI_PATH, args); }
fs::path model() { return resources().parent_path() / "models" / "chest-xray-pneumonia"; }
fs::path sample(const std::string& name) { return resources() / "samples" / "chest-xray" / name; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

void expectOneError(const ProcessResult& r, const std::string& mention) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    const auto lines = r.errLines();
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(lines[0].rfind("stratum: error: ", 0), 0u) << lines[0];
    EXPECT_TRUE(contains(lines[0], mention)) << lines[0];
}

}  // namespace

TEST(ClassifyCli, JsonForTheBundledSamples) {
    const ProcessResult r = stratumRun({"classify", "--model", model().string(), "--device", "cpu", "--json",
                                        sample("NORMAL/IM-0117-0001.jpeg").string(),
                                        sample("PNEUMONIA/person1002_bacteria_2933.jpeg").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["model"]["name"], "chest-xray-pneumonia");
    EXPECT_EQ(j["model"]["device"], "cpu");
    ASSERT_EQ(j["images"].size(), 2u);
    EXPECT_EQ(j["images"][0]["predicted"], "NORMAL");
    EXPECT_EQ(j["images"][1]["predicted"], "PNEUMONIA");
    EXPECT_GT(j["images"][1]["probabilities"]["PNEUMONIA"].get<double>(), 0.5);
    EXPECT_TRUE(contains(j["model"]["disclaimer"].get<std::string>(), "Not for diagnosis"));
}

TEST(ClassifyCli, TextAndGradCamPng) {
    TempDir dir;
    const ProcessResult r = stratumRun({"classify", "--model", model().string(), "--device", "cpu",
                                        sample("PNEUMONIA/person1000_virus_1681.jpeg").string(), "--gradcam",
                                        (dir / "cam.png").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "person1000_virus_1681.jpeg: PNEUMONIA (NORMAL ")) << r.out;
    EXPECT_TRUE(contains(r.out, "Grad-CAM (PNEUMONIA): " + (dir / "cam.png").string())) << r.out;
    const core::Image png = io::readImage(dir / "cam.png").image;
    EXPECT_EQ(png.components(), 3);
}

TEST(ClassifyCli, ErrorsNameTheFile) {
    TempDir dir;
    expectOneError(stratumRun({"classify", "--model", (dir / "nothing").string(), sample("NORMAL/IM-0115-0001.jpeg").string()}),
                   (dir / "nothing").string() + ": model package does not exist");
    core::Geometry g;
    g.size = {16, 16, 6};
    io::writeImage(core::Image(core::PixelType::Int16, 1, g), dir / "volume.nrrd");
    const ProcessResult v = stratumRun({"classify", "--model", model().string(), (dir / "volume.nrrd").string()});
    expectOneError(v, (dir / "volume.nrrd").string() + ": the model 'chest-xray-pneumonia' cannot take this image");
    EXPECT_TRUE(contains(v.err, "got a 3D volume of 16x16x6 voxels")) << v.err;
    expectOneError(stratumRun({"classify", "--model", model().string(), (dir / "missing.png").string()}),
                   (dir / "missing.png").string() + ": does not exist");
    expectOneError(stratumRun({"classify", "--model", model().string(), "--device", "tpu",
                               sample("NORMAL/IM-0115-0001.jpeg").string()}),
                   "device 'tpu'");
}

TEST(ClassifyCli, UsageErrors) {
    for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"classify", "x.png"}, "classify: missing --model PACKAGE"},
             {{"classify", "--model", "m"}, "classify: missing IMAGE"},
             {{"classify", "--model", "m", "--class", "A", "x.png"}, "classify: --class applies to --gradcam"},
             {{"evaluate", "--model", "m"}, "evaluate: missing --data DIR"},
             {{"evaluate", "--model", "m", "--data", "d", "--bins", "1"}, "--bins: 1 is out of range (2 to 100)"},
             {{"train-classifier", "--output", "o"}, "train-classifier: missing --data DIR"},
             {{"train-classifier", "--data", "d", "--output", "o", "--lr", "fast"}, "--lr: 'fast' is not a number"},
             {{"train-classifier", "--data", "d", "--output", "o", "--architecture", "vgg"},
              "--architecture: expected resnet, densenet or simplecnn, not 'vgg'"},
             {{"train-classifier", "--data", "d", "--output", "o", "--resume"}, "--resume needs --checkpoint DIR"}}) {
        const ProcessResult r = stratumRun(args);
        EXPECT_EQ(r.exitCode, 2) << args[0] << " " << r.err;
        EXPECT_EQ(r.err.rfind("stratum: " + message + "\n", 0), 0u) << r.err;
    }
    const ProcessResult help = stratumRun({"help", "train-classifier"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_TRUE(contains(help.out, "--checkpoint DIR")) << help.out;
}

TEST(EvaluateCli, SamplesJsonAndFiles) {
    TempDir dir;
    const ProcessResult r = stratumRun({"evaluate", "--model", model().string(), "--data",
                                        (resources() / "samples" / "chest-xray").string(), "--output",
                                        (dir / "eval").string(), "--device", "cpu", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["images"], 6);
    EXPECT_EQ(j["confusion_matrix"], json({{3, 0}, {0, 3}}));
    EXPECT_EQ(j["written"].size(), 3u);
    EXPECT_TRUE(fs::exists(dir / "eval" / "roc.png"));
    const ProcessResult text = stratumRun({"evaluate", "--model", model().string(), "--data",
                                           (resources() / "samples" / "chest-xray").string(), "--device", "cpu"});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_TRUE(contains(text.out, "accuracy     1.0000")) << text.out;
}
