// The SIMD kernels for CPUs with AVX2 (this file is compiled with -mavx2).
#define STRATUM_SIMD_NAMESPACE avx2
#define STRATUM_SIMD_BYTES 32
#define STRATUM_SIMD_NAME "avx2"
#include "SimdKernels.inl"

namespace stratum::processing::detail {
const SimdKernels& avx2Kernels() {
    return avx2::kernels();
}
}  // namespace stratum::processing::detail
