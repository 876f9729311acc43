#pragma once
// Entry points of the SIMD kernels (internal). Each kernel is compiled twice from
// SimdKernels.inl: for AVX2 (SimdKernelsAvx2.cpp, built with -mavx2) and for plain
// x86-64 / other CPUs (SimdKernelsGeneric.cpp); simdKernels() picks one at run time.
#include <cstddef>
#include <cstdint>

namespace stratum::processing::detail {

// Median of a window for a run of `count` output voxels: `rows` holds `rowCount`
// pointers to input rows padded so that rows[r][x + dx] is valid for x < count rounded
// up to the vector width and dx in [0, 2 * rx]. Writes count values to `out` (which
// has room for count rounded up to 64).
template <class T>
using MedianRowFn = void (*)(const T* const* rows, int rowCount, int rx, std::size_t count, T* out);

// out[x] = op(a[x], b[x]) for min (isMin) or max; out may be a.
template <class T>
using CombineFn = void (*)(T* out, const T* a, const T* b, std::size_t count, bool isMin);

// out[x] = op over r of rows[r][x] (rowCount >= 1), one pass with the accumulator in
// registers.
template <class T>
using ReduceFn = void (*)(T* out, const T* const* rows, int rowCount, std::size_t count,
                          bool isMin);

struct SimdKernels {
    const char* name;  // "avx512", "avx2" or "generic"
    MedianRowFn<std::uint8_t> medianU8;
    MedianRowFn<std::int16_t> medianI16;
    MedianRowFn<std::uint16_t> medianU16;
    MedianRowFn<float> medianF32;
    CombineFn<std::uint8_t> combineU8;
    CombineFn<std::int16_t> combineI16;
    CombineFn<std::uint16_t> combineU16;
    CombineFn<float> combineF32;
    ReduceFn<std::uint8_t> reduceU8;
    ReduceFn<std::int16_t> reduceI16;
    ReduceFn<std::uint16_t> reduceU16;
    ReduceFn<float> reduceF32;

    template <class T>
    ReduceFn<T> reduce() const;
    template <class T>
    MedianRowFn<T> median() const;
    template <class T>
    CombineFn<T> combine() const;
};

template <>
inline MedianRowFn<std::uint8_t> SimdKernels::median<std::uint8_t>() const {
    return medianU8;
}
template <>
inline MedianRowFn<std::int16_t> SimdKernels::median<std::int16_t>() const {
    return medianI16;
}
template <>
inline MedianRowFn<std::uint16_t> SimdKernels::median<std::uint16_t>() const {
    return medianU16;
}
template <>
inline MedianRowFn<float> SimdKernels::median<float>() const {
    return medianF32;
}
template <>
inline CombineFn<std::uint8_t> SimdKernels::combine<std::uint8_t>() const {
    return combineU8;
}
template <>
inline CombineFn<std::int16_t> SimdKernels::combine<std::int16_t>() const {
    return combineI16;
}
template <>
inline CombineFn<std::uint16_t> SimdKernels::combine<std::uint16_t>() const {
    return combineU16;
}
template <>
inline CombineFn<float> SimdKernels::combine<float>() const {
    return combineF32;
}
template <>
inline ReduceFn<std::uint8_t> SimdKernels::reduce<std::uint8_t>() const {
    return reduceU8;
}
template <>
inline ReduceFn<std::int16_t> SimdKernels::reduce<std::int16_t>() const {
    return reduceI16;
}
template <>
inline ReduceFn<std::uint16_t> SimdKernels::reduce<std::uint16_t>() const {
    return reduceU16;
}
template <>
inline ReduceFn<float> SimdKernels::reduce<float>() const {
    return reduceF32;
}

// The largest window the median network handles (values per window), and the
// compare-exchanges its selection network may need.
constexpr int kMaxNetworkWindow = 125;
constexpr int kMaxNetworkPairs = 6000;

// The kernels for this CPU: AVX-512 BW, else AVX2, else generic. STRATUM_SIMD=avx2 or
// generic caps the choice (for comparisons).
const SimdKernels& simdKernels();

const SimdKernels& avx512Kernels();   // SimdKernelsAvx512.cpp (x86-64 only)
const SimdKernels& avx2Kernels();     // SimdKernelsAvx2.cpp (x86-64 only)
const SimdKernels& genericKernels();  // SimdKernelsGeneric.cpp

}  // namespace stratum::processing::detail
