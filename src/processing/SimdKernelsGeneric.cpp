// The SIMD kernels for any CPU (SSE2 on x86-64): the same code at the baseline flags.
#define STRATUM_SIMD_NAMESPACE generic
#define STRATUM_SIMD_BYTES 16
#define STRATUM_SIMD_NAME "generic"
#include "SimdKernels.inl"

#include <cstdlib>
#include <cstring>

namespace stratum::processing::detail {

const SimdKernels& genericKernels() {
    return generic::kernels();
}

const SimdKernels& simdKernels() {
    static const SimdKernels& chosen = [&]() -> const SimdKernels& {
        const char* force = std::getenv("STRATUM_SIMD");
        const bool any = !force || !*force;
        if (force && std::strcmp(force, "generic") == 0) return genericKernels();
#if defined(__x86_64__) || defined(__i386__)
        if ((any || std::strcmp(force, "avx512") == 0) && __builtin_cpu_supports("avx512bw"))
            return avx512Kernels();
        if (__builtin_cpu_supports("avx2")) return avx2Kernels();
#endif
        return genericKernels();
    }();
    return chosen;
}

}  // namespace stratum::processing::detail
