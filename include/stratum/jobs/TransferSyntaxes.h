#pragma once
// Transfer syntax names: the short option names the CLI accepts for DICOM output,
// and readable names for the UIDs found in files.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stratum::jobs {

// Short name ("explicit-le", "jpeg-ls", "jpeg-lossless", "rle", "deflated",
// "big-endian") or a UID of one of those -> the UID; nullopt when not writable.
std::optional<std::string> writableTransferSyntaxUid(std::string_view nameOrUid);
// The short names accepted by writableTransferSyntaxUid, in a stable order.
std::vector<std::string> writableTransferSyntaxNames();
// "Explicit VR Little Endian", "JPEG-LS Lossless", ...; the UID itself when unknown.
std::string transferSyntaxName(std::string_view uid);

}  // namespace stratum::jobs
