#pragma once
// The built-in networks (internal; includes LibTorch). Every classifier is split at
// its Grad-CAM target: forward(x) = head(features(x)), where features() ends at the
// target layer and head() holds global pooling and the linear classifier. Grad-CAM
// runs features() without autograd and back-propagates through head() only.
#include <torch/torch.h>

#include <memory>

#include "stratum/ai/Architecture.h"

namespace stratum::ai::detail {

class ClassifierNet : public torch::nn::Module {
public:
    // Activations of the Grad-CAM target, [N, C, h, w].
    virtual torch::Tensor features(const torch::Tensor& x) = 0;
    // Logits [N, classes] from the target's activations.
    virtual torch::Tensor head(const torch::Tensor& activations) = 0;
    torch::Tensor forward(const torch::Tensor& x) { return head(features(x)); }
};

// A plain container so parameter names read like torchvision's ("layer1.0.conv1.weight").
class Stage : public torch::nn::Module {
public:
    template <class M>
    std::shared_ptr<M> add(std::shared_ptr<M> module) {
        const std::string name = std::to_string(children_.size());
        register_module(name, module);
        children_.push_back(module);
        return module;
    }
    const std::vector<std::shared_ptr<torch::nn::Module>>& items() const { return children_; }

private:
    std::vector<std::shared_ptr<torch::nn::Module>> children_;
};

std::shared_ptr<ClassifierNet> makeResNet(const ArchitectureSpec& spec);
std::shared_ptr<ClassifierNet> makeDenseNet(const ArchitectureSpec& spec);
std::shared_ptr<ClassifierNet> makeSimpleCnn(const ArchitectureSpec& spec);

// Validates `spec` and builds its network (random initialisation from torch's
// global generator), on the CPU, in training mode.
std::shared_ptr<ClassifierNet> buildNetwork(const ArchitectureSpec& spec);

}  // namespace stratum::ai::detail
