#include "DicomPalette.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <algorithm>
#include <cstring>

#include "DicomAttributes.h"
#include "stratum/core/Error.h"

namespace stratum::io::detail {

namespace {

std::vector<std::uint8_t> readChannel(DcmItem& ds, const DcmTagKey& descriptorTag,
                                      const DcmTagKey& dataTag, const std::filesystem::path& file,
                                      std::int64_t& firstMapped) {
    const auto entriesValue = getNumber(ds, descriptorTag, 0);
    const auto first = getNumber(ds, descriptorTag, 1);
    const auto bits = getNumber(ds, descriptorTag, 2);
    if (!entriesValue || !first || !bits)
        throw core::FormatError(file.string(), "palette colour image without a LUT descriptor");
    const std::size_t entries =
        *entriesValue == 0 ? 65536 : static_cast<std::size_t>(*entriesValue);
    firstMapped = static_cast<std::int64_t>(*first);
    const Uint16* words = nullptr;
    unsigned long count = 0;
    if (ds.findAndGetUint16Array(dataTag, words, &count).bad() || !words || count == 0)
        throw core::UnsupportedError(
            file.string(),
            "palette colour LUT data missing (segmented palettes are not supported)");
    std::vector<std::uint8_t> out(entries);
    if (count >= entries) {
        // One entry per 16-bit word; 8-bit tables stored in words keep their value in the low byte.
        const bool sixteen =
            *bits > 8 || std::any_of(words, words + entries, [](Uint16 v) { return v > 255; });
        for (std::size_t i = 0; i < entries; ++i)
            out[i] = static_cast<std::uint8_t>(sixteen ? words[i] >> 8 : words[i]);
    } else if (count * 2 >= entries) {
        // 8-bit entries packed two per word, in file (little-endian) byte order.
        for (std::size_t i = 0; i < entries; ++i) {
            const Uint16 w = words[i / 2];
            out[i] = static_cast<std::uint8_t>(i % 2 == 0 ? (w & 0xFF) : (w >> 8));
        }
    } else {
        throw core::FormatError(file.string(),
                                "palette colour LUT data shorter than its descriptor");
    }
    return out;
}

template <class T>
void mapIndices(const std::byte* indices, std::size_t pixels, const PaletteLut& lut,
                std::uint8_t* rgb) {
    const std::int64_t last = static_cast<std::int64_t>(lut.red.size()) - 1;
    for (std::size_t i = 0; i < pixels; ++i) {
        T v;
        std::memcpy(&v, indices + i * sizeof(T), sizeof(T));
        const std::size_t at =
            static_cast<std::size_t>(std::clamp<std::int64_t>(v - lut.firstMapped, 0, last));
        rgb[3 * i] = lut.red[at];
        rgb[3 * i + 1] = lut.green[at];
        rgb[3 * i + 2] = lut.blue[at];
    }
}

}  // namespace

PaletteLut readPalette(DcmItem& ds, const std::filesystem::path& file) {
    PaletteLut lut;
    std::int64_t firstG = 0, firstB = 0;
    lut.red = readChannel(ds, DCM_RedPaletteColorLookupTableDescriptor,
                          DCM_RedPaletteColorLookupTableData, file, lut.firstMapped);
    lut.green = readChannel(ds, DCM_GreenPaletteColorLookupTableDescriptor,
                            DCM_GreenPaletteColorLookupTableData, file, firstG);
    lut.blue = readChannel(ds, DCM_BluePaletteColorLookupTableDescriptor,
                           DCM_BluePaletteColorLookupTableData, file, firstB);
    if (lut.green.size() != lut.red.size() || lut.blue.size() != lut.red.size())
        throw core::FormatError(file.string(), "palette colour LUTs differ in length");
    return lut;
}

void applyPalette(const std::byte* indices, std::size_t pixels, unsigned bitsAllocated,
                  const PaletteLut& lut, std::uint8_t* rgb) {
    if (bitsAllocated == 8)
        mapIndices<std::uint8_t>(indices, pixels, lut, rgb);
    else
        mapIndices<std::uint16_t>(indices, pixels, lut, rgb);
}

}  // namespace stratum::io::detail
