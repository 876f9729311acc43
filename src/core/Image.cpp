#include "stratum/core/Image.h"

#ifdef __linux__
#include <sys/mman.h>
#endif

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <sstream>

namespace stratum::core {

std::size_t bytesPerComponent(PixelType t) {
    switch (t) {
        case PixelType::UInt8: return 1;
        case PixelType::Int16:
        case PixelType::UInt16: return 2;
        case PixelType::Float32: return 4;
    }
    return 0;
}

const char* pixelTypeName(PixelType t) {
    switch (t) {
        case PixelType::UInt8: return "uint8";
        case PixelType::Int16: return "int16";
        case PixelType::UInt16: return "uint16";
        case PixelType::Float32: return "float32";
    }
    return "unknown";
}

Image::Image(PixelType type, int components, const Geometry& geometry, Init init)
    : type_(type), components_(components), geometry_(geometry) {
    if (components != 1 && components != 3)
        throw InvalidArgument("an image has 1 or 3 components, not " + std::to_string(components));
    geometry_.validate();
    const std::size_t bytes = byteSize();
    // Large buffers (volumes) are 2 MiB aligned and asked for transparent huge pages: on
    // virtual machines a 4 KiB page fault is expensive, and a fresh 256^3 int16 output
    // would take 8,192 of them (measured: they cost a median filter more than its
    // arithmetic). Small images stay 64-byte aligned.
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    const bool large = bytes >= 4 * kHuge;
    const std::size_t align = large ? kHuge : 64;
    const std::size_t rounded = (bytes + align - 1) / align * align;
    void* p = std::aligned_alloc(align, rounded);
#ifdef __linux__
    if (p && large) ::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
    if (!p) {
        std::ostringstream s;
        s << "out of memory allocating " << bytes / (1024.0 * 1024.0) << " MiB for an image";
        throw Error(s.str());
    }
    if (init == Init::Zero) std::memset(p, 0, rounded);
    owner_ = std::shared_ptr<void>(p, [](void* q) { std::free(q); });
    data_ = p;
}

Image Image::wrap(PixelType type, int components, const Geometry& geometry,
                  std::shared_ptr<void> owner, void* data) {
    if (components != 1 && components != 3)
        throw InvalidArgument("an image has 1 or 3 components, not " + std::to_string(components));
    if (!data) throw InvalidArgument("cannot wrap a null buffer");
    geometry.validate();
    Image img;
    img.type_ = type;
    img.components_ = components;
    img.geometry_ = geometry;
    img.owner_ = std::move(owner);
    img.data_ = data;
    return img;
}

void Image::setGeometry(const Geometry& g) {
    if (g.size != geometry_.size) throw InvalidArgument("setGeometry cannot change the image size");
    g.validate();
    geometry_ = g;
}

void Image::checkType(PixelType t) const {
    if (t != type_)
        throw InvalidArgument(std::string("image holds ") + pixelTypeName(type_) + " pixels, not " +
                              pixelTypeName(t));
}

double Image::value(std::size_t i, std::size_t j, std::size_t k, int c) const {
    if (empty() || i >= geometry_.size[0] || j >= geometry_.size[1] || k >= geometry_.size[2] ||
        c < 0 || c >= components_)
        throw InvalidArgument("voxel index out of range");
    const std::size_t o = offset(i, j, k, c);
    return dispatchPixelType(type_, [&](auto tag) {
        using T = decltype(tag);
        return static_cast<double>(static_cast<const T*>(data_)[o]);
    });
}

void Image::setValue(std::size_t i, std::size_t j, std::size_t k, double v, int c) {
    if (empty() || i >= geometry_.size[0] || j >= geometry_.size[1] || k >= geometry_.size[2] ||
        c < 0 || c >= components_)
        throw InvalidArgument("voxel index out of range");
    const std::size_t o = offset(i, j, k, c);
    dispatchPixelType(type_, [&](auto tag) {
        using T = decltype(tag);
        static_cast<T*>(data_)[o] = static_cast<T>(v);
    });
}

Image Image::clone() const {
    if (empty()) return {};
    Image copy(type_, components_, geometry_, Init::Uninitialized);
    std::memcpy(copy.data_, data_, byteSize());
    copy.metadata_ = metadata_;
    return copy;
}

std::pair<double, double> Image::minMax() const {
    if (empty()) throw InvalidArgument("minMax of an empty image");
    return dispatchPixelType(type_, [&](auto tag) {
        using T = decltype(tag);
        const T* p = static_cast<const T*>(data_);
        const std::size_t n = valueCount();
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        for (std::size_t i = 0; i < n; ++i) {
            const double v = static_cast<double>(p[i]);
            if (std::isnan(v)) continue;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        return std::pair{lo, hi};
    });
}

}  // namespace stratum::core
