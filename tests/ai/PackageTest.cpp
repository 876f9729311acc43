// Model packages: save/load round trip, fp16 storage, and every way a package can be
// broken giving a clear error that names the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "AiTestSupport.h"
#include "TestData.h"
#include "stratum/ai/Classifier.h"
#include "stratum/ai/Sha256.h"
#include "stratum/core/Error.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

core::Image sampleImage(unsigned seed) {
    std::mt19937_64 rng(seed);
    return test::blobImage(32, true, 16, 16, 3, rng);
}

ai::ModelManifest resnetManifest(const std::string& dtype) {
    ai::ModelManifest m = test::tinyManifest(ai::ArchitectureSpec::resnet18(1, 2, 4), 32);
    m.weights.dtype = dtype;
    return m;
}

std::string readText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeText(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// Rewrites the manifest after `edit`, keeping it otherwise valid.
void editManifest(const fs::path& dir, const std::function<void(ai::ModelManifest&)>& edit) {
    ai::ModelManifest m = ai::ModelManifest::readFile(dir / "manifest.json");
    edit(m);
    writeText(dir / "manifest.json", m.toJson());
}

template <class E>
std::string loadError(const fs::path& dir) {
    try {
        ai::Classifier::load(dir, {"cpu"});
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "other error type: " << e.what();
        return {};
    }
    ADD_FAILURE() << "loaded " << dir;
    return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class Package : public ::testing::Test {
protected:
    void SetUp() override {
        ai::Classifier c = ai::Classifier::create(resnetManifest("float16"), 4, {"cpu"});
        c.save(dir_ / "pkg", {{"training_log.csv", "epoch\n1\n"}});
        package_ = dir_ / "pkg";
    }
    test::TempDir dir_;
    fs::path package_;
};

}  // namespace

TEST(PackageRoundTrip, LoadedModelAnswersExactlyAsSaved) {
    test::TempDir dir;
    for (const std::string dtype : {"float16", "float32"}) {
        ai::Classifier c = ai::Classifier::create(resnetManifest(dtype), 4, {"cpu"});
        const ai::Classification before = c.classify(sampleImage(1));
        c.save(dir / dtype, {{"notes.txt", "hello"}});
        // Saving rounds the model's own weights to the stored type: the package equals it.
        const ai::Classification rounded = c.classify(sampleImage(1));
        const ai::Classifier loaded = ai::Classifier::load(dir / dtype, {"cpu"});
        EXPECT_EQ(loaded.classify(sampleImage(1)).logits, rounded.logits) << dtype;
        for (std::size_t k = 0; k < 2; ++k) EXPECT_NEAR(rounded.logits[k], before.logits[k], 0.05) << dtype;
        if (dtype == "float32") {
            EXPECT_EQ(rounded.logits, before.logits);
        }
        EXPECT_EQ(loaded.manifest().weights.sha256, ai::sha256File(dir / dtype / "model.pt"));
        EXPECT_EQ(readText(dir / dtype / "notes.txt"), "hello");
        EXPECT_EQ(loaded.packagePath(), dir / dtype);
        EXPECT_EQ(loaded.device(), ai::Device::cpu());
    }
    // fp16 storage halves the file.
    EXPECT_LT(fs::file_size(dir / "float16" / "model.pt"), fs::file_size(dir / "float32" / "model.pt") * 6 / 10);
}

TEST(PackageRoundTrip, SaveRefusesANonEmptyFolder) {
    test::TempDir dir;
    fs::create_directories(dir / "pkg");
    writeText(dir / "pkg" / "other.txt", "x");
    ai::Classifier c = ai::Classifier::create(resnetManifest("float16"), 4, {"cpu"});
    EXPECT_THROW(c.save(dir / "pkg"), core::Error);
    EXPECT_EQ(readText(dir / "pkg" / "other.txt"), "x");
}

TEST_F(Package, MissingPackageManifestOrWeights) {
    EXPECT_TRUE(contains(loadError<core::IoError>(dir_ / "nothing"), "model package does not exist"));
    fs::remove(package_ / "model.pt");
    const std::string e = loadError<core::IoError>(package_);
    EXPECT_TRUE(contains(e, (package_ / "model.pt").string() + ": does not exist")) << e;
    fs::remove(package_ / "manifest.json");
    EXPECT_TRUE(contains(loadError<core::IoError>(package_), "manifest.json: does not exist"));
}

TEST_F(Package, HashMismatchNamesTheWeights) {
    std::string bytes = readText(package_ / "model.pt");
    bytes[bytes.size() / 2] ^= 0x01;
    writeText(package_ / "model.pt", bytes);
    const std::string e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(contains(e, (package_ / "model.pt").string() + ": SHA-256 mismatch")) << e;
}

TEST_F(Package, CorruptWeightsWithAMatchingHash) {
    writeText(package_ / "model.pt", "this is not a weights file");
    editManifest(package_, [&](ai::ModelManifest& m) { m.weights.sha256 = ai::sha256File(package_ / "model.pt"); });
    const std::string e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(contains(e, (package_ / "model.pt").string() + ": not a readable weights file")) << e;
    // Truncated.
    ai::Classifier c = ai::Classifier::create(resnetManifest("float16"), 4, {"cpu"});
    c.save(dir_ / "t");
    const std::string full = readText(dir_ / "t" / "model.pt");
    writeText(dir_ / "t" / "model.pt", full.substr(0, full.size() / 2));
    editManifest(dir_ / "t", [&](ai::ModelManifest& m) { m.weights.sha256 = ai::sha256File(dir_ / "t" / "model.pt"); });
    EXPECT_TRUE(contains(loadError<core::FormatError>(dir_ / "t"), "not a readable weights file"));
}

TEST_F(Package, ManifestThatDoesNotMatchTheWeights) {
    editManifest(package_, [](ai::ModelManifest& m) { m.weights.architecture.width = 8; });
    const std::string e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(contains(e, (package_ / "model.pt").string() + ": the weights do not match the manifest's architecture"))
        << e;
    EXPECT_TRUE(contains(e, "has shape")) << e;

    editManifest(package_, [](ai::ModelManifest& m) {
        m.weights.architecture.width = 4;
        m.weights.architecture.blocks = {2, 2, 2};
        m.gradCam.target = "layer3";
    });
    EXPECT_TRUE(contains(loadError<core::FormatError>(package_), "'fc.weight' has shape [2, 32] in the file, [2, 16]"));

    editManifest(package_, [](ai::ModelManifest& m) {
        m.weights.architecture.blocks = {2, 2, 2, 2};
        m.labels.push_back({"third"});
        m.weights.architecture.numClasses = 3;
    });
    EXPECT_TRUE(contains(loadError<core::FormatError>(package_), "'fc.bias' has shape [2] in the file, [3] in the network"));
}

TEST_F(Package, InvalidManifestNamesItsField) {
    std::string text = readText(package_ / "manifest.json");
    text.replace(text.find("\"channels\": 1"), 13, "\"channels\": 0");
    writeText(package_ / "manifest.json", text);
    const std::string e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(contains(e, (package_ / "manifest.json").string() + ": manifest field 'input.channels'")) << e;
    writeText(package_ / "manifest.json", "{ broken");
    EXPECT_TRUE(contains(loadError<core::FormatError>(package_), "not valid JSON: line 1"));
}

TEST_F(Package, SegmentationModelIsNotAClassifier) {
    editManifest(package_, [](ai::ModelManifest& m) { m.task = ai::ModelTask::Segmentation; });
    EXPECT_TRUE(contains(loadError<core::InvalidArgument>(package_), "is a segmentation model, not a classifier"));
}

TEST_F(Package, UnknownDeviceIsRefused) {
    EXPECT_THROW(ai::Classifier::load(package_, {"tpu"}), core::InvalidArgument);
}

TEST_F(Package, UpdateManifestKeepsTheWeights) {
    ai::Classifier c = ai::Classifier::load(package_, {"cpu"});
    ai::ModelManifest m = c.manifest();
    m.calibration.temperature = 2.0;
    m.intendedUse = "tests";
    c.updateManifest(m);
    EXPECT_EQ(c.manifest().calibration.temperature, 2.0);
    EXPECT_EQ(c.manifest().weights.sha256, ai::ModelManifest::readFile(package_ / "manifest.json").weights.sha256);
    m.labels[0].name = "other";
    EXPECT_THROW(c.updateManifest(m), core::InvalidArgument);
}
