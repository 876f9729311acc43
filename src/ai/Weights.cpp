// Built-in weights files, package folders and the built-in backend.
#include <torch/csrc/jit/serialization/pickle.h>

#include <fstream>
#include <iterator>
#include <map>

#include "ClassifierImpl.h"
#include "Package.h"
#include "stratum/ai/Sha256.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"

namespace stratum::ai::detail {
namespace {

class BuiltInBackend : public Backend {
public:
    explicit BuiltInBackend(std::shared_ptr<ClassifierNet> net) : net_(std::move(net)) {}
    torch::Tensor forward(const torch::Tensor& x) override { return net_->forward(x); }
    bool canSplit() const override { return true; }
    torch::Tensor features(const torch::Tensor& x) override { return net_->features(x); }
    torch::Tensor head(const torch::Tensor& a) override { return net_->head(a); }
    std::pair<torch::Tensor, torch::Tensor> forwardWithActivations(const torch::Tensor& x) override {
        torch::Tensor a = net_->features(x);
        return {net_->head(a), a};
    }
    void to(const torch::Device& device) override { net_->to(device); }
    std::shared_ptr<ClassifierNet> net() override { return net_; }

private:
    std::shared_ptr<ClassifierNet> net_;
};

std::string shapeText(const torch::IntArrayRef& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// Parameters then buffers, by their dotted names.
std::map<std::string, torch::Tensor> stateOf(torch::nn::Module& net) {
    std::map<std::string, torch::Tensor> state;
    for (const auto& p : net.named_parameters()) state.emplace(p.key(), p.value());
    for (const auto& b : net.named_buffers()) state.emplace(b.key(), b.value());
    return state;
}

}  // namespace

std::unique_ptr<Backend> makeBuiltInBackend(std::shared_ptr<ClassifierNet> net) {
    return std::make_unique<BuiltInBackend>(std::move(net));
}

torch::Device toTorch(const Device& device) {
    return device.isCuda() ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device.index))
                           : torch::Device(torch::kCPU);
}

std::string torchMessage(const c10::Error& e) {
    std::string text = e.what_without_backtrace();
    // LibTorch appends "Exception raised from ..." context lines: keep the first line.
    const std::size_t newline = text.find('\n');
    if (newline != std::string::npos) text.resize(newline);
    return text;
}

bool isOutOfMemory(const c10::Error& e) {
    const std::string text = e.what_without_backtrace();
    return text.find("out of memory") != std::string::npos;
}

void writeBuiltInWeights(const std::filesystem::path& file, torch::nn::Module& net, const std::string& dtype) {
    const torch::ScalarType storage = dtype == "float16" ? torch::kFloat16 : torch::kFloat32;
    torch::NoGradGuard noGrad;
    c10::Dict<std::string, at::Tensor> dict;
    for (auto& [name, tensor] : stateOf(net)) {
        torch::Tensor stored = tensor.detach().to(torch::kCPU);
        if (stored.is_floating_point()) {
            stored = stored.to(storage).contiguous();
            // The model keeps exactly the values written.
            tensor.copy_(stored.to(tensor.scalar_type()));
        }
        dict.insert(name, stored.contiguous());
    }
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw core::IoError(file.string(), "cannot open for writing");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw core::IoError(file.string(), "write error (disk full?)");
}

void readBuiltInWeights(const std::filesystem::path& file, torch::nn::Module& net, const std::string& describeNet) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw core::IoError(file.string(), "cannot open for reading");
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    c10::IValue value;
    try {
        value = torch::pickle_load(bytes);
    } catch (const c10::Error& e) {
        throw core::FormatError(file.string(), "not a readable weights file (" + torchMessage(e) + ")");
    } catch (const std::exception& e) {
        throw core::FormatError(file.string(), std::string("not a readable weights file (") + e.what() + ")");
    }
    if (!value.isGenericDict())
        throw core::FormatError(file.string(), "not a weights file (expected a dictionary of tensors)");
    std::map<std::string, torch::Tensor> loaded;
    for (const auto& entry : value.toGenericDict()) {
        if (!entry.key().isString() || !entry.value().isTensor())
            throw core::FormatError(file.string(), "not a weights file (expected a dictionary of tensors)");
        loaded.emplace(entry.key().toStringRef(), entry.value().toTensor());
    }
    const std::string mismatch = "the weights do not match the manifest's architecture " + describeNet + ": ";
    auto state = stateOf(net);
    for (const auto& [name, tensor] : state) {
        const auto it = loaded.find(name);
        if (it == loaded.end()) throw core::FormatError(file.string(), mismatch + "'" + name + "' is missing");
        if (it->second.sizes() != tensor.sizes())
            throw core::FormatError(file.string(), mismatch + "'" + name + "' has shape " +
                                                       shapeText(it->second.sizes()) + " in the file, " +
                                                       shapeText(tensor.sizes()) + " in the network");
    }
    for (const auto& [name, tensor] : loaded)
        if (!state.count(name)) throw core::FormatError(file.string(), mismatch + "unexpected entry '" + name + "'");
    torch::NoGradGuard noGrad;
    for (auto& [name, tensor] : state) {
        const torch::Tensor& source = loaded.at(name);
        if (source.is_floating_point() && !torch::isfinite(source).all().item<bool>())
            throw core::FormatError(file.string(), "'" + name + "' holds NaN or infinite values");
        tensor.copy_(source.to(tensor.scalar_type()));
    }
}

ModelManifest readPackageManifest(const std::filesystem::path& packageDir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(packageDir, ec)) throw core::IoError(packageDir.string(), "model package does not exist");
    if (!fs::is_directory(packageDir, ec))
        throw core::IoError(packageDir.string(), "a model package is a folder (with manifest.json and the weights)");
    const fs::path manifestPath = packageDir / kManifestFile;
    if (!fs::exists(manifestPath, ec))
        throw core::IoError(manifestPath.string(), "does not exist: not a model package");
    return ModelManifest::readFile(manifestPath);
}

std::filesystem::path verifiedWeightsFile(const std::filesystem::path& packageDir, const ModelManifest& manifest) {
    const std::filesystem::path manifestPath = packageDir / kManifestFile;
    const std::filesystem::path weightsPath = packageDir / manifest.weights.file;
    std::error_code ec;
    if (!std::filesystem::exists(weightsPath, ec))
        throw core::IoError(weightsPath.string(), "does not exist (the weights named by " + manifestPath.string() + ")");
    const std::string actual = sha256File(weightsPath);
    if (actual != manifest.weights.sha256)
        throw core::FormatError(weightsPath.string(), "SHA-256 mismatch: " + manifestPath.string() + " expects " +
                                                          manifest.weights.sha256 + ", the file has " + actual +
                                                          " (corrupt or replaced weights)");
    return weightsPath;
}

ModelManifest writeBuiltInPackage(const std::filesystem::path& packageDir, const ModelManifest& manifest,
                                  torch::nn::Module& net,
                                  const std::vector<std::pair<std::string, std::string>>& extraFiles) {
    core::AtomicDirectory dir(packageDir);
    const std::filesystem::path weights = dir.tempPath() / manifest.weights.file;
    writeBuiltInWeights(weights, net, manifest.weights.dtype);
    ModelManifest written = manifest;
    written.weights.sha256 = sha256File(weights);
    written.validate();
    auto writeText = [&](const std::string& name, const std::string& text) {
        if (name.empty() || name.find('/') != std::string::npos || name == kManifestFile ||
            name == manifest.weights.file)
            throw core::InvalidArgument("package file name '" + name + "' is not allowed");
        std::ofstream out(dir.tempPath() / name, std::ios::binary | std::ios::trunc);
        if (!out) throw core::IoError((packageDir / name).string(), "cannot open for writing");
        out << text;
        out.close();
        if (!out) throw core::IoError((packageDir / name).string(), "write error (disk full?)");
    };
    for (const auto& [name, text] : extraFiles) writeText(name, text);
    {
        std::ofstream out(dir.tempPath() / kManifestFile, std::ios::binary | std::ios::trunc);
        out << written.toJson();
        out.close();
        if (!out) throw core::IoError((packageDir / kManifestFile).string(), "write error (disk full?)");
    }
    dir.commit();
    return written;
}

std::vector<ParameterArray> moduleParameters(const torch::nn::Module& net) {
    std::vector<ParameterArray> out;
    auto add = [&](const std::string& name, const torch::Tensor& t) {
        ParameterArray p;
        p.name = name;
        p.shape.assign(t.sizes().begin(), t.sizes().end());
        const torch::Tensor f = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        p.values.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
        out.push_back(std::move(p));
    };
    for (const auto& p : net.named_parameters()) add(p.key(), p.value());
    for (const auto& b : net.named_buffers()) add(b.key(), b.value());
    return out;
}

void setModuleParameters(torch::nn::Module& net, const std::vector<ParameterArray>& parameters) {
    std::map<std::string, torch::Tensor> state;
    for (const auto& p : net.named_parameters()) state.emplace(p.key(), p.value());
    for (const auto& b : net.named_buffers()) state.emplace(b.key(), b.value());
    torch::NoGradGuard noGrad;
    for (const ParameterArray& p : parameters) {
        const auto it = state.find(p.name);
        if (it == state.end()) throw core::InvalidArgument("the network has no parameter '" + p.name + "'");
        if (std::vector<std::int64_t>(it->second.sizes().begin(), it->second.sizes().end()) != p.shape ||
            static_cast<std::int64_t>(p.values.size()) != it->second.numel())
            throw core::InvalidArgument("parameter '" + p.name + "' has another shape in the network");
        const torch::Tensor source = torch::tensor(p.values, torch::kFloat32).view(p.shape);
        it->second.copy_(source.to(it->second.device(), it->second.scalar_type()));
    }
}

}  // namespace stratum::ai::detail
