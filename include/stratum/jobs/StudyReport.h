#pragma once
// What a file or folder holds, for `stratum info` and the GUI's "open" dialog:
// every patient/study/series of a DICOM file, folder or DICOMDIR (headers only, no
// pixels are decoded), or the one image of a NIfTI/NRRD/MetaImage/2D file.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "stratum/core/Geometry.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"

namespace stratum::jobs {

// Position and orientation of a voxel grid, with the names users read.
struct GridSummary {
    core::Size3 size{0, 0, 0};
    core::Vec3 spacing{1, 1, 1};
    core::Vec3 origin{0, 0, 0};
    core::Mat3 direction;
    std::string orientation;  // core::Geometry::orientationCode(), e.g. "LPS"
    std::string plane;        // core::Geometry::planeName(), e.g. "axial"
};

struct TransferSyntax {
    std::string uid;
    std::string name;  // readable name, or the UID when unknown
    bool operator==(const TransferSyntax&) const = default;
};

struct SeriesSummary {
    std::string uid;
    int subSeries = 0;  // > 0 when the scanner split one series UID into several volumes
    std::string number;
    std::string modality;
    std::string description;
    std::string bodyPart;
    std::size_t files = 0;   // DICOM files in the series
    std::size_t frames = 0;  // frames placed in the volume (duplicates dropped)
    GridSummary grid;        // grid.size[2] may exceed frames when slices are missing
    // False when files lack Image Position/Orientation (Patient): then origin and
    // direction are defaults, not patient geometry.
    bool hasPatientGeometry = false;
    bool sortedByPosition = false;
    // Stored pixel type from the header (bits allocated, pixel representation):
    // "uint8", "int16", "uint16", or empty when the header is outside those.
    std::string pixelType;
    unsigned components = 1;  // samples per pixel
    unsigned bitsStored = 0;
    std::string photometric;  // as in the file, e.g. "MONOCHROME2"
    std::vector<TransferSyntax> transferSyntaxes;  // distinct, in file order
    core::Warnings warnings;
};

struct StudySummary {
    std::string uid;
    std::string id;
    std::string date;  // DICOM DA, YYYYMMDD
    std::string time;
    std::string description;
    std::string accessionNumber;
    std::vector<SeriesSummary> series;
};

struct PatientSummary {
    std::string name;  // DICOM PN as stored, e.g. "Doe^Jane"
    std::string id;
    std::string birthDate;
    std::string sex;
    std::vector<StudySummary> studies;
};

// A non-DICOM image (or volume), read in full.
struct ImageSummary {
    std::string path;
    std::string format;  // the reader's format name, e.g. "NIfTI"
    GridSummary grid;
    unsigned components = 1;
    std::string pixelType;  // core::pixelTypeName()
    double minValue = 0.0;
    double maxValue = 0.0;
    std::string modality;  // empty when the format does not say
};

struct StudyReport {
    std::string path;
    std::string format;  // io::formatName(io::detectFormat(path))
    // DICOM only: regular files looked at, and those that parsed as DICOM images.
    std::size_t filesScanned = 0;
    std::size_t dicomFiles = 0;
    std::vector<PatientSummary> patients;  // DICOM input
    std::vector<ImageSummary> images;      // other formats: exactly one
    core::Warnings warnings;               // scan and read warnings (skipped files, ...)

    std::size_t seriesCount() const {
        std::size_t n = 0;
        for (const PatientSummary& p : patients)
            for (const StudySummary& s : p.studies) n += s.series.size();
        return n;
    }
    // True when nothing was found (e.g. a folder without DICOM images).
    bool empty() const { return patients.empty() && images.empty(); }
};

// Describes a DICOM file, folder or DICOMDIR (scanned, headers only) or any other
// image file io::readImage reads. Throws core::IoError when `path` does not exist,
// and the io errors (core::FormatError, core::UnsupportedError, core::Cancelled).
StudyReport describeStudy(const std::filesystem::path& path, const core::Task& task = {});

// A readable, aligned, multi-line report ending in a newline.
std::string toText(const StudyReport& report);
// Pretty-printed JSON (schema in docs/cli.md), ending in a newline. Doubles are
// written so they parse back to the same value; invalid UTF-8 in strings is replaced.
std::string toJson(const StudyReport& report);

// JSON schema version written as "schemaVersion"; bumped on incompatible changes.
inline constexpr int kStudyReportSchemaVersion = 1;

}  // namespace stratum::jobs
