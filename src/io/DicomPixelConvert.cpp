#include "DicomPixelConvert.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace stratum::io::detail {

namespace {

template <class T>
T load(const std::byte* base, std::size_t i) {
    T v;
    std::memcpy(&v, base + i * sizeof(T), sizeof(T));
    return v;
}

template <class T>
void store(std::byte* base, std::size_t i, T v) {
    std::memcpy(base + i * sizeof(T), &v, sizeof(T));
}

// The stored value of one raw sample (compile-time masking and sign handling).
template <class Raw, bool Masked, bool Signed, class Acc>
Acc storedValue(Raw r, unsigned shift, unsigned bits) {
    if constexpr (Masked) {
        using U = std::conditional_t<sizeof(Raw) == 4, std::uint64_t, std::uint32_t>;
        const U u = (static_cast<U>(r) >> shift) & ((U{1} << bits) - 1);
        if constexpr (Signed) {
            const U half = U{1} << (bits - 1);
            return static_cast<Acc>(static_cast<std::int64_t>(u ^ half) -
                                    static_cast<std::int64_t>(half));
        } else {
            return static_cast<Acc>(u);
        }
    } else if constexpr (Signed) {
        return static_cast<Acc>(static_cast<std::make_signed_t<Raw>>(r));
    } else {
        return static_cast<Acc>(r);
    }
}

template <class Raw, class Out, bool Masked, bool Signed, class Acc>
void greyKernel(const std::byte* src, std::byte* dst, std::size_t n, unsigned shift, unsigned bits,
                Acc a, Acc b) {
    auto one = [&](std::size_t i) {
        const Acc v = storedValue<Raw, Masked, Signed, Acc>(load<Raw>(src, i), shift, bits);
        store<Out>(dst, i, static_cast<Out>(a * v + b));
    };
    if (src == dst && sizeof(Out) > sizeof(Raw)) {
        for (std::size_t i = n; i-- > 0;) one(i);  // widening in place: from the end
    } else {
        for (std::size_t i = 0; i < n; ++i) one(i);
    }
}

template <class Raw, class Out, class Acc>
void greyDispatchMode(const std::byte* src, std::byte* dst, std::size_t n, const GreyTransform& t,
                      Acc a, Acc b) {
    const unsigned shift = t.highBit + 1 >= t.bitsStored ? t.highBit + 1 - t.bitsStored : 0;
    const bool masked = t.bitsStored < 8 * sizeof(Raw) || shift != 0;
    if (masked) {
        if (t.signedStored)
            greyKernel<Raw, Out, true, true, Acc>(src, dst, n, shift, t.bitsStored, a, b);
        else
            greyKernel<Raw, Out, true, false, Acc>(src, dst, n, shift, t.bitsStored, a, b);
    } else {
        if (t.signedStored)
            greyKernel<Raw, Out, false, true, Acc>(src, dst, n, 0, t.bitsStored, a, b);
        else
            greyKernel<Raw, Out, false, false, Acc>(src, dst, n, 0, t.bitsStored, a, b);
    }
}

template <class Raw, class Out>
void greyDispatchAcc(const std::byte* src, std::byte* dst, std::size_t n, const GreyTransform& t) {
    // Fold inversion into the linear map: y = a*v + b.
    const double a = t.invert ? -t.slope : t.slope;
    const double b = t.invert ? t.invertSum - t.intercept : t.intercept;
    if constexpr (std::is_floating_point_v<Out>) {
        greyDispatchMode<Raw, Out, double>(src, dst, n, t, a, b);
    } else {
        const std::int64_t ia = std::llround(a), ib = std::llround(b);
        const double worst =
            std::abs(static_cast<double>(ia)) * 4294967296.0 + std::abs(static_cast<double>(ib));
        if (sizeof(Raw) <= 2 && std::abs(ia) <= 32768 && std::abs(ib) <= (std::int64_t{1} << 30))
            greyDispatchMode<Raw, Out, std::int32_t>(src, dst, n, t, static_cast<std::int32_t>(ia),
                                                     static_cast<std::int32_t>(ib));
        else if (worst < 9.0e18)
            greyDispatchMode<Raw, Out, std::int64_t>(src, dst, n, t, ia, ib);
        else
            greyDispatchMode<Raw, Out, double>(src, dst, n, t, static_cast<double>(ia),
                                               static_cast<double>(ib));
    }
}

template <class Raw>
void greyDispatchOut(const std::byte* src, std::byte* dst, std::size_t n, const GreyTransform& t,
                     core::PixelType out) {
    core::dispatchPixelType(out,
                            [&](auto tag) { greyDispatchAcc<Raw, decltype(tag)>(src, dst, n, t); });
}

template <class Raw, bool Masked, bool Signed>
std::pair<std::int64_t, std::int64_t> minMaxKernel(const std::byte* raw, std::size_t n,
                                                   unsigned shift, unsigned bits) {
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(),
                 hi = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t v =
            storedValue<Raw, Masked, Signed, std::int64_t>(load<Raw>(raw, i), shift, bits);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    return {lo, hi};
}

template <class Raw>
std::pair<std::int64_t, std::int64_t> minMaxDispatch(const std::byte* raw, std::size_t n,
                                                     const GreyTransform& t) {
    const unsigned shift = t.highBit + 1 >= t.bitsStored ? t.highBit + 1 - t.bitsStored : 0;
    const bool masked = t.bitsStored < 8 * sizeof(Raw) || shift != 0;
    if (masked)
        return t.signedStored ? minMaxKernel<Raw, true, true>(raw, n, shift, t.bitsStored)
                              : minMaxKernel<Raw, true, false>(raw, n, shift, t.bitsStored);
    return t.signedStored ? minMaxKernel<Raw, false, true>(raw, n, 0, t.bitsStored)
                          : minMaxKernel<Raw, false, false>(raw, n, 0, t.bitsStored);
}

bool startsWith(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

template <class T>
void colourKernel(const std::byte* src, std::size_t pixels, const FrameLayout& layout,
                  std::byte* rgb) {
    constexpr double maxValue = static_cast<double>(std::numeric_limits<T>::max());
    constexpr double mid = (maxValue + 1) / 2;
    constexpr double scale = (maxValue + 1) / 256.0;
    const bool full = startsWith(layout.colourModel, "YBR_FULL");
    const bool partial = startsWith(layout.colourModel, "YBR_PARTIAL");
    auto sample = [&](std::size_t p, int c) -> double {
        if (layout.subsampled422) {
            const std::size_t pair = p / 2;
            return static_cast<double>(load<T>(src, 4 * pair + (c == 0 ? p % 2 : 1 + c)));
        }
        if (layout.planar) return static_cast<double>(load<T>(src, c * pixels + p));
        return static_cast<double>(load<T>(src, 3 * p + c));
    };
    auto out = [&](double v) {
        return static_cast<T>(std::clamp(std::floor(v + 0.5), 0.0, maxValue));
    };
    for (std::size_t p = 0; p < pixels; ++p) {
        double y = sample(p, 0), cb = sample(p, 1), cr = sample(p, 2);
        if (!full && !partial) {
            store<T>(rgb, 3 * p, static_cast<T>(y));
            store<T>(rgb, 3 * p + 1, static_cast<T>(cb));
            store<T>(rgb, 3 * p + 2, static_cast<T>(cr));
            continue;
        }
        cb -= mid;
        cr -= mid;
        if (partial) {  // limited range (16..235 luma, 16..240 chroma) to full range
            y = (y - 16 * scale) * 255.0 / 219.0;
            cb *= 255.0 / 224.0;
            cr *= 255.0 / 224.0;
        }
        store<T>(rgb, 3 * p, out(y + 1.402 * cr));
        store<T>(rgb, 3 * p + 1,
                 out(y - (0.114 * 1.772 / 0.587) * cb - (0.299 * 1.402 / 0.587) * cr));
        store<T>(rgb, 3 * p + 2, out(y + 1.772 * cb));
    }
}

}  // namespace

std::pair<double, double> GreyTransform::storedRange() const {
    const unsigned bits = std::clamp(bitsStored, 1u, 32u);
    if (signedStored)
        return {-std::ldexp(1.0, static_cast<int>(bits) - 1),
                std::ldexp(1.0, static_cast<int>(bits) - 1) - 1};
    return {0.0, std::ldexp(1.0, static_cast<int>(bits)) - 1};
}

std::pair<double, double> GreyTransform::outputRange(double lo, double hi) const {
    double a = slope * lo + intercept, b = slope * hi + intercept;
    if (invert) {
        a = invertSum - a;
        b = invertSum - b;
    }
    return {std::min(a, b), std::max(a, b)};
}

bool GreyTransform::identity() const {
    return slope == 1.0 && intercept == 0.0 && !invert;
}

std::pair<std::int64_t, std::int64_t> storedMinMax(const std::byte* raw, std::size_t n,
                                                   const GreyTransform& t) {
    if (n == 0) return {0, 0};
    switch (t.bitsAllocated) {
        case 8:
            return minMaxDispatch<std::uint8_t>(raw, n, t);
        case 16:
            return minMaxDispatch<std::uint16_t>(raw, n, t);
        default:
            return minMaxDispatch<std::uint32_t>(raw, n, t);
    }
}

void convertGrey(const std::byte* src, std::byte* dst, std::size_t n, const GreyTransform& t,
                 core::PixelType out) {
    // Nothing to do when the bits stay as they are (the common CT/MR case).
    const bool fullWidth = t.bitsStored == t.bitsAllocated && t.highBit + 1 == t.bitsStored;
    if (src == dst && t.identity() && fullWidth && out != core::PixelType::Float32 &&
        core::bytesPerComponent(out) * 8 == t.bitsAllocated)
        return;
    switch (t.bitsAllocated) {
        case 8:
            greyDispatchOut<std::uint8_t>(src, dst, n, t, out);
            break;
        case 16:
            greyDispatchOut<std::uint16_t>(src, dst, n, t, out);
            break;
        default:
            greyDispatchOut<std::uint32_t>(src, dst, n, t, out);
            break;
    }
}

void convertColour(const std::byte* src, std::size_t pixels, unsigned bitsAllocated,
                   const FrameLayout& layout, std::byte* rgb) {
    if (bitsAllocated == 16)
        colourKernel<std::uint16_t>(src, pixels, layout, rgb);
    else
        colourKernel<std::uint8_t>(src, pixels, layout, rgb);
}

}  // namespace stratum::io::detail
