// SIMD kernels, compiled once per instruction set: the including file defines
// STRATUM_SIMD_NAMESPACE (a namespace name) and STRATUM_SIMD_BYTES (vector width in
// bytes) first. Everything here stays inside that namespace (no shared inline symbols
// with different instruction sets). GCC/Clang vector extensions: the compiler maps
// them to SSE2, AVX2 ... as the translation unit's flags allow.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "SimdKernels.h"

namespace stratum::processing::detail::STRATUM_SIMD_NAMESPACE {
namespace {

template <class T>
struct VecOf {
    typedef T type __attribute__((vector_size(STRATUM_SIMD_BYTES)));
    static constexpr int lanes = STRATUM_SIMD_BYTES / sizeof(T);
};

template <class V>
inline V vload(const void* p) {
    V v;
    std::memcpy(&v, p, sizeof(V));
    return v;
}

template <class V>
inline void vstore(void* p, V v) {
    std::memcpy(p, &v, sizeof(V));
}

template <class V>
inline V vmin(V a, V b) {
    return a < b ? a : b;
}

template <class V>
inline V vmax(V a, V b) {
    return a < b ? b : a;
}

// Compare-exchange: a <- min, b <- max.
template <class V>
inline void cex(V& a, V& b) {
    const V lo = vmin(a, b);
    b = vmax(a, b);
    a = lo;
}

// Median of n values per lane by forgetful selection: keep m + 2 values (m = n / 2),
// then repeatedly drop the smallest and the largest (neither can be the median) and
// take in the next value, until three are left; their middle one is the median. The
// selection is a fixed list of compare-exchanges on value slots, built once per n.
struct Network {
    int count = 0;
    unsigned char pairs[kMaxNetworkPairs][2]{};
    int result = 0;
};

constexpr Network makeNetwork(int n) {
    Network net;
    if (n == 1) return net;
    auto cex = [&net](int a, int b) {
        net.pairs[net.count][0] = static_cast<unsigned char>(a);
        net.pairs[net.count][1] = static_cast<unsigned char>(b);
        ++net.count;
    };
    const int m = n / 2;
    int hand[kMaxNetworkWindow]{};  // slots of the values in hand
    int h = m + 2;
    for (int i = 0; i < h; ++i) hand[i] = i;
    int next = h;
    while (h > 3) {
        // Pair the ends: lows first, highs last; the middle (odd h) joins both searches.
        const int half = h / 2;
        for (int i = 0; i < half; ++i) cex(hand[i], hand[h - 1 - i]);
        for (int i = 1; i < half; ++i) cex(hand[0], hand[i]);
        if (h & 1) {
            cex(hand[0], hand[half]);
            cex(hand[half], hand[h - 1]);
        }
        for (int i = 1; i < half; ++i) cex(hand[h - 1 - i], hand[h - 1]);
        // Drop the minimum (hand[0]) and the maximum (hand[h - 1]); take in the next value.
        for (int i = 0; i + 1 < h; ++i) hand[i] = hand[i + 1];
        h -= 2;
        hand[h] = next++;
        ++h;
    }
    // The middle of three: after these, slot hand[1] holds it.
    cex(hand[0], hand[1]);
    cex(hand[1], hand[2]);
    cex(hand[0], hand[1]);
    net.result = hand[1];
    return net;
}

template <int N>
struct FixedNetwork {
    static constexpr Network net = makeNetwork(N);
};

template <int N, class V, std::size_t... I>
inline V applyFixed(V* v, std::index_sequence<I...>) {
    constexpr const Network& net = FixedNetwork<N>::net;
    (cex(v[net.pairs[I][0]], v[net.pairs[I][1]]), ...);
    return v[net.result];
}

template <int N, class T>
void medianRowFixed(const T* const* rows, int rowCount, int rx, std::size_t count, T* out) {
    using V = typename VecOf<T>::type;
    constexpr int L = VecOf<T>::lanes;
    const int span = 2 * rx + 1;
    for (std::size_t x = 0; x < count; x += L) {
        V v[N];
        int k = 0;
        for (int r = 0; r < rowCount; ++r)
            for (int dx = 0; dx < span; ++dx) v[k++] = vload<V>(rows[r] + x + dx);
        vstore(out + x, applyFixed<N>(v, std::make_index_sequence<FixedNetwork<N>::net.count>{}));
    }
}

template <class T>
void medianRowAny(const T* const* rows, int rowCount, int rx, std::size_t count, T* out) {
    using V = typename VecOf<T>::type;
    constexpr int L = VecOf<T>::lanes;
    const int span = 2 * rx + 1;
    const int n = rowCount * span;
    const Network net = makeNetwork(n);
    V v[kMaxNetworkWindow];
    for (std::size_t x = 0; x < count; x += L) {
        int k = 0;
        for (int r = 0; r < rowCount; ++r)
            for (int dx = 0; dx < span; ++dx) v[k++] = vload<V>(rows[r] + x + dx);
        for (int i = 0; i < net.count; ++i) cex(v[net.pairs[i][0]], v[net.pairs[i][1]]);
        vstore(out + x, v[net.result]);
    }
}

template <class T>
void medianRow(const T* const* rows, int rowCount, int rx, std::size_t count, T* out) {
    switch (rowCount * (2 * rx + 1)) {
        case 1:
            for (std::size_t x = 0; x < count; ++x) out[x] = rows[0][x];
            return;
        case 9:
            return medianRowFixed<9>(rows, rowCount, rx, count, out);
        case 25:
            return medianRowFixed<25>(rows, rowCount, rx, count, out);
        case 27:
            return medianRowFixed<27>(rows, rowCount, rx, count, out);
        default:
            return medianRowAny(rows, rowCount, rx, count, out);
    }
}

template <class T>
void combineRow(T* out, const T* a, const T* b, std::size_t count, bool isMin) {
    using V = typename VecOf<T>::type;
    constexpr std::size_t L = VecOf<T>::lanes;
    std::size_t x = 0;
    if (isMin) {
        for (; x + L <= count; x += L) vstore(out + x, vmin(vload<V>(a + x), vload<V>(b + x)));
        for (; x < count; ++x) out[x] = b[x] < a[x] ? b[x] : a[x];
    } else {
        for (; x + L <= count; x += L) vstore(out + x, vmax(vload<V>(a + x), vload<V>(b + x)));
        for (; x < count; ++x) out[x] = a[x] < b[x] ? b[x] : a[x];
    }
}

template <bool IsMin, class T>
void reduceRowsOp(T* out, const T* const* rows, int rowCount, std::size_t count) {
    using V = typename VecOf<T>::type;
    constexpr std::size_t L = VecOf<T>::lanes;
    std::size_t x = 0;
    // Four vectors at a time: the accumulators stay in registers over all rows.
    for (; x + 4 * L <= count; x += 4 * L) {
        V a0 = vload<V>(rows[0] + x), a1 = vload<V>(rows[0] + x + L);
        V a2 = vload<V>(rows[0] + x + 2 * L), a3 = vload<V>(rows[0] + x + 3 * L);
        for (int r = 1; r < rowCount; ++r) {
            const T* p = rows[r] + x;
            if constexpr (IsMin) {
                a0 = vmin(a0, vload<V>(p));
                a1 = vmin(a1, vload<V>(p + L));
                a2 = vmin(a2, vload<V>(p + 2 * L));
                a3 = vmin(a3, vload<V>(p + 3 * L));
            } else {
                a0 = vmax(a0, vload<V>(p));
                a1 = vmax(a1, vload<V>(p + L));
                a2 = vmax(a2, vload<V>(p + 2 * L));
                a3 = vmax(a3, vload<V>(p + 3 * L));
            }
        }
        vstore(out + x, a0);
        vstore(out + x + L, a1);
        vstore(out + x + 2 * L, a2);
        vstore(out + x + 3 * L, a3);
    }
    for (; x + L <= count; x += L) {
        V a = vload<V>(rows[0] + x);
        for (int r = 1; r < rowCount; ++r)
            a = IsMin ? vmin(a, vload<V>(rows[r] + x)) : vmax(a, vload<V>(rows[r] + x));
        vstore(out + x, a);
    }
    for (; x < count; ++x) {
        T a = rows[0][x];
        for (int r = 1; r < rowCount; ++r) {
            const T b = rows[r][x];
            a = IsMin ? (b < a ? b : a) : (a < b ? b : a);
        }
        out[x] = a;
    }
}

template <class T>
void reduceRows(T* out, const T* const* rows, int rowCount, std::size_t count, bool isMin) {
    if (isMin)
        reduceRowsOp<true>(out, rows, rowCount, count);
    else
        reduceRowsOp<false>(out, rows, rowCount, count);
}

}  // namespace

const SimdKernels& kernels() {
    static const SimdKernels k{
        STRATUM_SIMD_NAME,         &medianRow<std::uint8_t>,   &medianRow<std::int16_t>,
        &medianRow<std::uint16_t>, &medianRow<float>,          &combineRow<std::uint8_t>,
        &combineRow<std::int16_t>, &combineRow<std::uint16_t>, &combineRow<float>,
        &reduceRows<std::uint8_t>, &reduceRows<std::int16_t>,  &reduceRows<std::uint16_t>,
        &reduceRows<float>,
    };
    return k;
}

}  // namespace stratum::processing::detail::STRATUM_SIMD_NAMESPACE
