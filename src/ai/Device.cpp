#include "stratum/ai/Device.h"

#include <torch/torch.h>

#include <charconv>
#include <mutex>

#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"

namespace stratum::ai {
namespace {

std::once_flag gThreadsOnce;

}  // namespace

std::string Device::name() const { return isCuda() ? "cuda:" + std::to_string(index) : "cpu"; }

bool cudaAvailable() { return torch::cuda::is_available(); }

int cudaDeviceCount() { return cudaAvailable() ? static_cast<int>(torch::cuda::device_count()) : 0; }

Device resolveDevice(std::string_view text) {
    const std::string given(text);
    if (text == "auto" || text.empty()) return cudaAvailable() ? Device::cuda(0) : Device::cpu();
    if (text == "cpu") return Device::cpu();
    if (text.rfind("cuda", 0) == 0) {
        int index = 0;
        if (text.size() > 4) {
            if (text[4] != ':')
                throw core::InvalidArgument("device '" + given + "': expected auto, cpu, cuda or cuda:N");
            const char* first = text.data() + 5;
            const char* last = text.data() + text.size();
            const auto r = std::from_chars(first, last, index);
            if (r.ec != std::errc() || r.ptr != last || index < 0)
                throw core::InvalidArgument("device '" + given + "': expected auto, cpu, cuda or cuda:N");
        }
        const int count = cudaDeviceCount();
        if (count == 0)
            throw core::InvalidArgument("device '" + given +
                                        "': no CUDA device is available (this LibTorch sees none); use cpu or auto");
        if (index >= count)
            throw core::InvalidArgument("device '" + given + "': only " + std::to_string(count) +
                                        " CUDA device(s) (cuda:0..cuda:" + std::to_string(count - 1) + ")");
        return Device::cuda(index);
    }
    throw core::InvalidArgument("device '" + given + "': expected auto, cpu, cuda or cuda:N");
}

void setThreadCount(unsigned threads) {
    std::call_once(gThreadsOnce, [] {});  // an explicit choice wins over the default
    if (threads == 0) threads = core::defaultThreadCount();
    at::set_num_threads(static_cast<int>(threads));
}

unsigned threadCount() { return static_cast<unsigned>(at::get_num_threads()); }

void ensureThreads() {
    std::call_once(gThreadsOnce, [] { at::set_num_threads(static_cast<int>(core::defaultThreadCount())); });
}

}  // namespace stratum::ai
