#pragma once
// The image/volume type shared by every Stratum library.
//
// An Image is a handle: copies share the pixel buffer (cheap), clone() copies it.
// Pixels are stored contiguously, x fastest, components interleaved:
//   offset(i,j,k,c) = ((k*size[1] + j)*size[0] + i)*components + c
// which is the layout ITK, VTK and torch (as [k][j][i][c]) use, so the buffer can
// be shared with them without copying: data() plus owner() (a shared_ptr that keeps
// the buffer alive, e.g. captured by a torch::from_blob deleter or held next to an
// itk::ImportImageContainer / vtkDataArray that does not own the memory).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>

#include "stratum/core/Error.h"
#include "stratum/core/Geometry.h"
#include "stratum/core/Metadata.h"

namespace stratum::core {

enum class PixelType : std::uint8_t { UInt8, Int16, UInt16, Float32 };

std::size_t bytesPerComponent(PixelType t);
const char* pixelTypeName(PixelType t);  // "uint8", "int16", "uint16", "float32"

template <class T>
constexpr PixelType pixelTypeOf() {
    if constexpr (std::is_same_v<T, std::uint8_t>) return PixelType::UInt8;
    else if constexpr (std::is_same_v<T, std::int16_t>) return PixelType::Int16;
    else if constexpr (std::is_same_v<T, std::uint16_t>) return PixelType::UInt16;
    else if constexpr (std::is_same_v<T, float>) return PixelType::Float32;
    else static_assert(!sizeof(T), "unsupported pixel type");
}

// Calls f(T{}) with T the C++ type of `t`; returns what f returns.
template <class F>
decltype(auto) dispatchPixelType(PixelType t, F&& f) {
    switch (t) {
        case PixelType::UInt8: return f(std::uint8_t{});
        case PixelType::Int16: return f(std::int16_t{});
        case PixelType::UInt16: return f(std::uint16_t{});
        case PixelType::Float32: return f(float{});
    }
    throw InvalidArgument("unknown pixel type");
}

class Image {
public:
    enum class Init { Zero, Uninitialized };

    Image() = default;  // empty image
    // Allocates a 64-byte aligned buffer. components: 1 (grey) or 3 (RGB).
    Image(PixelType type, int components, const Geometry& geometry, Init init = Init::Zero);
    // Wraps memory owned by `owner` (no copy). `data` must hold voxelCount*components values.
    static Image wrap(PixelType type, int components, const Geometry& geometry,
                      std::shared_ptr<void> owner, void* data);

    bool empty() const noexcept { return data_ == nullptr; }
    PixelType pixelType() const noexcept { return type_; }
    int components() const noexcept { return components_; }
    const Geometry& geometry() const noexcept { return geometry_; }
    // Changes spacing/origin/direction; the size must stay the same (InvalidArgument otherwise).
    void setGeometry(const Geometry& g);
    const Size3& size() const noexcept { return geometry_.size; }
    std::size_t voxelCount() const noexcept { return geometry_.voxelCount(); }
    std::size_t valueCount() const noexcept { return voxelCount() * components_; }
    std::size_t byteSize() const noexcept { return valueCount() * bytesPerComponent(type_); }

    ImageMetadata& metadata() noexcept { return metadata_; }
    const ImageMetadata& metadata() const noexcept { return metadata_; }

    void* data() noexcept { return data_; }
    const void* data() const noexcept { return data_; }
    // Typed access; throws InvalidArgument when T is not the pixel type.
    template <class T>
    T* data() {
        checkType(pixelTypeOf<T>());
        return static_cast<T*>(data_);
    }
    template <class T>
    const T* data() const {
        checkType(pixelTypeOf<T>());
        return static_cast<const T*>(data_);
    }
    template <class T>
    std::span<T> pixels() {
        return {data<T>(), valueCount()};
    }
    template <class T>
    std::span<const T> pixels() const {
        return {data<T>(), valueCount()};
    }
    // Keeps the buffer alive; share it with foreign containers.
    const std::shared_ptr<void>& owner() const noexcept { return owner_; }
    bool sharesBufferWith(const Image& o) const noexcept { return data_ && data_ == o.data_; }

    std::size_t offset(std::size_t i, std::size_t j, std::size_t k, int c = 0) const noexcept {
        return ((k * geometry_.size[1] + j) * geometry_.size[0] + i) * components_ + c;
    }
    // Value at a voxel as double (slow path, for tests and probes). Bounds-checked.
    double value(std::size_t i, std::size_t j, std::size_t k, int c = 0) const;
    void setValue(std::size_t i, std::size_t j, std::size_t k, double v, int c = 0);

    // Deep copy (pixels and metadata).
    Image clone() const;
    // Minimum and maximum over all values (NaN ignored for float). Throws on empty image.
    std::pair<double, double> minMax() const;

private:
    void checkType(PixelType t) const;

    PixelType type_ = PixelType::UInt8;
    int components_ = 1;
    Geometry geometry_;
    ImageMetadata metadata_;
    std::shared_ptr<void> owner_;
    void* data_ = nullptr;
};

}  // namespace stratum::core
