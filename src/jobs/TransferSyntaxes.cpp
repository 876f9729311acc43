#include "stratum/jobs/TransferSyntaxes.h"

#include <array>

namespace stratum::jobs {
namespace {

struct KnownSyntax {
    std::string_view uid;
    std::string_view name;
    std::string_view option;  // short name for DICOM output; empty = not writable
};

constexpr std::array<KnownSyntax, 20> kSyntaxes{{
    {"1.2.840.10008.1.2.1", "Explicit VR Little Endian", "explicit-le"},
    {"1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", "jpeg-ls"},
    {"1.2.840.10008.1.2.4.70", "JPEG Lossless SV1", "jpeg-lossless"},
    {"1.2.840.10008.1.2.5", "RLE Lossless", "rle"},
    {"1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", "deflated"},
    {"1.2.840.10008.1.2.2", "Explicit VR Big Endian", "big-endian"},
    {"1.2.840.10008.1.2", "Implicit VR Little Endian", ""},
    {"1.2.840.10008.1.2.4.50", "JPEG Baseline (lossy 8-bit)", ""},
    {"1.2.840.10008.1.2.4.51", "JPEG Extended (lossy 12-bit)", ""},
    {"1.2.840.10008.1.2.4.57", "JPEG Lossless", ""},
    {"1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless", ""},
    {"1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless", ""},
    {"1.2.840.10008.1.2.4.91", "JPEG 2000", ""},
    {"1.2.840.10008.1.2.4.201", "HTJ2K Lossless", ""},
    {"1.2.840.10008.1.2.4.202", "HTJ2K Lossless RPCL", ""},
    {"1.2.840.10008.1.2.4.203", "HTJ2K", ""},
    {"1.2.840.10008.1.2.4.100", "MPEG2 Main Profile", ""},
    {"1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264", ""},
    {"1.2.840.10008.1.2.4.107", "HEVC/H.265 Main", ""},
    {"1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10", ""},
}};

}  // namespace

std::optional<std::string> writableTransferSyntaxUid(std::string_view nameOrUid) {
    for (const KnownSyntax& s : kSyntaxes)
        if (!s.option.empty() && (nameOrUid == s.option || nameOrUid == s.uid))
            return std::string(s.uid);
    return std::nullopt;
}

std::vector<std::string> writableTransferSyntaxNames() {
    std::vector<std::string> names;
    for (const KnownSyntax& s : kSyntaxes)
        if (!s.option.empty()) names.emplace_back(s.option);
    return names;
}

std::string transferSyntaxName(std::string_view uid) {
    for (const KnownSyntax& s : kSyntaxes)
        if (uid == s.uid) return std::string(s.name);
    return std::string(uid);
}

}  // namespace stratum::jobs
