#pragma once
// DCMTK set-up shared by the DICOM reading code: codec registration, transfer
// syntax facts and conversion of DCMTK status codes into Stratum errors.
#include <filesystem>
#include <string>
#include <string_view>

class OFCondition;

namespace stratum::io::detail {

// Registers the DCMTK decoders (JPEG, JPEG-LS, RLE) once per process; thread-safe.
// Throws core::Error when DCMTK's data dictionary is missing.
void ensureDicomCodecs();

// Transfer syntax UIDs used by the reader.
inline constexpr std::string_view kImplicitLittleEndian = "1.2.840.10008.1.2";
inline constexpr std::string_view kExplicitLittleEndian = "1.2.840.10008.1.2.1";

// Raw little-endian pixel data that can be read straight from the file.
bool isRawLittleEndian(std::string_view transferSyntaxUid);
// Encapsulated syntaxes DCMTK cannot decode here (JPEG 2000 family, HTJ2K): GDCM decodes them.
bool needsGdcm(std::string_view transferSyntaxUid);

// Throws core::FormatError("<path>: <what>: <DCMTK text>") when `status` is bad.
void throwIfBad(const OFCondition& status, const std::filesystem::path& path,
                const std::string& what);

}  // namespace stratum::io::detail
