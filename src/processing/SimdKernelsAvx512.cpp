// The SIMD kernels for CPUs with AVX-512 BW (this file is compiled with -mavx512f
// -mavx512bw): 64-byte vectors and 32 vector registers, so that a 27-value median
// network keeps its values in registers.
#define STRATUM_SIMD_NAMESPACE avx512
#define STRATUM_SIMD_BYTES 64
#define STRATUM_SIMD_NAME "avx512"
#include "SimdKernels.inl"

namespace stratum::processing::detail {
const SimdKernels& avx512Kernels() {
    return avx512::kernels();
}
}  // namespace stratum::processing::detail
