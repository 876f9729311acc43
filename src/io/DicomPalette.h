#pragma once
// PALETTE COLOR images: reading the lookup tables and mapping indices to RGB.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "DicomFrameReader.h"

namespace stratum::io::detail {

// Reads the red, green and blue Palette Color LUTs (descriptor + data). Throws
// core::FormatError naming the file when they are absent or malformed, and
// core::UnsupportedError for segmented palettes.
PaletteLut readPalette(DcmItem& dataset, const std::filesystem::path& file);

// Maps `pixels` stored indices (8 or 16 bits allocated) through the palette into
// interleaved 8-bit RGB.
void applyPalette(const std::byte* indices, std::size_t pixels, unsigned bitsAllocated,
                  const PaletteLut& lut, std::uint8_t* rgb);

}  // namespace stratum::io::detail
