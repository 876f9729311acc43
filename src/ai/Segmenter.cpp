// Segmentation inference with the built-in U-Nets: 3D sliding windows with Gaussian
// blending and 2D slice-wise inference stacked into a volume (docs/ai.md).
#include "stratum/ai/Segmenter.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "ClassifierImpl.h"  // toTorch, torchMessage
#include "Package.h"
#include "SegmenterImpl.h"
#include "UNet.h"
#include "stratum/core/Error.h"

namespace stratum::ai {

using detail::checkImage;
using detail::normalise;
using detail::sizeText;
using detail::volumeTensor;

namespace {

core::Image floatImage(const torch::Tensor& zyx, const core::Geometry& geometry) {
    core::Image image(core::PixelType::Float32, 1, geometry, core::Image::Init::Uninitialized);
    const torch::Tensor t = zyx.to(torch::kCPU, torch::kFloat32).contiguous();
    std::copy(t.data_ptr<float>(), t.data_ptr<float>() + t.numel(), image.data<float>());
    return image;
}

void checkOptions(const SegmentOptions& o, const UNetSpec& spec) {
    if (o.batchSize < 0)
        throw core::InvalidArgument(
            "segmentation: batch size must be at least 1 (or 0 = automatic), not " +
            std::to_string(o.batchSize));
    if (o.targetSpacing)
        for (int a = 0; a < (spec.dimensions == 3 ? 3 : 2); ++a)
            if (!((*o.targetSpacing)[a] > 0.0) || !std::isfinite((*o.targetSpacing)[a]))
                throw core::InvalidArgument("segmentation: target spacing must be positive, not " +
                                            std::to_string((*o.targetSpacing)[a]) + " mm");
    if (!(o.overlap >= 0.0 && o.overlap < 1.0))
        throw core::InvalidArgument("segmentation: patch overlap must be in [0, 1), not " +
                                    std::to_string(o.overlap));
    const auto& in = o.intensity;
    if (in.method == SegmentationIntensity::Method::Window && !(in.high > in.low))
        throw core::InvalidArgument("segmentation: intensity window high (" +
                                    std::to_string(in.high) + ") must exceed low (" +
                                    std::to_string(in.low) + ")");
    if (spec.dimensions == 3) {
        for (int a = 0; a < 3; ++a)
            if (o.patchSize[a] < 1 || o.patchSize[a] % spec.sizeMultiple() != 0)
                throw core::InvalidArgument(
                    "segmentation: patch size " + std::to_string(o.patchSize[0]) + "x" +
                    std::to_string(o.patchSize[1]) + "x" + std::to_string(o.patchSize[2]) +
                    " must be positive multiples of " + std::to_string(spec.sizeMultiple()) +
                    " (2^(depth-1) for depth " + std::to_string(spec.depth) + ")");
    } else if (o.sliceAxis < 0 || o.sliceAxis > 2) {
        throw core::InvalidArgument("segmentation: slice axis must be 0 (x), 1 (y) or 2 (z), not " +
                                    std::to_string(o.sliceAxis));
    }
}

// Softmax probabilities of a batch [N, C, spatial...], averaged over all flips of the
// spatial axes when `mirror`.
torch::Tensor predict(detail::SegmentationNet& net, const torch::Tensor& x, bool mirror) {
    torch::Tensor p = torch::softmax(net.forward(x), 1);
    if (!mirror) return p;
    const int spatial = static_cast<int>(x.dim()) - 2;
    for (int mask = 1; mask < (1 << spatial); ++mask) {
        std::vector<std::int64_t> dims;
        for (int a = 0; a < spatial; ++a)
            if (mask & (1 << a)) dims.push_back(2 + a);
        p = p + torch::softmax(net.forward(x.flip(dims)), 1).flip(dims);
    }
    return p / static_cast<double>(1 << spatial);
}

// The batch size for `items` network calls of patch `patch` (o.batchSize, or the
// automatic choice for 0).
int batchSizeFor(const Segmenter::Impl& impl, const SegmentOptions& o,
                 const std::array<int, 3>& patch, std::size_t items) {
    if (o.batchSize > 0) return o.batchSize;
    UNetSpec estimate = impl.spec;
    if (impl.script) estimate.width = 32;  // unknown network: assume a generous one
    const std::size_t budget =
        o.memoryBudgetBytes ? o.memoryBudgetBytes : defaultMemoryBudget(impl.device);
    return automaticBatchSize(estimatedBatchItemBytes(estimate, patch, !impl.device.isCuda()),
                              budget, items);
}

// Runs `count` items in batches with the out-of-memory fallback of runBatches; a move
// to the CPU moves the network for good (impl.device tells).
BatchRun runNetworkBatches(const Segmenter::Impl& impl, std::size_t count, int batchSize,
                           const std::function<void(std::size_t, std::size_t)>& run,
                           const core::Task& task) {
    std::function<void()> toCpu;
    if (impl.device.isCuda())
        toCpu = [&impl] {
            impl.net->to(torch::kCPU);
            impl.device = Device::cpu();
        };
    return runBatches(count, batchSize, run, toCpu, task);
}

// [L, Z, Y, X] probabilities by sliding windows over x [C, Z, Y, X].
torch::Tensor slidingWindow(const Segmenter::Impl& impl, const torch::Tensor& x,
                            const core::Size3& size, const SegmentOptions& o,
                            const core::Task& task, BatchRun& report) {
    const std::array<int, 3>& patch = o.patchSize;
    std::array<std::int64_t, 3> padded{};  // x y z
    for (int a = 0; a < 3; ++a)
        padded[a] = std::max<std::int64_t>(static_cast<std::int64_t>(size[a]), patch[a]);
    const torch::Tensor xp =
        torch::constant_pad_nd(x, {0, padded[0] - static_cast<std::int64_t>(size[0]), 0,
                                   padded[1] - static_cast<std::int64_t>(size[1]), 0,
                                   padded[2] - static_cast<std::int64_t>(size[2])});
    std::array<std::vector<std::size_t>, 3> starts;
    for (int a = 0; a < 3; ++a)
        starts[a] = slidingWindowStarts(static_cast<std::size_t>(padded[a]),
                                        static_cast<std::size_t>(patch[a]), o.overlap);
    std::vector<std::array<std::int64_t, 3>> positions;
    for (const std::size_t z : starts[2])
        for (const std::size_t y : starts[1])
            for (const std::size_t xs : starts[0])
                positions.push_back({static_cast<std::int64_t>(xs), static_cast<std::int64_t>(y),
                                     static_cast<std::int64_t>(z)});
    std::vector<float> w = patchWeights(patch, o.gaussian);
    const torch::Tensor weights =
        torch::from_blob(w.data(), {patch[2], patch[1], patch[0]}, torch::kFloat32).clone();
    const std::int64_t labels = impl.spec.numLabels;
    torch::Tensor acc = torch::zeros({labels, padded[2], padded[1], padded[0]}, torch::kFloat32);
    auto run = [&](std::size_t first, std::size_t n) {
        const std::size_t last = first + n;
        std::vector<torch::Tensor> patches;
        for (std::size_t i = first; i < last; ++i) {
            const auto& p = positions[i];
            patches.push_back(xp.slice(1, p[2], p[2] + patch[2])
                                  .slice(2, p[1], p[1] + patch[1])
                                  .slice(3, p[0], p[0] + patch[0]));
        }
        const torch::Tensor probs =
            predict(*impl.net, torch::stack(patches).to(impl.torchDevice()), o.mirror)
                .to(torch::kCPU);
        // In place, no allocation: nothing half-added when the batch fails before.
        for (std::size_t i = first; i < last; ++i) {
            const auto& p = positions[i];
            acc.slice(1, p[2], p[2] + patch[2])
                .slice(2, p[1], p[1] + patch[1])
                .slice(3, p[0], p[0] + patch[0])
                .addcmul_(probs[static_cast<std::int64_t>(i - first)], weights);
        }
    };
    report = runNetworkBatches(impl, positions.size(),
                               batchSizeFor(impl, o, patch, positions.size()), run, task);
    std::vector<float> sum = accumulatedWeights(size, patch, o.overlap, o.gaussian);
    const torch::Tensor denominator =
        torch::from_blob(sum.data(),
                         {static_cast<std::int64_t>(size[2]), static_cast<std::int64_t>(size[1]),
                          static_cast<std::int64_t>(size[0])},
                         torch::kFloat32);
    return acc.slice(1, 0, static_cast<std::int64_t>(size[2]))
               .slice(2, 0, static_cast<std::int64_t>(size[1]))
               .slice(3, 0, static_cast<std::int64_t>(size[0])) /
           denominator;
}

// [L, Z, Y, X] probabilities of a 2D network run on every slice perpendicular to the axis.
torch::Tensor sliceWise(const Segmenter::Impl& impl, const torch::Tensor& x,
                        const SegmentOptions& o, const core::Task& task, BatchRun& report) {
    // x is [C, Z, Y, X]; slices [S, C, H, W].
    static const std::int64_t toSlices[3][4] = {{3, 0, 1, 2}, {2, 0, 1, 3}, {1, 0, 2, 3}};
    static const std::int64_t fromSlices[3][4] = {{1, 2, 3, 0}, {1, 2, 0, 3}, {1, 0, 2, 3}};
    const int a = o.sliceAxis;
    const torch::Tensor slices = x.permute(at::IntArrayRef(toSlices[a], 4));
    const std::int64_t count = slices.size(0), h = slices.size(2), wd = slices.size(3);
    const std::int64_t m = impl.spec.sizeMultiple();
    const std::int64_t ph = (h + m - 1) / m * m, pw = (wd + m - 1) / m * m;
    std::vector<torch::Tensor> out;
    auto run = [&](std::size_t first, std::size_t n) {
        const auto f = static_cast<std::int64_t>(first), e = static_cast<std::int64_t>(first + n);
        const torch::Tensor s =
            torch::constant_pad_nd(slices.slice(0, f, e), {0, pw - wd, 0, ph - h});
        const torch::Tensor probs =
            predict(*impl.net, s.contiguous().to(impl.torchDevice()), o.mirror).to(torch::kCPU);
        out.push_back(probs.slice(2, 0, h).slice(3, 0, wd));
    };
    const std::array<int, 3> item{static_cast<int>(pw), static_cast<int>(ph), 1};
    report =
        runNetworkBatches(impl, static_cast<std::size_t>(count),
                          batchSizeFor(impl, o, item, static_cast<std::size_t>(count)), run, task);
    return torch::cat(out, 0).permute(at::IntArrayRef(fromSlices[a], 4)).contiguous();
}

// The grid (x y z voxels) the network runs on: the input's, or the same physical
// extent at the target spacing (n' = round(n * spacing / target), at least 1); 2D
// networks keep the slice axis.
core::Size3 inferenceGrid(const core::Geometry& g, const SegmentOptions& o, const UNetSpec& spec) {
    core::Size3 grid = g.size;
    if (!o.targetSpacing) return grid;
    std::array<int, 3> axes{0, 1, 2};  // image axis of each target spacing value
    if (spec.dimensions == 2) {
        int k = 0;
        for (int a = 0; a < 3; ++a)
            if (a != o.sliceAxis) axes[k++] = a;
        axes[2] = -1;
    }
    for (int i = 0; i < 3; ++i) {
        const int a = axes[i];
        if (a < 0) continue;
        const double n =
            std::round(static_cast<double>(g.size[a]) * g.spacing[a] / (*o.targetSpacing)[i]);
        grid[a] = static_cast<std::size_t>(std::max(1.0, n));
    }
    return grid;
}

// [C, Z, Y, X] resampled trilinearly to `size` (x y z) over the same extent (voxel
// centres at (i + 0.5) * n / n' - 0.5 of the source grid, edges clamped).
torch::Tensor resampled(const torch::Tensor& x, const core::Size3& size) {
    namespace F = torch::nn::functional;
    const std::vector<std::int64_t> zyx{static_cast<std::int64_t>(size[2]),
                                        static_cast<std::int64_t>(size[1]),
                                        static_cast<std::int64_t>(size[0])};
    return F::interpolate(
               x.unsqueeze(0),
               F::InterpolateFuncOptions().size(zyx).mode(torch::kTrilinear).align_corners(false))
        .squeeze(0);
}

// A manifest describing `spec` with default names, intensity and patch size.
ModelManifest defaultManifest(const UNetSpec& spec) {
    static const std::array<std::array<std::uint8_t, 3>, 6> palette{{{230, 25, 75},
                                                                     {60, 180, 75},
                                                                     {0, 130, 200},
                                                                     {255, 225, 25},
                                                                     {145, 30, 180},
                                                                     {245, 130, 48}}};
    ModelManifest m;
    m.name = spec.architectureName();
    m.description = spec.describe();
    m.task = ModelTask::Segmentation;
    m.labels.push_back({"background", {0, 0, 0}});
    for (int l = 1; l < spec.numLabels; ++l)
        m.labels.push_back({"label " + std::to_string(l),
                            palette[static_cast<std::size_t>(l - 1) % palette.size()]});
    m.input.channels = spec.inChannels;
    m.input.dimensions = spec.dimensions;
    m.input.size.assign(static_cast<std::size_t>(spec.dimensions),
                        std::max(64, spec.sizeMultiple()));
    m.preprocessing.intensity = IntensityMethod::None;
    m.preprocessing.mean.assign(static_cast<std::size_t>(spec.inChannels), 0.0);
    m.preprocessing.std.assign(static_cast<std::size_t>(spec.inChannels), 1.0);
    m.weights.format = WeightsFormat::BuiltIn;
    m.weights.dtype = "float32";
    m.weights.architecture = spec.architecture();
    return m;
}

// The U-Net a segmentation manifest describes; throws core::InvalidArgument when the
// manifest is not one segment() can run (checked on top of ModelManifest::validate).
// The spec standing for a TorchScript model: the manifest's dimensions, channels and
// labels; depth such that 2^(depth-1) is the largest power of two (up to 32) dividing
// every patch size value (2D slices are padded to multiples of it).
UNetSpec scriptSpec(const ModelManifest& m) {
    UNetSpec spec;
    spec.dimensions = m.input.dimensions;
    spec.inChannels = m.input.channels;
    spec.numLabels = static_cast<int>(m.labels.size());
    spec.depth = 1;
    while (spec.depth < 6 && std::all_of(m.input.size.begin(), m.input.size.end(),
                                         [&](int s) { return s % (1 << spec.depth) == 0; }))
        ++spec.depth;
    spec.depth = std::max(spec.depth, 2);
    return spec;
}

UNetSpec specOfManifest(const ModelManifest& m) {
    auto bad = [](const std::string& text) { throw core::InvalidArgument(text); };
    if (m.task != ModelTask::Segmentation)
        bad(std::string("field 'task' is '") + modelTaskName(m.task) + "', not 'segmentation'");
    if (m.weights.format == WeightsFormat::TorchScript) {
        if (m.labels.size() < 2 || m.labels.size() > 65536)
            bad("field 'labels' must list 2..65536 labels (background included) for a segmentation "
                "model");
        if (m.preprocessing.intensity == IntensityMethod::Percentile)
            bad("field 'preprocessing.intensity.method': segmentation takes none, range or zscore");
        for (const double v : m.preprocessing.mean)
            if (v != 0.0) bad("field 'preprocessing.mean' must be 0 for segmentation models");
        for (const double v : m.preprocessing.std)
            if (v != 1.0) bad("field 'preprocessing.std' must be 1 for segmentation models");
        return scriptSpec(m);
    }
    if (!m.weights.architecture.isSegmentation())
        bad("field 'weights.architecture.name' is '" + m.weights.architecture.name +
            "', not a segmentation network (unet, attention-unet, unet++)");
    UNetSpec spec = UNetSpec::fromArchitecture(m.weights.architecture);
    spec.validate();
    if (static_cast<int>(m.labels.size()) != spec.numLabels)
        bad("field 'labels' lists " + std::to_string(m.labels.size()) +
            " labels but the network has " + std::to_string(spec.numLabels) +
            " outputs (weights.architecture.num_classes)");
    if (m.input.channels != spec.inChannels)
        bad("field 'input.channels' differs from the network's");
    if (m.input.dimensions != spec.dimensions)
        bad("field 'input.dimensions' is " + std::to_string(m.input.dimensions) +
            " but the network is " + std::to_string(spec.dimensions) + "D");
    for (const int s : m.input.size)
        if (s % spec.sizeMultiple() != 0)
            bad("field 'input.size' (the patch size) must hold multiples of " +
                std::to_string(spec.sizeMultiple()) + " (2^(depth-1))");
    if (m.preprocessing.intensity == IntensityMethod::Percentile)
        bad("field 'preprocessing.intensity.method': segmentation takes none, range or zscore");
    for (const double v : m.preprocessing.mean)
        if (v != 0.0) bad("field 'preprocessing.mean' must be 0 for segmentation models");
    for (const double v : m.preprocessing.std)
        if (v != 1.0) bad("field 'preprocessing.std' must be 1 for segmentation models");
    return spec;
}

}  // namespace

Segmenter::Segmenter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Segmenter::Segmenter() = default;
Segmenter::Segmenter(Segmenter&&) noexcept = default;
Segmenter& Segmenter::operator=(Segmenter&&) noexcept = default;
Segmenter::~Segmenter() = default;

Segmenter Segmenter::create(const UNetSpec& spec, std::uint64_t seed, const std::string& device) {
    ensureThreads();
    spec.validate();
    auto impl = std::make_unique<Impl>();
    impl->spec = spec;
    impl->manifest = defaultManifest(spec);
    impl->device = resolveDevice(device);
    torch::manual_seed(seed);
    impl->net = detail::buildUNet(spec);
    impl->net->eval();
    for (torch::Tensor p : impl->net->parameters()) p.set_requires_grad(false);
    impl->net->to(impl->torchDevice());
    return Segmenter(std::move(impl));
}

Segmenter Segmenter::load(const std::filesystem::path& packageDir, const LoadOptions& options) {
    ensureThreads();
    const std::filesystem::path manifestPath = packageDir / detail::kManifestFile;
    ModelManifest manifest = detail::readPackageManifest(packageDir);
    if (manifest.task != ModelTask::Segmentation)
        throw core::InvalidArgument(packageDir.string() + ": '" + manifest.name + "' is a " +
                                    modelTaskName(manifest.task) +
                                    " model, not a segmentation model");
    UNetSpec spec;
    try {
        spec = specOfManifest(manifest);
    } catch (const core::InvalidArgument& e) {
        throw core::FormatError(manifestPath.string(), e.what());
    }
    const Device device = resolveDevice(options.device);
    const std::filesystem::path weightsPath = detail::verifiedWeightsFile(packageDir, manifest);
    auto impl = std::make_unique<Impl>();
    impl->spec = spec;
    if (manifest.weights.format == WeightsFormat::TorchScript) {
        impl->script = true;
        impl->net = detail::loadScriptSegmentationNet(weightsPath, spec.numLabels);
    } else {
        impl->net = detail::buildUNet(spec);
        detail::readBuiltInWeights(weightsPath, *impl->net, spec.describe());
    }
    impl->net->eval();
    for (torch::Tensor p : impl->net->parameters()) p.set_requires_grad(false);
    impl->manifest = std::move(manifest);
    impl->package = packageDir;
    impl->device = device;
    try {
        impl->net->to(impl->torchDevice());
    } catch (const c10::Error& e) {
        throw core::Error(packageDir.string() + ": " + detail::torchMessage(e));
    }
    return Segmenter(std::move(impl));
}

const ModelManifest& Segmenter::manifest() const {
    return impl_->manifest;
}
const std::filesystem::path& Segmenter::packagePath() const {
    return impl_->package;
}

void Segmenter::setManifest(const ModelManifest& manifest) {
    ModelManifest m = manifest;
    m.weights.sha256 = std::string(64, '0');  // computed by save()
    m.validate();
    if ((m.weights.format == WeightsFormat::TorchScript) != impl_->script)
        throw core::InvalidArgument("manifest field 'weights.format' must stay '" +
                                    std::string(weightsFormatName(impl_->manifest.weights.format)) +
                                    "'");
    if (impl_->script && m.weights.file != impl_->manifest.weights.file)
        throw core::InvalidArgument(
            "manifest field 'weights.file' of a TorchScript model must stay '" +
            impl_->manifest.weights.file + "'");
    if (specOfManifest(m) != impl_->spec)
        throw core::InvalidArgument(
            "manifest field 'weights.architecture' (" + m.weights.architecture.describe() +
            ") does not describe this network (" + impl_->spec.describe() + ")");
    m.weights.sha256 = impl_->manifest.weights.sha256;
    impl_->manifest = std::move(m);
}

SegmentOptions Segmenter::defaultOptions() const {
    const ModelManifest& m = impl_->manifest;
    SegmentOptions o;
    switch (m.preprocessing.intensity) {
        case IntensityMethod::Range:
            o.intensity = {SegmentationIntensity::Method::Window, m.preprocessing.low,
                           m.preprocessing.high};
            break;
        case IntensityMethod::ZScore:
            o.intensity.method = SegmentationIntensity::Method::ZScore;
            break;
        case IntensityMethod::None:
        case IntensityMethod::Percentile:  // refused by setManifest() and load()
            break;
    }
    if (impl_->spec.dimensions == 3)
        o.patchSize = {m.input.size[0], m.input.size[1], m.input.size[2]};
    if (m.input.spacing.size() >= 2)
        o.targetSpacing =
            std::array<double, 3>{m.input.spacing[0], m.input.spacing[1],
                                  m.input.spacing.size() > 2 ? m.input.spacing[2] : 0.0};
    return o;
}

void Segmenter::save(const std::filesystem::path& packageDir,
                     const std::vector<std::pair<std::string, std::string>>& extraFiles) {
    if (impl_->script)
        throw core::InvalidArgument(packageDir.string() +
                                    ": a TorchScript segmentation model is saved by "
                                    "copying its package folder (" +
                                    impl_->package.string() + ")");
    impl_->manifest =
        detail::writeBuiltInPackage(packageDir, impl_->manifest, *impl_->net, extraFiles);
    impl_->package = packageDir;
}

const UNetSpec& Segmenter::spec() const {
    return impl_->spec;
}
Device Segmenter::device() const {
    return impl_->device;
}

SegmentationResult Segmenter::segment(const core::Image& image, const SegmentOptions& options,
                                      const core::Task& task) const {
    const Impl& impl = *impl_;
    checkImage(image, impl.spec);
    checkOptions(options, impl.spec);
    const core::Size3 grid = inferenceGrid(image.geometry(), options, impl.spec);
    const bool resample = grid != image.size();
    torch::Tensor probs;
    BatchRun run;
    try {
        c10::InferenceMode inference;
        torch::Tensor x = normalise(volumeTensor(image), options.intensity);
        if (resample) x = resampled(x, grid);
        probs = impl.spec.dimensions == 3 ? slidingWindow(impl, x, grid, options, task, run)
                                          : sliceWise(impl, x, options, task, run);
        if (resample) probs = resampled(probs, image.size());
    } catch (const c10::Error& e) {
        throw core::Error("segmentation with " + impl.description() + ": " +
                          detail::torchMessage(e));
    }
    SegmentationResult result;
    result.warnings = std::move(run.warnings);
    result.batchSize = run.batchSize;
    result.device = impl.device;
    result.inferenceSize = grid;
    const torch::Tensor argmax = probs.argmax(0).contiguous();
    const std::int64_t* best = argmax.data_ptr<std::int64_t>();
    const bool small = impl.spec.numLabels <= 256;
    result.labels = core::Image(small ? core::PixelType::UInt8 : core::PixelType::UInt16, 1,
                                image.geometry(), core::Image::Init::Uninitialized);
    const std::size_t n = image.voxelCount();
    if (small) {
        std::uint8_t* out = result.labels.data<std::uint8_t>();
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(best[i]);
    } else {
        std::uint16_t* out = result.labels.data<std::uint16_t>();
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint16_t>(best[i]);
    }
    if (options.probabilities)
        for (std::int64_t l = 0; l < probs.size(0); ++l)
            result.probabilities.push_back(floatImage(probs[l], image.geometry()));
    return result;
}

std::vector<core::Image> Segmenter::logits(const core::Image& image,
                                           const SegmentationIntensity& intensity) const {
    const Impl& impl = *impl_;
    checkImage(image, impl.spec);
    const core::Size3& s = image.size();
    if (impl.spec.dimensions == 2 && s[2] != 1)
        throw core::InvalidArgument("segmentation: a 2D network takes 2D images here, not a " +
                                    sizeText(s) + " volume");
    const std::size_t m = static_cast<std::size_t>(impl.spec.sizeMultiple());
    for (int a = 0; a < impl.spec.dimensions; ++a)
        if (s[a] % m != 0)
            throw core::InvalidArgument("segmentation: image size " + sizeText(s) +
                                        " is not a multiple of " + std::to_string(m) +
                                        " (2^(depth-1)) along every network axis");
    torch::Tensor out;
    try {
        c10::InferenceMode inference;
        torch::Tensor x = normalise(volumeTensor(image), intensity);
        if (impl.spec.dimensions == 2) x = x.select(1, 0);
        out = impl.net->forward(x.unsqueeze(0).to(impl.torchDevice())).to(torch::kCPU).squeeze(0);
    } catch (const c10::Error& e) {
        throw core::Error("segmentation with " + impl.description() + ": " +
                          detail::torchMessage(e));
    }
    std::vector<core::Image> images;
    for (std::int64_t l = 0; l < out.size(0); ++l)
        images.push_back(floatImage(out[l], image.geometry()));
    return images;
}

std::vector<ParameterArray> Segmenter::parameters() const {
    return detail::moduleParameters(*impl_->net);
}

void Segmenter::setParameters(const std::vector<ParameterArray>& parameters) {
    detail::setModuleParameters(*impl_->net, parameters);
}

}  // namespace stratum::ai
