// Segmentation speed: 3D sliding-window inference (Segmenter::segment) on a synthetic
// CT-sized volume (int16, 512x512x300 at 0.7x0.7x1.0 mm by default), in voxels per
// second of the input, on the CPU and on CUDA when LibTorch sees a GPU. The network is
// the package given with --model, or a fresh 3D U-Net with the spec of the shipped
// phantom model (depth 4, width 8, instance norm, 2 labels, patch 64^3). With a target
// spacing (--target-spacing, or the model's input.spacing) it runs both at the native
// grid and at the model's spacing (resampled first).
//
// Reference, measured in the same run: PyTorch (python3 with torch, Debian
// python3-torch) running the same U-Net (bench/unet_reference.py) on batches of the same
// patch size with the same thread count; the ratio compares the network time per patch
// (Segmenter::logits on one patch, and the whole sliding window divided by its patch
// count) with PyTorch's forward + softmax per patch. Plain instance-norm U-Nets only
// (other architectures: "reference unavailable"). Wall and CPU (user + system, all
// threads) seconds both: on a shared machine the CPU times compare more fairly.
//
//   stratum_bench_segment [--model DIR] [--size X Y Z] [--spacing X Y Z]
//       [--target-spacing X Y Z] [--overlap F] [--batch N] [--threads N]
//       [--repeat N] [--no-native] [--python PATH] [--cpu-only]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "stratum/ai/Device.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/core/Parallel.h"

namespace fs = std::filesystem;
using namespace stratum;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}

// User + system CPU seconds of this process (all threads): less sensitive than wall
// time to other programs sharing the cores.
double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

struct Timing {
    double wall = 0.0;
    double cpu = 0.0;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// A CT-like int16 volume: air (-1000), an elliptic body (soft tissue ~40 HU, noise
// sigma 20), a spine-like bone cylinder (700 HU) and a few organ-like spheres (60-90 HU).
core::Image syntheticCt(const core::Size3& size, const core::Vec3& spacing) {
    core::Geometry g;
    g.size = size;
    g.spacing = spacing;
    core::Image image(core::PixelType::Int16, 1, g, core::Image::Init::Uninitialized);
    const double cx = size[0] / 2.0, cy = size[1] / 2.0;
    const double ax = size[0] * 0.42, ay = size[1] * 0.32;
    struct Sphere {
        double x, y, z, r, hu;
    };
    const std::vector<Sphere> organs{
        {0.35, 0.45, 0.5, 0.12, 60.0}, {0.65, 0.5, 0.45, 0.08, 90.0}, {0.5, 0.4, 0.6, 0.06, 75.0}};
    std::int16_t* out = image.data<std::int16_t>();
    core::parallelFor(0, size[2], [&](std::size_t k) {
        std::mt19937 rng(static_cast<unsigned>(k * 7919 + 1));
        std::normal_distribution<float> noise(0.0f, 20.0f);
        for (std::size_t j = 0; j < size[1]; ++j)
            for (std::size_t i = 0; i < size[0]; ++i) {
                const double ex = (i - cx) / ax, ey = (j - cy) / ay;
                double hu = -1000.0;
                if (ex * ex + ey * ey <= 1.0) {
                    hu = 40.0;
                    if (std::hypot(i - cx, j - (cy + ay * 0.6)) < size[0] * 0.04) hu = 700.0;
                    for (const Sphere& s : organs) {
                        const double dx = (i - s.x * size[0]) * spacing[0],
                                     dy = (j - s.y * size[1]) * spacing[1],
                                     dz = (k - s.z * size[2]) * spacing[2];
                        if (std::sqrt(dx * dx + dy * dy + dz * dz) < s.r * size[0] * spacing[0])
                            hu = s.hu;
                    }
                    hu += noise(rng);
                }
                out[(k * size[1] + j) * size[0] + i] = static_cast<std::int16_t>(hu);
            }
    });
    return image;
}

std::string pythonWithTorch(const std::string& given) {
    if (!given.empty()) return given;
    for (const char* python : {"/usr/bin/python3", "python3"})
        if (std::system((std::string(python) + " -c 'import torch' >/dev/null 2>&1").c_str()) == 0)
            return python;
    return {};
}

// PyTorch's median wall and CPU seconds for one forward + softmax of `batch` patches;
// negative when unavailable.
Timing referenceSeconds(const std::string& python, const ai::UNetSpec& s,
                        const std::array<int, 3>& patch, int batch, int repeat, unsigned threads,
                        bool cuda) {
    if (python.empty() || cuda) return {-1.0, -1.0};  // the twin runs on the CPU only
    const fs::path out =
        fs::temp_directory_path() / ("stratum-seg-bench-" + std::to_string(::getpid()) + ".txt");
    const std::string command =
        python + " '" STRATUM_SOURCE_DIR "/bench/unet_reference.py' bench " +
        std::to_string(s.dimensions) + " " + std::to_string(s.depth) + " " +
        std::to_string(s.width) + " " + std::to_string(s.inChannels) + " " +
        std::to_string(s.numLabels) + " " + std::to_string(patch[0]) + " " +
        std::to_string(patch[1]) + " " + std::to_string(patch[2]) + " " + std::to_string(batch) +
        " " + std::to_string(repeat) + " " + std::to_string(threads) + " > '" + out.string() + "'";
    Timing result{-1.0, -1.0};
    if (std::system(command.c_str()) == 0) {
        Timing t;
        if (std::ifstream(out) >> t.wall >> t.cpu) result = t;
    }
    fs::remove(out);
    return result;
}

std::size_t patchCount(const core::Size3& size, const std::array<int, 3>& patch, double overlap) {
    std::size_t n = 1;
    for (int a = 0; a < 3; ++a)
        n *= ai::slidingWindowStarts(
                 std::max<std::size_t>(size[a], static_cast<std::size_t>(patch[a])),
                 static_cast<std::size_t>(patch[a]), overlap)
                 .size();
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    std::string modelDir, python;
    core::Size3 size{512, 512, 300};
    core::Vec3 spacing{0.7, 0.7, 1.0};
    std::optional<std::array<double, 3>> targetSpacing;
    double overlap = -1.0;
    int batch = -1, repeat = 3;
    unsigned threads = core::defaultThreadCount();
    bool native = true, cpuOnly = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--model")
            modelDir = next();
        else if (a == "--size")
            for (int k = 0; k < 3; ++k) size[k] = std::stoul(next());
        else if (a == "--spacing")
            for (int k = 0; k < 3; ++k) spacing[k] = std::stod(next());
        else if (a == "--target-spacing") {
            std::array<double, 3> t{};
            for (int k = 0; k < 3; ++k) t[k] = std::stod(next());
            targetSpacing = t;
        } else if (a == "--overlap")
            overlap = std::stod(next());
        else if (a == "--batch")
            batch = std::stoi(next());
        else if (a == "--threads")
            threads = static_cast<unsigned>(std::stoul(next()));
        else if (a == "--repeat")
            repeat = std::stoi(next());
        else if (a == "--no-native")
            native = false;
        else if (a == "--python")
            python = next();
        else if (a == "--cpu-only")
            cpuOnly = true;
        else {
            std::cerr
                << "usage: stratum_bench_segment [--model DIR] [--size X Y Z] [--spacing X Y Z] "
                   "[--target-spacing X Y Z] [--overlap F] [--batch N] [--threads N] [--repeat N] "
                   "[--no-native] [--python PATH] [--cpu-only]\n";
            return 2;
        }
    }
    ai::setThreadCount(threads);
    python = pythonWithTorch(python);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    std::vector<std::string> devices{"cpu"};
    if (!cpuOnly && ai::cudaAvailable()) devices.push_back("cuda");
    const Clock::time_point made = Clock::now();
    const core::Image volume = syntheticCt(size, spacing);
    std::printf(
        "volume %zux%zux%zu int16 at %.2fx%.2fx%.2f mm (%.1f Mvoxels), made in %.1f s; %u "
        "threads\n",
        size[0], size[1], size[2], spacing[0], spacing[1], spacing[2], volume.voxelCount() / 1e6,
        seconds(made), threads);
    for (const std::string& device : devices) {
        ai::Segmenter net;
        ai::SegmentOptions o;
        if (!modelDir.empty()) {
            net = ai::Segmenter::load(modelDir, {device});
            o = net.defaultOptions();
        } else {
            ai::UNetSpec s;  // the shipped phantom model's spec
            s.dimensions = 3;
            s.depth = 4;
            s.width = 8;
            s.numLabels = 2;
            net = ai::Segmenter::create(s, 1, device);
            o.patchSize = {64, 64, 64};
            o.intensity = {ai::SegmentationIntensity::Method::Window, -160.0, 240.0};
        }
        if (overlap >= 0.0) o.overlap = overlap;
        if (batch >= 0) o.batchSize = batch;
        if (targetSpacing) o.targetSpacing = targetSpacing;
        const ai::UNetSpec& spec = net.spec();
        std::printf("\n[%s] %s, patch %dx%dx%d, overlap %.2f, batch %s\n", device.c_str(),
                    net.manifest().name.empty()
                        ? spec.describe().c_str()
                        : (net.manifest().name + ": " + spec.describe()).c_str(),
                    o.patchSize[0], o.patchSize[1], o.patchSize[2], o.overlap,
                    o.batchSize == 0 ? "auto" : std::to_string(o.batchSize).c_str());

        // Network time of one patch (Segmenter::logits, batch 1), median of `repeat`.
        core::Geometry pg;
        pg.size = {static_cast<std::size_t>(o.patchSize[0]),
                   static_cast<std::size_t>(o.patchSize[1]),
                   static_cast<std::size_t>(o.patchSize[2])};
        core::Image patch(core::PixelType::Float32, 1, pg);
        std::mt19937 rng(1);
        std::normal_distribution<float> gauss(0.0f, 1.0f);
        for (float& v : patch.pixels<float>()) v = gauss(rng);
        net.logits(patch);  // warm-up
        std::vector<double> walls, cpus;
        for (int r = 0; r < repeat; ++r) {
            const Clock::time_point t = Clock::now();
            const double c = cpuSeconds();
            net.logits(patch);
            walls.push_back(seconds(t));
            cpus.push_back(cpuSeconds() - c);
        }
        const Timing ours{median(walls), median(cpus)};
        const bool twin = !net.manifest().weights.architecture.name.empty() &&
                          net.manifest().weights.format == ai::WeightsFormat::BuiltIn &&
                          !spec.attention && !spec.nested && spec.norm == ai::NormKind::Instance;
        const Timing ref =
            twin ? referenceSeconds(python, spec, o.patchSize, 1, repeat, threads, device != "cpu")
                 : Timing{-1.0, -1.0};
        std::printf("  one patch through the network: wall %.3f s, CPU %.3f s", ours.wall,
                    ours.cpu);
        if (ref.wall > 0)
            std::printf("; PyTorch wall %.3f s, CPU %.3f s; ratio wall %.2f, CPU %.2f\n", ref.wall,
                        ref.cpu, ours.wall / ref.wall, ours.cpu / ref.cpu);
        else
            std::printf("; PyTorch: reference unavailable%s\n",
                        device != "cpu" ? " (CPU only)" : "");

        auto run = [&](const char* label, ai::SegmentOptions opts) {
            const Clock::time_point t = Clock::now();
            const double c0 = cpuSeconds();
            const ai::SegmentationResult r = net.segment(volume, opts);
            const Timing took{seconds(t), cpuSeconds() - c0};
            const std::size_t patches = patchCount(r.inferenceSize, opts.patchSize, opts.overlap);
            const double n = static_cast<double>(patches);
            std::printf(
                "  %s: grid %zux%zux%zu, %zu patches, batch %d on %s: wall %.1f s = %.3f "
                "Mvoxels/s (%.3f s per patch), CPU %.1f s (%.3f s per patch)\n",
                label, r.inferenceSize[0], r.inferenceSize[1], r.inferenceSize[2], patches,
                r.batchSize, r.device.name().c_str(), took.wall,
                volume.voxelCount() / took.wall / 1e6, took.wall / n, took.cpu, took.cpu / n);
            // PyTorch on batches of the same size, after the run (same conditions).
            const Timing batchRef =
                twin ? referenceSeconds(python, spec, opts.patchSize, r.batchSize, repeat, threads,
                                        device != "cpu")
                     : Timing{-1.0, -1.0};
            if (batchRef.wall > 0) {
                const double batches = n / r.batchSize;
                std::printf(
                    "    PyTorch network alone, %.0f batches of %d: wall %.1f s, CPU %.1f s; "
                    "ratio wall %.2f, CPU %.2f\n",
                    batches, r.batchSize, batchRef.wall * batches, batchRef.cpu * batches,
                    took.wall / (batchRef.wall * batches), took.cpu / (batchRef.cpu * batches));
            }
            for (const std::string& w : r.warnings) std::printf("    warning: %s\n", w.c_str());
            std::fflush(stdout);
        };
        if (o.targetSpacing) {
            run("model-grid", o);
            ai::SegmentOptions nativeOptions = o;
            nativeOptions.targetSpacing.reset();
            if (native) run("native", nativeOptions);
        } else {
            run("native", o);
        }
    }
    return 0;
}
