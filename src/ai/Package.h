#pragma once
// Model package folders (internal; includes LibTorch), shared by Classifier and
// Segmenter: manifest.json + a built-in weights file with its SHA-256 (docs/ai.md).
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "stratum/ai/Classifier.h"  // ParameterArray
#include "stratum/ai/Manifest.h"

namespace stratum::ai::detail {

inline constexpr const char* kManifestFile = "manifest.json";

// Built-in weights files: a torch.save-compatible dict name -> tensor (parameters
// and buffers of any torch::nn module), floating tensors stored as `dtype` ("float16"
// or "float32"); the module keeps exactly the values written.
void writeBuiltInWeights(const std::filesystem::path& file, torch::nn::Module& net,
                         const std::string& dtype);
// Throws core::FormatError naming `file` when it is corrupt or does not fit `net`.
void readBuiltInWeights(const std::filesystem::path& file, torch::nn::Module& net,
                        const std::string& describeNet);

// The parameters and buffers of `net` as float32 arrays (on the CPU), and the reverse:
// names and shapes must match (core::InvalidArgument naming the parameter otherwise).
std::vector<ParameterArray> moduleParameters(const torch::nn::Module& net);
void setModuleParameters(torch::nn::Module& net, const std::vector<ParameterArray>& parameters);

// Reads `packageDir`/manifest.json: core::IoError when the folder or the manifest is
// missing, core::FormatError naming the manifest when it is invalid.
ModelManifest readPackageManifest(const std::filesystem::path& packageDir);
// The weights file named by the manifest, checked against its SHA-256: core::IoError
// when missing, core::FormatError naming the file on a mismatch.
std::filesystem::path verifiedWeightsFile(const std::filesystem::path& packageDir,
                                          const ModelManifest& manifest);

// Writes a package folder atomically (the folder must not exist or be empty): the
// weights of `net` in the manifest's dtype, `extraFiles` (name -> content) and the
// manifest with the weights' SHA-256, which it returns.
ModelManifest writeBuiltInPackage(
    const std::filesystem::path& packageDir, const ModelManifest& manifest, torch::nn::Module& net,
    const std::vector<std::pair<std::string, std::string>>& extraFiles);

}  // namespace stratum::ai::detail
