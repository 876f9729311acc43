// Patch training of the built-in U-Nets (Segmenter::train): cross-entropy plus soft
// Dice, foreground oversampling, augmentation, learning-rate schedules, validation by
// sliding-window segmentation each epoch, early stopping, best weights, checkpoints
// (docs/ai.md, "Segmentation").
#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include "stratum/core/AtomicFile.h"

#include "SegmenterImpl.h"
#include "stratum/core/Error.h"

namespace stratum::ai {

namespace detail {

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

}  // namespace detail

using detail::checkImage;
using detail::normalise;
using detail::sizeText;
using detail::volumeTensor;

const char* learningRateScheduleName(LearningRateSchedule schedule) {
    switch (schedule) {
        case LearningRateSchedule::Constant:
            return "constant";
        case LearningRateSchedule::Poly:
            return "poly";
        case LearningRateSchedule::Step:
            return "step";
    }
    return "constant";
}

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Prepared {
    torch::Tensor x;  // [C, Z, Y, X], padded to at least the patch
    torch::Tensor y;  // [Z, Y, X] int64
    // Flat indices into y of the voxels of each foreground label present (label order).
    std::vector<std::vector<std::int64_t>> foreground;
};

torch::Tensor labelTensor(const core::Image& labels) {
    const core::Size3& size = labels.size();
    torch::Tensor y =
        torch::empty({static_cast<std::int64_t>(size[2]), static_cast<std::int64_t>(size[1]),
                      static_cast<std::int64_t>(size[0])},
                     torch::kInt64);
    std::int64_t* out = y.data_ptr<std::int64_t>();
    core::dispatchPixelType(labels.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        const T* in = labels.data<T>();
        for (std::size_t v = 0; v < labels.voxelCount(); ++v)
            out[v] = static_cast<std::int64_t>(in[v]);
    });
    return y;
}

void checkSample(const SegmentationSample& s, const UNetSpec& spec, const std::string& name) {
    try {
        checkImage(s.image, spec);
    } catch (const core::InvalidArgument& e) {
        throw core::InvalidArgument(name + e.what());
    }
    if (s.labels.empty() || s.labels.components() != 1 ||
        s.labels.pixelType() == core::PixelType::Float32)
        throw core::InvalidArgument(name + "the label map must be a one-component integer image");
    if (s.labels.size() != s.image.size())
        throw core::InvalidArgument(name + "the label map is " + sizeText(s.labels.size()) +
                                    " but the image is " + sizeText(s.image.size()));
}

void checkRange(const torch::Tensor& y, const UNetSpec& spec, const std::string& name) {
    if (y.min().item<std::int64_t>() < 0 || y.max().item<std::int64_t>() >= spec.numLabels)
        throw core::InvalidArgument(name + "labels must be in 0.." +
                                    std::to_string(spec.numLabels - 1));
}

// Rotation about x, then y, then z (angles in radians) as a 3x3 row-major tensor.
torch::Tensor rotation3(double ax, double ay, double az) {
    const auto rx = torch::tensor({1.0, 0.0, 0.0, 0.0, std::cos(ax), -std::sin(ax), 0.0,
                                   std::sin(ax), std::cos(ax)})
                        .view({3, 3});
    const auto ry = torch::tensor({std::cos(ay), 0.0, std::sin(ay), 0.0, 1.0, 0.0, -std::sin(ay),
                                   0.0, std::cos(ay)})
                        .view({3, 3});
    const auto rz = torch::tensor({std::cos(az), -std::sin(az), 0.0, std::sin(az), std::cos(az),
                                   0.0, 0.0, 0.0, 1.0})
                        .view({3, 3});
    return rz.matmul(ry).matmul(rx);
}

// Augments one patch in place: x [C, (Z,) Y, X] float, y [(Z,) Y, X] int64.
void augment(torch::Tensor& x, torch::Tensor& y, const SegmentAugmentation& a, int dims,
             std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    auto symmetric = [&](double r) { return (2.0 * u(rng) - 1.0) * r; };
    // Flips: axis a (x, y, z) is tensor dimension -1, -2, -3.
    for (int axis = 0; axis < dims; ++axis)
        if (a.flip[axis] && u(rng) < 0.5) {
            x = x.flip({-1 - axis});
            y = y.flip({-1 - axis});
        }
    if ((a.rotationDegrees > 0.0 || a.scale > 0.0) && u(rng) < a.spatialProbability) {
        const double maxAngle = a.rotationDegrees * kPi / 180.0;
        const double s = 1.0 + symmetric(a.scale);
        torch::Tensor theta;
        if (dims == 3) {
            const torch::Tensor r =
                rotation3(symmetric(maxAngle), symmetric(maxAngle), symmetric(maxAngle)) / s;
            theta = torch::cat({r, torch::zeros({3, 1}, torch::kFloat64)}, 1);
        } else {
            const double t = symmetric(maxAngle);
            theta = torch::tensor({std::cos(t) / s, -std::sin(t) / s, 0.0, std::sin(t) / s,
                                   std::cos(t) / s, 0.0})
                        .view({2, 3});
        }
        theta = theta.to(torch::kFloat32).unsqueeze(0);
        std::vector<std::int64_t> shape{1, x.size(0)};
        for (std::int64_t d = 1; d < x.dim(); ++d) shape.push_back(x.size(d));
        const torch::Tensor grid = torch::affine_grid_generator(theta, shape, false);
        namespace F = torch::nn::functional;
        x = F::grid_sample(x.unsqueeze(0), grid,
                           F::GridSampleFuncOptions()
                               .mode(torch::kBilinear)
                               .padding_mode(torch::kBorder)
                               .align_corners(false))
                .squeeze(0);
        y = F::grid_sample(y.to(torch::kFloat32).unsqueeze(0).unsqueeze(0), grid,
                           F::GridSampleFuncOptions()
                               .mode(torch::kNearest)
                               .padding_mode(torch::kBorder)
                               .align_corners(false))
                .squeeze(0)
                .squeeze(0)
                .round()
                .to(torch::kInt64);
    }
    if (a.intensityScale > 0.0 || a.intensityShift > 0.0)
        x = x * (1.0 + symmetric(a.intensityScale)) + symmetric(a.intensityShift);
    if (a.noiseSigma > 0.0) {
        const double sigma = u(rng) * a.noiseSigma;
        torch::Tensor noise = torch::empty_like(x);
        std::normal_distribution<float> n(0.0f, static_cast<float>(sigma));
        float* p = noise.data_ptr<float>();
        for (std::int64_t i = 0; i < noise.numel(); ++i) p[i] = n(rng);
        x = x + noise;
    }
}

double learningRate(const SegmentTrainOptions& o, int epoch) {  // epoch 0-based
    switch (o.schedule) {
        case LearningRateSchedule::Constant:
            return o.learningRate;
        case LearningRateSchedule::Poly:
            return o.learningRate * std::pow(1.0 - static_cast<double>(epoch) / o.epochs, 0.9);
        case LearningRateSchedule::Step:
            return o.learningRate * std::pow(o.stepFactor, epoch / o.stepEpochs);
    }
    return o.learningRate;
}

using Snapshot = std::vector<torch::Tensor>;

Snapshot snapshot(torch::nn::Module& net) {
    Snapshot s;
    torch::NoGradGuard guard;
    for (const auto& p : net.named_parameters()) s.push_back(p.value().detach().clone());
    for (const auto& b : net.named_buffers()) s.push_back(b.value().detach().clone());
    return s;
}

void restore(torch::nn::Module& net, const Snapshot& s) {
    torch::NoGradGuard guard;
    std::size_t i = 0;
    for (auto& p : net.named_parameters()) p.value().copy_(s.at(i++));
    for (auto& b : net.named_buffers()) b.value().copy_(s.at(i++));
}

// History rows: epoch, loss, lr, mean Dice, seconds, best, Dice per label...
torch::Tensor historyTensor(const std::vector<SegmentEpoch>& history, int labels) {
    torch::Tensor t =
        torch::zeros({static_cast<std::int64_t>(history.size()), 6 + labels - 1}, torch::kFloat64);
    for (std::size_t e = 0; e < history.size(); ++e) {
        const SegmentEpoch& h = history[e];
        auto row = t[static_cast<std::int64_t>(e)];
        row[0] = h.epoch;
        row[1] = h.loss;
        row[2] = h.learningRate;
        row[3] = h.meanValidationDice;
        row[4] = h.seconds;
        row[5] = h.best ? 1.0 : 0.0;
        for (std::size_t l = 0; l < h.validationDice.size(); ++l)
            row[6 + static_cast<std::int64_t>(l)] = h.validationDice[l];
    }
    return t;
}

std::vector<SegmentEpoch> historyFrom(const torch::Tensor& t, bool hasValidation) {
    std::vector<SegmentEpoch> history;
    const torch::Tensor c = t.to(torch::kFloat64).contiguous();
    for (std::int64_t e = 0; e < c.size(0); ++e) {
        const double* row = c[e].data_ptr<double>();
        SegmentEpoch h;
        h.epoch = static_cast<int>(row[0]);
        h.loss = row[1];
        h.learningRate = row[2];
        h.meanValidationDice = row[3];
        h.seconds = row[4];
        h.best = row[5] != 0.0;
        if (hasValidation) h.validationDice.assign(row + 6, row + c.size(1));
        history.push_back(h);
    }
    return history;
}

struct Checkpoint {
    int epoch = 0;  // epochs done
    int bestEpoch = 0;
    double bestDice = -1.0;
    int stale = 0;
    std::vector<SegmentEpoch> history;
};

void saveCheckpoint(const std::filesystem::path& file, torch::nn::Module& net,
                    torch::optim::Optimizer& optimiser, const Snapshot& best,
                    const Checkpoint& state, int labels) {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive model, opt, bestArchive;
    net.save(model);
    optimiser.save(opt);
    for (std::size_t i = 0; i < best.size(); ++i)
        bestArchive.write("t" + std::to_string(i), best[i]);
    archive.write("model", model);
    archive.write("optimiser", opt);
    archive.write("best", bestArchive);
    archive.write(
        "state",
        torch::tensor({static_cast<double>(state.epoch), static_cast<double>(state.bestEpoch),
                       state.bestDice, static_cast<double>(state.stale),
                       static_cast<double>(best.size()), static_cast<double>(labels)},
                      torch::kFloat64));
    archive.write("history", historyTensor(state.history, labels));
    core::AtomicFile out(file);
    archive.save_to(out.tempPath().string());
    out.commit();
}

Checkpoint loadCheckpoint(const std::filesystem::path& file, torch::nn::Module& net,
                          torch::optim::Optimizer& optimiser, Snapshot& best, int labels,
                          bool hasValidation) {
    Checkpoint state;
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(file.string());
        torch::serialize::InputArchive model, opt, bestArchive;
        archive.read("model", model);
        archive.read("optimiser", opt);
        archive.read("best", bestArchive);
        torch::Tensor s, h;
        archive.read("state", s);
        archive.read("history", h);
        s = s.to(torch::kFloat64).contiguous();
        if (s.numel() != 6 || static_cast<int>(s[5].item<double>()) != labels)
            throw core::FormatError(file.string(), "the checkpoint is for another network");
        net.load(model);
        optimiser.load(opt);
        best.clear();
        const auto count = static_cast<std::size_t>(s[4].item<double>());
        for (std::size_t i = 0; i < count; ++i) {
            torch::Tensor t;
            bestArchive.read("t" + std::to_string(i), t);
            best.push_back(t);
        }
        state.epoch = static_cast<int>(s[0].item<double>());
        state.bestEpoch = static_cast<int>(s[1].item<double>());
        state.bestDice = s[2].item<double>();
        state.stale = static_cast<int>(s[3].item<double>());
        state.history = historyFrom(h, hasValidation);
    } catch (const c10::Error& e) {
        throw core::FormatError(file.string(),
                                "not a checkpoint of this network: " + detail::torchMessage(e));
    }
    return state;
}

}  // namespace

std::vector<double> Segmenter::train(std::span<const SegmentationSample> samples,
                                     const SegmentTrainOptions& options, const core::Task& task) {
    return train(samples, {}, options, task).losses;
}

SegmentTrainResult Segmenter::train(std::span<const SegmentationSample> samples,
                                    std::span<const SegmentationSample> validation,
                                    const SegmentTrainOptions& o, const core::Task& task) {
    Impl& impl = *impl_;
    const UNetSpec& spec = impl.spec;
    const std::string where = "segmentation training: ";
    if (samples.empty()) throw core::InvalidArgument(where + "no samples");
    if (o.batchSize < 1) throw core::InvalidArgument(where + "batch size must be at least 1");
    if (o.iterations < 1) throw core::InvalidArgument(where + "iterations must be at least 1");
    if (o.epochs < 1) throw core::InvalidArgument(where + "epochs must be at least 1");
    if (!(o.learningRate > 0.0))
        throw core::InvalidArgument(where + "learning rate must be positive");
    if (o.schedule == LearningRateSchedule::Step && (o.stepEpochs < 1 || !(o.stepFactor > 0.0)))
        throw core::InvalidArgument(where +
                                    "step schedule needs step epochs >= 1 and a positive factor");
    if (!(o.foregroundFraction >= 0.0 && o.foregroundFraction <= 1.0))
        throw core::InvalidArgument(where + "foreground fraction must be in [0, 1]");
    if (o.patience < 0) throw core::InvalidArgument(where + "patience must be >= 0");
    const SegmentAugmentation& aug = o.augmentation;
    if (!(aug.rotationDegrees >= 0.0 && aug.rotationDegrees <= 90.0) ||
        !(aug.scale >= 0.0 && aug.scale < 0.5) || !(aug.intensityShift >= 0.0) ||
        !(aug.intensityScale >= 0.0 && aug.intensityScale < 1.0) || !(aug.noiseSigma >= 0.0) ||
        !(aug.spatialProbability >= 0.0 && aug.spatialProbability <= 1.0))
        throw core::InvalidArgument(where +
                                    "augmentation: rotation must be in [0, 90] degrees, scale in "
                                    "[0, 0.5), intensity scale in [0, 1), shift and noise >= 0");
    if (o.resume && o.checkpoint.empty())
        throw core::InvalidArgument(where + "resume needs a checkpoint file");
    if (impl.manifest.weights.format != WeightsFormat::BuiltIn)
        throw core::InvalidArgument(where + "TorchScript models cannot be trained");
    // Patch x y z (z = 1 for 2D networks: slices along z).
    const std::array<std::int64_t, 3> patch{o.patchSize[0], o.patchSize[1],
                                            spec.dimensions == 3 ? o.patchSize[2] : 1};
    for (int a = 0; a < spec.dimensions; ++a)
        if (patch[a] < 1 || patch[a] % spec.sizeMultiple() != 0)
            throw core::InvalidArgument(where + "patch sizes must be positive multiples of " +
                                        std::to_string(spec.sizeMultiple()));
    std::vector<Prepared> data;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const SegmentationSample& s = samples[i];
        const std::string name = where + "sample " + std::to_string(i) + ": ";
        checkSample(s, spec, name);
        const core::Size3& size = s.image.size();
        const torch::Tensor y = labelTensor(s.labels);
        checkRange(y, spec, name);
        const std::array<std::int64_t, 3> pad{
            std::max<std::int64_t>(0, patch[0] - static_cast<std::int64_t>(size[0])),
            std::max<std::int64_t>(0, patch[1] - static_cast<std::int64_t>(size[1])),
            std::max<std::int64_t>(0, patch[2] - static_cast<std::int64_t>(size[2]))};
        Prepared p;
        p.x = torch::constant_pad_nd(normalise(volumeTensor(s.image), o.intensity),
                                     {0, pad[0], 0, pad[1], 0, pad[2]});
        p.y = torch::constant_pad_nd(y, {0, pad[0], 0, pad[1], 0, pad[2]}).contiguous();
        for (int label = 1; label < spec.numLabels; ++label) {
            const torch::Tensor fg = torch::nonzero(p.y.flatten() == label).flatten().contiguous();
            if (fg.numel() > 0)
                p.foreground.emplace_back(fg.data_ptr<std::int64_t>(),
                                          fg.data_ptr<std::int64_t>() + fg.numel());
        }
        data.push_back(std::move(p));
    }
    std::vector<torch::Tensor> validationLabels;
    for (std::size_t i = 0; i < validation.size(); ++i) {
        const std::string name = where + "validation sample " + std::to_string(i) + ": ";
        checkSample(validation[i], spec, name);
        validationLabels.push_back(labelTensor(validation[i].labels));
        checkRange(validationLabels.back(), spec, name);
    }
    const bool hasValidation = !validation.empty();
    SegmentOptions validationOptions;
    validationOptions.intensity = o.intensity;
    validationOptions.patchSize = o.patchSize;
    for (int a = 0; a < 3; ++a)
        if (o.validationPatchSize[a] > 0) validationOptions.patchSize[a] = o.validationPatchSize[a];
    if (spec.dimensions == 2) validationOptions.patchSize[2] = 1;
    validationOptions.overlap = o.validationOverlap;
    validationOptions.batchSize = o.batchSize;

    SegmentTrainResult result;
    auto& net = *impl.net;
    auto finish = [&] {
        net.eval();
        for (torch::Tensor p : net.parameters()) p.set_requires_grad(false);
    };
    try {
        torch::AutoGradMode grad(true);
        for (torch::Tensor p : net.parameters()) p.set_requires_grad(true);
        net.train();
        torch::optim::Adam optimiser(net.parameters(), torch::optim::AdamOptions(o.learningRate));
        Checkpoint state;
        Snapshot best;
        if (o.resume && std::filesystem::exists(o.checkpoint)) {
            state =
                loadCheckpoint(o.checkpoint, net, optimiser, best, spec.numLabels, hasValidation);
            result.resumedFromEpoch = state.epoch;
        }
        const long total = static_cast<long>(o.epochs) * o.iterations;
        for (int epoch = state.epoch; epoch < o.epochs; ++epoch) {
            const auto started = std::chrono::steady_clock::now();
            const double lr = learningRate(o, epoch);
            for (auto& group : optimiser.param_groups())
                static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
            std::mt19937_64 rng(o.seed * 1000003ULL + static_cast<std::uint64_t>(epoch));
            std::uniform_real_distribution<double> uniform(0.0, 1.0);
            double lossSum = 0.0;
            net.train();
            for (int it = 0; it < o.iterations; ++it) {
                const long done = static_cast<long>(epoch) * o.iterations + it;
                task.progress(
                    static_cast<double>(done) / static_cast<double>(total),
                    "training: epoch " + std::to_string(epoch + 1) + "/" +
                        std::to_string(o.epochs) + ", iteration " + std::to_string(it + 1) + "/" +
                        std::to_string(o.iterations) +
                        (result.losses.empty() ? std::string()
                                               : ", loss " + std::to_string(result.losses.back())));
                std::vector<torch::Tensor> xs, ys;
                for (int b = 0; b < o.batchSize; ++b) {
                    const Prepared& p =
                        data[std::uniform_int_distribution<std::size_t>(0, data.size() - 1)(rng)];
                    const std::array<std::int64_t, 3> size{p.y.size(2), p.y.size(1),
                                                           p.y.size(0)};  // x y z
                    std::array<std::int64_t, 3> start{};
                    const bool centred =
                        !p.foreground.empty() && uniform(rng) < o.foregroundFraction;
                    std::int64_t centre = 0;
                    if (centred) {  // a random label present, then a random voxel of it
                        const auto& voxels =
                            p.foreground[std::uniform_int_distribution<std::size_t>(
                                0, p.foreground.size() - 1)(rng)];
                        centre = voxels[std::uniform_int_distribution<std::size_t>(
                            0, voxels.size() - 1)(rng)];
                    }
                    const std::array<std::int64_t, 3> c{centre % size[0],
                                                        (centre / size[0]) % size[1],
                                                        centre / (size[0] * size[1])};
                    for (int a = 0; a < 3; ++a) {
                        const std::int64_t range = size[a] - patch[a];
                        start[a] = centred
                                       ? std::clamp<std::int64_t>(c[a] - patch[a] / 2, 0, range)
                                       : std::uniform_int_distribution<std::int64_t>(0, range)(rng);
                    }
                    torch::Tensor x = p.x.slice(1, start[2], start[2] + patch[2])
                                          .slice(2, start[1], start[1] + patch[1])
                                          .slice(3, start[0], start[0] + patch[0]);
                    torch::Tensor y = p.y.slice(0, start[2], start[2] + patch[2])
                                          .slice(1, start[1], start[1] + patch[1])
                                          .slice(2, start[0], start[0] + patch[0]);
                    if (spec.dimensions == 2) {
                        x = x.select(1, 0);
                        y = y.select(0, 0);
                    }
                    if (aug.enabled()) {
                        torch::NoGradGuard noGrad;
                        x = x.contiguous();
                        y = y.contiguous();
                        augment(x, y, aug, spec.dimensions, rng);
                    }
                    xs.push_back(x);
                    ys.push_back(y);
                }
                const torch::Tensor x = torch::stack(xs).to(impl.torchDevice());
                const torch::Tensor y = torch::stack(ys).to(impl.torchDevice());
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
                result.losses.push_back(loss.item<double>());
                lossSum += result.losses.back();
            }
            SegmentEpoch h;
            h.epoch = epoch + 1;
            h.loss = lossSum / o.iterations;
            h.learningRate = lr;
            if (hasValidation) {
                net.eval();
                std::vector<std::size_t> inter(spec.numLabels, 0), sum(spec.numLabels, 0);
                for (std::size_t i = 0; i < validation.size(); ++i) {
                    const SegmentationResult r =
                        segment(validation[i].image, validationOptions, task.sub(1.0, 1.0));
                    const torch::Tensor predicted = labelTensor(r.labels);
                    const std::int64_t* pp = predicted.data_ptr<std::int64_t>();
                    const std::int64_t* tt = validationLabels[i].data_ptr<std::int64_t>();
                    for (std::int64_t v = 0; v < predicted.numel(); ++v) {
                        ++sum[pp[v]];
                        ++sum[tt[v]];
                        if (pp[v] == tt[v]) ++inter[pp[v]];
                    }
                }
                double mean = 0.0;
                for (int l = 1; l < spec.numLabels; ++l) {
                    const double d =
                        sum[l] == 0 ? 1.0 : 2.0 * inter[l] / static_cast<double>(sum[l]);
                    h.validationDice.push_back(d);
                    mean += d;
                }
                h.meanValidationDice = mean / (spec.numLabels - 1);
                net.train();
                if (h.meanValidationDice > state.bestDice) {
                    state.bestDice = h.meanValidationDice;
                    state.bestEpoch = h.epoch;
                    state.stale = 0;
                    h.best = true;
                    best = snapshot(net);
                } else {
                    ++state.stale;
                }
            } else {
                state.bestEpoch = h.epoch;
                h.best = true;
            }
            h.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            state.history.push_back(h);
            state.epoch = epoch + 1;
            if (!o.checkpoint.empty())
                saveCheckpoint(o.checkpoint, net, optimiser, best, state, spec.numLabels);
            if (o.onEpoch) o.onEpoch(h);
            if (hasValidation && o.patience > 0 && state.stale >= o.patience) {
                result.stoppedEarly = epoch + 1 < o.epochs;
                break;
            }
        }
        if (hasValidation && !best.empty()) restore(net, best);
        result.history = state.history;
        result.bestEpoch = state.bestEpoch;
        result.bestValidationDice = hasValidation ? std::max(state.bestDice, 0.0) : 0.0;
    } catch (const c10::Error& e) {
        finish();
        throw core::Error(where + spec.describe() + ": " + detail::torchMessage(e));
    } catch (...) {
        finish();
        throw;
    }
    finish();
    task.progress(1.0);
    return result;
}

}  // namespace stratum::ai
