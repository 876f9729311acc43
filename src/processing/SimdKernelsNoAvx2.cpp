// CPUs other than x86: no AVX2 or AVX-512 builds; the generic kernels stand in.
#include "SimdKernels.h"

namespace stratum::processing::detail {
const SimdKernels& avx2Kernels() {
    return genericKernels();
}
const SimdKernels& avx512Kernels() {
    return genericKernels();
}
}  // namespace stratum::processing::detail
