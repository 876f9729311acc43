#include "stratum/ai/Classifier.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "ClassifierImpl.h"
#include "Package.h"
#include "Preprocess.h"
#include "stratum/ai/Sha256.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"

namespace stratum::ai {
namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;

void prepareForInference(detail::Backend& backend) {
    if (auto net = backend.net()) {
        net->eval();
        for (torch::Tensor p : net->parameters()) p.set_requires_grad(false);
    }
}

// Runs one zero image through the network and checks what comes out against the
// manifest (number of classes; activations of the split contract).
void checkAgainstManifest(detail::Backend& backend, const ModelManifest& m, const fs::path& file) {
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::zeros({1, m.input.channels, m.input.size[1], m.input.size[0]});
    torch::Tensor logits;
    try {
        if (backend.canSplit()) {
            const torch::Tensor a = backend.features(x);
            if (a.dim() != 4)
                throw core::FormatError(file.string(), "features() returns a tensor of " + std::to_string(a.dim()) +
                                                           " dimensions; Grad-CAM needs [N, C, h, w]");
            logits = backend.head(a);
        } else {
            auto [l, a] = backend.forwardWithActivations(x);
            if (a.dim() != 4)
                throw core::FormatError(file.string(), "the activations returned by forward() have " +
                                                           std::to_string(a.dim()) +
                                                           " dimensions; Grad-CAM needs [N, C, h, w]");
            logits = l;
        }
    } catch (const c10::Error& e) {
        throw core::FormatError(file.string(), "the model fails on a " + std::to_string(m.input.size[0]) + "x" +
                                                   std::to_string(m.input.size[1]) + " input with " +
                                                   std::to_string(m.input.channels) +
                                                   " channel(s) as the manifest states: " + detail::torchMessage(e));
    }
    if (logits.dim() != 2 || logits.size(0) != 1 || logits.size(1) != static_cast<std::int64_t>(m.labels.size()))
        throw core::FormatError(file.string(), "the model returns " +
                                                   (logits.dim() == 2 ? std::to_string(logits.size(1)) + " scores"
                                                                      : "a " + std::to_string(logits.dim()) +
                                                                            "-dimensional tensor") +
                                                   " per image but the manifest lists " +
                                                   std::to_string(m.labels.size()) + " labels");
}

std::vector<double> toVector(const torch::Tensor& row) {
    const torch::Tensor r = row.to(torch::kCPU, torch::kFloat64).contiguous();
    return {r.data_ptr<double>(), r.data_ptr<double>() + r.numel()};
}

}  // namespace

void Classifier::Impl::fallBackToCpu() const {
    const std::string from = device.name();
    backend->to(torch::Device(torch::kCPU));
    device = Device::cpu();
    std::lock_guard lock(warningsMutex);
    warnings.push_back({package.string(), "CUDA ran out of memory on " + from + "; continuing on the CPU"});
}

std::vector<Classification> Classifier::Impl::toClassifications(const torch::Tensor& logits) const {
    const torch::Tensor raw = logits.detach().to(torch::kCPU, torch::kFloat64);
    torch::Tensor calibrated = raw / manifest.calibration.temperature;
    if (!manifest.calibration.logitOffsets.empty())
        calibrated = calibrated + torch::tensor(manifest.calibration.logitOffsets, torch::kFloat64).unsqueeze(0);
    const torch::Tensor probabilities = torch::softmax(calibrated, 1);
    std::vector<Classification> out;
    for (std::int64_t i = 0; i < raw.size(0); ++i) {
        Classification c;
        c.logits = toVector(raw[i]);
        c.probabilities = toVector(probabilities[i]);
        c.predicted = static_cast<int>(std::max_element(c.probabilities.begin(), c.probabilities.end()) -
                                       c.probabilities.begin());
        c.label = manifest.labels.at(static_cast<std::size_t>(c.predicted)).name;
        out.push_back(std::move(c));
    }
    return out;
}

Classifier::Classifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Classifier::Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;
Classifier::~Classifier() = default;

Classifier Classifier::load(const fs::path& packageDir, const LoadOptions& options) {
    ensureThreads();
    const fs::path manifestPath = packageDir / detail::kManifestFile;
    ModelManifest manifest = detail::readPackageManifest(packageDir);
    if (manifest.task != ModelTask::Classification)
        throw core::InvalidArgument(packageDir.string() + ": '" + manifest.name + "' is a " +
                                    modelTaskName(manifest.task) + " model, not a classifier");
    if (manifest.input.dimensions != 2)
        throw core::FormatError(manifestPath.string(), "classifiers take 2D images (input.dimensions must be 2)");
    const Device device = resolveDevice(options.device);

    const fs::path weightsPath = detail::verifiedWeightsFile(packageDir, manifest);

    auto impl = std::make_unique<Impl>();
    if (manifest.weights.format == WeightsFormat::BuiltIn) {
        auto net = detail::buildNetwork(manifest.weights.architecture);
        detail::readBuiltInWeights(weightsPath, *net, manifest.weights.architecture.describe());
        impl->backend = detail::makeBuiltInBackend(net);
    } else {
        impl->backend = detail::loadScriptBackend(weightsPath, manifest);
    }
    prepareForInference(*impl->backend);
    checkAgainstManifest(*impl->backend, manifest, weightsPath);
    impl->manifest = std::move(manifest);
    impl->package = packageDir;
    impl->device = device;
    try {
        impl->backend->to(impl->torchDevice());
    } catch (const c10::Error& e) {
        if (!device.isCuda() || !detail::isOutOfMemory(e)) throw core::Error(detail::torchMessage(e));
        impl->fallBackToCpu();
    }
    return Classifier(std::move(impl));
}

Classifier Classifier::create(const ModelManifest& manifest, std::uint64_t seed, const LoadOptions& options) {
    ensureThreads();
    if (manifest.weights.format != WeightsFormat::BuiltIn)
        throw core::InvalidArgument("Classifier::create needs a built-in architecture");
    ModelManifest m = manifest;
    if (m.weights.sha256.empty()) m.weights.sha256 = std::string(64, '0');
    m.validate();
    auto impl = std::make_unique<Impl>();
    torch::manual_seed(seed);
    auto net = detail::buildNetwork(m.weights.architecture);
    impl->backend = detail::makeBuiltInBackend(net);
    prepareForInference(*impl->backend);
    impl->manifest = std::move(m);
    impl->device = resolveDevice(options.device);
    impl->backend->to(impl->torchDevice());
    return Classifier(std::move(impl));
}

const ModelManifest& Classifier::manifest() const { return impl_->manifest; }
const fs::path& Classifier::packagePath() const { return impl_->package; }
Device Classifier::device() const { return impl_->device; }

core::Warnings Classifier::warnings() const {
    std::lock_guard lock(impl_->warningsMutex);
    return impl_->warnings;
}

void Classifier::checkInput(const core::Image& image) const { detail::checkImage(image, impl_->manifest); }

Classification Classifier::classify(const core::Image& image) const {
    return classifyBatch(std::span<const core::Image>(&image, 1)).front();
}

std::vector<Classification> Classifier::classifyBatch(std::span<const core::Image> images, const core::Task& task,
                                                      int batchSize) const {
    if (batchSize < 1) throw core::InvalidArgument("batch size must be at least 1");
    const Impl& impl = *impl_;
    std::vector<Classification> out;
    out.reserve(images.size());
    for (std::size_t start = 0; start < images.size(); start += static_cast<std::size_t>(batchSize)) {
        task.progress(static_cast<double>(start) / static_cast<double>(images.size()), "classifying");
        const std::size_t end = std::min(images.size(), start + static_cast<std::size_t>(batchSize));
        std::vector<torch::Tensor> prepared;
        // The median runs once on the whole batch (the same result, fewer small operations).
        for (std::size_t i = start; i < end; ++i)
            prepared.push_back(detail::prepareImage(images[i], impl.manifest, false).pixels);
        const torch::Tensor batch =
            detail::medianFilter(torch::stack(prepared), impl.manifest.preprocessing.medianRadius);
        const torch::Tensor logits = impl.guarded([&] {
            c10::InferenceMode inference;
            const torch::Tensor x = detail::normaliseBatch(batch.to(impl.torchDevice()), impl.manifest.preprocessing);
            return impl.backend->forward(x).to(torch::kCPU);
        });
        for (auto& c : impl.toClassifications(logits)) out.push_back(std::move(c));
    }
    task.progress(1.0);
    return out;
}

GradCamResult Classifier::gradCam(const core::Image& image, int targetClass) const {
    const Impl& impl = *impl_;
    const ModelManifest& m = impl.manifest;
    if (targetClass < -1 || targetClass >= static_cast<int>(m.labels.size()))
        throw core::InvalidArgument("Grad-CAM class " + std::to_string(targetClass) + " is not one of the " +
                                    std::to_string(m.labels.size()) + " labels");
    const detail::PreparedImage prepared = detail::prepareImage(image, m);
    const torch::Tensor input = detail::normaliseBatch(prepared.pixels.unsqueeze(0), m.preprocessing);
    const std::int64_t H = m.input.size[1], W = m.input.size[0];

    GradCamResult result;
    const torch::Tensor cam = impl.guarded([&] {
        const torch::Tensor x = input.to(impl.torchDevice());
        torch::Tensor activations, logits;
        if (impl.backend->canSplit()) {
            {
                torch::NoGradGuard noGrad;
                activations = impl.backend->features(x);
            }
            activations = activations.detach().requires_grad_(true);
            torch::AutoGradMode grad(true);
            logits = impl.backend->head(activations);
        } else {
            torch::AutoGradMode grad(true);
            const torch::Tensor xg = x.detach().requires_grad_(true);
            std::tie(logits, activations) = impl.backend->forwardWithActivations(xg);
        }
        result.classification = impl.toClassifications(logits.detach()).front();
        result.targetClass = targetClass >= 0 ? targetClass : result.classification.predicted;
        // The class score is the target's log-odds against the other classes,
        // z_c - log(sum_{k != c} exp z_k) (z_c - z_other for two classes): a network may
        // encode evidence for c as evidence against the others, which the raw logit z_c
        // alone misses (its map would be empty).
        const torch::Tensor z = logits.select(0, 0);
        const std::int64_t c = result.targetClass;
        const torch::Tensor others = torch::cat({z.slice(0, 0, c), z.slice(0, c + 1)});
        const torch::Tensor score = z.select(0, c) - torch::logsumexp(others, 0);
        const torch::Tensor gradients = torch::autograd::grad({score}, {activations})[0];
        torch::NoGradGuard noGrad;
        // Channel weights: global average of the gradients; weighted sum; ReLU.
        const torch::Tensor weights = gradients.mean({2, 3}, true);
        torch::Tensor map = torch::relu((weights * activations.detach()).sum(1, true));
        map = F::interpolate(map, F::InterpolateFuncOptions()
                                      .size(std::vector<std::int64_t>{H, W})
                                      .mode(torch::kBilinear)
                                      .align_corners(false));
        const double peak = map.max().item<double>();
        if (peak > 0.0) map = map / peak;
        return map.squeeze(0).squeeze(0).to(torch::kCPU, torch::kFloat32);
    });

    const core::Geometry modelGeometry = detail::modelGridGeometry(image.geometry(), prepared.placement, W, H);
    result.heatmapModelGrid = detail::tensorToImage(cam, modelGeometry);
    result.heatmap = detail::tensorToImage(detail::mapToOriginal(cam, prepared.placement).clamp(0.0, 1.0),
                                           image.geometry());
    result.modelInput = detail::tensorToImage(input.squeeze(0), modelGeometry);
    return result;
}

std::vector<ParameterArray> Classifier::parameters() const {
    auto net = impl_->backend->net();
    if (!net) throw core::InvalidArgument("parameters are available for built-in architectures only");
    return detail::moduleParameters(*net);
}

void Classifier::setParameters(const std::vector<ParameterArray>& parameters) {
    auto net = impl_->backend->net();
    if (!net) throw core::InvalidArgument("parameters are available for built-in architectures only");
    detail::setModuleParameters(*net, parameters);
}

void Classifier::randomizeParameters(std::uint64_t seed) {
    auto net = impl_->backend->net();
    if (!net) throw core::InvalidArgument("parameters are available for built-in architectures only");
    at::Generator generator = at::detail::createCPUGenerator(seed);
    torch::NoGradGuard noGrad;
    for (const auto& p : net->named_parameters()) {
        torch::Tensor t = p.value();
        torch::Tensor r = torch::empty(t.sizes(), torch::kFloat32);
        if (t.dim() > 1) {
            const double fanIn = static_cast<double>(t.numel() / t.size(0));
            r.normal_(0.0, std::sqrt(2.0 / fanIn), generator);
        } else {
            const bool isWeight = p.key().size() >= 6 && p.key().compare(p.key().size() - 6, 6, "weight") == 0;
            r.normal_(isWeight ? 1.0 : 0.0, 0.1, generator);
        }
        t.copy_(r.to(t.device(), t.scalar_type()));
    }
}

void Classifier::save(const fs::path& packageDir, const std::vector<std::pair<std::string, std::string>>& extraFiles) {
    auto net = impl_->backend->net();
    if (!net) throw core::InvalidArgument("only built-in architectures can be saved as packages");
    impl_->manifest = detail::writeBuiltInPackage(packageDir, impl_->manifest, *net, extraFiles);
    impl_->package = packageDir;
}

void Classifier::updateManifest(const ModelManifest& manifest) {
    const ModelManifest& current = impl_->manifest;
    if (manifest.labels != current.labels || manifest.input != current.input ||
        manifest.preprocessing != current.preprocessing || manifest.weights.format != current.weights.format ||
        manifest.weights.architecture != current.weights.architecture || manifest.task != current.task)
        throw core::InvalidArgument("updateManifest cannot change labels, input, preprocessing or weights");
    ModelManifest m = manifest;
    m.weights = current.weights;
    m.validate();
    impl_->manifest = std::move(m);
}

}  // namespace stratum::ai
