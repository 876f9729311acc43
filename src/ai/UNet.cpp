// U-Net (Ronneberger et al. 2015) in 2D and 3D (Cicek et al. 2016), with optional
// attention gates (Oktay et al. 2018), and U-Net++ (Zhou et al. 2018). Each level: two
// [conv 3 - norm - leaky ReLU] blocks; 2x max pooling down; 2x transposed convolution up,
// concatenated with the (gated) skip connection; a 1x1 convolution gives the label logits. Written
// once for both dimensionalities through a small table of torch::nn types.
#include "UNet.h"

#include <vector>

namespace stratum::ai::detail {
namespace {

namespace nn = torch::nn;

template <int D>
struct Layers;

template <>
struct Layers<2> {
    using Conv = nn::Conv2d;
    using ConvOptions = nn::Conv2dOptions;
    using ConvTranspose = nn::ConvTranspose2d;
    using ConvTransposeOptions = nn::ConvTranspose2dOptions;
    using BatchNorm = nn::BatchNorm2d;
    using InstanceNorm = nn::InstanceNorm2d;
    using InstanceNormOptions = nn::InstanceNorm2dOptions;
    static torch::Tensor maxPool(const torch::Tensor& x) { return torch::max_pool2d(x, 2, 2); }
};

template <>
struct Layers<3> {
    using Conv = nn::Conv3d;
    using ConvOptions = nn::Conv3dOptions;
    using ConvTranspose = nn::ConvTranspose3d;
    using ConvTransposeOptions = nn::ConvTranspose3dOptions;
    using BatchNorm = nn::BatchNorm3d;
    using InstanceNorm = nn::InstanceNorm3d;
    using InstanceNormOptions = nn::InstanceNorm3dOptions;
    static torch::Tensor maxPool(const torch::Tensor& x) { return torch::max_pool3d(x, 2, 2); }
};

template <int D>
nn::AnyModule makeNorm(NormKind kind, int channels) {
    using L = Layers<D>;
    if (kind == NormKind::Batch) return nn::AnyModule(typename L::BatchNorm(channels));
    return nn::AnyModule(
        typename L::InstanceNorm(typename L::InstanceNormOptions(channels).affine(true)));
}

// conv k - norm (- leaky ReLU).
template <int D>
class ConvNorm : public nn::Module {
public:
    ConvNorm(int in, int out, int kernel, NormKind norm)
        : conv_(register_module(
              "conv", typename Layers<D>::Conv(
                          typename Layers<D>::ConvOptions(in, out, kernel).padding(kernel / 2)))),
          norm_(makeNorm<D>(norm, out)) {
        register_module("norm", norm_.ptr());
    }
    torch::Tensor forward(const torch::Tensor& x) { return norm_.forward(conv_->forward(x)); }

private:
    typename Layers<D>::Conv conv_;
    nn::AnyModule norm_;
};

template <int D>
class DoubleConv : public nn::Module {
public:
    DoubleConv(int in, int out, NormKind norm)
        : a_(register_module("conv0", std::make_shared<ConvNorm<D>>(in, out, 3, norm))),
          b_(register_module("conv1", std::make_shared<ConvNorm<D>>(out, out, 3, norm))) {}
    torch::Tensor forward(const torch::Tensor& x) {
        return torch::leaky_relu(b_->forward(torch::leaky_relu(a_->forward(x), 0.01)), 0.01);
    }

private:
    std::shared_ptr<ConvNorm<D>> a_, b_;
};

// Additive attention gate: alpha = sigmoid(psi(relu(Wg g + Wx x))), output x * alpha,
// with g the up-sampled decoder features at the skip's resolution.
template <int D>
class AttentionGate : public nn::Module {
public:
    AttentionGate(int channels, NormKind norm)
        : wg_(register_module(
              "wg", std::make_shared<ConvNorm<D>>(channels, std::max(1, channels / 2), 1, norm))),
          wx_(register_module(
              "wx", std::make_shared<ConvNorm<D>>(channels, std::max(1, channels / 2), 1, norm))),
          psi_(register_module(
              "psi", std::make_shared<ConvNorm<D>>(std::max(1, channels / 2), 1, 1, norm))) {}
    torch::Tensor forward(const torch::Tensor& g, const torch::Tensor& x) {
        const torch::Tensor alpha =
            torch::sigmoid(psi_->forward(torch::relu(wg_->forward(g) + wx_->forward(x))));
        return x * alpha;
    }

private:
    std::shared_ptr<ConvNorm<D>> wg_, wx_, psi_;
};

template <int D>
class UNet : public SegmentationNet {
public:
    explicit UNet(const UNetSpec& spec) {
        using L = Layers<D>;
        std::vector<int> channels;
        for (int l = 0; l < spec.depth; ++l) channels.push_back(spec.width << l);
        int in = spec.inChannels;
        for (int l = 0; l < spec.depth; ++l) {
            encoders_.push_back(
                register_module("enc" + std::to_string(l),
                                std::make_shared<DoubleConv<D>>(in, channels[l], spec.norm)));
            in = channels[l];
        }
        for (int l = spec.depth - 2; l >= 0; --l) {
            const std::string s = std::to_string(l);
            ups_.push_back(register_module(
                "up" + s,
                typename L::ConvTranspose(
                    typename L::ConvTransposeOptions(channels[l + 1], channels[l], 2).stride(2))));
            if (spec.attention)
                gates_.push_back(register_module(
                    "gate" + s, std::make_shared<AttentionGate<D>>(channels[l], spec.norm)));
            decoders_.push_back(register_module(
                "dec" + s,
                std::make_shared<DoubleConv<D>>(2 * channels[l], channels[l], spec.norm)));
        }
        head_ = register_module(
            "head", typename L::Conv(typename L::ConvOptions(channels[0], spec.numLabels, 1)));
    }

    torch::Tensor forward(const torch::Tensor& x) override {
        std::vector<torch::Tensor> skips;
        torch::Tensor y = x;
        for (std::size_t l = 0; l < encoders_.size(); ++l) {
            if (l > 0) y = Layers<D>::maxPool(y);
            y = encoders_[l]->forward(y);
            skips.push_back(y);
        }
        for (std::size_t u = 0; u < ups_.size(); ++u) {
            const torch::Tensor up = ups_[u]->forward(y);
            torch::Tensor skip = skips[skips.size() - 2 - u];
            if (!gates_.empty()) skip = gates_[u]->forward(up, skip);
            y = decoders_[u]->forward(torch::cat({skip, up}, 1));
        }
        return head_->forward(y);
    }

private:
    std::vector<std::shared_ptr<DoubleConv<D>>> encoders_;
    std::vector<typename Layers<D>::ConvTranspose> ups_;
    std::vector<std::shared_ptr<AttentionGate<D>>> gates_;
    std::vector<std::shared_ptr<DoubleConv<D>>> decoders_;
    typename Layers<D>::Conv head_{nullptr};
};

// U-Net++ (Zhou et al. 2018): node (i, j) at level i (channels width * 2^i), column j,
// is a double convolution of the concatenation [x(i,0), ..., x(i,j-1), up(x(i+1,j-1))],
// with its own 2x transposed convolution; x(i,0) is the encoder. The logits come from
// x(0, depth-1) through a 1x1 convolution (no deep supervision).
template <int D>
class NestedUNet : public SegmentationNet {
public:
    explicit NestedUNet(const UNetSpec& spec) : depth_(spec.depth) {
        using L = Layers<D>;
        std::vector<int> channels;
        for (int l = 0; l < depth_; ++l) channels.push_back(spec.width << l);
        int in = spec.inChannels;
        for (int l = 0; l < depth_; ++l) {
            encoders_.push_back(
                register_module("enc" + std::to_string(l),
                                std::make_shared<DoubleConv<D>>(in, channels[l], spec.norm)));
            in = channels[l];
        }
        // Node (i, j), j >= 1, in column order.
        for (int j = 1; j < depth_; ++j)
            for (int i = 0; i + j < depth_; ++i) {
                const std::string s = std::to_string(i) + "_" + std::to_string(j);
                ups_.push_back(register_module(
                    "up" + s, typename L::ConvTranspose(
                                  typename L::ConvTransposeOptions(channels[i + 1], channels[i], 2)
                                      .stride(2))));
                nodes_.push_back(register_module(
                    "node" + s, std::make_shared<DoubleConv<D>>((j + 1) * channels[i], channels[i],
                                                                spec.norm)));
            }
        head_ = register_module(
            "head", typename L::Conv(typename L::ConvOptions(channels[0], spec.numLabels, 1)));
    }

    torch::Tensor forward(const torch::Tensor& x) override {
        // grid[i] holds x(i, 0..j) as the columns are computed.
        std::vector<std::vector<torch::Tensor>> grid(static_cast<std::size_t>(depth_));
        torch::Tensor y = x;
        for (int l = 0; l < depth_; ++l) {
            if (l > 0) y = Layers<D>::maxPool(y);
            y = encoders_[static_cast<std::size_t>(l)]->forward(y);
            grid[static_cast<std::size_t>(l)].push_back(y);
        }
        std::size_t node = 0;
        for (int j = 1; j < depth_; ++j)
            for (int i = 0; i + j < depth_; ++i, ++node) {
                auto& row = grid[static_cast<std::size_t>(i)];
                std::vector<torch::Tensor> inputs(row.begin(), row.end());
                inputs.push_back(ups_[node]->forward(
                    grid[static_cast<std::size_t>(i + 1)][static_cast<std::size_t>(j - 1)]));
                row.push_back(nodes_[node]->forward(torch::cat(inputs, 1)));
            }
        return head_->forward(grid[0].back());
    }

private:
    int depth_;
    std::vector<std::shared_ptr<DoubleConv<D>>> encoders_;
    std::vector<typename Layers<D>::ConvTranspose> ups_;
    std::vector<std::shared_ptr<DoubleConv<D>>> nodes_;
    typename Layers<D>::Conv head_{nullptr};
};

}  // namespace

std::shared_ptr<SegmentationNet> buildUNet(const UNetSpec& spec) {
    spec.validate();
    if (spec.nested) {
        if (spec.dimensions == 2) return std::make_shared<NestedUNet<2>>(spec);
        return std::make_shared<NestedUNet<3>>(spec);
    }
    if (spec.dimensions == 2) return std::make_shared<UNet<2>>(spec);
    return std::make_shared<UNet<3>>(spec);
}

}  // namespace stratum::ai::detail
