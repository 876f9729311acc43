// writeDicomSeries and makeDicomUid: one DICOM file per slice through DCMTK,
// written in parallel into a temporary folder that appears complete or not at all.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>

#include "WriteDicomDataset.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/io/Dicom.h"

namespace fs = std::filesystem;

namespace stratum::io {
namespace {

void registerEncoders() {
    static std::once_flag once;
    std::call_once(once, [] {
        DJEncoderRegistration::registerCodecs();
        // Raw (not "cooked") JPEG-LS encoding: the stored bits as they are, which also
        // handles RGB and signed data.
        DJLSEncoderRegistration::registerCodecs(0, 0, 0, 0, OFFalse);
        DcmRLEEncoderRegistration::registerCodecs();
    });
}

// Decimal digits of a 128-bit unsigned number given as four 32-bit words, most
// significant first.
std::string toDecimal(std::array<std::uint32_t, 4> words) {
    std::string digits;
    const auto isZero = [&] { return words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0; };
    do {
        std::uint64_t remainder = 0;
        for (auto& w : words) {
            const std::uint64_t cur = (remainder << 32) | w;
            w = static_cast<std::uint32_t>(cur / 10);
            remainder = cur % 10;
        }
        digits.insert(digits.begin(), static_cast<char>('0' + remainder));
    } while (!isZero());
    return digits;
}

enum class Encoding { Native, Encapsulated };

struct TransferSyntax {
    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    Encoding encoding = Encoding::Native;
    std::string name;
};

TransferSyntax chooseTransferSyntax(const std::string& uid) {
    if (uid.empty()) return {EXS_LittleEndianExplicit, Encoding::Native, "Explicit VR Little Endian"};
    const DcmXfer x(uid.c_str());
    switch (x.getXfer()) {
        case EXS_LittleEndianExplicit:
        case EXS_LittleEndianImplicit:
        case EXS_BigEndianExplicit:
        case EXS_DeflatedLittleEndianExplicit: return {x.getXfer(), Encoding::Native, x.getXferName()};
        case EXS_JPEGProcess14SV1:
        case EXS_JPEGLSLossless:
        case EXS_RLELossless: return {x.getXfer(), Encoding::Encapsulated, x.getXferName()};
        default: break;
    }
    throw core::InvalidArgument("cannot write the transfer syntax " + uid +
                                " (supported: Explicit/Implicit VR Little Endian, Explicit VR Big Endian, Deflated, "
                                "JPEG Lossless SV1 1.2.840.10008.1.2.4.70, JPEG-LS Lossless 1.2.840.10008.1.2.4.80, "
                                "RLE Lossless 1.2.840.10008.1.2.5)");
}

void compress(DcmDataset& dataset, const TransferSyntax& ts, const fs::path& file) {
    OFCondition status;
    if (ts.xfer == EXS_JPEGProcess14SV1) {
        const DJ_RPLossless params(1, 0);
        status = dataset.chooseRepresentation(ts.xfer, &params);
    } else if (ts.xfer == EXS_JPEGLSLossless) {
        const DJLSRepresentationParameter params(0, OFTrue);
        status = dataset.chooseRepresentation(ts.xfer, &params);
    } else {
        status = dataset.chooseRepresentation(ts.xfer, nullptr);
    }
    if (status.bad() || !dataset.canWriteXfer(ts.xfer))
        throw core::UnsupportedError(file.string(), "DCMTK cannot encode this image as " + ts.name +
                                                        (status.bad() ? std::string(": ") + status.text() : ""));
}

std::string fileName(const std::string& prefix, std::size_t index, std::size_t count) {
    const int width = count > 9999 ? static_cast<int>(std::to_string(count).size()) : 4;
    char number[32];
    std::snprintf(number, sizeof number, "%0*zu", width, index + 1);
    return prefix + "-" + number + ".dcm";
}

void checkPrefix(const std::string& prefix) {
    if (prefix.empty() || prefix.find_first_of("/\\") != std::string::npos || prefix == "." || prefix == "..")
        throw core::InvalidArgument("the DICOM file prefix must be a plain file name part, got '" + prefix + "'");
}

}  // namespace

std::string makeDicomUid() {
    // A random (version 4) UUID as one 128-bit integer under the UUID-derived root
    // 2.25 (ISO/IEC 9834-8): at most 44 characters.
    thread_local std::mt19937_64 engine = [] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
        return std::mt19937_64(seq);
    }();
    const std::uint64_t hi = engine();
    const std::uint64_t lo = engine();
    std::array<std::uint32_t, 4> words{static_cast<std::uint32_t>(hi >> 32), static_cast<std::uint32_t>(hi),
                                       static_cast<std::uint32_t>(lo >> 32), static_cast<std::uint32_t>(lo)};
    words[1] = (words[1] & 0xffff0fffu) | 0x00004000u;  // version 4
    words[2] = (words[2] & 0x3fffffffu) | 0x80000000u;  // RFC 4122 variant
    return "2.25." + toDecimal(words);
}

std::vector<fs::path> writeDicomSeries(const core::Image& image, const fs::path& folder,
                                       const DicomWriteOptions& options, const core::Task& task) {
    checkPrefix(options.filePrefix);
    const TransferSyntax ts = chooseTransferSyntax(options.transferSyntaxUid);
    if (ts.encoding == Encoding::Encapsulated) registerEncoders();
    const detail::SeriesPlan plan = detail::planSeries(image, options);

    task.progress(0.0, "Writing DICOM series");
    core::AtomicDirectory directory(folder);
    const std::size_t slices = image.size()[2];
    std::vector<fs::path> written(slices);
    core::ProgressCounter counter(task, slices, "Writing DICOM series");
    core::parallelFor(0, slices, [&](std::size_t k) {
        task.checkCancel();
        const std::string name = fileName(options.filePrefix, k, slices);
        const fs::path file = directory.tempPath() / name;
        DcmFileFormat fileFormat;
        DcmDataset& dataset = *fileFormat.getDataset();
        detail::fillSliceDataset(dataset, image, plan, k, makeDicomUid());
        if (ts.encoding == Encoding::Encapsulated) compress(dataset, ts, directory.target() / name);
        const OFCondition status = fileFormat.saveFile(file.c_str(), ts.xfer, EET_ExplicitLength);
        if (status.bad())
            throw core::IoError((directory.target() / name).string(), std::string("cannot write: ") + status.text());
        written[k] = directory.target() / name;
        counter.advance();
    });
    task.checkCancel();
    directory.commit();
    task.progress(1.0);
    return written;
}

}  // namespace stratum::io
