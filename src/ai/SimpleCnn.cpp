// A small plain CNN: stages of (3x3 conv, batch norm, ReLU) x blocks[s], 2x2 max
// pooling between stages, channels doubling per stage; global average pooling and a
// linear layer. For tests (Grad-CAM pointing game) and small problems.
#include "Networks.h"

namespace stratum::ai::detail {
namespace {

namespace nn = torch::nn;

class ConvBnRelu : public torch::nn::Module {
public:
    ConvBnRelu(int in, int out)
        : conv_(register_module("conv", nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(false)))),
          bn_(register_module("bn", nn::BatchNorm2d(out))) {}
    torch::Tensor forward(const torch::Tensor& x) { return torch::relu(bn_->forward(conv_->forward(x))); }

private:
    nn::Conv2d conv_;
    nn::BatchNorm2d bn_;
};

class SimpleCnn : public ClassifierNet {
public:
    explicit SimpleCnn(const ArchitectureSpec& spec) {
        int in = spec.inChannels;
        for (std::size_t s = 0; s < spec.blocks.size(); ++s) {
            const int out = spec.width << s;
            auto stage = std::make_shared<Stage>();
            std::vector<std::shared_ptr<ConvBnRelu>> convs;
            for (int b = 0; b < spec.blocks[s]; ++b) {
                convs.push_back(stage->add(std::make_shared<ConvBnRelu>(in, out)));
                in = out;
            }
            register_module("stage" + std::to_string(s + 1), stage);
            stages_.push_back(std::move(convs));
        }
        fc_ = register_module("fc", nn::Linear(in, spec.numClasses));
        dropout_ = spec.dropout;
    }

    torch::Tensor features(const torch::Tensor& x) override {
        torch::Tensor y = x;
        for (std::size_t s = 0; s < stages_.size(); ++s) {
            if (s > 0) y = torch::max_pool2d(y, 2, 2);
            for (auto& c : stages_[s]) y = c->forward(y);
        }
        return y;
    }

    torch::Tensor head(const torch::Tensor& a) override {
        torch::Tensor y = torch::adaptive_avg_pool2d(a, {1, 1}).flatten(1);
        if (dropout_ > 0.0) y = torch::dropout(y, dropout_, is_training());
        return fc_->forward(y);
    }

private:
    std::vector<std::vector<std::shared_ptr<ConvBnRelu>>> stages_;
    nn::Linear fc_{nullptr};
    double dropout_ = 0.0;
};

}  // namespace

std::shared_ptr<ClassifierNet> makeSimpleCnn(const ArchitectureSpec& spec) { return std::make_shared<SimpleCnn>(spec); }

}  // namespace stratum::ai::detail
