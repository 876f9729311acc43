#pragma once
// Internals of ai::Classifier (includes LibTorch): the network behind it (a built-in
// torch::nn network or a TorchScript module) and the device it runs on.
#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <utility>

#include "Networks.h"
#include "Package.h"  // weights files and package folders
#include "stratum/ai/Classifier.h"

namespace stratum::ai::detail {

// A classifier network as the rest of ai sees it.
class Backend {
public:
    virtual ~Backend() = default;
    virtual torch::Tensor forward(const torch::Tensor& x) = 0;
    // True when features()/head() exist (built-in networks, TorchScript "split" contract).
    virtual bool canSplit() const = 0;
    virtual torch::Tensor features(const torch::Tensor& x) = 0;
    virtual torch::Tensor head(const torch::Tensor& activations) = 0;
    // (logits, target activations) in one pass, with the graph between them recorded.
    virtual std::pair<torch::Tensor, torch::Tensor> forwardWithActivations(const torch::Tensor& x) = 0;
    virtual void to(const torch::Device& device) = 0;
    // The built-in network, or nullptr for TorchScript.
    virtual std::shared_ptr<ClassifierNet> net() { return nullptr; }
};

std::unique_ptr<Backend> makeBuiltInBackend(std::shared_ptr<ClassifierNet> net);
// Loads a TorchScript file and checks it offers the manifest's Grad-CAM contract.
// Throws core::FormatError naming `file`.
std::unique_ptr<Backend> loadScriptBackend(const std::filesystem::path& file, const ModelManifest& manifest);


torch::Device toTorch(const Device& device);
// A c10::Error's message without LibTorch's backtrace.
std::string torchMessage(const c10::Error& e);
bool isOutOfMemory(const c10::Error& e);

}  // namespace stratum::ai::detail

namespace stratum::ai {

class Classifier::Impl {
public:
    ModelManifest manifest;
    std::filesystem::path package;
    mutable Device device;
    mutable std::unique_ptr<detail::Backend> backend;
    mutable std::mutex warningsMutex;
    mutable core::Warnings warnings;

    torch::Device torchDevice() const { return detail::toTorch(device); }

    // Runs `work` (which must move its inputs to torchDevice() itself); a CUDA
    // out-of-memory error moves the model to the CPU, records a warning and runs it
    // again there. Other LibTorch errors become core::Error naming the model.
    template <class Work>
    auto guarded(Work&& work) const -> decltype(work()) {
        try {
            try {
                return work();
            } catch (const c10::Error& e) {
                if (!device.isCuda() || !detail::isOutOfMemory(e)) throw;
                fallBackToCpu();
            }
            return work();
        } catch (const c10::Error& e) {
            throw core::Error("model '" + manifest.name + "': " + detail::torchMessage(e));
        }
    }

    void fallBackToCpu() const;
    // Softmax of the calibrated logits, per row of [N, classes] logits on any device.
    std::vector<Classification> toClassifications(const torch::Tensor& logits) const;
};

}  // namespace stratum::ai
