// ResNet with basic blocks (He et al. 2016), laid out like torchvision's resnet18 so
// parameter names and counts match: conv1 7x7/2, max pool, stages of basic blocks
// (the first block of stages 2+ halves the resolution and doubles the channels).
#include "Networks.h"

namespace stratum::ai::detail {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int in, int out, int kernel, int stride, int padding) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

class BasicBlock : public torch::nn::Module {
public:
    BasicBlock(int in, int out, int stride)
        : conv1_(register_module("conv1", conv(in, out, 3, stride, 1))),
          bn1_(register_module("bn1", nn::BatchNorm2d(out))),
          conv2_(register_module("conv2", conv(out, out, 3, 1, 1))),
          bn2_(register_module("bn2", nn::BatchNorm2d(out))) {
        if (stride != 1 || in != out) {
            auto down = std::make_shared<Stage>();
            down->add(conv(in, out, 1, stride, 0).ptr());
            down->add(nn::BatchNorm2d(out).ptr());
            downConv_ = std::dynamic_pointer_cast<nn::Conv2dImpl>(down->items()[0]);
            downBn_ = std::dynamic_pointer_cast<nn::BatchNorm2dImpl>(down->items()[1]);
            register_module("downsample", down);
        }
    }

    torch::Tensor forward(const torch::Tensor& x) {
        torch::Tensor y = torch::relu(bn1_->forward(conv1_->forward(x)));
        y = bn2_->forward(conv2_->forward(y));
        const torch::Tensor identity = downConv_ ? downBn_->forward(downConv_->forward(x)) : x;
        return torch::relu(y + identity);
    }

private:
    nn::Conv2d conv1_;
    nn::BatchNorm2d bn1_;
    nn::Conv2d conv2_;
    nn::BatchNorm2d bn2_;
    std::shared_ptr<nn::Conv2dImpl> downConv_;
    std::shared_ptr<nn::BatchNorm2dImpl> downBn_;
};

class ResNet : public ClassifierNet {
public:
    explicit ResNet(const ArchitectureSpec& spec)
        : conv1_(register_module("conv1", conv(spec.inChannels, spec.width, 7, 2, 3))),
          bn1_(register_module("bn1", nn::BatchNorm2d(spec.width))) {
        int in = spec.width;
        for (std::size_t s = 0; s < spec.blocks.size(); ++s) {
            const int out = spec.width << s;
            auto stage = std::make_shared<Stage>();
            std::vector<std::shared_ptr<BasicBlock>> blocks;
            for (int b = 0; b < spec.blocks[s]; ++b) {
                const int stride = (s > 0 && b == 0) ? 2 : 1;
                blocks.push_back(stage->add(std::make_shared<BasicBlock>(b == 0 ? in : out, out, stride)));
            }
            register_module("layer" + std::to_string(s + 1), stage);
            stages_.push_back(std::move(blocks));
            in = out;
        }
        dropout_ = spec.dropout;
        fc_ = register_module("fc", nn::Linear(in, spec.numClasses));
        // torchvision's initialisation: Kaiming normal (fan out) for convolutions,
        // BN weight 1 and bias 0; PyTorch's default for the linear layer.
        for (auto& m : modules(false)) {
            if (auto* c = dynamic_cast<nn::Conv2dImpl*>(m.get()))
                nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
        }
    }

    torch::Tensor features(const torch::Tensor& x) override {
        torch::Tensor y = torch::relu(bn1_->forward(conv1_->forward(x)));
        y = torch::max_pool2d(y, 3, 2, 1);
        for (auto& stage : stages_)
            for (auto& block : stage) y = block->forward(y);
        return y;
    }

    torch::Tensor head(const torch::Tensor& a) override {
        torch::Tensor y = torch::adaptive_avg_pool2d(a, {1, 1}).flatten(1);
        if (dropout_ > 0.0) y = torch::dropout(y, dropout_, is_training());
        return fc_->forward(y);
    }

private:
    nn::Conv2d conv1_;
    nn::BatchNorm2d bn1_;
    std::vector<std::vector<std::shared_ptr<BasicBlock>>> stages_;
    nn::Linear fc_{nullptr};
    double dropout_ = 0.0;
};

}  // namespace

std::shared_ptr<ClassifierNet> makeResNet(const ArchitectureSpec& spec) { return std::make_shared<ResNet>(spec); }

}  // namespace stratum::ai::detail
