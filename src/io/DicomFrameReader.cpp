#include "DicomFrameReader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "DicomAttributes.h"
#include "DicomCodecs.h"
#include "DicomHeaderParse.h"
#include "DicomPalette.h"
#include "stratum/core/Error.h"

namespace stratum::io::detail {

namespace {

constexpr std::uint64_t kMaxPixelBytes = std::uint64_t{1} << 40;

std::uint32_t le32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

// JPEG baseline, extended, progressive and lossless (1.2.840.10008.1.2.4.50 - .70).
bool isJpegFamily(const std::string& ts) {
    constexpr std::string_view prefix = "1.2.840.10008.1.2.4.";
    if (ts.compare(0, prefix.size(), prefix) != 0) return false;
    const int n = std::atoi(ts.c_str() + prefix.size());
    return n >= 50 && n <= 70;
}

bool isYbr422(const DicomInstance& i) {
    return i.samplesPerPixel == 3 &&
           core::photometricFromDicom(i.photometric) == core::Photometric::YbrFull422;
}

// 32-bit samples that DCMTK byte-swapped as 16-bit words (OW): exchange the halves.
void swapWordHalves(std::byte* data, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        std::byte* p = data + 4 * i;
        std::swap(p[0], p[2]);
        std::swap(p[1], p[3]);
    }
}

// Reads exactly `size` bytes at `offset`; false on EOF.
bool preadAll(int fd, void* dst, std::size_t size, std::int64_t offset) {
    auto* p = static_cast<char*>(dst);
    while (size > 0) {
        const ssize_t n = ::pread(fd, p, size, offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) return false;
        p += n;
        size -= static_cast<std::size_t>(n);
        offset += n;
    }
    return true;
}

}  // namespace

DicomFrameReader::DicomFrameReader(const DicomInstance& instance) : inst_(instance) {
    const std::uint64_t bytes = instance.bitsAllocated / 8;
    const std::uint64_t pixels = std::uint64_t{instance.rows} * instance.columns;
    const std::uint64_t decoded = pixels * instance.samplesPerPixel * bytes;
    const std::uint64_t raw = isYbr422(instance) ? pixels * 2 * bytes : decoded;
    if (bytes == 0 || pixels == 0 || decoded * instance.frames > kMaxPixelBytes)
        throw core::FormatError(instance.path.string(), "implausible image size in the header");
    rawFrameBytes_ = static_cast<std::size_t>(raw);
    decodedFrameBytes_ = static_cast<std::size_t>(decoded);
}

DicomFrameReader::~DicomFrameReader() {
    if (fd_ >= 0) ::close(fd_);
}

std::size_t DicomFrameReader::bufferBytes() const {
    const std::size_t n = std::max(rawFrameBytes_, decodedFrameBytes_);
    return n + (n & 1);
}

void DicomFrameReader::fail(const std::string& problem) const {
    throw core::FormatError(inst_.path.string(), problem);
}

FrameLayout DicomFrameReader::read(unsigned frame, std::span<std::byte> buffer) {
    if (frame >= inst_.frames) fail("frame " + std::to_string(frame + 1) + " does not exist");
    if (buffer.size() < bufferBytes()) throw core::InvalidArgument("frame buffer too small");
    if (needsGdcm(inst_.transferSyntaxUid)) return readGdcm(frame, buffer);
    if (isRawLittleEndian(inst_.transferSyntaxUid)) {
        if (!rawTried_) tryRawLocate();
        if (rawOffset_ >= 0) {
            readRaw(frame, buffer);
            return {inst_.photometric, inst_.planarConfiguration, isYbr422(inst_)};
        }
    }
    return readDcmtk(frame, buffer);
}

// Uncompressed little-endian pixel data is almost always the file's last element; then
// its value starts exactly (length + header) bytes before the end. The tag, VR and
// length there must match what the header promised, or we leave it to DCMTK.
bool DicomFrameReader::tryRawLocate() {
    rawTried_ = true;
    fd_ = ::open(inst_.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        throw core::IoError(inst_.path.string(),
                            std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return false;
    const std::uint64_t total = std::uint64_t{rawFrameBytes_} * inst_.frames;
    const std::uint64_t padded = total + (total & 1);
    if (padded > 0xFFFFFFFEull) return false;
    const bool explicitVr = inst_.transferSyntaxUid == kExplicitLittleEndian;
    const std::int64_t header = explicitVr ? 12 : 8;
    const std::int64_t offset =
        static_cast<std::int64_t>(st.st_size) - static_cast<std::int64_t>(padded) - header;
    if (offset < 8) return false;
    unsigned char h[12] = {};
    if (!preadAll(fd_, h, static_cast<std::size_t>(header), offset)) return false;
    if (h[0] != 0xE0 || h[1] != 0x7F || h[2] != 0x10 || h[3] != 0x00) return false;
    if (explicitVr) {
        const bool vrOk = h[4] == 'O' && (h[5] == 'W' || h[5] == 'B');
        if (!vrOk || h[6] != 0 || h[7] != 0 || le32(h + 8) != padded) return false;
    } else if (le32(h + 4) != padded) {
        return false;
    }
    rawOffset_ = offset + header;
    return true;
}

void DicomFrameReader::readRaw(unsigned frame, std::span<std::byte> buffer) {
    const std::int64_t at =
        rawOffset_ + static_cast<std::int64_t>(frame) * static_cast<std::int64_t>(rawFrameBytes_);
    if (!preadAll(fd_, buffer.data(), rawFrameBytes_, at))
        fail("cannot read the pixel data of frame " + std::to_string(frame + 1) + ": " +
             (errno ? std::strerror(errno) : "unexpected end of file"));
}

void DicomFrameReader::openDcmtk() {
    if (file_) return;
    auto file = std::make_unique<DcmFileFormat>();
    loadDicomFileLazily(*file, inst_.path);
    DcmDataset& ds = *file->getDataset();
    if (getUnsigned(ds, DCM_Rows, 0) != inst_.rows ||
        getUnsigned(ds, DCM_Columns, 0) != inst_.columns ||
        getUnsigned(ds, DCM_BitsAllocated, 0) != inst_.bitsAllocated ||
        getUnsigned(ds, DCM_SamplesPerPixel, 1) != inst_.samplesPerPixel ||
        std::max(1u, getUnsigned(ds, DCM_NumberOfFrames, 1)) != inst_.frames)
        fail("the file changed since it was scanned (image size or format differs)");
    DcmElement* pixelData = nullptr;
    if (ds.findAndGetElement(DCM_PixelData, pixelData).bad() || !pixelData) fail("no pixel data");
    encapsulated_ = DcmXfer(ds.getOriginalXfer()).isEncapsulated();
    pixelData_ = pixelData;
    cache_ = std::make_unique<DcmFileCache>();
    file_ = std::move(file);
}

FrameLayout DicomFrameReader::readDcmtk(unsigned frame, std::span<std::byte> buffer) {
    openDcmtk();
    DcmDataset* ds = file_->getDataset();
    if (!encapsulated_) {
        const std::uint64_t need = (std::uint64_t{frame} + 1) * rawFrameBytes_;
        if (pixelData_->getLength() < need)
            fail("pixel data holds " + std::to_string(pixelData_->getLength()) +
                 " bytes, the header needs " +
                 std::to_string(std::uint64_t{rawFrameBytes_} * inst_.frames) +
                 " (truncated file?)");
        const OFCondition status = pixelData_->getPartialValue(
            buffer.data(), static_cast<Uint32>(std::uint64_t{frame} * rawFrameBytes_),
            static_cast<Uint32>(rawFrameBytes_), cache_.get(), gLocalByteOrder);
        throwIfBad(status, inst_.path,
                   "cannot read the pixel data of frame " + std::to_string(frame + 1));
        if (inst_.bitsAllocated == 32 && DcmXfer(ds->getOriginalXfer()).isBigEndian() &&
            gLocalByteOrder == EBO_LittleEndian)
            swapWordHalves(buffer.data(), rawFrameBytes_ / 4);  // DCMTK swapped 16-bit words only
        return {inst_.photometric, inst_.planarConfiguration, isYbr422(inst_)};
    }
    auto* pixels = dynamic_cast<DcmPixelData*>(pixelData_);
    if (!pixels) fail("malformed pixel data element");
    Uint32 start = frame == nextFrame_ ? nextFragment_ : 0;
    OFString model;
    OFCondition status = pixels->getUncompressedFrame(
        ds, frame, start, buffer.data(), static_cast<Uint32>(buffer.size()), model, cache_.get());
    if (status.bad() && frame > nextFrame_) {
        // Several fragments per frame and no offset table: where a frame starts is only
        // known after decoding the frames before it.
        std::vector<std::byte> scratch(buffer.size());
        Uint32 fragment = nextFragment_;
        status = EC_Normal;
        for (unsigned f = nextFrame_; f < frame && status.good(); ++f)
            status = pixels->getUncompressedFrame(ds, f, fragment, scratch.data(),
                                                  static_cast<Uint32>(scratch.size()), model,
                                                  cache_.get());
        start = fragment;
        if (status.good())
            status = pixels->getUncompressedFrame(ds, frame, start, buffer.data(),
                                                  static_cast<Uint32>(buffer.size()), model,
                                                  cache_.get());
    }
    if (status.bad()) {
        // GDCM's JPEG decoders accept some streams DCMTK's reject; give them a chance.
        if (isJpegFamily(inst_.transferSyntaxUid)) {
            try {
                return readGdcm(frame, buffer);
            } catch (const core::Error&) {
            }
        }
        fail("cannot decode frame " + std::to_string(frame + 1) + " (" + inst_.transferSyntaxUid +
             "): " + status.text());
    }
    nextFrame_ = frame + 1;
    nextFragment_ = start;
    return {std::string(model.c_str()), inst_.planarConfiguration, false};
}

FrameLayout DicomFrameReader::readGdcm(unsigned frame, std::span<std::byte> buffer) {
    if (gdcmFrames_.empty()) {
        unsigned bits = 0, samples = 0;
        std::vector<char> frames = decodeWithGdcm(inst_.path, gdcmLayout_, bits, samples);
        if (bits != inst_.bitsAllocated || samples != inst_.samplesPerPixel)
            fail("decoded pixel format (" + std::to_string(samples) + " x " + std::to_string(bits) +
                 " bits) differs from the header");
        if (frames.size() < std::uint64_t{decodedFrameBytes_} * inst_.frames)
            fail("decoded pixel data is shorter than the header says");
        gdcmFrames_ = std::move(frames);
    }
    std::memcpy(buffer.data(), gdcmFrames_.data() + std::uint64_t{frame} * decodedFrameBytes_,
                decodedFrameBytes_);
    return gdcmLayout_;
}

const PaletteLut& DicomFrameReader::palette() {
    if (!palette_) {
        openDcmtk();
        palette_ = std::make_unique<PaletteLut>(readPalette(*file_->getDataset(), inst_.path));
    }
    return *palette_;
}

}  // namespace stratum::io::detail
