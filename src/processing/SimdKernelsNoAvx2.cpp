// CPUs other than x86: no AVX2 build; the generic kernels stand in.
#include "SimdKernels.h"

namespace stratum::processing::detail {
const SimdKernels& avx2Kernels() {
    return genericKernels();
}
}  // namespace stratum::processing::detail
