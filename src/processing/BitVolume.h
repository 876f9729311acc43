#pragma once
// A binary volume packed 64 voxels to a word along x (internal): the kernels of binary
// morphology work on it, 64 voxels per operation.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/processing/StructuringElement.h"

namespace stratum::processing::detail {

class BitVolume {
public:
    BitVolume(std::size_t nx, std::size_t ny, std::size_t nz);

    std::size_t nx() const noexcept { return nx_; }
    std::size_t ny() const noexcept { return ny_; }
    std::size_t nz() const noexcept { return nz_; }
    std::size_t wordsPerRow() const noexcept { return words_; }
    std::uint64_t* row(std::size_t y, std::size_t z) {
        return bits_.data() + (z * ny_ + y) * words_;
    }
    const std::uint64_t* row(std::size_t y, std::size_t z) const {
        return bits_.data() + (z * ny_ + y) * words_;
    }
    bool get(std::size_t x, std::size_t y, std::size_t z) const {
        return (row(y, z)[x >> 6] >> (x & 63)) & 1u;
    }

    // Voxels equal to `foreground` (or, with `complement`, different from it) of `image`,
    // placed at offset `pad` in this (larger or equal) volume; the rest stays 0.
    void pack(const core::Image& image, double foreground, bool complement, const Radius& pad,
              const core::Task& task);
    // Inverts every voxel (bits past nx stay 0).
    void invert();
    // Dilation by `se` with everything outside the volume 0.
    BitVolume dilated(const StructuringElement& se, const core::Task& task) const;

private:
    std::size_t nx_, ny_, nz_, words_;
    std::vector<std::uint64_t> bits_;
};

// Expands the bits [offset, offset + count) of a packed row into bytes 0/1.
void unpackRow(const std::uint64_t* bits, std::size_t offset, std::size_t count, std::uint8_t* out);

}  // namespace stratum::processing::detail
