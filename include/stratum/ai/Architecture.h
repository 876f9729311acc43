#pragma once
// The network architectures built into Stratum (written in C++ with torch::nn),
// trainable and stored in model packages by name and hyper-parameters.
#include <cstdint>
#include <string>
#include <vector>

namespace stratum::ai {

struct ArchitectureSpec {
    // "resnet": ResNet with basic blocks (blocks {2,2,2,2} and width 64 = ResNet-18).
    // "densenet": DenseNet-BC (blocks {6,12,24,16}, growth 32, width 64 = DenseNet-121,
    //   CheXNet's network).
    // "simplecnn": stages of 3x3 conv + batch norm + ReLU with 2x2 max pooling between
    //   stages (small, for tests and tiny problems).
    // Segmentation ("unet", "attention-unet", "unet++"): the U-Nets of Segmenter.h; they use
    // inChannels, numClasses (labels, background included), width, dimensions, depth
    // and norm (blocks, growthRate and dropout unused).
    std::string name = "resnet";
    int inChannels = 1;
    int numClasses = 2;
    // resnet: channels of the first stage (doubling per stage); densenet: channels of
    // the stem; simplecnn: channels of the first stage (doubling per stage).
    int width = 64;
    // resnet: basic blocks per stage; densenet: layers per dense block; simplecnn:
    // convolutions per stage.
    std::vector<int> blocks{2, 2, 2, 2};
    int growthRate = 32;    // densenet only
    double dropout = 0.0;   // before the final linear layer
    int dimensions = 2;            // U-Nets: 2 or 3
    int depth = 4;                 // U-Nets: resolution levels (2..6)
    std::string norm = "instance"; // U-Nets: "instance" or "batch"

    // True for the segmentation networks ("unet", "attention-unet", "unet++").
    bool isSegmentation() const;

    static ArchitectureSpec resnet18(int inChannels, int numClasses, int width = 64);
    static ArchitectureSpec densenet121(int inChannels, int numClasses, int growthRate = 32,
                                        int width = 64);
    static ArchitectureSpec simpleCnn(int inChannels, int numClasses, int width = 8,
                                      std::vector<int> blocks = {1, 1, 1});

    // The Grad-CAM target of the architecture: the output of its last convolutional
    // stage ("layer4" for a 4-stage resnet, "features" for densenet, "stage3"...).
    std::string gradCamTarget() const;
    // Throws core::InvalidArgument naming the bad field.
    void validate() const;
    // One line, e.g. "resnet (blocks 2,2,2,2, width 16, 1 -> 2)".
    std::string describe() const;
    bool operator==(const ArchitectureSpec&) const = default;
};

// Classification names accepted in ArchitectureSpec::name.
std::vector<std::string> builtInArchitectures();
// Segmentation names accepted in ArchitectureSpec::name.
std::vector<std::string> builtInSegmentationArchitectures();

// Number of trainable parameters (builds the network once on the CPU).
std::int64_t parameterCount(const ArchitectureSpec& spec);

}  // namespace stratum::ai
