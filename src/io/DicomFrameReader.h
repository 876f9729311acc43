#pragma once
// Reads the stored samples of single frames of one DICOM file, as decoded but not
// yet converted (no rescale, no colour conversion):
//   1. raw little-endian pixel data that ends the file: pread() straight into the
//      caller's buffer (no DCMTK parsing, no copies);
//   2. anything else DCMTK handles (big endian, deflated, JPEG, JPEG-LS, RLE), frame by
//      frame with the pixel data left on disk;
//   3. GDCM for what DCMTK cannot decode (JPEG 2000), the whole file at once.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "stratum/io/Dicom.h"

class DcmFileFormat;
class DcmElement;
class DcmFileCache;

namespace stratum::io::detail {

// How the decoded samples of a frame are laid out.
struct FrameLayout {
    std::string
        colourModel;  // photometric of the decoded samples, e.g. "RGB" after JPEG YBR conversion
    bool planar = false;         // colour-by-plane
    bool subsampled422 = false;  // raw YBR_FULL_422: Y0 Y1 Cb Cr for each pair of pixels
};

// A Palette Color lookup table, entries scaled to 8 bits.
struct PaletteLut {
    std::vector<std::uint8_t> red, green, blue;
    std::int64_t firstMapped = 0;
};

class DicomFrameReader {
public:
    explicit DicomFrameReader(const DicomInstance& instance);
    ~DicomFrameReader();
    DicomFrameReader(const DicomFrameReader&) = delete;
    DicomFrameReader& operator=(const DicomFrameReader&) = delete;

    // The buffer read() needs for one frame (even-rounded: decoders may write a pad byte).
    std::size_t bufferBytes() const;
    // Reads frame `frame` into `buffer` (at least bufferBytes()). Throws core::FormatError /
    // core::IoError / core::UnsupportedError naming the file.
    FrameLayout read(unsigned frame, std::span<std::byte> buffer);
    // The file's palette (loads the header when needed). Throws when absent or malformed.
    const PaletteLut& palette();

private:
    bool tryRawLocate();
    void readRaw(unsigned frame, std::span<std::byte> buffer);
    void openDcmtk();
    FrameLayout readDcmtk(unsigned frame, std::span<std::byte> buffer);
    FrameLayout readGdcm(unsigned frame, std::span<std::byte> buffer);
    [[noreturn]] void fail(const std::string& problem) const;

    const DicomInstance& inst_;
    std::size_t rawFrameBytes_ = 0;      // a frame as stored uncompressed
    std::size_t decodedFrameBytes_ = 0;  // a frame as decoders deliver it
    int fd_ = -1;
    bool rawTried_ = false;
    std::int64_t rawOffset_ = -1;  // file offset of the pixel data value, when readable raw
    std::unique_ptr<DcmFileFormat> file_;
    DcmElement* pixelData_ = nullptr;
    std::unique_ptr<DcmFileCache> cache_;
    bool encapsulated_ = false;
    unsigned nextFrame_ = 0;
    std::uint32_t nextFragment_ = 0;
    std::vector<char> gdcmFrames_;  // all frames, decoded by GDCM
    FrameLayout gdcmLayout_;
    std::unique_ptr<PaletteLut> palette_;
};

// Decodes every frame of `file` with GDCM into one buffer (frames back to back).
// Throws core::FormatError on failure.
std::vector<char> decodeWithGdcm(const std::filesystem::path& file, FrameLayout& layout,
                                 unsigned& bitsAllocated, unsigned& samplesPerPixel);

}  // namespace stratum::io::detail
