// Users' own TorchScript classifiers (docs/ai.md, "Export contract"):
//   "split": methods features(x) -> activations [N,C,h,w] and head(a) -> logits,
//            forward(x) = head(features(x));
//   "tuple": forward(x) -> (logits, activations).
#include <torch/script.h>

#include "ClassifierImpl.h"
#include "stratum/core/Error.h"

namespace stratum::ai::detail {
namespace {

class ScriptBackend : public Backend {
public:
    ScriptBackend(torch::jit::Module module, bool split) : module_(std::move(module)), split_(split) {}

    torch::Tensor forward(const torch::Tensor& x) override {
        const c10::IValue out = module_.forward({x});
        return split_ ? out.toTensor() : out.toTuple()->elements().at(0).toTensor();
    }
    bool canSplit() const override { return split_; }
    torch::Tensor features(const torch::Tensor& x) override {
        return module_.get_method("features")({x}).toTensor();
    }
    torch::Tensor head(const torch::Tensor& a) override { return module_.get_method("head")({a}).toTensor(); }
    std::pair<torch::Tensor, torch::Tensor> forwardWithActivations(const torch::Tensor& x) override {
        if (split_) {
            torch::Tensor a = features(x);
            return {head(a), a};
        }
        const c10::IValue out = module_.forward({x});
        const auto& items = out.toTuple()->elements();
        return {items.at(0).toTensor(), items.at(1).toTensor()};
    }
    void to(const torch::Device& device) override { module_.to(device); }

private:
    torch::jit::Module module_;
    bool split_;
};

}  // namespace

std::unique_ptr<Backend> loadScriptBackend(const std::filesystem::path& file, const ModelManifest& manifest) {
    torch::jit::Module module;
    try {
        module = torch::jit::load(file.string(), torch::kCPU);
    } catch (const c10::Error& e) {
        throw core::FormatError(file.string(), "not a readable TorchScript model (" + torchMessage(e) + ")");
    } catch (const std::exception& e) {
        throw core::FormatError(file.string(), std::string("not a readable TorchScript model (") + e.what() + ")");
    }
    const bool split = manifest.gradCam.contract == "split";
    if (split) {
        for (const char* method : {"features", "head"})
            if (!module.find_method(method))
                throw core::FormatError(file.string(), std::string("the TorchScript model has no method '") + method +
                                                           "', required by the manifest's gradcam.contract \"split\" "
                                                           "(see docs/ai.md, export contract)");
    }
    module.eval();
    for (torch::Tensor p : module.parameters()) p.set_requires_grad(false);
    return std::make_unique<ScriptBackend>(std::move(module), split);
}

}  // namespace stratum::ai::detail
