#include "Preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "stratum/core/Error.h"

namespace stratum::ai::detail {
namespace {

namespace F = torch::nn::functional;

// Percentiles of images above this many values are taken on an even subsample.
constexpr std::int64_t kPercentileSampleLimit = std::int64_t{1} << 22;

std::string sizeText(const core::Size3& s) {
    return std::to_string(s[0]) + "x" + std::to_string(s[1]) + (s[2] > 1 ? "x" + std::to_string(s[2]) : "");
}

std::string expectation(const ModelManifest& m) {
    std::string text = std::to_string(m.input.channels) + (m.input.channels == 1 ? " channel" : " channels");
    if (!m.input.modalities.empty()) {
        std::string list;
        for (const std::string& mod : m.input.modalities) list += (list.empty() ? "" : "/") + mod;
        text += ", " + list;
    }
    return text;
}

[[noreturn]] void reject(const core::Image& image, const ModelManifest& m, const std::string& problem) {
    throw core::InvalidArgument(imageNameForErrors(image) + "the model '" + m.name + "' cannot take this image: " +
                                problem);
}

torch::ScalarType scalarType(core::PixelType t) {
    switch (t) {
        case core::PixelType::UInt8: return torch::kUInt8;
        case core::PixelType::Int16: return torch::kInt16;
        case core::PixelType::UInt16: return torch::kInt32;  // torch 1.13 has no uint16: widened below
        case core::PixelType::Float32: return torch::kFloat32;
    }
    return torch::kFloat32;
}

// [h, w, components] view or copy of the pixels, as float32.
torch::Tensor pixelsHwc(const core::Image& image) {
    const auto& s = image.size();
    const std::vector<std::int64_t> shape{static_cast<std::int64_t>(s[1]), static_cast<std::int64_t>(s[0]),
                                          image.components()};
    if (image.pixelType() == core::PixelType::UInt16) {
        const auto values = image.pixels<std::uint16_t>();
        torch::Tensor t = torch::empty(shape, torch::kFloat32);
        float* out = t.data_ptr<float>();
        for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<float>(values[i]);
        return t;
    }
    // Non-owning view; converted (copied) to float32 right away.
    const torch::Tensor view =
        torch::from_blob(const_cast<void*>(image.data()), shape, torch::TensorOptions(scalarType(image.pixelType())));
    return view.to(torch::kFloat32, false, true);
}

bool hasEqualChannels(const core::Image& image) {
    if (image.components() != 3) return true;
    return core::dispatchPixelType(image.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        const auto p = image.pixels<T>();
        for (std::size_t i = 0; i + 2 < p.size(); i += 3)
            if (p[i] != p[i + 1] || p[i] != p[i + 2]) return false;
        return true;
    });
}

}  // namespace

std::string imageNameForErrors(const core::Image& image) {
    const std::string& path = image.metadata().sourcePath;
    return path.empty() ? std::string() : path + ": ";
}

void checkImage(const core::Image& image, const ModelManifest& m) {
    if (image.empty()) reject(image, m, "the image is empty");
    const core::Size3& s = image.size();
    if (m.input.dimensions == 2 && s[2] != 1)
        reject(image, m,
               "it expects a 2D image (" + expectation(m) + "), got a 3D volume of " + sizeText(s) + " voxels");
    if (s[0] < 2 || s[1] < 2) reject(image, m, "the image is only " + sizeText(s) + " pixels");
    const int c = image.components();
    if (c != 1 && c != 3) reject(image, m, "images must have 1 or 3 components, this one has " + std::to_string(c));
    if (m.input.channels == 1 && c == 3 && !hasEqualChannels(image))
        reject(image, m, "it expects grey images (1 channel), got a colour (RGB) image");
    const std::string& modality = image.metadata().series.modality;
    if (!modality.empty() && !m.input.modalities.empty() &&
        std::find(m.input.modalities.begin(), m.input.modalities.end(), modality) == m.input.modalities.end())
        reject(image, m, "it expects " + expectation(m) + " images, got modality " + modality);
    if (image.pixelType() == core::PixelType::Float32) {
        for (const float v : image.pixels<float>())
            if (!std::isfinite(v)) reject(image, m, "the image contains NaN or infinite values");
    }
}

torch::Tensor imageTensor(const core::Image& image, int channels) {
    torch::Tensor chw = pixelsHwc(image).permute({2, 0, 1}).contiguous();  // [c, h, w]
    if (channels == 1 && chw.size(0) == 3) chw = chw.slice(0, 0, 1).contiguous();
    if (channels == 3 && chw.size(0) == 1) chw = chw.expand({3, chw.size(1), chw.size(2)}).contiguous();
    return chw;
}

std::vector<double> percentiles(const torch::Tensor& x, const std::vector<double>& ps) {
    torch::Tensor flat = x.reshape({-1});
    const std::int64_t n = flat.numel();
    if (n == 0) throw core::InvalidArgument("percentile of an empty tensor");
    if (n > kPercentileSampleLimit) {
        const std::int64_t step = (n + kPercentileSampleLimit - 1) / kPercentileSampleLimit;
        flat = flat.slice(0, 0, n, step);
    }
    const torch::Tensor values = flat.to(torch::kFloat32).contiguous();
    std::vector<float> v(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
    const std::size_t m = v.size();
    std::vector<double> out;
    for (const double p : ps) {
        const double pos = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(m - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        // The lo-th smallest, then the smallest of what lies above it (the (lo+1)-th).
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
        const double a = v[lo];
        const double b = lo + 1 < m ? *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end()) : a;
        out.push_back(a + (pos - static_cast<double>(lo)) * (b - a));
    }
    return out;
}

torch::Tensor medianFilter(const torch::Tensor& x, int radius) {
    if (radius <= 0) return x;
    const std::int64_t k = 2 * radius + 1;
    const std::int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const torch::Tensor padded = F::pad(x, F::PadFuncOptions({radius, radius, radius, radius}).mode(torch::kReplicate));
    // [n, c*k*k, h*w] -> median over the k*k neighbours (an odd count: the exact middle value).
    const torch::Tensor patches = F::unfold(padded, F::UnfoldFuncOptions({k, k})).view({n, c, k * k, h * w});
    return std::get<0>(patches.median(2)).view({n, c, h, w});
}

PreparedImage prepareImage(const core::Image& image, const ModelManifest& m, bool median) {
    checkImage(image, m);
    const Preprocessing& pre = m.preprocessing;
    torch::Tensor x = imageTensor(image, m.input.channels);  // [C, h, w] float32

    switch (pre.intensity) {
        case IntensityMethod::Percentile: {
            const std::vector<double> range = percentiles(x, {pre.low, pre.high});
            const double lo = range[0], hi = range[1];
            x = ((x - lo) / std::max(hi - lo, 1e-12)).clamp(0.0, 1.0);
            break;
        }
        case IntensityMethod::Range:
            x = ((x - pre.low) / (pre.high - pre.low)).clamp(0.0, 1.0);
            break;
        case IntensityMethod::ZScore: {
            const double mean = x.mean().item<double>();
            const double sd = x.std().item<double>();
            x = (x - mean) / (sd > 0.0 ? sd : 1.0);
            break;
        }
        case IntensityMethod::None:  // segmentation only (ModelManifest::validate)
            break;
    }

    const std::int64_t W = m.input.size[0], H = m.input.size[1];
    const std::int64_t w = x.size(2), h = x.size(1);
    std::int64_t cw = W, ch = H;
    if (pre.resize == ResizePolicy::Letterbox) {
        const double scale = std::min(static_cast<double>(W) / static_cast<double>(w),
                                      static_cast<double>(H) / static_cast<double>(h));
        cw = std::clamp<std::int64_t>(std::llround(static_cast<double>(w) * scale), 1, W);
        ch = std::clamp<std::int64_t>(std::llround(static_cast<double>(h) * scale), 1, H);
    }
    torch::Tensor batch = x.unsqueeze(0);  // [1, C, h, w]
    if (cw != w || ch != h) {
        const bool shrinking = cw < w || ch < h;
        batch = F::interpolate(batch, F::InterpolateFuncOptions()
                                          .size(std::vector<std::int64_t>{ch, cw})
                                          .mode(torch::kBilinear)
                                          .align_corners(false)
                                          .antialias(shrinking));
    }

    PreparedImage out;
    out.placement.originalWidth = w;
    out.placement.originalHeight = h;
    out.placement.contentWidth = static_cast<double>(cw);
    out.placement.contentHeight = static_cast<double>(ch);
    if (cw != W || ch != H) {
        const std::int64_t offX = (W - cw) / 2, offY = (H - ch) / 2;
        torch::Tensor canvas = torch::zeros({1, batch.size(1), H, W}, batch.options());
        canvas.slice(2, offY, offY + ch).slice(3, offX, offX + cw).copy_(batch);
        batch = canvas;
        out.placement.offsetX = static_cast<double>(offX);
        out.placement.offsetY = static_cast<double>(offY);
    }
    // The median runs on the whole model grid (after any padding), as in training.
    if (median) batch = medianFilter(batch, pre.medianRadius);
    out.pixels = batch.squeeze(0).contiguous();
    return out;
}

torch::Tensor normaliseBatch(const torch::Tensor& x, const Preprocessing& pre) {
    const auto options = torch::TensorOptions().dtype(x.scalar_type()).device(x.device());
    const std::int64_t c = static_cast<std::int64_t>(pre.mean.size());
    const torch::Tensor mean = torch::tensor(pre.mean, torch::kFloat64).to(options).view({1, c, 1, 1});
    const torch::Tensor sd = torch::tensor(pre.std, torch::kFloat64).to(options).view({1, c, 1, 1});
    return (x - mean) / sd;
}

torch::Tensor mapToOriginal(const torch::Tensor& map, const Placement& p) {
    const auto offX = static_cast<std::int64_t>(std::llround(p.offsetX));
    const auto offY = static_cast<std::int64_t>(std::llround(p.offsetY));
    const auto cw = static_cast<std::int64_t>(std::llround(p.contentWidth));
    const auto ch = static_cast<std::int64_t>(std::llround(p.contentHeight));
    torch::Tensor content = map.slice(0, offY, offY + ch).slice(1, offX, offX + cw).unsqueeze(0).unsqueeze(0);
    if (cw != p.originalWidth || ch != p.originalHeight) {
        const bool shrinking = p.originalWidth < cw || p.originalHeight < ch;
        content = F::interpolate(content, F::InterpolateFuncOptions()
                                              .size(std::vector<std::int64_t>{p.originalHeight, p.originalWidth})
                                              .mode(torch::kBilinear)
                                              .align_corners(false)
                                              .antialias(shrinking));
    }
    return content.squeeze(0).squeeze(0);
}

core::Geometry modelGridGeometry(const core::Geometry& original, const Placement& p, std::int64_t width,
                                 std::int64_t height) {
    core::Geometry g = original;
    const double sx = static_cast<double>(p.originalWidth) / p.contentWidth;
    const double sy = static_cast<double>(p.originalHeight) / p.contentHeight;
    // Model pixel u covers original continuous index (u + 0.5 - offset) * scale - 0.5.
    const core::Vec3 firstIndex{(0.5 - p.offsetX) * sx - 0.5, (0.5 - p.offsetY) * sy - 0.5, 0.0};
    g.origin = original.indexToPatient(firstIndex);
    g.spacing = {original.spacing[0] * sx, original.spacing[1] * sy, original.spacing[2]};
    g.size = {static_cast<std::size_t>(width), static_cast<std::size_t>(height), 1};
    return g;
}

core::Image tensorToImage(const torch::Tensor& t, const core::Geometry& geometry) {
    torch::Tensor chw = t.dim() == 2 ? t.unsqueeze(0) : t;
    const std::int64_t c = chw.size(0), h = chw.size(1), w = chw.size(2);
    const torch::Tensor hwc = chw.to(torch::kCPU, torch::kFloat32).permute({1, 2, 0}).contiguous();
    core::Geometry g = geometry;
    g.size = {static_cast<std::size_t>(w), static_cast<std::size_t>(h), 1};
    core::Image image(core::PixelType::Float32, static_cast<int>(c), g, core::Image::Init::Uninitialized);
    std::memcpy(image.data(), hwc.data_ptr<float>(), image.byteSize());
    return image;
}

}  // namespace stratum::ai::detail
