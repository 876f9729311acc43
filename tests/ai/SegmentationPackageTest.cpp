// Segmentation model packages: save -> load gives the same network and the same
// segmentation, and broken or mismatched packages give clear errors naming the file.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "AiTestSupport.h"
#include "TestData.h"
#include "stratum/ai/Classifier.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/ai/Sha256.h"
#include "stratum/core/Error.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

ai::UNetSpec unet(int dims, int labels, bool attention, ai::NormKind norm) {
    ai::UNetSpec s;
    s.dimensions = dims;
    s.depth = 2;
    s.width = 4;
    s.numLabels = labels;
    s.attention = attention;
    s.norm = norm;
    return s;
}

core::Image randomVolume(std::size_t x, std::size_t y, std::size_t z, std::uint64_t seed) {
    core::Geometry g;
    g.size = {x, y, z};
    g.spacing = {0.7, 0.9, 2.0};
    g.origin = {5.0, -3.0, 11.0};
    core::Image image(core::PixelType::Float32, 1, g);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> n(100.0f, 40.0f);
    for (float& v : image.pixels<float>()) v = n(rng);
    return image;
}

// A 3D segmenter with a package-ready manifest (names, colours, window, patch size).
ai::Segmenter namedSegmenter(const std::string& dtype) {
    ai::Segmenter s = ai::Segmenter::create(unet(3, 3, false, ai::NormKind::Instance), 7, "cpu");
    ai::ModelManifest m = s.manifest();
    m.name = "test-organs";
    m.labels = {{"background", {0, 0, 0}}, {"liver", {200, 80, 40}}, {"spleen", {40, 90, 220}}};
    m.input.size = {16, 16, 8};
    m.preprocessing.intensity = ai::IntensityMethod::Range;
    m.preprocessing.low = 50.0;
    m.preprocessing.high = 150.0;
    m.weights.dtype = dtype;
    s.setManifest(m);
    return s;
}

std::string readText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeText(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

void editManifest(const fs::path& dir, const std::function<void(ai::ModelManifest&)>& edit) {
    ai::ModelManifest m = ai::ModelManifest::readFile(dir / "manifest.json");
    edit(m);
    writeText(dir / "manifest.json", m.toJson());
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

template <class E>
std::string loadError(const fs::path& dir) {
    try {
        ai::Segmenter::load(dir, {"cpu"});
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "other error type: " << e.what();
        return {};
    }
    ADD_FAILURE() << "loaded " << dir;
    return {};
}

void expectSameImage(const core::Image& a, const core::Image& b) {
    ASSERT_EQ(a.pixelType(), b.pixelType());
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(a.geometry().spacing, b.geometry().spacing);
    EXPECT_EQ(a.geometry().origin, b.geometry().origin);
    ASSERT_EQ(a.byteSize(), b.byteSize());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.byteSize()), 0);
}

class SegmentationPackage : public ::testing::Test {
protected:
    void SetUp() override {
        ai::Segmenter s = namedSegmenter("float32");
        s.save(dir_ / "pkg", {{"training_log.csv", "iteration,loss\n1,0.5\n"}});
        package_ = dir_ / "pkg";
    }
    test::TempDir dir_;
    fs::path package_;
};

}  // namespace

TEST(SegmentationPackageRoundTrip, LoadedModelSegmentsExactlyAsSaved) {
    for (const std::string dtype : {"float32", "float16"}) {
        SCOPED_TRACE(dtype);
        test::TempDir dir;
        ai::Segmenter saved = namedSegmenter(dtype);
        saved.save(dir / "pkg", {{"training_log.csv", "iteration,loss\n"}});
        EXPECT_EQ(saved.packagePath(), dir / "pkg");
        EXPECT_EQ(readText(dir / "pkg" / "training_log.csv"), "iteration,loss\n");
        EXPECT_EQ(saved.manifest().weights.sha256, ai::sha256File(dir / "pkg" / "model.pt"));

        const ai::Segmenter loaded = ai::Segmenter::load(dir / "pkg", {"cpu"});
        EXPECT_EQ(loaded.spec(), saved.spec());
        EXPECT_EQ(loaded.manifest(), saved.manifest());
        EXPECT_EQ(loaded.packagePath(), dir / "pkg");

        // Same parameters, bit for bit (float16: the saved network kept the rounded values).
        const auto a = saved.parameters(), b = loaded.parameters();
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].name, b[i].name);
            EXPECT_EQ(a[i].values, b[i].values) << a[i].name;
        }

        // The manifest's intensity window and patch size come back as options.
        ai::SegmentOptions o = loaded.defaultOptions();
        EXPECT_EQ(o.intensity.method, ai::SegmentationIntensity::Method::Window);
        EXPECT_EQ(o.intensity.low, 50.0);
        EXPECT_EQ(o.intensity.high, 150.0);
        EXPECT_EQ(o.patchSize, (std::array<int, 3>{16, 16, 8}));
        o.probabilities = true;
        o.mirror = true;
        const core::Image volume = randomVolume(21, 19, 11, 3);
        const ai::SegmentationResult ra = saved.segment(volume, o), rb = loaded.segment(volume, o);
        expectSameImage(ra.labels, rb.labels);
        ASSERT_EQ(rb.probabilities.size(), 3u);
        for (std::size_t l = 0; l < 3; ++l)
            expectSameImage(ra.probabilities[l], rb.probabilities[l]);
    }
}

TEST(SegmentationPackageRoundTrip, TwoDimensionalAttentionBatchNormNetwork) {
    test::TempDir dir;
    ai::Segmenter saved = ai::Segmenter::create(unet(2, 2, true, ai::NormKind::Batch), 11, "cpu");
    ai::ModelManifest m = saved.manifest();
    m.preprocessing.intensity = ai::IntensityMethod::ZScore;
    saved.setManifest(m);
    saved.save(dir / "pkg");
    const ai::ModelManifest written = ai::ModelManifest::readFile(dir / "pkg" / "manifest.json");
    EXPECT_EQ(written.task, ai::ModelTask::Segmentation);
    EXPECT_EQ(written.weights.architecture.name, "attention-unet");
    EXPECT_EQ(written.weights.architecture.dimensions, 2);
    EXPECT_EQ(written.weights.architecture.depth, 2);
    EXPECT_EQ(written.weights.architecture.norm, "batch");
    EXPECT_EQ(written.labels[0].colour, (std::array<std::uint8_t, 3>{0, 0, 0}));
    EXPECT_TRUE(contains(readText(dir / "pkg" / "manifest.json"), "\"task\": \"segmentation\""));

    const ai::Segmenter loaded = ai::Segmenter::load(dir / "pkg", {"cpu"});
    EXPECT_EQ(loaded.spec(), saved.spec());
    const ai::SegmentOptions o = loaded.defaultOptions();
    EXPECT_EQ(o.intensity.method, ai::SegmentationIntensity::Method::ZScore);
    const core::Image volume = randomVolume(13, 10, 4, 5);
    const ai::SegmentationResult ra = saved.segment(volume, o), rb = loaded.segment(volume, o);
    expectSameImage(ra.labels, rb.labels);
}

TEST(SegmentationPackageRoundTrip, SaveRefusesANonEmptyFolder) {
    test::TempDir dir;
    fs::create_directories(dir / "pkg");
    writeText(dir / "pkg" / "other.txt", "x");
    ai::Segmenter s = namedSegmenter("float32");
    EXPECT_THROW(s.save(dir / "pkg"), core::Error);
    EXPECT_EQ(readText(dir / "pkg" / "other.txt"), "x");
    EXPECT_FALSE(fs::exists(dir / "pkg" / "manifest.json"));
}

TEST(SegmentationPackageRoundTrip, SetManifestRefusesAnotherNetwork) {
    ai::Segmenter s = namedSegmenter("float32");
    ai::ModelManifest m = s.manifest();
    m.weights.architecture.width = 8;
    EXPECT_THROW(s.setManifest(m), core::InvalidArgument);
    m = s.manifest();
    m.labels.pop_back();
    EXPECT_THROW(s.setManifest(m), core::InvalidArgument);
    m = s.manifest();
    m.input.size = {16, 16, 9};  // not a multiple of 2
    EXPECT_THROW(s.setManifest(m), core::InvalidArgument);
    m = s.manifest();
    m.preprocessing.intensity = ai::IntensityMethod::Percentile;
    EXPECT_THROW(s.setManifest(m), core::InvalidArgument);
    EXPECT_EQ(s.manifest().name, "test-organs");
}

TEST_F(SegmentationPackage, MissingPackageManifestOrWeights) {
    EXPECT_TRUE(
        contains(loadError<core::IoError>(dir_ / "nothing"), "model package does not exist"));
    fs::remove(package_ / "model.pt");
    const std::string e = loadError<core::IoError>(package_);
    EXPECT_TRUE(contains(e, (package_ / "model.pt").string() + ": does not exist")) << e;
    fs::remove(package_ / "manifest.json");
    EXPECT_TRUE(contains(loadError<core::IoError>(package_), "manifest.json: does not exist"));
}

TEST_F(SegmentationPackage, HashMismatchNamesTheWeights) {
    std::string bytes = readText(package_ / "model.pt");
    bytes[bytes.size() / 2] ^= 0x01;
    writeText(package_ / "model.pt", bytes);
    const std::string e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(contains(e, (package_ / "model.pt").string() + ": SHA-256 mismatch")) << e;
}

TEST_F(SegmentationPackage, CorruptWeightsWithAMatchingHash) {
    writeText(package_ / "model.pt", "not a weights file");
    editManifest(package_, [&](ai::ModelManifest& m) {
        m.weights.sha256 = ai::sha256File(package_ / "model.pt");
    });
    const std::string e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(contains(e, (package_ / "model.pt").string() + ": not a readable weights file"))
        << e;
}

TEST_F(SegmentationPackage, ClassificationAndSegmentationPackagesAreNotInterchangeable) {
    ai::Classifier c = ai::Classifier::create(
        test::tinyManifest(ai::ArchitectureSpec::simpleCnn(1, 2, 4), 16), 3, {"cpu"});
    c.save(dir_ / "classifier");
    const std::string e = loadError<core::InvalidArgument>(dir_ / "classifier");
    EXPECT_TRUE(contains(e, "is a classification model, not a segmentation model")) << e;
    try {
        ai::Classifier::load(package_, {"cpu"});
        ADD_FAILURE() << "a segmentation package loaded as a classifier";
    } catch (const core::InvalidArgument& x) {
        EXPECT_TRUE(contains(x.what(), "is a segmentation model, not a classifier")) << x.what();
    }
    // A classification manifest naming a U-Net is invalid.
    editManifest(dir_ / "classifier", [](ai::ModelManifest& m) {
        m.weights.architecture = ai::ArchitectureSpec{};
        m.weights.architecture.name = "unet";
        m.weights.architecture.blocks.clear();
    });
    try {
        ai::Classifier::load(dir_ / "classifier", {"cpu"});
        ADD_FAILURE() << "a U-Net loaded as a classifier";
    } catch (const core::FormatError& x) {
        EXPECT_TRUE(contains(x.what(), "is a segmentation network, not a classifier")) << x.what();
    }
}

TEST_F(SegmentationPackage, ManifestThatDoesNotMatchTheWeights) {
    const std::string weights = (package_ / "model.pt").string();
    const std::string manifest = (package_ / "manifest.json").string();
    editManifest(package_, [](ai::ModelManifest& m) { m.weights.architecture.width = 8; });
    std::string e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(
        contains(e, weights + ": the weights do not match the manifest's architecture unet 3D"))
        << e;
    EXPECT_TRUE(contains(e, "has shape")) << e;

    editManifest(package_, [](ai::ModelManifest& m) {
        m.weights.architecture.width = 4;
        m.weights.architecture.name = "attention-unet";
    });
    e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(contains(e, weights + ": the weights do not match")) << e;
    EXPECT_TRUE(contains(e, "'gate0.")) << e;

    editManifest(package_, [](ai::ModelManifest& m) {
        m.weights.architecture.name = "unet";
        m.labels.pop_back();
    });
    e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(
        contains(e, manifest + ": field 'labels' lists 2 labels but the network has 3 outputs"))
        << e;

    editManifest(package_, [](ai::ModelManifest& m) {
        m.labels.push_back({"spleen"});
        m.input.size = {16, 16, 9};
    });
    e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(contains(e, manifest + ": field 'input.size'")) << e;

    editManifest(package_, [](ai::ModelManifest& m) {
        m.input.size = {16, 16, 8};
        m.weights.architecture.name = "resnet";
        m.weights.architecture.blocks = {1};
    });
    e = loadError<core::FormatError>(package_);
    EXPECT_TRUE(contains(e, manifest + ": field 'weights.architecture.name' is 'resnet'")) << e;
}
