// Classification jobs: labelled folders and patients, the shipped chest X-ray model on
// the bundled samples, Grad-CAM overlays, evaluation outputs, and a small training run
// from image files to a loadable package.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/Classification.h"

using namespace stratum;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path samples() { return test::resources() / "samples" / "chest-xray"; }
fs::path shippedModel() { return test::resources().parent_path() / "models" / "chest-xray-pneumonia"; }

std::vector<fs::path> sampleFiles() {
    return {samples() / "NORMAL/IM-0115-0001.jpeg", samples() / "NORMAL/IM-0117-0001.jpeg",
            samples() / "NORMAL/IM-0119-0001.jpeg", samples() / "PNEUMONIA/person1000_bacteria_2931.jpeg",
            samples() / "PNEUMONIA/person1000_virus_1681.jpeg", samples() / "PNEUMONIA/person1002_bacteria_2933.jpeg"};
}

core::Image greyImage(int w, int h, const std::function<std::uint8_t(int, int)>& f) {
    core::Geometry g;
    g.size = {static_cast<std::size_t>(w), static_cast<std::size_t>(h), 1};
    core::Image image(core::PixelType::UInt8, 1, g);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) image.setValue(x, y, 0, f(x, y));
    return image;
}

}  // namespace

TEST(LabelledFolder, PatientsFromFileNames) {
    EXPECT_EQ(jobs::patientOf("person1000_bacteria_2931.jpeg"), "person1000");
    EXPECT_EQ(jobs::patientOf("person1000_virus_1681.jpeg"), "person1000");
    EXPECT_EQ(jobs::patientOf("IM-0115-0001.jpeg"), "IM-0115");
    EXPECT_EQ(jobs::patientOf("NORMAL2-IM-1422-0001.jpeg"), "NORMAL2-IM-1422");
    EXPECT_EQ(jobs::patientOf("scan_7.png"), "scan_7");
    EXPECT_EQ(jobs::patientOf("p12-b.png", "^(p[0-9]+)-"), "p12");
    EXPECT_THROW(jobs::patientOf("x.png", "(unclosed"), core::InvalidArgument);
}

TEST(LabelledFolder, ListsTheBundledSamples) {
    STRATUM_REQUIRE_DATA(samples());
    const jobs::LabelledFolder f = jobs::listLabelledFolder(samples());
    EXPECT_EQ(f.labels, (std::vector<std::string>{"NORMAL", "PNEUMONIA"}));
    ASSERT_EQ(f.images.size(), 6u);
    EXPECT_EQ(f.images[3].group, "person1000");
    EXPECT_EQ(f.images[4].group, "person1000");
    EXPECT_EQ(f.images[0].label, 0);
    EXPECT_EQ(f.images[5].label, 1);
    const jobs::LabelledFolder reversed = jobs::listLabelledFolder(samples(), {"PNEUMONIA", "NORMAL"});
    // Label order follows the list: PNEUMONIA is label 0 and listed first.
    EXPECT_EQ(reversed.images[0].label, 0);
    EXPECT_EQ(reversed.images[0].path.parent_path().filename(), "PNEUMONIA");
    EXPECT_THROW(jobs::listLabelledFolder(samples(), {"NORMAL", "COVID"}), core::IoError);
    EXPECT_THROW(jobs::listLabelledFolder(samples() / "missing"), core::IoError);
    EXPECT_THROW(jobs::listLabelledFolder(samples(), {"NORMAL"}), core::InvalidArgument);
}

TEST(ShippedModel, ClassifiesTheBundledSamples) {
    ASSERT_TRUE(fs::exists(shippedModel() / "manifest.json")) << shippedModel();
    STRATUM_REQUIRE_DATA(samples());
    jobs::ClassifyOptions options;
    options.model = shippedModel();
    options.device = "cpu";
    const jobs::ClassifyResult r = jobs::classifyImages(sampleFiles(), options);
    ASSERT_EQ(r.images.size(), 6u);
    for (std::size_t i = 0; i < 6; ++i) {
        const std::string expected = i < 3 ? "NORMAL" : "PNEUMONIA";
        EXPECT_EQ(r.images[i].classification.label, expected) << r.images[i].input;
        const auto& p = r.images[i].classification.probabilities;
        EXPECT_NEAR(p[0] + p[1], 1.0, 1e-9);
        EXPECT_GT(p[static_cast<std::size_t>(r.images[i].classification.predicted)], 0.5);
    }
    const json j = json::parse(jobs::toJson(r));
    EXPECT_EQ(j["model"]["name"], "chest-xray-pneumonia");
    EXPECT_EQ(j["model"]["labels"], json({"NORMAL", "PNEUMONIA"}));
    EXPECT_EQ(j["images"].size(), 6u);
    EXPECT_EQ(j["images"][0]["predicted"], "NORMAL");
    EXPECT_NEAR(j["images"][3]["probabilities"]["PNEUMONIA"].get<double>() +
                    j["images"][3]["probabilities"]["NORMAL"].get<double>(),
                1.0, 1e-9);
    EXPECT_NE(jobs::toText(r).find("Not for diagnosis"), std::string::npos);
}

TEST(ShippedModel, GradCamOverlayFiles) {
    ASSERT_TRUE(fs::exists(shippedModel() / "manifest.json"));
    STRATUM_REQUIRE_DATA(samples());
    test::TempDir dir;
    jobs::ClassifyOptions options;
    options.model = shippedModel();
    options.device = "cpu";
    options.gradCam = dir / "cam.png";
    const jobs::ClassifyResult one = jobs::classifyImages({sampleFiles()[3]}, options);
    ASSERT_EQ(one.images[0].gradCamPng, dir / "cam.png");
    const core::Image png = io::readImage(dir / "cam.png").image;
    EXPECT_EQ(png.components(), 3);
    EXPECT_GT(png.size()[0], 224u);  // the image plus the colour bar
    EXPECT_GT(png.size()[1], 224u);  // the image plus the title

    // Several images: a folder of <stem>_gradcam.png; an explicit class.
    options.gradCam = dir / "cams";
    options.gradCamLabel = "NORMAL";
    const jobs::ClassifyResult many = jobs::classifyImages({sampleFiles()[0], sampleFiles()[4]}, options);
    EXPECT_TRUE(fs::exists(dir / "cams" / "IM-0115-0001_gradcam.png"));
    EXPECT_TRUE(fs::exists(dir / "cams" / "person1000_virus_1681_gradcam.png"));
    EXPECT_EQ(many.images[1].gradCamClass, 0);
    options.gradCamLabel = "COVID";
    EXPECT_THROW(jobs::classifyImages({sampleFiles()[0]}, options), core::InvalidArgument);
}

TEST(ShippedModel, RefusesAVolumeNamingTheFile) {
    ASSERT_TRUE(fs::exists(shippedModel() / "manifest.json"));
    test::TempDir dir;
    core::Geometry g;
    g.size = {32, 32, 8};
    core::Image volume(core::PixelType::Int16, 1, g);
    io::writeImage(volume, dir / "ct.nii.gz");
    jobs::ClassifyOptions options;
    options.model = shippedModel();
    options.device = "cpu";
    try {
        jobs::classifyImages({dir / "ct.nii.gz"}, options);
        FAIL();
    } catch (const core::InvalidArgument& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind((dir / "ct.nii.gz").string() + ": ", 0), 0u) << what;
        EXPECT_NE(what.find("3D volume"), std::string::npos) << what;
    }
    EXPECT_THROW(jobs::classifyImages({dir / "missing.png"}, options), core::IoError);
    options.model = dir / "no-model";
    EXPECT_THROW(jobs::classifyImages({dir / "ct.nii.gz"}, options), core::IoError);
}

TEST(ShippedModel, EvaluatesTheSamplesWithPlots) {
    ASSERT_TRUE(fs::exists(shippedModel() / "manifest.json"));
    STRATUM_REQUIRE_DATA(samples());
    test::TempDir dir;
    jobs::EvaluateOptions options;
    options.model = shippedModel();
    options.data = samples();
    options.output = dir / "eval";
    options.device = "cpu";
    const jobs::EvaluateResult r = jobs::evaluateClassifier(options);
    EXPECT_EQ(r.metrics.count, 6);
    EXPECT_EQ(r.imagesPerLabel, (std::vector<std::int64_t>{3, 3}));
    EXPECT_DOUBLE_EQ(r.metrics.accuracy, 1.0);
    EXPECT_EQ(r.metrics.confusion, (std::vector<std::vector<std::int64_t>>{{3, 0}, {0, 3}}));
    ASSERT_EQ(r.written.size(), 3u);
    const json j = json::parse(std::ifstream(dir / "eval" / "evaluation.json"));
    EXPECT_EQ(j["images"], 6);
    EXPECT_EQ(j["positive_label"], "PNEUMONIA");
    EXPECT_DOUBLE_EQ(j["roc_auc"].get<double>(), r.metrics.rocAuc);
    EXPECT_EQ(j["reliability"].size(), 10u);
    const core::Image roc = io::readImage(dir / "eval" / "roc.png").image;
    EXPECT_EQ(roc.components(), 3);
    EXPECT_TRUE(fs::exists(dir / "eval" / "reliability.png"));
    EXPECT_NE(jobs::toText(r).find("confusion"), std::string::npos);
}

TEST(Overlay, HeatmapColoursAndColourBar) {
    const core::Image image = greyImage(64, 48, [](int x, int) { return static_cast<std::uint8_t>(x * 4); });
    core::Geometry g = image.geometry();
    core::Image heat(core::PixelType::Float32, 1, g);
    for (int y = 10; y < 20; ++y)
        for (int x = 30; x < 40; ++x) heat.setValue(x, y, 0, 1.0);
    const core::Image o = jobs::gradCamOverlay(image, heat, "TEST");
    ASSERT_EQ(o.pixelType(), core::PixelType::UInt8);
    ASSERT_EQ(o.components(), 3);
    const int top = static_cast<int>(o.size()[1]) - 48 - 4;  // title rows above the image
    ASSERT_GT(top, 0);
    // Full heat is red-dominated; zero heat keeps the grey with a faint blue tint.
    const std::size_t hx = 35, hy = static_cast<std::size_t>(top + 15);
    EXPECT_GT(o.value(hx, hy, 0, 0), o.value(hx, hy, 0, 2) + 50);
    const std::size_t cx = 5, cy = static_cast<std::size_t>(top + 40);
    EXPECT_GE(o.value(cx, cy, 0, 2), o.value(cx, cy, 0, 0));
    // The colour bar right of the image: dark red on top, dark blue at the bottom.
    const std::size_t bx = 64 + 8 + 4;
    EXPECT_GT(o.value(bx, static_cast<std::size_t>(top + 1), 0, 0), 100);
    EXPECT_GT(o.value(bx, static_cast<std::size_t>(top + 46), 0, 2), 100);
    core::Image wrong(core::PixelType::Float32, 1, core::Geometry{{10, 10, 1}});
    EXPECT_THROW(jobs::gradCamOverlay(image, wrong, "x"), core::InvalidArgument);
}

TEST(TrainClassifierJob, FromImageFilesToAPackage) {
    test::TempDir dir;
    // 40 images, 2 per patient; 4 pixel-identical pairs across patients (must be grouped).
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> noise(0, 40), pos(10, 21);
    std::vector<core::Image> kept;
    for (int i = 0; i < 40; ++i) {
        const bool blob = i % 2 == 1;
        const std::string cls = blob ? "present" : "absent";
        const int bx = pos(rng), by = pos(rng);
        core::Image image = greyImage(32, 32, [&](int x, int y) {
            const double d = std::hypot(x - bx, y - by);
            return static_cast<std::uint8_t>(60 + noise(rng) + (blob && d < 4 ? 120 : 0));
        });
        if (i >= 36) image = kept[static_cast<std::size_t>(i - 36) * 2 + (blob ? 1 : 0)];  // duplicates
        kept.push_back(image);
        fs::create_directories(dir / "data" / cls);
        io::writeImage(image, dir / "data" / cls / ("p" + std::to_string(i / 2) + "-" + std::to_string(i) + ".png"));
    }
    jobs::TrainClassifierOptions o;
    o.data = dir / "data";
    o.output = dir / "pkg";
    o.groupPattern = "^(p[0-9]+)-";
    o.architecture = ai::ArchitectureSpec::simpleCnn(1, 2, 4, {1, 1});
    o.inputSize = 32;
    o.training.epochs = 2;
    o.training.batchSize = 8;
    o.training.validationFraction = 0.25;
    o.training.device = "cpu";
    std::vector<int> epochs;
    const jobs::TrainClassifierResult r =
        jobs::trainClassifier(o, [&](const ai::EpochRecord& e) { epochs.push_back(e.epoch); });
    EXPECT_EQ(epochs, (std::vector<int>{1, 2}));
    EXPECT_EQ(r.images, 40u);
    EXPECT_EQ(r.labels, (std::vector<std::string>{"absent", "present"}));
    // 20 patients, 4 of them joined to another by an identical image: 16 groups.
    EXPECT_EQ(r.training.trainGroups + r.training.validationGroups, 16u);
    EXPECT_TRUE(fs::exists(dir / "pkg" / "training_log.csv"));
    EXPECT_TRUE(fs::exists(dir / "pkg" / "training_log.json"));
    const ai::Classifier loaded = ai::Classifier::load(dir / "pkg", {"cpu"});
    EXPECT_EQ(loaded.manifest().name, "pkg");
    EXPECT_EQ(loaded.manifest().positiveLabel, 1);
    const json summary = json::parse(loaded.manifest().trainingJson);
    EXPECT_EQ(summary["pixel_identical_duplicates_grouped"], 4);
    EXPECT_EQ(json::parse(jobs::toJson(r))["history"].size(), 2u);
    EXPECT_NE(jobs::epochLine(r.training.history[0], 2).find("epoch 1/2"), std::string::npos);

    // Refusals before any work: a non-empty output, the data folder itself.
    EXPECT_THROW(jobs::trainClassifier(o), core::InvalidArgument);
    o.output = o.data;
    EXPECT_THROW(jobs::trainClassifier(o), core::InvalidArgument);
}
