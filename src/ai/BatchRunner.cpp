// Batches of network calls with out-of-memory fallback, and the memory estimate that
// picks an automatic batch size (plain C++; docs/ai.md, "Segmentation").
#include <algorithm>
#include <exception>
#include <fstream>
#include <sstream>

#include "stratum/ai/Segmenter.h"
#include "stratum/core/Error.h"

namespace stratum::ai {

bool isOutOfMemoryMessage(std::string_view message) {
    for (const std::string_view text :
         {"out of memory", "not enough memory", "can't allocate memory"})
        if (message.find(text) != std::string_view::npos) return true;
    return false;
}

BatchRun runBatches(std::size_t count, int batchSize,
                    const std::function<void(std::size_t first, std::size_t n)>& run,
                    const std::function<void()>& moveToCpu, const core::Task& task,
                    const std::string& what) {
    if (batchSize < 1)
        throw core::InvalidArgument(what + ": batch size must be at least 1, not " +
                                    std::to_string(batchSize));
    BatchRun result;
    std::size_t batch = static_cast<std::size_t>(batchSize);
    bool canMove = static_cast<bool>(moveToCpu);
    std::size_t first = 0;
    while (first < count) {
        const std::size_t n = std::min(batch, count - first);
        const std::size_t batches = first / batch + (count - first + batch - 1) / batch;
        task.progress(
            static_cast<double>(first) / static_cast<double>(count),
            what + ": batch " + std::to_string(first / batch + 1) + "/" + std::to_string(batches));
        task.checkCancel();  // also a cancel requested while reporting
        try {
            run(first, n);
        } catch (const core::Cancelled&) {
            throw;
        } catch (const std::exception& e) {
            if (!isOutOfMemoryMessage(e.what())) throw;
            if (batch > 1) {
                const std::size_t smaller = std::max<std::size_t>(1, batch / 2);
                result.warnings.push_back(what + ": out of memory with batch " +
                                          std::to_string(batch) + "; retrying with batch " +
                                          std::to_string(smaller));
                batch = smaller;
                continue;
            }
            if (!canMove) throw;
            result.warnings.push_back(
                what + ": out of memory on the GPU with batch 1; continuing on the CPU");
            moveToCpu();
            canMove = false;
            result.movedToCpu = true;
            continue;
        }
        first += n;
    }
    task.progress(1.0);
    result.batchSize = static_cast<int>(batch);
    return result;
}

std::size_t estimatedBatchItemBytes(const UNetSpec& spec, const std::array<int, 3>& patch,
                                    bool cpu) {
    const double voxels =
        static_cast<double>(patch[0]) * patch[1] * (spec.dimensions == 3 ? patch[2] : 1);
    const double w = spec.width;
    // Full-resolution tensors at the widest decoder level: input, skip + up-sampled
    // (concatenated: 2w), two conv/norm outputs (2w), logits and softmax (2L); the
    // coarser levels add at most a third again (4 times fewer values per level in 3D,
    // half in 2D). U-Net++ keeps depth - 1 more full-resolution nodes.
    double floats = spec.inChannels + 6.0 * w + 2.0 * spec.numLabels;
    if (spec.nested) floats += (spec.depth - 1) * w;
    floats *= spec.dimensions == 3 ? 4.0 / 3.0 : 2.0;
    // CPU convolutions may unfold their input (kernel volume x 2w channels).
    if (cpu) floats += (spec.dimensions == 3 ? 27.0 : 9.0) * 2.0 * w;
    return static_cast<std::size_t>(4.0 * voxels * floats);
}

std::size_t defaultMemoryBudget(const Device& device) {
    constexpr std::size_t kGiB = std::size_t(1) << 30;
    if (device.isCuda()) return 4 * kGiB;
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line)) {
        if (line.rfind("MemAvailable:", 0) != 0) continue;
        std::istringstream in(line.substr(13));
        std::size_t kb = 0;
        if (in >> kb && kb > 0) return kb * 1024 / 4;
    }
    return 2 * kGiB;
}

int automaticBatchSize(std::size_t itemBytes, std::size_t budget, std::size_t items, int cap) {
    const std::size_t limit = std::max<std::size_t>(
        1, std::min<std::size_t>(static_cast<std::size_t>(std::max(cap, 1)), items));
    const std::size_t fit = itemBytes == 0 ? limit : budget / itemBytes;
    return static_cast<int>(std::clamp<std::size_t>(fit, 1, limit));
}

}  // namespace stratum::ai
