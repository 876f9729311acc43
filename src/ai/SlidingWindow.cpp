// U-Net specification checks and the sliding-window geometry (plain C++): patch
// positions, Gaussian patch weights and their sum over a volume.
#include <algorithm>
#include <cmath>

#include "stratum/ai/Segmenter.h"
#include "stratum/core/Error.h"

namespace stratum::ai {

const char* normKindName(NormKind norm) {
    return norm == NormKind::Instance ? "instance" : "batch";
}

std::string UNetSpec::architectureName() const {
    return nested ? "unet++" : attention ? "attention-unet" : "unet";
}

void UNetSpec::validate() const {
    if (dimensions != 2 && dimensions != 3)
        throw core::InvalidArgument("U-Net dimensions must be 2 or 3, not " +
                                    std::to_string(dimensions));
    if (inChannels < 1 || inChannels > 16)
        throw core::InvalidArgument("U-Net in_channels must be 1..16, not " +
                                    std::to_string(inChannels));
    if (numLabels < 2 || numLabels > 65536)
        throw core::InvalidArgument(
            "U-Net num_labels must be 2..65536 (background included), not " +
            std::to_string(numLabels));
    if (depth < 2 || depth > 6)
        throw core::InvalidArgument("U-Net depth must be 2..6, not " + std::to_string(depth));
    if (width < 1 || width > 512)
        throw core::InvalidArgument("U-Net width must be 1..512, not " + std::to_string(width));
    if (nested && attention)
        throw core::InvalidArgument(
            "U-Net++ (nested) has no attention gates: set one of nested, attention");
}

std::string UNetSpec::describe() const {
    return architectureName() + " " + std::to_string(dimensions) + "D (depth " +
           std::to_string(depth) + ", width " + std::to_string(width) + ", " + normKindName(norm) +
           " norm, " + std::to_string(inChannels) + " -> " + std::to_string(numLabels) + ")";
}

ArchitectureSpec UNetSpec::architecture() const {
    ArchitectureSpec a;
    a.name = architectureName();
    a.inChannels = inChannels;
    a.numClasses = numLabels;
    a.width = width;
    a.blocks.clear();
    a.dimensions = dimensions;
    a.depth = depth;
    a.norm = normKindName(norm);
    return a;
}

UNetSpec UNetSpec::fromArchitecture(const ArchitectureSpec& a) {
    if (!a.isSegmentation())
        throw core::InvalidArgument(
            "architecture '" + a.name +
            "' is not a segmentation network (unet, attention-unet, unet++)");
    if (a.norm != "instance" && a.norm != "batch")
        throw core::InvalidArgument("U-Net norm must be 'instance' or 'batch', not '" + a.norm +
                                    "'");
    UNetSpec s;
    s.dimensions = a.dimensions;
    s.inChannels = a.inChannels;
    s.numLabels = a.numClasses;
    s.depth = a.depth;
    s.width = a.width;
    s.norm = a.norm == "batch" ? NormKind::Batch : NormKind::Instance;
    s.attention = a.name == "attention-unet";
    s.nested = a.name == "unet++";
    return s;
}

std::vector<std::size_t> slidingWindowStarts(std::size_t size, std::size_t patch, double overlap) {
    if (patch == 0) throw core::InvalidArgument("patch size must be at least 1 voxel (got 0)");
    if (!(overlap >= 0.0 && overlap < 1.0))
        throw core::InvalidArgument("patch overlap must be in [0, 1), not " +
                                    std::to_string(overlap));
    if (size <= patch) return {0};
    const double step = std::max(1.0, static_cast<double>(patch) * (1.0 - overlap));
    const double span = static_cast<double>(size - patch);
    const auto steps = static_cast<std::size_t>(std::ceil(span / step - 1e-9));
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i <= steps; ++i)
        starts.push_back(static_cast<std::size_t>(
            std::lround(span * static_cast<double>(i) / static_cast<double>(steps))));
    return starts;
}

std::vector<float> patchWeights(const std::array<int, 3>& patch, bool gaussian,
                                double sigmaFraction) {
    for (int a = 0; a < 3; ++a)
        if (patch[a] < 1)
            throw core::InvalidArgument("patch size must be at least 1 voxel along every axis");
    if (!(sigmaFraction > 0.0))
        throw core::InvalidArgument("Gaussian sigma fraction must be positive");
    std::array<std::vector<double>, 3> axis;
    for (int a = 0; a < 3; ++a) {
        const double centre = (patch[a] - 1) / 2.0, sigma = sigmaFraction * patch[a];
        for (int i = 0; i < patch[a]; ++i) {
            const double d = i - centre;
            axis[a].push_back(gaussian ? std::exp(-d * d / (2.0 * sigma * sigma)) : 1.0);
        }
        const double peak = *std::max_element(axis[a].begin(), axis[a].end());
        for (double& v : axis[a]) v /= peak;
    }
    std::vector<float> w(static_cast<std::size_t>(patch[0]) * patch[1] * patch[2]);
    std::size_t n = 0;
    for (int k = 0; k < patch[2]; ++k)
        for (int j = 0; j < patch[1]; ++j)
            for (int i = 0; i < patch[0]; ++i)
                // Never 0: far corners of large patches would underflow and leave voxels
                // unweighted.
                w[n++] = std::max(1e-6f, static_cast<float>(axis[0][i] * axis[1][j] * axis[2][k]));
    return w;
}

std::vector<float> accumulatedWeights(const core::Size3& size, const std::array<int, 3>& patch,
                                      double overlap, bool gaussian) {
    const std::vector<float> w = patchWeights(patch, gaussian);
    std::array<std::vector<std::size_t>, 3> starts;
    std::array<std::size_t, 3> padded{};
    for (int a = 0; a < 3; ++a) {
        if (size[a] == 0)
            throw core::InvalidArgument("volume size must be at least 1 voxel along every axis");
        padded[a] = std::max<std::size_t>(size[a], static_cast<std::size_t>(patch[a]));
        starts[a] = slidingWindowStarts(padded[a], static_cast<std::size_t>(patch[a]), overlap);
    }
    std::vector<float> sum(size[0] * size[1] * size[2], 0.0f);
    for (const std::size_t z0 : starts[2])
        for (const std::size_t y0 : starts[1])
            for (const std::size_t x0 : starts[0])
                for (int k = 0; k < patch[2]; ++k) {
                    const std::size_t z = z0 + k;
                    if (z >= size[2]) continue;
                    for (int j = 0; j < patch[1]; ++j) {
                        const std::size_t y = y0 + j;
                        if (y >= size[1]) continue;
                        for (int i = 0; i < patch[0]; ++i) {
                            const std::size_t x = x0 + i;
                            if (x >= size[0]) continue;
                            sum[(z * size[1] + y) * size[0] + x] +=
                                w[(static_cast<std::size_t>(k) * patch[1] + j) * patch[0] + i];
                        }
                    }
                }
    return sum;
}

}  // namespace stratum::ai
