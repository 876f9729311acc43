#include "BitVolume.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "Checks.h"
#include "stratum/core/Parallel.h"

namespace stratum::processing::detail {
namespace {

// Word k of a row shifted so that bit x of the result is bit x + s of `src` (0 outside).
inline std::uint64_t shiftedWord(const std::uint64_t* src, long words, long k, long s) {
    const long q = s >> 6;  // floor division
    const unsigned b = static_cast<unsigned>(s & 63);
    const long i = k + q;
    const std::uint64_t lo = (i >= 0 && i < words) ? src[i] : 0;
    if (b == 0) return lo;
    const std::uint64_t hi = (i + 1 >= 0 && i + 1 < words) ? src[i + 1] : 0;
    return (lo >> b) | (hi << (64 - b));
}

std::uint64_t tailMask(std::size_t nx) {
    const unsigned used = static_cast<unsigned>(nx & 63);
    return used == 0 ? ~std::uint64_t{0} : (std::uint64_t{1} << used) - 1;
}

}  // namespace

BitVolume::BitVolume(std::size_t nx, std::size_t ny, std::size_t nz)
    : nx_(nx), ny_(ny), nz_(nz), words_((nx + 63) / 64), bits_(words_ * ny * nz, 0) {}

void BitVolume::pack(const core::Image& image, double foreground, bool complement,
                     const Radius& pad, const core::Task& task) {
    const core::Size3& s = image.size();
    const std::size_t rows = s[1] * s[2];
    const Chunks c = chunksFor(rows, 64);
    const std::size_t alignedWords = (s[0] + 63) / 64;
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T fg = static_cast<T>(foreground);
        const T* in = image.data<T>();
        core::parallelFor(0, c.count, [&](std::size_t i) {
            task.checkCancel();
            std::vector<std::uint8_t> mask(alignedWords * 64, 0);
            std::vector<std::uint64_t> bits(alignedWords + 1, 0);
            const std::uint8_t flip = complement ? 1 : 0;
            for (std::size_t r = c.begin(i); r < c.begin(i + 1); ++r) {
                const T* __restrict src = in + r * s[0];
                std::uint8_t* __restrict m = mask.data();
                const std::size_t nx = s[0];
                const T value = fg;
                for (std::size_t x = 0; x < nx; ++x)
                    m[x] = static_cast<std::uint8_t>((src[x] == value) ^ flip);
                // Eight 0/1 bytes to eight bits per multiply.
                for (std::size_t w = 0; w < alignedWords; ++w) {
                    std::uint64_t word = 0;
                    for (int b = 0; b < 8; ++b) {
                        std::uint64_t v;
                        std::memcpy(&v, mask.data() + w * 64 + b * 8, 8);
                        word |= ((v * 0x0102040810204080ULL) >> 56) << (8 * b);
                    }
                    bits[w] = word;
                }
                std::uint64_t* dst = row(r % s[1] + pad[1], r / s[1] + pad[2]);
                const std::size_t q = static_cast<std::size_t>(pad[0]) / 64;
                const unsigned sh = static_cast<unsigned>(pad[0] % 64);
                for (std::size_t w = 0; w < alignedWords; ++w) {
                    dst[w + q] |= bits[w] << sh;
                    if (sh != 0 && w + q + 1 < words_) dst[w + q + 1] |= bits[w] >> (64 - sh);
                }
            }
        });
    });
}

void BitVolume::invert() {
    const std::uint64_t tail = tailMask(nx_);
    for (std::size_t r = 0; r < ny_ * nz_; ++r) {
        std::uint64_t* w = bits_.data() + r * words_;
        for (std::size_t k = 0; k < words_; ++k) w[k] = ~w[k];
        w[words_ - 1] &= tail;
    }
}

BitVolume BitVolume::dilated(const StructuringElement& se, const core::Task& task) const {
    BitVolume out(nx_, ny_, nz_);
    const auto& chords = se.chords();
    int maxW = 0, rz = 0;
    for (const auto& c : chords) {
        maxW = std::max(maxW, c.halfWidth);
        rz = std::max(rz, std::abs(c.dz));
    }
    const long words = static_cast<long>(words_);
    const std::uint64_t tail = tailMask(nx_);
    const std::size_t rowWords = words_;
    const std::size_t sliceWords = rowWords * ny_;
    const std::size_t slots = static_cast<std::size_t>(2 * rz + 1);
    const Chunks c = chunksFor(nz_, 2);
    core::ProgressCounter progress(task, c.count);
    core::parallelFor(0, c.count, [&](std::size_t chunk) {
        task.checkCancel();
        // Ring of slices: runs of half widths 0..maxW of every row (width 0 = the row).
        // Per-thread, kept between chunks (every word is written before it is read).
        thread_local std::vector<std::uint64_t> ringBuffer;
        const std::size_t ringWords = slots * static_cast<std::size_t>(maxW + 1) * sliceWords;
        if (ringBuffer.size() < ringWords) ringBuffer.resize(ringWords);
        std::uint64_t* ring = ringBuffer.data();
        std::vector<long> slotSlice(slots, -1);
        auto runs = [&](std::size_t slot, int w) {
            return ring +
                   (slot * static_cast<std::size_t>(maxW + 1) + static_cast<std::size_t>(w)) *
                       sliceWords;
        };
        auto fill = [&](std::size_t z) {
            const std::size_t slot = z % slots;
            if (slotSlice[slot] == static_cast<long>(z)) return;
            std::memcpy(runs(slot, 0), bits_.data() + z * sliceWords,
                        sliceWords * sizeof(std::uint64_t));
            for (int w = 1; w <= maxW; ++w) {
                const std::uint64_t* src = runs(slot, 0);
                const std::uint64_t* prev = runs(slot, w - 1);
                std::uint64_t* dst = runs(slot, w);
                for (std::size_t y = 0; y < ny_; ++y) {
                    const std::uint64_t* s = src + y * rowWords;
                    for (long k = 0; k < words; ++k)
                        dst[y * rowWords + k] = prev[y * rowWords + k] |
                                                shiftedWord(s, words, k, w) |
                                                shiftedWord(s, words, k, -w);
                    dst[y * rowWords + rowWords - 1] &= tail;
                }
            }
            slotSlice[slot] = static_cast<long>(z);
        };
        for (std::size_t z = c.begin(chunk); z < c.begin(chunk + 1); ++z) {
            const std::size_t za = z >= static_cast<std::size_t>(rz) ? z - rz : 0;
            const std::size_t zb = std::min(nz_, z + rz + 1);
            for (std::size_t zz = za; zz < zb; ++zz) fill(zz);
            for (std::size_t y = 0; y < ny_; ++y) {
                std::uint64_t* o = out.bits_.data() + z * sliceWords + y * rowWords;
                for (const auto& ch : chords) {
                    const long sy = static_cast<long>(y) + ch.dy;
                    const long sz = static_cast<long>(z) + ch.dz;
                    if (sy < 0 || sy >= static_cast<long>(ny_) || sz < 0 ||
                        sz >= static_cast<long>(nz_))
                        continue;
                    const std::uint64_t* src =
                        runs(static_cast<std::size_t>(sz) % slots, ch.halfWidth) +
                        static_cast<std::size_t>(sy) * rowWords;
                    for (std::size_t k = 0; k < rowWords; ++k) o[k] |= src[k];
                }
            }
        }
        progress.advance();
    });
    return out;
}

void unpackRow(const std::uint64_t* bits, std::size_t offset, std::size_t count,
               std::uint8_t* out) {
    // Byte b of a word spreads to 8 bytes 0/1 through a table.
    static const auto table = [] {
        std::array<std::uint64_t, 256> t{};
        for (unsigned v = 0; v < 256; ++v)
            for (unsigned b = 0; b < 8; ++b)
                t[v] |= static_cast<std::uint64_t>((v >> b) & 1u) << (8 * b);
        return t;
    }();
    const std::size_t words = (count + 63) / 64;
    const long total = static_cast<long>((offset + count + 63) / 64);
    std::size_t x = 0;
    for (std::size_t w = 0; w < words; ++w) {
        const std::uint64_t word =
            (offset & 63) == 0 && offset / 64 + w < static_cast<std::size_t>(total)
                ? bits[offset / 64 + w]
                : shiftedWord(bits, total, static_cast<long>(w), static_cast<long>(offset));
        for (int b = 0; b < 8 && x < count; ++b) {
            const std::uint64_t bytes = table[(word >> (8 * b)) & 0xFF];
            if (x + 8 <= count) {
                std::memcpy(out + x, &bytes, 8);
                x += 8;
            } else {
                for (int k = 0; x < count; ++k, ++x)
                    out[x] = static_cast<std::uint8_t>((bytes >> (8 * k)) & 1u);
            }
        }
    }
}

}  // namespace stratum::processing::detail
