// Segmentation inference with the built-in U-Nets: 3D sliding windows with Gaussian
// blending and 2D slice-wise inference stacked into a volume (docs/ai.md).
#include "stratum/ai/Segmenter.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "ClassifierImpl.h"  // toTorch, torchMessage
#include "Package.h"
#include "UNet.h"
#include "stratum/core/Error.h"

namespace stratum::ai {

class Segmenter::Impl {
public:
    UNetSpec spec;
    ModelManifest manifest;
    std::filesystem::path package;
    Device device;
    std::shared_ptr<detail::SegmentationNet> net;
    torch::Device torchDevice() const { return detail::toTorch(device); }
};

namespace {

// [C, Z, Y, X] float32 on the CPU.
torch::Tensor volumeTensor(const core::Image& image) {
    const core::Size3& s = image.size();
    const int c = image.components();
    torch::Tensor t =
        torch::empty({static_cast<std::int64_t>(s[2]), static_cast<std::int64_t>(s[1]),
                      static_cast<std::int64_t>(s[0]), c},
                     torch::kFloat32);
    float* out = t.data_ptr<float>();
    core::dispatchPixelType(image.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        const T* in = image.data<T>();
        const std::size_t n = image.valueCount();
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]);
    });
    return t.permute({3, 0, 1, 2}).contiguous();
}

torch::Tensor normalise(torch::Tensor x, const SegmentationIntensity& intensity) {
    using M = SegmentationIntensity::Method;
    switch (intensity.method) {
        case M::None:
            return x;
        case M::Window:
            return ((x - intensity.low) / (intensity.high - intensity.low)).clamp(0.0, 1.0);
        case M::ZScore: {
            const torch::Tensor flat = x.flatten(1).to(torch::kFloat64);
            const torch::Tensor mean = flat.mean(1);
            const torch::Tensor sd = flat.std(1, false).clamp_min(1e-8);
            return ((x - mean.to(torch::kFloat32).view({-1, 1, 1, 1})) /
                    sd.to(torch::kFloat32).view({-1, 1, 1, 1}));
        }
    }
    return x;
}

core::Image floatImage(const torch::Tensor& zyx, const core::Geometry& geometry) {
    core::Image image(core::PixelType::Float32, 1, geometry, core::Image::Init::Uninitialized);
    const torch::Tensor t = zyx.to(torch::kCPU, torch::kFloat32).contiguous();
    std::copy(t.data_ptr<float>(), t.data_ptr<float>() + t.numel(), image.data<float>());
    return image;
}

std::string sizeText(const core::Size3& s) {
    return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
}

void checkImage(const core::Image& image, const UNetSpec& spec) {
    if (image.empty()) throw core::InvalidArgument("segmentation: the image is empty");
    if (image.components() != spec.inChannels)
        throw core::InvalidArgument("segmentation: the image has " +
                                    std::to_string(image.components()) +
                                    " channel(s) but the network (" + spec.describe() + ") takes " +
                                    std::to_string(spec.inChannels));
}

void checkOptions(const SegmentOptions& o, const UNetSpec& spec) {
    if (o.batchSize < 1)
        throw core::InvalidArgument("segmentation: batch size must be at least 1, not " +
                                    std::to_string(o.batchSize));
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

// [L, Z, Y, X] probabilities by sliding windows over x [C, Z, Y, X].
torch::Tensor slidingWindow(const Segmenter::Impl& impl, const torch::Tensor& x,
                            const core::Size3& size, const SegmentOptions& o,
                            const core::Task& task) {
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
    const std::size_t batches = (positions.size() + o.batchSize - 1) / o.batchSize;
    for (std::size_t b = 0; b < batches; ++b) {
        task.progress(static_cast<double>(b) / static_cast<double>(batches),
                      "segmenting: batch " + std::to_string(b + 1) + "/" + std::to_string(batches));
        const std::size_t first = b * o.batchSize,
                          last = std::min(positions.size(), first + o.batchSize);
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
        for (std::size_t i = first; i < last; ++i) {
            const auto& p = positions[i];
            acc.slice(1, p[2], p[2] + patch[2])
                .slice(2, p[1], p[1] + patch[1])
                .slice(3, p[0], p[0] + patch[0])
                .add_(probs[static_cast<std::int64_t>(i - first)] * weights);
        }
    }
    task.progress(1.0);
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
                        const SegmentOptions& o, const core::Task& task) {
    // x is [C, Z, Y, X]; slices [S, C, H, W].
    static const std::int64_t toSlices[3][4] = {{3, 0, 1, 2}, {2, 0, 1, 3}, {1, 0, 2, 3}};
    static const std::int64_t fromSlices[3][4] = {{1, 2, 3, 0}, {1, 2, 0, 3}, {1, 0, 2, 3}};
    const int a = o.sliceAxis;
    const torch::Tensor slices = x.permute(at::IntArrayRef(toSlices[a], 4));
    const std::int64_t count = slices.size(0), h = slices.size(2), wd = slices.size(3);
    const std::int64_t m = impl.spec.sizeMultiple();
    const std::int64_t ph = (h + m - 1) / m * m, pw = (wd + m - 1) / m * m;
    std::vector<torch::Tensor> out;
    const std::int64_t batch = o.batchSize;
    const std::int64_t batches = (count + batch - 1) / batch;
    for (std::int64_t b = 0; b < batches; ++b) {
        task.progress(static_cast<double>(b) / static_cast<double>(batches),
                      "segmenting: batch " + std::to_string(b + 1) + "/" + std::to_string(batches));
        const torch::Tensor s = torch::constant_pad_nd(
            slices.slice(0, b * batch, std::min(count, (b + 1) * batch)), {0, pw - wd, 0, ph - h});
        const torch::Tensor probs =
            predict(*impl.net, s.contiguous().to(impl.torchDevice()), o.mirror).to(torch::kCPU);
        out.push_back(probs.slice(2, 0, h).slice(3, 0, wd));
    }
    task.progress(1.0);
    return torch::cat(out, 0).permute(at::IntArrayRef(fromSlices[a], 4)).contiguous();
}

// A manifest describing `spec` with default names, intensity and patch size.
ModelManifest defaultManifest(const UNetSpec& spec) {
    static const std::array<std::array<std::uint8_t, 3>, 6> palette{
        {{230, 25, 75}, {60, 180, 75}, {0, 130, 200}, {255, 225, 25}, {145, 30, 180}, {245, 130, 48}}};
    ModelManifest m;
    m.name = spec.architectureName();
    m.description = spec.describe();
    m.task = ModelTask::Segmentation;
    m.labels.push_back({"background", {0, 0, 0}});
    for (int l = 1; l < spec.numLabels; ++l)
        m.labels.push_back({"label " + std::to_string(l), palette[static_cast<std::size_t>(l - 1) % palette.size()]});
    m.input.channels = spec.inChannels;
    m.input.dimensions = spec.dimensions;
    m.input.size.assign(static_cast<std::size_t>(spec.dimensions), std::max(64, spec.sizeMultiple()));
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
UNetSpec specOfManifest(const ModelManifest& m) {
    auto bad = [](const std::string& text) { throw core::InvalidArgument(text); };
    if (m.task != ModelTask::Segmentation)
        bad(std::string("field 'task' is '") + modelTaskName(m.task) + "', not 'segmentation'");
    if (m.weights.format != WeightsFormat::BuiltIn)
        bad("field 'weights.format': only built-in U-Nets (stratum-builtin) segment for now");
    if (!m.weights.architecture.isSegmentation())
        bad("field 'weights.architecture.name' is '" + m.weights.architecture.name +
            "', not a segmentation network (unet, attention-unet)");
    UNetSpec spec = UNetSpec::fromArchitecture(m.weights.architecture);
    spec.validate();
    if (static_cast<int>(m.labels.size()) != spec.numLabels)
        bad("field 'labels' lists " + std::to_string(m.labels.size()) + " labels but the network has " +
            std::to_string(spec.numLabels) + " outputs (weights.architecture.num_classes)");
    if (m.input.channels != spec.inChannels) bad("field 'input.channels' differs from the network's");
    if (m.input.dimensions != spec.dimensions)
        bad("field 'input.dimensions' is " + std::to_string(m.input.dimensions) + " but the network is " +
            std::to_string(spec.dimensions) + "D");
    for (const int s : m.input.size)
        if (s % spec.sizeMultiple() != 0)
            bad("field 'input.size' (the patch size) must hold multiples of " + std::to_string(spec.sizeMultiple()) +
                " (2^(depth-1))");
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
                                    modelTaskName(manifest.task) + " model, not a segmentation model");
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
    impl->net = detail::buildUNet(spec);
    detail::readBuiltInWeights(weightsPath, *impl->net, spec.describe());
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
    if (specOfManifest(m) != impl_->spec)
        throw core::InvalidArgument("manifest field 'weights.architecture' (" + m.weights.architecture.describe() +
                                    ") does not describe this network (" + impl_->spec.describe() + ")");
    m.weights.sha256 = impl_->manifest.weights.sha256;
    impl_->manifest = std::move(m);
}

SegmentOptions Segmenter::defaultOptions() const {
    const ModelManifest& m = impl_->manifest;
    SegmentOptions o;
    switch (m.preprocessing.intensity) {
        case IntensityMethod::Range:
            o.intensity = {SegmentationIntensity::Method::Window, m.preprocessing.low, m.preprocessing.high};
            break;
        case IntensityMethod::ZScore:
            o.intensity.method = SegmentationIntensity::Method::ZScore;
            break;
        case IntensityMethod::None:
        case IntensityMethod::Percentile:  // refused by setManifest() and load()
            break;
    }
    if (impl_->spec.dimensions == 3) o.patchSize = {m.input.size[0], m.input.size[1], m.input.size[2]};
    return o;
}

void Segmenter::save(const std::filesystem::path& packageDir,
                     const std::vector<std::pair<std::string, std::string>>& extraFiles) {
    impl_->manifest = detail::writeBuiltInPackage(packageDir, impl_->manifest, *impl_->net, extraFiles);
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
    torch::Tensor probs;
    try {
        c10::InferenceMode inference;
        const torch::Tensor x = normalise(volumeTensor(image), options.intensity);
        probs = impl.spec.dimensions == 3 ? slidingWindow(impl, x, image.size(), options, task)
                                          : sliceWise(impl, x, options, task);
    } catch (const c10::Error& e) {
        throw core::Error("segmentation with " + impl.spec.describe() + ": " +
                          detail::torchMessage(e));
    }
    SegmentationResult result;
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
        throw core::Error("segmentation with " + impl.spec.describe() + ": " +
                          detail::torchMessage(e));
    }
    std::vector<core::Image> images;
    for (std::int64_t l = 0; l < out.size(0); ++l)
        images.push_back(floatImage(out[l], image.geometry()));
    return images;
}

std::vector<double> Segmenter::train(std::span<const SegmentationSample> samples,
                                     const SegmentTrainOptions& o, const core::Task& task) {
    Impl& impl = *impl_;
    const UNetSpec& spec = impl.spec;
    const std::string where = "segmentation training: ";
    if (samples.empty()) throw core::InvalidArgument(where + "no samples");
    if (o.batchSize < 1) throw core::InvalidArgument(where + "batch size must be at least 1");
    if (o.iterations < 1) throw core::InvalidArgument(where + "iterations must be at least 1");
    if (!(o.learningRate > 0.0))
        throw core::InvalidArgument(where + "learning rate must be positive");
    if (!(o.foregroundFraction >= 0.0 && o.foregroundFraction <= 1.0))
        throw core::InvalidArgument(where + "foreground fraction must be in [0, 1]");
    // Patch x y z (z = 1 for 2D networks: slices along z).
    const std::array<std::int64_t, 3> patch{o.patchSize[0], o.patchSize[1],
                                            spec.dimensions == 3 ? o.patchSize[2] : 1};
    for (int a = 0; a < spec.dimensions; ++a)
        if (patch[a] < 1 || patch[a] % spec.sizeMultiple() != 0)
            throw core::InvalidArgument(where + "patch sizes must be positive multiples of " +
                                        std::to_string(spec.sizeMultiple()));
    struct Prepared {
        torch::Tensor x;                       // [C, Z, Y, X], padded to at least the patch
        torch::Tensor y;                       // [Z, Y, X] int64
        std::vector<std::int64_t> foreground;  // flat indices into y
    };
    std::vector<Prepared> data;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const SegmentationSample& s = samples[i];
        const std::string name = where + "sample " + std::to_string(i) + ": ";
        try {
            checkImage(s.image, spec);
        } catch (const core::InvalidArgument& e) {
            throw core::InvalidArgument(name + e.what());
        }
        if (s.labels.empty() || s.labels.components() != 1 ||
            s.labels.pixelType() == core::PixelType::Float32)
            throw core::InvalidArgument(name +
                                        "the label map must be a one-component integer image");
        if (s.labels.size() != s.image.size())
            throw core::InvalidArgument(name + "the label map is " + sizeText(s.labels.size()) +
                                        " but the image is " + sizeText(s.image.size()));
        const core::Size3& size = s.image.size();
        torch::Tensor y =
            torch::empty({static_cast<std::int64_t>(size[2]), static_cast<std::int64_t>(size[1]),
                          static_cast<std::int64_t>(size[0])},
                         torch::kInt64);
        std::int64_t* out = y.data_ptr<std::int64_t>();
        core::dispatchPixelType(s.labels.pixelType(), [&](auto tag) {
            using T = decltype(tag);
            const T* in = s.labels.data<T>();
            for (std::size_t v = 0; v < s.labels.voxelCount(); ++v)
                out[v] = static_cast<std::int64_t>(in[v]);
        });
        if (y.min().item<std::int64_t>() < 0 || y.max().item<std::int64_t>() >= spec.numLabels)
            throw core::InvalidArgument(name + "labels must be in 0.." +
                                        std::to_string(spec.numLabels - 1));
        const std::array<std::int64_t, 3> pad{
            std::max<std::int64_t>(0, patch[0] - static_cast<std::int64_t>(size[0])),
            std::max<std::int64_t>(0, patch[1] - static_cast<std::int64_t>(size[1])),
            std::max<std::int64_t>(0, patch[2] - static_cast<std::int64_t>(size[2]))};
        Prepared p;
        p.x = torch::constant_pad_nd(normalise(volumeTensor(s.image), o.intensity),
                                     {0, pad[0], 0, pad[1], 0, pad[2]});
        p.y = torch::constant_pad_nd(y, {0, pad[0], 0, pad[1], 0, pad[2]}).contiguous();
        const torch::Tensor fg = torch::nonzero(p.y.flatten() > 0).flatten().contiguous();
        p.foreground.assign(fg.data_ptr<std::int64_t>(), fg.data_ptr<std::int64_t>() + fg.numel());
        data.push_back(std::move(p));
    }

    std::vector<double> losses;
    auto& net = *impl.net;
    try {
        torch::AutoGradMode grad(true);
        for (torch::Tensor p : net.parameters()) p.set_requires_grad(true);
        net.train();
        torch::optim::Adam optimiser(net.parameters(), torch::optim::AdamOptions(o.learningRate));
        std::mt19937_64 rng(o.seed);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        for (int it = 0; it < o.iterations; ++it) {
            task.progress(
                static_cast<double>(it) / o.iterations,
                "training: iteration " + std::to_string(it + 1) + "/" +
                    std::to_string(o.iterations) +
                    (losses.empty() ? std::string() : ", loss " + std::to_string(losses.back())));
            std::vector<torch::Tensor> xs, ys;
            for (int b = 0; b < o.batchSize; ++b) {
                const Prepared& p =
                    data[std::uniform_int_distribution<std::size_t>(0, data.size() - 1)(rng)];
                const std::array<std::int64_t, 3> size{p.y.size(2), p.y.size(1),
                                                       p.y.size(0)};  // x y z
                std::array<std::int64_t, 3> start{};
                const bool centred = !p.foreground.empty() && uniform(rng) < o.foregroundFraction;
                std::int64_t centre = 0;
                if (centred)
                    centre = p.foreground[std::uniform_int_distribution<std::size_t>(
                        0, p.foreground.size() - 1)(rng)];
                const std::array<std::int64_t, 3> c{centre % size[0], (centre / size[0]) % size[1],
                                                    centre / (size[0] * size[1])};
                for (int a = 0; a < 3; ++a) {
                    const std::int64_t range = size[a] - patch[a];
                    start[a] = centred ? std::clamp<std::int64_t>(c[a] - patch[a] / 2, 0, range)
                                       : std::uniform_int_distribution<std::int64_t>(0, range)(rng);
                }
                xs.push_back(p.x.slice(1, start[2], start[2] + patch[2])
                                 .slice(2, start[1], start[1] + patch[1])
                                 .slice(3, start[0], start[0] + patch[0]));
                ys.push_back(p.y.slice(0, start[2], start[2] + patch[2])
                                 .slice(1, start[1], start[1] + patch[1])
                                 .slice(2, start[0], start[0] + patch[0]));
            }
            torch::Tensor x = torch::stack(xs).to(impl.torchDevice());
            torch::Tensor y = torch::stack(ys).to(impl.torchDevice());
            if (spec.dimensions == 2) {
                x = x.select(2, 0);
                y = y.select(1, 0);
            }
            const torch::Tensor logits = net.forward(x);
            const torch::Tensor ce = torch::nn::functional::cross_entropy(logits, y);
            // Soft Dice of the foreground labels over the whole batch.
            const torch::Tensor probs = torch::softmax(logits, 1);
            const torch::Tensor target =
                torch::one_hot(y, spec.numLabels).movedim(-1, 1).to(probs.scalar_type());
            std::vector<std::int64_t> dims{0};
            for (std::int64_t d = 2; d < probs.dim(); ++d) dims.push_back(d);
            const torch::Tensor inter = (probs * target).sum(dims);
            const torch::Tensor denom = probs.sum(dims) + target.sum(dims);
            const torch::Tensor dice = ((2.0 * inter + 1e-5) / (denom + 1e-5)).slice(0, 1);
            const torch::Tensor loss = ce + (1.0 - dice.mean());
            optimiser.zero_grad();
            loss.backward();
            optimiser.step();
            losses.push_back(loss.item<double>());
        }
    } catch (const c10::Error& e) {
        net.eval();
        for (torch::Tensor p : net.parameters()) p.set_requires_grad(false);
        throw core::Error(where + spec.describe() + ": " + detail::torchMessage(e));
    } catch (...) {
        net.eval();
        for (torch::Tensor p : net.parameters()) p.set_requires_grad(false);
        throw;
    }
    net.eval();
    for (torch::Tensor p : net.parameters()) p.set_requires_grad(false);
    task.progress(1.0);
    return losses;
}

std::vector<ParameterArray> Segmenter::parameters() const {
    return detail::moduleParameters(*impl_->net);
}

void Segmenter::setParameters(const std::vector<ParameterArray>& parameters) {
    detail::setModuleParameters(*impl_->net, parameters);
}

}  // namespace stratum::ai
