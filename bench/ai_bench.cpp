// Classification speed: Stratum's ai library against PyTorch on the same machine, the
// same architectures and the same thread count, measured in the same run.
//
// For the shipped chest X-ray model (when found), ResNet-18 and DenseNet-121 at
// 224x224, on the CPU (and on CUDA when LibTorch sees a GPU):
//   - classify: one image through Classifier::classify (preprocessing included)
//     against PyTorch's forward pass of one image under no_grad;
//   - Grad-CAM: Classifier::gradCam (back-propagation to the target layer only)
//     against classify, and PyTorch's split Grad-CAM and the usual full backward;
//   - throughput: batches of 16 images (classifyBatch) against PyTorch's batch forward;
//   - training: seconds per image of an epoch of trainClassifier (batch 32, with and
//     without augmentation) against a PyTorch Adam step, for the shipped architecture.
// Prints medians and ratios. The reference runs in python3 with torch (Debian
// python3-torch), first, in its own process; without it: "reference unavailable".
//
//   stratum_bench_ai [--threads N] [--repeat N] [--model DIR] [--python PATH] [--no-train]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "stratum/ai/Classifier.h"
#include "stratum/ai/Device.h"
#include "stratum/ai/Training.h"
#include "stratum/core/Parallel.h"

namespace fs = std::filesystem;
using namespace stratum;
using Clock = std::chrono::steady_clock;

namespace {

// The reference: the same architectures written with torch.nn (laid out as
// torchvision's), timed the same way. Prints "model metric seconds" lines.
constexpr const char* kReference = R"PY(
import sys, time, statistics, torch, torch.nn as nn, torch.nn.functional as F
threads, repeat, device = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
shipped = [int(v) for v in sys.argv[4].split(",")] if sys.argv[4] != "-" else None  # width, size, blocks...
train = sys.argv[5] == "1"
torch.set_num_threads(threads)
dev = torch.device(device)

class Block(nn.Module):
    def __init__(s, i, o, stride):
        super().__init__()
        s.conv1 = nn.Conv2d(i, o, 3, stride, 1, bias=False); s.bn1 = nn.BatchNorm2d(o)
        s.conv2 = nn.Conv2d(o, o, 3, 1, 1, bias=False); s.bn2 = nn.BatchNorm2d(o)
        s.down = nn.Sequential(nn.Conv2d(i, o, 1, stride, bias=False), nn.BatchNorm2d(o)) if stride != 1 or i != o else None
    def forward(s, x):
        y = F.relu(s.bn1(s.conv1(x))); y = s.bn2(s.conv2(y))
        return F.relu(y + (s.down(x) if s.down is not None else x))

class ResNet(nn.Module):
    def __init__(s, cin, classes, width, blocks):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(cin, width, 7, 2, 3, bias=False), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        layers, i = [], width
        for st, n in enumerate(blocks):
            o = width << st
            for b in range(n):
                layers.append(Block(i, o, 2 if st > 0 and b == 0 else 1)); i = o
        s.layers = nn.Sequential(*layers); s.fc = nn.Linear(i, classes)
    def features(s, x): return s.layers(s.stem(x))
    def head(s, a): return s.fc(torch.flatten(F.adaptive_avg_pool2d(a, 1), 1))
    def forward(s, x): return s.head(s.features(x))

class DenseLayer(nn.Module):
    def __init__(s, i, g):
        super().__init__()
        s.norm1 = nn.BatchNorm2d(i); s.conv1 = nn.Conv2d(i, 4 * g, 1, bias=False)
        s.norm2 = nn.BatchNorm2d(4 * g); s.conv2 = nn.Conv2d(4 * g, g, 3, 1, 1, bias=False)
    def forward(s, feats):
        return s.conv2(F.relu(s.norm2(s.conv1(F.relu(s.norm1(torch.cat(feats, 1)))))))

class DenseNet(nn.Module):
    def __init__(s, cin, classes, width=64, growth=32, blocks=(6, 12, 24, 16)):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(cin, width, 7, 2, 3, bias=False), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        s.blocks, s.trans, c = nn.ModuleList(), nn.ModuleList(), width
        for b, n in enumerate(blocks):
            s.blocks.append(nn.ModuleList([DenseLayer(c + k * growth, growth) for k in range(n)])); c += n * growth
            if b + 1 < len(blocks):
                s.trans.append(nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2, 2))); c //= 2
        s.norm5 = nn.BatchNorm2d(c); s.fc = nn.Linear(c, classes)
    def features(s, x):
        x = s.stem(x)
        for b, block in enumerate(s.blocks):
            feats = [x]
            for layer in block: feats.append(layer(feats))
            x = torch.cat(feats, 1)
            if b < len(s.trans): x = s.trans[b](x)
        return F.relu(s.norm5(x))
    def head(s, a): return s.fc(torch.flatten(F.adaptive_avg_pool2d(a, 1), 1))
    def forward(s, x): return s.head(s.features(x))

def sync():
    if dev.type == "cuda": torch.cuda.synchronize()

def median_time(fn):
    for _ in range(2): fn()
    sync(); times = []
    for _ in range(repeat):
        t = time.perf_counter(); fn(); sync(); times.append(time.perf_counter() - t)
    return statistics.median(times)

models = [("resnet18", ResNet(3, 1000, 64, [2, 2, 2, 2]), 3, 224), ("densenet121", DenseNet(3, 1000), 3, 224)]
if shipped: models.insert(0, ("shipped", ResNet(1, 2, shipped[0], shipped[2:]), 1, shipped[1]))
for name, m, cin, size in models:
    m = m.to(dev).eval()
    print(name, "parameters", sum(p.numel() for p in m.parameters()))
    x = torch.randn(1, cin, size, size, device=dev); xb = torch.randn(16, cin, size, size, device=dev)
    with torch.no_grad():
        print(name, "forward", median_time(lambda: m(x)))
        print(name, "batch16", median_time(lambda: m(xb)) / 16)
    def split():
        with torch.no_grad(): a = m.features(x)
        a = a.detach().requires_grad_(True)
        z = m.head(a)[0]; s = z[1] - torch.logsumexp(torch.cat([z[:1], z[2:]]), 0)
        g, = torch.autograd.grad(s, a)
        return F.relu((g.mean((2, 3), keepdim=True) * a).sum(1))
    print(name, "gradcam_split", median_time(split))
    def full():
        m.zero_grad(); z = m(x)[0]; z[1].backward()
    print(name, "gradcam_full_backward", median_time(full))
    if train and name == "shipped":
        m.train(); opt = torch.optim.Adam(m.parameters(), 1e-3)
        xt = torch.randn(32, cin, size, size, device=dev); yt = torch.randint(0, 2, (32,), device=dev)
        def step():
            opt.zero_grad(); F.cross_entropy(m(xt), yt).backward(); opt.step()
        print(name, "train_step32", median_time(step) / 32)
)PY";

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

template <class F>
double medianTime(int repeat, F&& f) {
    for (int i = 0; i < 2; ++i) f();
    std::vector<double> times;
    for (int i = 0; i < repeat; ++i) {
        const auto t = Clock::now();
        f();
        times.push_back(std::chrono::duration<double>(Clock::now() - t).count());
    }
    return median(times);
}

core::Image xray(int size, int channels, unsigned seed) {
    core::Geometry g;
    g.size = {static_cast<std::size_t>(size), static_cast<std::size_t>(size), 1};
    core::Image image(core::PixelType::UInt8, channels, g);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> u(0, 255);
    for (auto& v : image.pixels<std::uint8_t>()) v = static_cast<std::uint8_t>(u(rng));
    return image;
}

ai::ModelManifest manifestFor(const std::string& name, const ai::ArchitectureSpec& arch, int size) {
    ai::ModelManifest m;
    m.name = name;
    for (int c = 0; c < arch.numClasses; ++c) m.labels.push_back({"class" + std::to_string(c)});
    m.input.channels = arch.inChannels;
    m.input.size = {size, size};
    m.preprocessing.mean.assign(static_cast<std::size_t>(arch.inChannels), 0.5);
    m.preprocessing.std.assign(static_cast<std::size_t>(arch.inChannels), 0.25);
    m.weights.architecture = arch;
    m.weights.sha256 = std::string(64, '0');
    m.gradCam.target = arch.gradCamTarget();
    return m;
}

// Runs the reference script; returns "model metric" -> value.
std::map<std::string, double> runReference(const std::string& python, unsigned threads, int repeat,
                                           const std::string& device, const std::string& shipped, bool train) {
    std::map<std::string, double> values;
    const fs::path dir = fs::temp_directory_path() / ("stratum-ai-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "reference.py") << kReference;
    const std::string command = python + " '" + (dir / "reference.py").string() + "' " + std::to_string(threads) + " " +
                                std::to_string(repeat) + " " + device + " " + shipped + " " + (train ? "1" : "0") +
                                " > '" + (dir / "out.txt").string() + "' 2> '" + (dir / "err.txt").string() + "'";
    if (std::system(command.c_str()) == 0) {
        std::ifstream in(dir / "out.txt");
        std::string model, metric;
        double v;
        while (in >> model >> metric >> v) values[model + " " + metric] = v;
    } else {
        std::ifstream err(dir / "err.txt");
        std::string line, last;
        while (std::getline(err, line))
            if (!line.empty()) last = line;
        std::cout << "reference failed: " << last << "\n";
    }
    fs::remove_all(dir);
    return values;
}

std::string pythonWithTorch(const std::string& given) {
    if (!given.empty()) return given;
    for (const char* python : {"/usr/bin/python3", "python3"})
        if (std::system((std::string(python) + " -c 'import torch' >/dev/null 2>&1").c_str()) == 0) return python;
    return {};
}

void row(const std::string& what, double ours, double reference, const std::string& unit = "ms") {
    std::printf("  %-34s %9.2f %s", what.c_str(), ours * 1000.0, unit.c_str());
    if (reference > 0)
        std::printf("   PyTorch %9.2f %s   ratio %.2f\n", reference * 1000.0, unit.c_str(), ours / reference);
    else
        std::printf("   PyTorch: reference unavailable\n");
}

}  // namespace

int main(int argc, char** argv) {
    unsigned threads = core::defaultThreadCount();
    int repeat = 15;
    fs::path shippedDir = fs::path(STRATUM_SOURCE_DIR) / "models" / "chest-xray-pneumonia";
    std::string python;
    bool train = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--threads") threads = static_cast<unsigned>(std::stoi(next()));
        else if (a == "--repeat") repeat = std::stoi(next());
        else if (a == "--model") shippedDir = next();
        else if (a == "--python") python = next();
        else if (a == "--no-train") train = false;
        else {
            std::cerr << "usage: stratum_bench_ai [--threads N] [--repeat N] [--model DIR] [--python PATH] [--no-train]\n";
            return 2;
        }
    }

    std::vector<std::pair<std::string, ai::Classifier>> models;
    std::string shippedArgs = "-";
    if (fs::exists(shippedDir / "manifest.json")) {
        ai::Classifier shipped = ai::Classifier::load(shippedDir, {"cpu"});
        const ai::ArchitectureSpec& a = shipped.manifest().weights.architecture;
        shippedArgs = std::to_string(a.width) + "," + std::to_string(shipped.manifest().input.size[0]);
        for (const int b : a.blocks) shippedArgs += "," + std::to_string(b);
        models.emplace_back("shipped", std::move(shipped));
    } else {
        std::cout << "shipped model not found at " << shippedDir << " (--model DIR)\n";
    }
    models.emplace_back("resnet18", ai::Classifier::create(manifestFor("resnet18", ai::ArchitectureSpec::resnet18(3, 1000), 224), 1, {"cpu"}));
    models.emplace_back("densenet121",
                        ai::Classifier::create(manifestFor("densenet121", ai::ArchitectureSpec::densenet121(3, 1000), 224), 1, {"cpu"}));

    std::vector<std::string> devices{"cpu"};
    if (ai::cudaAvailable()) devices.push_back("cuda:0");
    python = pythonWithTorch(python);
    ai::setThreadCount(threads);
    std::printf("Stratum ai benchmark: %u threads, median of %d runs after 2 warm-up runs\n", threads, repeat);

    for (const std::string& device : devices) {
        // The reference first, in its own process (no idle OpenMP threads of ours around).
        const auto ref = python.empty() ? std::map<std::string, double>{}
                                        : runReference(python, threads, repeat, device == "cpu" ? "cpu" : "cuda",
                                                       shippedArgs, train);
        if (python.empty()) std::printf("python3 with torch not found: reference unavailable\n");
        auto refOf = [&](const std::string& key) {
            const auto it = ref.find(key);
            return it == ref.end() ? 0.0 : it->second;
        };
        std::printf("\n== %s ==\n", device.c_str());
        for (auto& [name, classifier] : models) {
            ai::Classifier model = name == "shipped" ? ai::Classifier::load(shippedDir, {device})
                                                     : ai::Classifier::create(classifier.manifest(), 1, {device});
            const int size = model.manifest().input.size[0];
            const int channels = model.manifest().input.channels;
            // Inputs at the model's size (no resize cost in the timing).
            const core::Image image = xray(size, channels, 3);
            std::vector<core::Image> batch;
            for (unsigned s = 0; s < 16; ++s) batch.push_back(xray(size, channels, 10 + s));
            std::printf("%s: %s, input %dx%d, %d channel(s)", name.c_str(), model.manifest().weights.architecture.describe().c_str(),
                        size, size, channels);
            if (refOf(name + " parameters") > 0) std::printf(", PyTorch's copy has %.0f parameters", refOf(name + " parameters"));
            std::printf("\n");
            const double classify = medianTime(repeat, [&] { model.classify(image); });
            const double cam = medianTime(repeat, [&] { model.gradCam(image); });
            const double batched = medianTime(repeat, [&] { model.classifyBatch(batch, {}, 16); }) / 16.0;
            row("classify, 1 image", classify, refOf(name + " forward"));
            row("Grad-CAM, 1 image", cam, refOf(name + " gradcam_split"));
            std::printf("  %-34s %9.2f x classify", "Grad-CAM / classify", cam / classify);
            if (refOf(name + " gradcam_full_backward") > 0)
                std::printf("   (PyTorch full backward: %.2f x its forward; split: %.2f x)\n",
                            refOf(name + " gradcam_full_backward") / refOf(name + " forward"),
                            refOf(name + " gradcam_split") / refOf(name + " forward"));
            else
                std::printf("\n");
            row("batch of 16, per image", batched, refOf(name + " batch16"));
            std::printf("  %-34s %9.1f images/s\n", "batch of 16, throughput", 1.0 / batched);

            if (train && name == "shipped") {
                // One epoch on 64 images at the model's size, batch 32, no validation.
                std::vector<ai::TrainingSample> samples;
                for (unsigned s = 0; s < 64; ++s) samples.push_back({xray(size, channels, 100 + s), static_cast<int>(s % 2), std::to_string(s), ""});
                for (const bool augment : {false, true}) {
                    ai::TrainingOptions o;
                    o.epochs = 1;
                    o.batchSize = 32;
                    o.validationFraction = 0.0;
                    o.calibrate = false;
                    o.augmentation.enabled = augment;
                    o.device = device;
                    std::vector<double> perImage;
                    for (int r = 0; r < 3; ++r) {
                        const ai::TrainingResult t = ai::trainClassifier(samples, model.manifest(), o);
                        perImage.push_back(t.history.front().seconds / 64.0);
                    }
                    row(augment ? "training, per image (augmented)" : "training, per image", median(perImage),
                        refOf(name + " train_step32"));
                }
            }
        }
    }
    return 0;
}
