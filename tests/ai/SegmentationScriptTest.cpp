// Users' TorchScript segmentation models through the package manifest: a U-Net exported
// by PyTorch (bench/unet_reference.py, the twin of the built-in U-Net) with the
// built-in network's weights segments voxel for voxel as the built-in one; an output
// of the wrong shape is a clear error naming the file. Skips when python3 cannot import
// torch (Debian python3-torch).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include "TestData.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/ai/Sha256.h"
#include "stratum/core/Error.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

bool hasTorch(const std::string& python) {
    return std::system((python + " -c 'import torch' >/dev/null 2>&1").c_str()) == 0;
}

// A segmentation package around the TorchScript file `model`.
ai::ModelManifest writeScriptPackage(const fs::path& dir, const fs::path& model) {
    fs::create_directories(dir);
    fs::copy_file(model, dir / "model.pt");
    ai::ModelManifest m;
    m.name = "user-unet";
    m.task = ai::ModelTask::Segmentation;
    m.labels = {{"background", {0, 0, 0}}, {"liver", {200, 80, 60}}, {"spleen", {60, 80, 200}}};
    m.input.channels = 1;
    m.input.dimensions = 3;
    m.input.size = {16, 16, 8};
    m.input.spacing = {1.5, 1.5, 2.0};
    m.preprocessing.intensity = ai::IntensityMethod::Range;  // a CT window
    m.preprocessing.low = -100.0;
    m.preprocessing.high = 300.0;
    m.preprocessing.mean = {0.0};
    m.preprocessing.std = {1.0};
    m.weights.format = ai::WeightsFormat::TorchScript;
    m.weights.sha256 = ai::sha256File(dir / "model.pt");
    std::ofstream(dir / "manifest.json") << m.toJson();
    return m;
}

bool sameVoxels(const core::Image& a, const core::Image& b) {
    return a.pixelType() == b.pixelType() && a.byteSize() == b.byteSize() &&
           std::memcmp(a.data(), b.data(), a.byteSize()) == 0;
}

}  // namespace

TEST(SegmentationTorchScript, ExportedUNetSegmentsAsTheBuiltInOne) {
    // Debian's python3-torch is under /usr/bin/python3 (the first python3 on PATH may
    // be another); torch is only imported once when the export works.
    const std::string python =
        std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    ai::UNetSpec spec;
    spec.dimensions = 3;
    spec.depth = 3;
    spec.width = 4;
    spec.numLabels = 3;
    const auto builtIn = ai::Segmenter::create(spec, 5, "cpu");
    test::TempDir dir;
    {
        std::ofstream params(dir / "params.txt");
        params.precision(9);
        for (const ai::ParameterArray& p : builtIn.parameters()) {
            params << p.name;
            for (const float v : p.values) params << ' ' << v;
            params << '\n';
        }
    }
    const std::string command = python + " '" STRATUM_BENCH_DIR "/unet_reference.py' export '" +
                                (dir / "params.txt").string() + "' '" + dir.path().string() +
                                "' 3 3 4 1 3";
    if (std::system((command + " 2>/dev/null").c_str()) != 0) {
        if (!hasTorch(python))
            GTEST_SKIP() << "python3 with torch (Debian python3-torch) not installed";
        FAIL() << "export failed: " << command;
    }

    const ai::ModelManifest manifest = writeScriptPackage(dir / "pkg", dir / "unet.pt");
    const auto script = ai::Segmenter::load(dir / "pkg", {"cpu"});
    EXPECT_EQ(script.manifest(), ai::ModelManifest::fromJson(manifest.toJson()));
    EXPECT_EQ(script.spec().numLabels, 3);
    EXPECT_EQ(script.spec().sizeMultiple(), 8);  // largest power of two dividing 16, 16, 8
    const ai::SegmentOptions o = script.defaultOptions();
    EXPECT_EQ(o.patchSize, (std::array<int, 3>{16, 16, 8}));
    EXPECT_EQ(o.intensity.method, ai::SegmentationIntensity::Method::Window);
    ASSERT_TRUE(o.targetSpacing.has_value());
    EXPECT_EQ(*o.targetSpacing, (std::array<double, 3>{1.5, 1.5, 2.0}));

    core::Geometry g;
    g.size = {27, 21, 13};
    g.spacing = {1.2, 1.6, 2.5};
    core::Image image(core::PixelType::Int16, 1, g);
    std::mt19937 rng(3);
    std::normal_distribution<float> hu(80.0f, 120.0f);
    for (auto& v : image.pixels<std::int16_t>()) v = static_cast<std::int16_t>(hu(rng));
    ai::SegmentOptions withProbabilities = o;
    withProbabilities.probabilities = true;
    const auto a = script.segment(image, withProbabilities);
    const auto b = builtIn.segment(image, withProbabilities);
    EXPECT_TRUE(sameVoxels(a.labels, b.labels));
    for (int l = 0; l < 3; ++l)
        for (std::size_t v = 0; v < image.voxelCount(); ++v)
            ASSERT_NEAR(a.probabilities[l].data<float>()[v], b.probabilities[l].data<float>()[v],
                        1e-5)
                << l;
    // A TorchScript model is not rewritten by save() nor trained.
    auto copy = ai::Segmenter::load(dir / "pkg", {"cpu"});
    EXPECT_THROW(copy.save(dir / "again"), core::InvalidArgument);

    // One logit channel too many: load works, segmenting names the file.
    writeScriptPackage(dir / "bad", dir / "bad.pt");
    const auto bad = ai::Segmenter::load(dir / "bad", {"cpu"});
    try {
        bad.segment(image, o);
        FAIL() << "no error for logits with 4 channels";
    } catch (const core::FormatError& e) {
        const std::string text = e.what();
        EXPECT_NE(text.find((dir / "bad" / "model.pt").string()), std::string::npos) << text;
        EXPECT_NE(text.find("[2, 4, 8, 16, 16]"), std::string::npos) << text;
    }
    // Not TorchScript at all (hash fixed up): a format error naming the file at load.
    {
        std::ofstream(dir / "junk.pt") << "not a zip archive";
        writeScriptPackage(dir / "junk", dir / "junk.pt");
        try {
            ai::Segmenter::load(dir / "junk", {"cpu"});
            FAIL() << "no error for a corrupt TorchScript file";
        } catch (const core::FormatError& e) {
            EXPECT_NE(std::string(e.what()).find("model.pt"), std::string::npos) << e.what();
        }
    }
}
