// `stratum classify`, `evaluate` and `train-classifier` as a user runs them.
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

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
             {{"classify", "--model", "m", "--class", "A", "x.png"},
              "classify: --class applies to --gradcam and --heatmap-out"},
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

// ---- Machine-readable progress and data outputs (the workstation's AI panels) --------

namespace {

// Sets an environment variable for the scope of a test (children inherit it).
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
    ~ScopedEnv() { ::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
};

std::vector<json> jsonLines(const ProcessResult& r) {
    std::vector<json> lines;
    for (const std::string& line : r.errLines()) {
        if (line.rfind("stratum: warning: ", 0) == 0) continue;  // warnings stay plain text
        json j = json::parse(line, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
        if (!j.is_discarded()) lines.push_back(std::move(j));
    }
    return lines;
}

// A tiny class-per-folder set: 32x32 grey PNGs, a bright square on the left (LEFT) or
// on the right (RIGHT), at a few positions.
void writeTinySet(const fs::path& dir, int perClass) {
    for (int c = 0; c < 2; ++c) {
        const fs::path folder = dir / (c == 0 ? "LEFT" : "RIGHT");
        fs::create_directories(folder);
        for (int n = 0; n < perClass; ++n) {
            core::Geometry g;
            g.size = {32, 32, 1};
            core::Image image(core::PixelType::UInt8, 1, g);
            const int x0 = (c == 0 ? 3 : 19) + n % 3, y0 = 6 + 3 * (n % 4);
            for (int y = y0; y < y0 + 10; ++y)
                for (int x = x0; x < x0 + 10; ++x) image.setValue(x, y, 0, 200.0 + 5 * (n % 5));
            io::writeImage(image, folder / ("img" + std::to_string(n) + ".png"));
        }
    }
}

}  // namespace

TEST(ClassifyCli, HeatmapAndModelInputAsDataWithJsonProgress) {
    TempDir dir;
    const fs::path input = sample("PNEUMONIA/person1000_virus_1681.jpeg");
    const ProcessResult plain = stratumRun({"classify", "--model", model().string(), "--device", "cpu", "--json",
                                            input.string()});
    ASSERT_EQ(plain.exitCode, 0) << plain.err;
    const ScopedEnv jsonl("STRATUM_PROGRESS", "jsonl");
    const ProcessResult r = stratumRun({"classify", "--model", model().string(), "--device", "cpu", "--json",
                                        input.string(), "--heatmap-out", (dir / "heat.nrrd").string(),
                                        "--model-input-out", (dir / "input.png").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // stderr: progress objects only, ending at 1.
    const std::vector<json> lines = jsonLines(r);
    ASSERT_FALSE(lines.empty());
    for (const json& l : lines) EXPECT_TRUE(l.contains("progress") && l.contains("message")) << l.dump();
    EXPECT_EQ(lines.back()["progress"].get<double>(), 1.0);
    // The same probabilities as without the data outputs.
    const json a = json::parse(plain.out)["images"][0], b = json::parse(r.out)["images"][0];
    EXPECT_EQ(a["probabilities"], b["probabilities"]);
    EXPECT_EQ(b["gradcam"]["label"], b["predicted"]);
    EXPECT_EQ(b["gradcam"]["heatmap"], (dir / "heat.nrrd").string());
    EXPECT_EQ(b["gradcam"]["model_input"], (dir / "input.png").string());
    // The heatmap: float in [0, 1], peak 1, on the input's own grid.
    const core::Image original = io::readImage(input).image;
    const core::Image heat = io::readImage(dir / "heat.nrrd").image;
    EXPECT_EQ(heat.pixelType(), core::PixelType::Float32);
    EXPECT_EQ(heat.size(), original.size());
    for (int a2 = 0; a2 < 3; ++a2) EXPECT_NEAR(heat.geometry().spacing[a2], original.geometry().spacing[a2], 1e-6);
    const auto [low, high] = heat.minMax();
    EXPECT_GE(low, 0.0);  // normalised to a peak of 1 on the model's grid, then resampled
    EXPECT_LE(high, 1.0);
    EXPECT_GT(high, 0.95);
    // What the model saw: the manifest's 128 x 128 grey input, stretched to 0..255.
    const core::Image seen = io::readImage(dir / "input.png").image;
    EXPECT_EQ(seen.size(), (core::Size3{128, 128, 1}));
    EXPECT_EQ(seen.components(), 1);
    EXPECT_EQ(seen.minMax(), (std::pair<double, double>{0.0, 255.0}));
    // Usage: one image only.
    const ProcessResult two = stratumRun({"classify", "--model", model().string(), input.string(), input.string(),
                                          "--heatmap-out", (dir / "h.nrrd").string()});
    EXPECT_EQ(two.exitCode, 2) << two.err;
}

TEST(TrainClassifierCli, EpochEventsInTheJsonProgressStream) {
    TempDir dir;
    writeTinySet(dir / "data", 6);
    const ScopedEnv jsonl("STRATUM_PROGRESS", "jsonl");
    const ScopedEnv threads("STRATUM_THREADS", "1");
    const ProcessResult r = stratumRun({"train-classifier", "--data", (dir / "data").string(), "--output",
                                        (dir / "pkg").string(), "--architecture", "simplecnn", "--width", "4",
                                        "--input-size", "32", "--epochs", "2", "--batch", "4", "--validation", "0.34",
                                        "--device", "cpu", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::vector<json> epochs;
    for (const json& l : jsonLines(r))
        if (l.value("event", "") == "epoch") epochs.push_back(l);
    ASSERT_EQ(epochs.size(), 2u) << r.err;
    for (int e = 0; e < 2; ++e) {
        EXPECT_EQ(epochs[e]["epoch"], e + 1);
        EXPECT_EQ(epochs[e]["epochs"], 2);
        EXPECT_GT(epochs[e]["train"]["count"].get<int>(), 0);
        EXPECT_GT(epochs[e]["validation"]["count"].get<int>(), 0);
        for (const char* split : {"train", "validation"}) {
            EXPECT_GT(epochs[e][split]["loss"].get<double>(), 0.0);
            EXPECT_GE(epochs[e][split]["accuracy"].get<double>(), 0.0);
            EXPECT_LE(epochs[e][split]["accuracy"].get<double>(), 1.0);
        }
    }
    // The final JSON: the same epochs, the validation confusion matrix and ROC curve.
    const json result = json::parse(r.out);
    ASSERT_EQ(result["history"].size(), 2u);
    EXPECT_EQ(result["history"][1]["train"]["loss"], epochs[1]["train"]["loss"]);
    EXPECT_EQ(result["validation"]["confusion_matrix"].size(), 2u);
    ASSERT_GE(result["validation_roc"].size(), 2u);
    EXPECT_TRUE(fs::exists(dir / "pkg" / "manifest.json"));
}

TEST(TrainClassifierCli, InterruptCancelsCleanly) {
    TempDir dir;
    writeTinySet(dir / "data", 6);
    const ScopedEnv jsonl("STRATUM_PROGRESS", "jsonl");
    const ScopedEnv threads("STRATUM_THREADS", "1");
    const pid_t pid = startProcess(STRATUM_CLI_PATH,
                                   {"train-classifier", "--data", (dir / "data").string(), "--output",
                                    (dir / "pkg").string(), "--architecture", "simplecnn", "--width", "4",
                                    "--input-size", "32", "--epochs", "10000", "--batch", "4", "--device", "cpu"},
                                   dir / "out.txt", dir / "err.txt");
    ASSERT_GT(pid, 0);
    // Interrupt once the first epoch is reported (the job is then surely running).
    const auto firstEpochSeen = [&] {
        std::ifstream in(dir / "err.txt");
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return contains(text, "\"event\":\"epoch\"");
    };
    for (int i = 0; i < 600 && !firstEpochSeen(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(firstEpochSeen());
    ::kill(pid, SIGINT);
    EXPECT_EQ(waitProcess(pid), 130);
    std::ifstream in(dir / "err.txt");
    std::string last, line;
    while (std::getline(in, line)) last = line;
    EXPECT_EQ(last, "stratum: cancelled");
    EXPECT_FALSE(fs::exists(dir / "pkg"));
}
