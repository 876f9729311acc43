// Manifest: JSON round trip and errors that name the file and the field.
#include <gtest/gtest.h>

#include <fstream>

#include "AiTestSupport.h"
#include "TestData.h"
#include "stratum/ai/Manifest.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

ai::ModelManifest fullManifest() {
    ai::ModelManifest m = test::tinyManifest(ai::ArchitectureSpec::resnet18(1, 2, 16), 224, {"NORMAL", "PNEUMONIA"});
    m.name = "chest \"xray\"\n\\ test";
    m.version = "2.1.0";
    m.description = "unicode: é µ";
    m.labels[1].colour = {255, 0, 12};
    m.input.modalities = {"CR", "DX"};
    m.input.spacing = {0.5, 0.25};
    m.preprocessing.resize = ai::ResizePolicy::Letterbox;
    m.preprocessing.medianRadius = 1;
    m.preprocessing.low = 1.0;
    m.preprocessing.high = 99.0;
    m.weights.sha256 = std::string(63, 'a') + "b";
    m.weights.dtype = "float16";
    m.calibration.temperature = 1.37;
    m.calibration.logitOffsets = {0.1, -0.2};
    m.calibration.method = "temperature";
    m.trainingJson = R"({"images": {"NORMAL": 10}, "seed": 42})";
    m.validationJson = R"({"accuracy": 0.9375})";
    m.intendedUse = "research";
    m.license = "CC-BY-4.0";
    m.authors = "Stratum";
    return m;
}

// Parses `text` and returns the FormatError's message (fails when it parses).
std::string errorOf(const std::string& text) {
    try {
        ai::ModelManifest::fromJson(text, "pkg/manifest.json");
    } catch (const core::FormatError& e) {
        EXPECT_EQ(e.path(), "pkg/manifest.json");
        return e.problem();
    }
    ADD_FAILURE() << "no error for: " << text;
    return {};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return text;
}

}  // namespace

TEST(Manifest, RoundTripKeepsEveryField) {
    const ai::ModelManifest m = fullManifest();
    const std::string text = m.toJson();
    const ai::ModelManifest back = ai::ModelManifest::fromJson(text);
    EXPECT_EQ(back.name, m.name);
    EXPECT_EQ(back.labels, m.labels);
    EXPECT_EQ(back.positiveLabel, 1);
    EXPECT_EQ(back.input, m.input);
    EXPECT_EQ(back.preprocessing, m.preprocessing);
    EXPECT_EQ(back.weights, m.weights);
    EXPECT_EQ(back.calibration, m.calibration);
    EXPECT_EQ(back.description, m.description);
    EXPECT_EQ(back.gradCam.target, "layer4");
    // Embedded JSON objects are re-indented but equal: a second round trip is exact.
    EXPECT_EQ(back.toJson(), text);
    EXPECT_NE(text.find("\"seed\": 42"), std::string::npos);
    EXPECT_NE(text.find("\"format\": \"stratum-model-package\""), std::string::npos);
}

TEST(Manifest, ReadFileErrorsNameTheFile) {
    test::TempDir dir;
    EXPECT_THROW(ai::ModelManifest::readFile(dir / "manifest.json"), core::IoError);
    std::ofstream(dir / "manifest.json") << "{\n  \"name\": \"x\",\n  oops\n}";
    try {
        ai::ModelManifest::readFile(dir / "manifest.json");
        FAIL();
    } catch (const core::FormatError& e) {
        EXPECT_EQ(e.path(), (dir / "manifest.json").string());
        EXPECT_NE(e.problem().find("line 3, column 3"), std::string::npos) << e.problem();
    }
}

TEST(Manifest, FieldErrorsSayWhichField) {
    const std::string good = fullManifest().toJson();
    EXPECT_NE(errorOf("[1, 2]").find("not a model manifest"), std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"stratum-model-package\"", "\"other\"")).find("not a Stratum model manifest"),
              std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"format_version\": 1", "\"format_version\": 9")).find("newer"),
              std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"task\": \"classification\"", "\"task\": \"regression\""))
                  .find("field 'task' has unknown value 'regression'"),
              std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"channels\": 1", "\"channels\": \"one\"")).find("'input.channels' must be a number"),
              std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"channels\": 1", "\"channels\": 2")).find("input.channels"), std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"sha256\": \"aaa", "\"sha256\": \"AAA")).find("weights.sha256"),
              std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"num_classes\": 2", "\"num_classes\": 3")).find("num_classes"),
              std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"positive_label\": \"PNEUMONIA\"", "\"positive_label\": \"FLU\""))
                  .find("'positive_label' names 'FLU'"),
              std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"file\": \"model.pt\"", "\"file\": \"../model.pt\"")).find("weights.file"),
              std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"name\": \"resnet\"", "\"name\": \"vgg\"")).find("unknown architecture 'vgg'"),
              std::string::npos);
    EXPECT_NE(errorOf(replaced(good, "\"temperature\": 1.37", "\"temperature\": -1")).find("temperature"),
              std::string::npos);
    std::string noName = good;
    noName.erase(noName.find("\"name\": \"chest"), std::string("\"name\": \"chest \\\"xray\\\"\\n\\\\ test\",").size());
    EXPECT_NE(errorOf(noName).find("field 'name' is missing"), std::string::npos);
}

TEST(Manifest, LabelsAsPlainNamesAndSegmentationFields) {
    ai::ModelManifest m = fullManifest();
    m.task = ai::ModelTask::Segmentation;
    m.input.dimensions = 3;
    m.input.size = {96, 96, 64};
    m.input.spacing = {1.5, 1.5, 2.0};
    m.labels = {{"background", {0, 0, 0}}, {"liver", {200, 80, 60}}};
    m.positiveLabel = -1;
    m.weights.architecture.numClasses = 2;
    const ai::ModelManifest back = ai::ModelManifest::fromJson(m.toJson());
    EXPECT_EQ(back.task, ai::ModelTask::Segmentation);
    EXPECT_EQ(back.input.size, (std::vector<int>{96, 96, 64}));
    EXPECT_EQ(back.labels[1].colour, (std::array<std::uint8_t, 3>{200, 80, 60}));
    std::string text = replaced(m.toJson(), "\"positive_label\": null", "\"positive_label\": \"liver\"");
    EXPECT_EQ(ai::ModelManifest::fromJson(text).positiveLabel, 1);
}
