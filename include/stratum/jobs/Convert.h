#pragma once
// Reads any supported image and writes it in another format (`stratum convert`).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"

namespace stratum::jobs {

// Options for DICOM output only; all empty = keep what the image's metadata says.
// Giving any of them for a non-DICOM output is an error (core::InvalidArgument).
struct ConvertOptions {
    std::string modality;           // "CT", "MR" -> their IODs; other codes -> Secondary Capture
    std::string seriesDescription;
    std::string patientName;        // DICOM PN, e.g. "Doe^Jane"
    std::string patientId;
    std::string transferSyntax;     // short name (see TransferSyntaxes.h) or UID

    bool empty() const {
        return modality.empty() && seriesDescription.empty() && patientName.empty() &&
               patientId.empty() && transferSyntax.empty();
    }
};

struct ConvertResult {
    std::filesystem::path input;
    std::filesystem::path output;
    std::string inputFormat;   // e.g. "NIfTI"
    std::string outputFormat;  // e.g. "NRRD", or "DICOM series" for a folder
    core::Size3 size{0, 0, 0};
    core::PixelType pixelType = core::PixelType::UInt8;
    int components = 1;
    std::vector<std::filesystem::path> written;  // files written (a DICOM series: one per slice)
    core::Warnings warnings;                     // from reading (e.g. other series not converted)
};

// A DICOM Modality code: 1 to 16 capital letters, digits or '_' (e.g. "CT", "MR", "DX", "OT").
bool isValidModalityCode(std::string_view code);

// True when `out` names a DICOM series folder: it ends in a separator, is an existing
// directory, or has no extension (the rule io::writeImage follows).
bool isDicomSeriesOutput(const std::filesystem::path& out);

// Reads `in` (io::readImage: a DICOM folder gives its largest series) and writes it to
// `out` (io::writeImage by extension, or io::writeDicomSeries with `options` for a
// folder). Refuses `out` naming `in` and options that do not apply, before reading
// (core::InvalidArgument). Other errors are io's, naming the file concerned.
ConvertResult convertImage(const std::filesystem::path& in, const std::filesystem::path& out,
                           const ConvertOptions& options = {}, const core::Task& task = {});

}  // namespace stratum::jobs
