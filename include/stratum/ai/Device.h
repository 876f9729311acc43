#pragma once
// Where models run: "auto" (the first CUDA device when LibTorch sees one, else the
// CPU), "cpu", or "cuda:N". Chosen at run time, so one build serves CPU-only and GPU
// machines.
#include <string>
#include <string_view>

namespace stratum::ai {

struct Device {
    enum class Kind { Cpu, Cuda };
    Kind kind = Kind::Cpu;
    int index = 0;  // CUDA device number

    bool isCuda() const noexcept { return kind == Kind::Cuda; }
    std::string name() const;  // "cpu", "cuda:0"
    bool operator==(const Device&) const = default;

    static Device cpu() { return {}; }
    static Device cuda(int index) { return {Kind::Cuda, index}; }
};

// Parses "auto", "cpu", "cuda" (= cuda:0) or "cuda:N" and checks the device exists.
// Throws core::InvalidArgument naming the text and what is available.
Device resolveDevice(std::string_view text);

bool cudaAvailable();
int cudaDeviceCount();

// Sets LibTorch's intra-op thread count (0: core::defaultThreadCount(), i.e.
// STRATUM_THREADS or the hardware's). Debian's LibTorch otherwise starts with one
// thread. Every ai entry point calls ensureThreads() once; call this to override.
void setThreadCount(unsigned threads);
unsigned threadCount();
// Applies the default once per process (cheap after the first call).
void ensureThreads();

}  // namespace stratum::ai
