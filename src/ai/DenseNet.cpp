// DenseNet-BC (Huang et al. 2017), laid out like torchvision's densenet121 (CheXNet's
// network) so parameter names and counts match: a 7x7/2 stem and max pool, dense
// blocks of bottleneck layers (1x1 conv to 4*growth, 3x3 conv to growth, outputs
// concatenated), transitions halving channels and resolution, a final batch norm.
#include "Networks.h"

namespace stratum::ai::detail {
namespace {

namespace nn = torch::nn;

constexpr int kBottleneck = 4;

nn::Conv2d conv(int in, int out, int kernel, int stride, int padding) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

class DenseLayer : public torch::nn::Module {
public:
    DenseLayer(int in, int growth)
        : norm1_(register_module("norm1", nn::BatchNorm2d(in))),
          conv1_(register_module("conv1", conv(in, kBottleneck * growth, 1, 1, 0))),
          norm2_(register_module("norm2", nn::BatchNorm2d(kBottleneck * growth))),
          conv2_(register_module("conv2", conv(kBottleneck * growth, growth, 3, 1, 1))) {}

    torch::Tensor forward(const torch::Tensor& x) {
        const torch::Tensor y = conv1_->forward(torch::relu(norm1_->forward(x)));
        return conv2_->forward(torch::relu(norm2_->forward(y)));
    }

private:
    nn::BatchNorm2d norm1_;
    nn::Conv2d conv1_;
    nn::BatchNorm2d norm2_;
    nn::Conv2d conv2_;
};

class DenseBlock : public torch::nn::Module {
public:
    DenseBlock(int layers, int in, int growth) {
        for (int i = 0; i < layers; ++i)
            layers_.push_back(register_module("denselayer" + std::to_string(i + 1),
                                              std::make_shared<DenseLayer>(in + i * growth, growth)));
    }

    torch::Tensor forward(const torch::Tensor& x) {
        std::vector<torch::Tensor> all{x};
        for (auto& layer : layers_) all.push_back(layer->forward(torch::cat(all, 1)));
        return torch::cat(all, 1);
    }

private:
    std::vector<std::shared_ptr<DenseLayer>> layers_;
};

class Transition : public torch::nn::Module {
public:
    Transition(int in, int out)
        : norm_(register_module("norm", nn::BatchNorm2d(in))), conv_(register_module("conv", conv(in, out, 1, 1, 0))) {}

    torch::Tensor forward(const torch::Tensor& x) {
        return torch::avg_pool2d(conv_->forward(torch::relu(norm_->forward(x))), 2, 2);
    }

private:
    nn::BatchNorm2d norm_;
    nn::Conv2d conv_;
};

class DenseNet : public ClassifierNet {
public:
    explicit DenseNet(const ArchitectureSpec& spec) {
        auto featuresModule = std::make_shared<torch::nn::Module>();
        conv0_ = featuresModule->register_module("conv0", conv(spec.inChannels, spec.width, 7, 2, 3));
        norm0_ = featuresModule->register_module("norm0", nn::BatchNorm2d(spec.width));
        int channels = spec.width;
        for (std::size_t b = 0; b < spec.blocks.size(); ++b) {
            blocks_.push_back(featuresModule->register_module(
                "denseblock" + std::to_string(b + 1),
                std::make_shared<DenseBlock>(spec.blocks[b], channels, spec.growthRate)));
            channels += spec.blocks[b] * spec.growthRate;
            if (b + 1 < spec.blocks.size()) {
                transitions_.push_back(featuresModule->register_module(
                    "transition" + std::to_string(b + 1), std::make_shared<Transition>(channels, channels / 2)));
                channels /= 2;
            }
        }
        norm5_ = featuresModule->register_module("norm5", nn::BatchNorm2d(channels));
        register_module("features", featuresModule);
        classifier_ = register_module("classifier", nn::Linear(channels, spec.numClasses));
        dropout_ = spec.dropout;
        for (auto& m : modules(false)) {
            if (auto* c = dynamic_cast<nn::Conv2dImpl*>(m.get())) nn::init::kaiming_normal_(c->weight);
        }
        nn::init::zeros_(classifier_->bias);
    }

    torch::Tensor features(const torch::Tensor& x) override {
        torch::Tensor y = torch::relu(norm0_->forward(conv0_->forward(x)));
        y = torch::max_pool2d(y, 3, 2, 1);
        for (std::size_t b = 0; b < blocks_.size(); ++b) {
            y = blocks_[b]->forward(y);
            if (b < transitions_.size()) y = transitions_[b]->forward(y);
        }
        return torch::relu(norm5_->forward(y));
    }

    torch::Tensor head(const torch::Tensor& a) override {
        torch::Tensor y = torch::adaptive_avg_pool2d(a, {1, 1}).flatten(1);
        if (dropout_ > 0.0) y = torch::dropout(y, dropout_, is_training());
        return classifier_->forward(y);
    }

private:
    nn::Conv2d conv0_{nullptr};
    nn::BatchNorm2d norm0_{nullptr};
    std::vector<std::shared_ptr<DenseBlock>> blocks_;
    std::vector<std::shared_ptr<Transition>> transitions_;
    nn::BatchNorm2d norm5_{nullptr};
    nn::Linear classifier_{nullptr};
    double dropout_ = 0.0;
};

}  // namespace

std::shared_ptr<ClassifierNet> makeDenseNet(const ArchitectureSpec& spec) { return std::make_shared<DenseNet>(spec); }

}  // namespace stratum::ai::detail
