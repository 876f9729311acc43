#include "stratum/ai/Architecture.h"

#include "stratum/core/Error.h"

namespace stratum::ai {

ArchitectureSpec ArchitectureSpec::resnet18(int inChannels, int numClasses, int width) {
    ArchitectureSpec s;
    s.name = "resnet";
    s.inChannels = inChannels;
    s.numClasses = numClasses;
    s.width = width;
    s.blocks = {2, 2, 2, 2};
    return s;
}

ArchitectureSpec ArchitectureSpec::densenet121(int inChannels, int numClasses, int growthRate, int width) {
    ArchitectureSpec s;
    s.name = "densenet";
    s.inChannels = inChannels;
    s.numClasses = numClasses;
    s.width = width;
    s.growthRate = growthRate;
    s.blocks = {6, 12, 24, 16};
    return s;
}

ArchitectureSpec ArchitectureSpec::simpleCnn(int inChannels, int numClasses, int width, std::vector<int> blocks) {
    ArchitectureSpec s;
    s.name = "simplecnn";
    s.inChannels = inChannels;
    s.numClasses = numClasses;
    s.width = width;
    s.blocks = std::move(blocks);
    return s;
}

std::string ArchitectureSpec::gradCamTarget() const {
    if (name == "resnet") return "layer" + std::to_string(blocks.size());
    if (name == "densenet") return "features";
    return "stage" + std::to_string(blocks.size());
}

bool ArchitectureSpec::isSegmentation() const {
    for (const std::string& n : builtInSegmentationArchitectures())
        if (n == name) return true;
    return false;
}

void ArchitectureSpec::validate() const {
    bool known = isSegmentation();
    for (const std::string& n : builtInArchitectures()) known = known || n == name;
    if (!known) {
        std::string list;
        for (const std::string& n : builtInArchitectures()) list += (list.empty() ? "" : ", ") + n;
        for (const std::string& n : builtInSegmentationArchitectures()) list += ", " + n;
        throw core::InvalidArgument("unknown architecture '" + name + "' (built in: " + list + ")");
    }
    if (isSegmentation()) {
        if (inChannels < 1 || inChannels > 16) throw core::InvalidArgument("architecture in_channels must be 1..16");
        if (numClasses < 2 || numClasses > 65536)
            throw core::InvalidArgument("architecture num_classes must be 2..65536 (background included)");
        if (width < 1 || width > 512) throw core::InvalidArgument("architecture width must be 1..512");
        if (dimensions != 2 && dimensions != 3) throw core::InvalidArgument("architecture dimensions must be 2 or 3");
        if (depth < 2 || depth > 6) throw core::InvalidArgument("architecture depth must be 2..6");
        if (norm != "instance" && norm != "batch")
            throw core::InvalidArgument("architecture norm must be 'instance' or 'batch'");
        return;
    }
    if (inChannels < 1 || inChannels > 16) throw core::InvalidArgument("architecture in_channels must be 1..16");
    if (numClasses < 1 || numClasses > 10000) throw core::InvalidArgument("architecture num_classes must be 1..10000");
    if (width < 1 || width > 1024) throw core::InvalidArgument("architecture width must be 1..1024");
    if (blocks.empty() || blocks.size() > 6) throw core::InvalidArgument("architecture blocks must list 1 to 6 stages");
    for (const int b : blocks)
        if (b < 1 || b > 64) throw core::InvalidArgument("architecture blocks must be 1..64 per stage");
    if (name == "densenet" && (growthRate < 1 || growthRate > 256))
        throw core::InvalidArgument("architecture growth_rate must be 1..256");
    if (!(dropout >= 0.0 && dropout < 1.0)) throw core::InvalidArgument("architecture dropout must be in [0, 1)");
}

std::string ArchitectureSpec::describe() const {
    if (isSegmentation())
        return name + " " + std::to_string(dimensions) + "D (depth " + std::to_string(depth) + ", width " +
               std::to_string(width) + ", " + norm + " norm, " + std::to_string(inChannels) + " -> " +
               std::to_string(numClasses) + ")";
    std::string b;
    for (const int n : blocks) b += (b.empty() ? "" : ",") + std::to_string(n);
    std::string text = name + " (blocks " + b + ", width " + std::to_string(width);
    if (name == "densenet") text += ", growth " + std::to_string(growthRate);
    return text + ", " + std::to_string(inChannels) + " -> " + std::to_string(numClasses) + ")";
}

std::vector<std::string> builtInArchitectures() { return {"resnet", "densenet", "simplecnn"}; }

std::vector<std::string> builtInSegmentationArchitectures() { return {"unet", "attention-unet", "unet++"}; }

}  // namespace stratum::ai
