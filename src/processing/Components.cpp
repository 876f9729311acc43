#include "stratum/processing/Components.h"

#include <algorithm>
#include <numeric>

#include "Checks.h"
#include "Labeling.h"

namespace stratum::processing {
namespace {

void checkValue(const core::Image& image, double value, const char* name, const char* what) {
    detail::requireRepresentable(value, image.pixelType(), name, what);
}

// Components ranked by size (largest first; ties: first met first). rank[c] is 0-based.
std::vector<std::size_t> rankBySize(const detail::RunComponents& rc) {
    std::vector<std::size_t> order(rc.sizes.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return rc.sizes[a] > rc.sizes[b]; });
    std::vector<std::size_t> rank(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
    return rank;
}

// Object voxels of components failing `keep` become background.
template <class Keep>
core::Image removeComponents(const core::Image& image, const detail::RunComponents& rc,
                             double background, Keep keep) {
    core::Image out = image.clone();
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T bg = static_cast<T>(background);
        T* o = out.data<T>();
        const std::size_t nx = image.size()[0];
        for (std::size_t i = 0; i < rc.runs.size(); ++i) {
            if (keep(rc.component[i])) continue;
            const detail::Run& run = rc.runs[i];
            std::fill(o + run.row * nx + run.x0, o + run.row * nx + run.x1, bg);
        }
    });
    return out;
}

}  // namespace

ComponentLabels connectedComponents(const core::Image& image, double foreground,
                                    bool fullyConnected, const core::Task& task) {
    detail::requireGrey(image, "connected components");
    checkValue(image, foreground, "connected components", "foreground");
    const detail::RunComponents rc =
        detail::labelRuns(image, foreground, false, fullyConnected, task.sub(0.0, 0.9));
    if (rc.sizes.size() > 65535)
        throw core::InvalidArgument(
            "connected components: " + std::to_string(rc.sizes.size()) +
            " components do not fit in 16-bit labels (remove small islands first)");
    const std::vector<std::size_t> rank = rankBySize(rc);
    ComponentLabels result;
    result.labels =
        core::Image(core::PixelType::UInt16, 1, image.geometry(), core::Image::Init::Zero);
    result.labels.metadata() = image.metadata();
    result.sizes.resize(rc.sizes.size());
    for (std::size_t c = 0; c < rc.sizes.size(); ++c) result.sizes[rank[c]] = rc.sizes[c];
    std::uint16_t* o = result.labels.data<std::uint16_t>();
    const std::size_t nx = image.size()[0];
    for (std::size_t i = 0; i < rc.runs.size(); ++i) {
        const detail::Run& run = rc.runs[i];
        std::fill(o + run.row * nx + run.x0, o + run.row * nx + run.x1,
                  static_cast<std::uint16_t>(rank[rc.component[i]] + 1));
    }
    task.progress(1.0);
    return result;
}

core::Image keepLargestComponent(const core::Image& image, double foreground, double background,
                                 bool fullyConnected, const core::Task& task) {
    detail::requireGrey(image, "keep largest component");
    checkValue(image, foreground, "keep largest component", "foreground");
    checkValue(image, background, "keep largest component", "background");
    const detail::RunComponents rc =
        detail::labelRuns(image, foreground, false, fullyConnected, task.sub(0.0, 0.9));
    const std::vector<std::size_t> rank = rankBySize(rc);
    core::Image out =
        removeComponents(image, rc, background, [&](std::uint32_t c) { return rank[c] == 0; });
    task.progress(1.0);
    return out;
}

core::Image removeSmallComponents(const core::Image& image, std::size_t minVoxels,
                                  double foreground, double background, bool fullyConnected,
                                  const core::Task& task) {
    detail::requireGrey(image, "remove islands");
    checkValue(image, foreground, "remove islands", "foreground");
    checkValue(image, background, "remove islands", "background");
    const detail::RunComponents rc =
        detail::labelRuns(image, foreground, false, fullyConnected, task.sub(0.0, 0.9));
    core::Image out = removeComponents(image, rc, background,
                                       [&](std::uint32_t c) { return rc.sizes[c] >= minVoxels; });
    task.progress(1.0);
    return out;
}

}  // namespace stratum::processing
