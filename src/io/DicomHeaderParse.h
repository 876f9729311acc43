#pragma once
// Reading DICOM headers with DCMTK: a quick "is this DICOM?" sniff, loading a file
// with its large values (pixel data) left on disk, and turning a dataset into a
// DicomInstance.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stratum/io/Dicom.h"

namespace stratum::io::detail {

// Values longer than this stay in the file until asked for (pixel data, big blobs).
inline constexpr Uint32 kMaxHeaderValueLength = 4096;

// Throws core::IoError when the file cannot be opened/read and core::FormatError when
// its first bytes are neither a DICOM preamble ("DICM" at 128) nor a plausible
// dataset start (group 0002/0008 element without meta header).
void checkLooksLikeDicom(const std::filesystem::path& file);

// checkLooksLikeDicom + DcmFileFormat::loadFile with large values left in the file.
// Errors as core::IoError / core::FormatError naming the file.
void loadDicomFileLazily(DcmFileFormat& fileFormat, const std::filesystem::path& file);

// The transfer syntax UID the dataset was read with (meta header, else as detected).
std::string transferSyntaxOf(DcmFileFormat& fileFormat);

// Fills a DicomInstance from a loaded file.
DicomInstance instanceFromFile(DcmFileFormat& fileFormat, const std::filesystem::path& file);

// Per-frame (slope, intercept) of an enhanced multi-frame file whose frames carry
// their own Pixel Value Transformation; empty when they do not.
std::vector<std::pair<double, double>> readFrameRescales(const std::filesystem::path& file,
                                                         unsigned frames);

// Why the image of `instance` cannot be loaded (bits, samples, implausible size), or nullopt.
std::optional<std::string> unsupportedReason(const DicomInstance& instance);

}  // namespace stratum::io::detail
