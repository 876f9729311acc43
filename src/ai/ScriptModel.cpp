// Users' own TorchScript classifiers and segmentation models (docs/ai.md, "Export
// contract"). Classifiers:
//   "split": methods features(x) -> activations [N,C,h,w] and head(a) -> logits,
//            forward(x) = head(features(x));
//   "tuple": forward(x) -> (logits, activations).
#include <torch/script.h>

#include "ClassifierImpl.h"
#include "UNet.h"
#include "stratum/core/Error.h"

namespace stratum::ai::detail {
namespace {

class ScriptBackend : public Backend {
public:
    ScriptBackend(torch::jit::Module module, bool split)
        : module_(std::move(module)), split_(split) {}

    torch::Tensor forward(const torch::Tensor& x) override {
        const c10::IValue out = module_.forward({x});
        return split_ ? out.toTensor() : out.toTuple()->elements().at(0).toTensor();
    }
    bool canSplit() const override { return split_; }
    torch::Tensor features(const torch::Tensor& x) override {
        return module_.get_method("features")({x}).toTensor();
    }
    torch::Tensor head(const torch::Tensor& a) override {
        return module_.get_method("head")({a}).toTensor();
    }
    std::pair<torch::Tensor, torch::Tensor> forwardWithActivations(
        const torch::Tensor& x) override {
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

// A TorchScript segmentation model as a SegmentationNet (its parameters stay inside
// the module: parameters() of the wrapper is empty).
class ScriptSegmentationNet : public SegmentationNet {
public:
    ScriptSegmentationNet(torch::jit::Module module, std::filesystem::path file, int labels)
        : module_(std::move(module)), file_(std::move(file)), labels_(labels) {}

    torch::Tensor forward(const torch::Tensor& x) override {
        if (is_training())
            throw core::InvalidArgument(
                file_.string() + ": a TorchScript segmentation model cannot be trained here");
        const c10::IValue out = module_.forward({x});
        if (!out.isTensor())
            throw core::FormatError(
                file_.string(), "the TorchScript model's forward() returned a " + out.tagKind() +
                                    ", not a tensor of logits " + expected(x));
        torch::Tensor logits = out.toTensor();
        bool ok =
            logits.dim() == x.dim() && logits.size(0) == x.size(0) && logits.size(1) == labels_;
        for (std::int64_t d = 2; ok && d < x.dim(); ++d) ok = logits.size(d) == x.size(d);
        if (!ok)
            throw core::FormatError(file_.string(),
                                    "the TorchScript model returned logits of shape " +
                                        shapeText(logits) + " for input " + shapeText(x) +
                                        "; expected " + expected(x));
        return logits.to(torch::kFloat32);
    }
    using SegmentationNet::to;
    void to(torch::Device device, bool nonBlocking = false) override {
        module_.to(device, nonBlocking);
    }

private:
    static std::string shapeText(const torch::Tensor& t) {
        std::string s = "[";
        for (std::int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.size(d));
        return s + "]";
    }
    std::string expected(const torch::Tensor& x) const {
        std::string s = "[" + std::to_string(x.size(0)) + ", " + std::to_string(labels_);
        for (std::int64_t d = 2; d < x.dim(); ++d) s += ", " + std::to_string(x.size(d));
        return s +
               "] (the manifest's labels; contract: forward(x [N,C,(D,)H,W]) -> logits "
               "[N,L,(D,)H,W], docs/ai.md)";
    }

    torch::jit::Module module_;
    std::filesystem::path file_;
    int labels_;
};

torch::jit::Module loadModule(const std::filesystem::path& file) {
    try {
        return torch::jit::load(file.string(), torch::kCPU);
    } catch (const c10::Error& e) {
        throw core::FormatError(file.string(),
                                "not a readable TorchScript model (" + torchMessage(e) + ")");
    } catch (const std::exception& e) {
        throw core::FormatError(file.string(),
                                std::string("not a readable TorchScript model (") + e.what() + ")");
    }
}

}  // namespace

std::shared_ptr<SegmentationNet> loadScriptSegmentationNet(const std::filesystem::path& file,
                                                           int labels) {
    torch::jit::Module module = loadModule(file);
    module.eval();
    for (torch::Tensor p : module.parameters()) p.set_requires_grad(false);
    auto net = std::make_shared<ScriptSegmentationNet>(std::move(module), file, labels);
    net->eval();
    return net;
}

std::unique_ptr<Backend> loadScriptBackend(const std::filesystem::path& file,
                                           const ModelManifest& manifest) {
    torch::jit::Module module;
    try {
        module = torch::jit::load(file.string(), torch::kCPU);
    } catch (const c10::Error& e) {
        throw core::FormatError(file.string(),
                                "not a readable TorchScript model (" + torchMessage(e) + ")");
    } catch (const std::exception& e) {
        throw core::FormatError(file.string(),
                                std::string("not a readable TorchScript model (") + e.what() + ")");
    }
    const bool split = manifest.gradCam.contract == "split";
    if (split) {
        for (const char* method : {"features", "head"})
            if (!module.find_method(method))
                throw core::FormatError(
                    file.string(), std::string("the TorchScript model has no method '") + method +
                                       "', required by the manifest's gradcam.contract \"split\" "
                                       "(see docs/ai.md, export contract)");
    }
    module.eval();
    for (torch::Tensor p : module.parameters()) p.set_requires_grad(false);
    return std::make_unique<ScriptBackend>(std::move(module), split);
}

}  // namespace stratum::ai::detail
