#include "Augment.h"

#include <cmath>
#include <numbers>

namespace stratum::ai::detail {
namespace {

namespace F = torch::nn::functional;

double uniform(std::mt19937_64& rng, double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
}

torch::Tensor column(const std::vector<float>& values, const torch::Tensor& like) {
    return torch::tensor(values, torch::kFloat32).to(like.device()).view({-1, 1, 1, 1});
}

// 3x3 binomial blur per channel, borders replicated.
torch::Tensor blur3(const torch::Tensor& x) {
    const std::int64_t c = x.size(1);
    const torch::Tensor k1 = torch::tensor({0.25f, 0.5f, 0.25f}, x.options());
    const torch::Tensor kernel = torch::outer(k1, k1).view({1, 1, 3, 3}).repeat({c, 1, 1, 1});
    const torch::Tensor padded = F::pad(x, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kReplicate));
    return F::conv2d(padded, kernel, F::Conv2dFuncOptions().groups(c));
}

}  // namespace

torch::Tensor augmentBatch(const torch::Tensor& input, const AugmentationOptions& o, std::mt19937_64& rng) {
    if (!o.enabled) return input;
    torch::NoGradGuard noGrad;
    const std::int64_t n = input.size(0), h = input.size(2), w = input.size(3);
    const double aspect = static_cast<double>(w) / static_cast<double>(h);

    std::vector<float> theta, contrast, brightness, gamma, noise, blurMask, sharpenMask;
    for (std::int64_t i = 0; i < n; ++i) {
        const double angle = uniform(rng, -o.rotationDegrees, o.rotationDegrees) * std::numbers::pi / 180.0;
        const double scale = uniform(rng, o.scaleMin, o.scaleMax);
        const double tx = uniform(rng, -o.translate, o.translate) * 2.0;
        const double ty = uniform(rng, -o.translate, o.translate) * 2.0;
        const double flip = (o.horizontalFlip && uniform(rng, 0.0, 1.0) < 0.5) ? -1.0 : 1.0;
        const double c = std::cos(angle) / scale, s = std::sin(angle) / scale;
        // Output -> input sampling positions in normalised coordinates; the aspect
        // factors keep the rotation rigid on non-square grids.
        theta.insert(theta.end(), {static_cast<float>(c * flip), static_cast<float>(-s / aspect), static_cast<float>(tx),
                                   static_cast<float>(s * aspect * flip), static_cast<float>(c), static_cast<float>(ty)});
        contrast.push_back(static_cast<float>(uniform(rng, 1.0 - o.contrast, 1.0 + o.contrast)));
        brightness.push_back(static_cast<float>(uniform(rng, -o.brightness, o.brightness)));
        gamma.push_back(static_cast<float>(std::exp(uniform(rng, -o.gamma, o.gamma))));
        noise.push_back(static_cast<float>(uniform(rng, 0.0, o.noise)));
        const double r = uniform(rng, 0.0, 1.0);
        blurMask.push_back(r < o.blurProbability / 2.0 ? 1.0f : 0.0f);
        sharpenMask.push_back(r >= o.blurProbability / 2.0 && r < o.blurProbability ? 1.0f : 0.0f);
    }
    torch::Tensor x = input.to(torch::kFloat32);
    const torch::Tensor t = torch::tensor(theta, torch::kFloat32).to(x.device()).view({n, 2, 3});
    const torch::Tensor grid = F::affine_grid(t, {n, x.size(1), h, w}, false);
    x = F::grid_sample(x, grid,
                       F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false));

    const torch::Tensor mean = x.mean({1, 2, 3}, true);
    x = (x - mean) * column(contrast, x) + mean + column(brightness, x);
    x = x.clamp(0.0, 1.0).pow(column(gamma, x));
    const torch::Tensor blurred = blur3(x);
    x = x + column(blurMask, x) * (blurred - x) + column(sharpenMask, x) * 0.7 * (x - blurred);
    x = x + column(noise, x) * torch::randn_like(x);
    return x.clamp(0.0, 1.0);
}

}  // namespace stratum::ai::detail
