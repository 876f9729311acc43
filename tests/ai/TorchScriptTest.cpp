// Users' TorchScript classifiers, exported by PyTorch itself (Debian python3-torch):
// the "split" and "tuple" export contracts give the logits PyTorch computes, and
// Grad-CAM works through both. Skips when python3 cannot import torch.
#include <gtest/gtest.h>

#include <cstdlib>
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

// The export example of docs/ai.md, shortened: a model with features()/head()
// ("split"), the same weights returning (logits, activations) ("tuple"), and one
// without features() (must be refused under "split"). Prints PyTorch's logits for the
// input stored in input.txt.
constexpr const char* kExportScript = R"(
import sys, torch
from typing import Tuple
out = sys.argv[1]

class Split(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(6, 8, 3, padding=1, stride=2)
        self.fc = torch.nn.Linear(8, 3)
    @torch.jit.export
    def features(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.conv2(torch.relu(self.conv1(x))))
    @torch.jit.export
    def head(self, a: torch.Tensor) -> torch.Tensor:
        return self.fc(a.mean(dim=(2, 3)))
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))

class Tuple_(torch.nn.Module):
    def __init__(self, inner: Split):
        super().__init__()
        self.inner = inner
    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        a = self.inner.features(x)
        return self.inner.head(a), a

class Plain(torch.nn.Module):
    def __init__(self, inner: Split):
        super().__init__()
        self.inner = inner
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x)

torch.manual_seed(0)
net = Split().eval()
torch.jit.script(net).save(out + "/split.pt")
torch.jit.script(Tuple_(net).eval()).save(out + "/tuple.pt")
torch.jit.script(Plain(net).eval()).save(out + "/plain.pt")
values = [float(v) for v in open(out + "/input.txt").read().split()]
x = torch.tensor(values, dtype=torch.float32).reshape(1, 1, 16, 16)
with torch.no_grad():
    print(" ".join(repr(float(v)) for v in net(x)[0]), file=open(out + "/logits.txt", "w"))
)";

// Debian's python3-torch lives under /usr/bin/python3, which may not be the first
// python3 on PATH (pyenv, venvs): try it first.
std::string pythonWithTorch() {
    for (const char* python : {"/usr/bin/python3", "python3"})
        if (std::system((std::string(python) + " -c 'import torch' >/dev/null 2>&1").c_str()) == 0) return python;
    return {};
}

void writePackage(const fs::path& dir, const fs::path& weights, const std::string& contract) {
    fs::create_directories(dir);
    fs::copy_file(weights, dir / "model.pt");
    ai::ModelManifest m;
    m.name = "user-model";
    m.labels = {{"a"}, {"b"}, {"c"}};
    m.input.channels = 1;
    m.input.size = {16, 16};
    m.preprocessing.intensity = ai::IntensityMethod::Range;
    m.preprocessing.low = 0.0;
    m.preprocessing.high = 1.0;
    m.preprocessing.mean = {0.0};
    m.preprocessing.std = {1.0};
    m.weights.format = ai::WeightsFormat::TorchScript;
    m.weights.sha256 = ai::sha256File(dir / "model.pt");
    m.gradCam.target = "features (conv2)";
    m.gradCam.contract = contract;
    std::ofstream(dir / "manifest.json") << m.toJson();
}

}  // namespace

TEST(TorchScript, ExportContractsGivePyTorchsLogits) {
    const std::string python = pythonWithTorch();
    if (python.empty()) GTEST_SKIP() << "python3 with torch (Debian python3-torch) not installed";
    test::TempDir dir;
    std::mt19937 rng(4);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> pixels(256);
    for (float& p : pixels) p = u(rng);
    {
        std::ofstream input(dir / "input.txt");
        input.precision(9);
        for (const float p : pixels) input << p << ' ';
        std::ofstream(dir / "export.py") << kExportScript;
    }
    ASSERT_EQ(std::system((python + " '" + (dir / "export.py").string() + "' '" + dir.path().string() + "'").c_str()), 0);
    std::vector<double> expected;
    {
        std::ifstream in(dir / "logits.txt");
        double v;
        while (in >> v) expected.push_back(v);
    }
    ASSERT_EQ(expected.size(), 3u);
    const core::Image image = test::floatImage(16, 16, pixels);

    writePackage(dir / "split", dir / "split.pt", "split");
    writePackage(dir / "tuple", dir / "tuple.pt", "tuple");
    const ai::Classifier split = ai::Classifier::load(dir / "split", {"cpu"});
    const ai::Classifier tuple = ai::Classifier::load(dir / "tuple", {"cpu"});
    const ai::Classification a = split.classify(image), b = tuple.classify(image);
    for (std::size_t k = 0; k < 3; ++k) {
        EXPECT_NEAR(a.logits[k], expected[k], 1e-5);
        EXPECT_NEAR(b.logits[k], expected[k], 1e-5);
    }
    // Grad-CAM through either contract gives the same map.
    const ai::GradCamResult ga = split.gradCam(image, 2), gb = tuple.gradCam(image, 2);
    const auto ma = ga.heatmap.pixels<float>(), mb = gb.heatmap.pixels<float>();
    ASSERT_EQ(ma.size(), 256u);
    for (std::size_t i = 0; i < ma.size(); ++i) EXPECT_NEAR(ma[i], mb[i], 1e-5) << i;
    EXPECT_THROW(split.parameters(), core::InvalidArgument);

    // A model without features() under the split contract; a wrong number of labels.
    writePackage(dir / "plain", dir / "plain.pt", "split");
    try {
        ai::Classifier::load(dir / "plain", {"cpu"});
        FAIL();
    } catch (const core::FormatError& e) {
        EXPECT_NE(std::string(e.what()).find("has no method 'features'"), std::string::npos) << e.what();
        EXPECT_EQ(e.path(), (dir / "plain" / "model.pt").string());
    }
    ai::ModelManifest m = ai::ModelManifest::readFile(dir / "split" / "manifest.json");
    m.labels.pop_back();
    std::ofstream(dir / "split" / "manifest.json") << m.toJson();
    try {
        ai::Classifier::load(dir / "split", {"cpu"});
        FAIL();
    } catch (const core::FormatError& e) {
        EXPECT_NE(std::string(e.what()).find("returns 3 scores per image but the manifest lists 2 labels"),
                  std::string::npos)
            << e.what();
    }
    // Not TorchScript at all.
    std::ofstream(dir / "split" / "model.pt") << "garbage";
    m.labels.push_back({"c"});
    m.weights.sha256 = ai::sha256File(dir / "split" / "model.pt");
    std::ofstream(dir / "split" / "manifest.json") << m.toJson();
    EXPECT_THROW(ai::Classifier::load(dir / "split", {"cpu"}), core::FormatError);
}
