#pragma once
// DICOM reading: header-only parsing, folder/DICOMDIR scanning into
// patient/study/series, and loading a series into a volume. DCMTK inside; GDCM
// (through ITK) decodes what DCMTK cannot (JPEG 2000).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stratum/core/Geometry.h"
#include "stratum/core/Image.h"
#include "stratum/core/Metadata.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"

namespace stratum::io {

// What the header of one DICOM file says (read without its pixel data).
struct DicomInstance {
    std::filesystem::path path;
    std::string sopInstanceUid;
    std::string sopClassUid;
    std::string transferSyntaxUid;
    core::PatientInfo patient;
    core::StudyInfo study;
    core::SeriesInfo series;

    int instanceNumber = 0;
    std::string imageType;  // e.g. "ORIGINAL\PRIMARY\AXIAL"

    bool hasPixelData = false;
    unsigned rows = 0;
    unsigned columns = 0;
    unsigned frames = 1;
    unsigned samplesPerPixel = 1;
    unsigned bitsAllocated = 0;
    unsigned bitsStored = 0;
    unsigned highBit = 0;
    bool signedPixels = false;          // Pixel Representation 1
    std::string photometric;            // as in the file
    bool planarConfiguration = false;   // colour-by-plane

    std::optional<core::Vec3> position;            // Image Position (Patient), first frame
    std::optional<core::Vec3> rowDirection;        // Image Orientation (Patient) [0..2]
    std::optional<core::Vec3> columnDirection;     // Image Orientation (Patient) [3..5]
    std::optional<std::array<double, 2>> pixelSpacing;  // DICOM order: between rows, between columns
    double sliceThickness = 0.0;
    double spacingBetweenSlices = 0.0;
    std::vector<core::Vec3> framePositions;  // multi-frame: per-frame positions when given

    double rescaleSlope = 1.0;
    double rescaleIntercept = 0.0;
    std::string rescaleType;
    std::vector<core::WindowPreset> windows;
};

// Reads the header of one file, stopping before the pixel data.
// Throws core::FormatError (not DICOM, truncated header) or core::IoError (unreadable).
DicomInstance readDicomHeader(const std::filesystem::path& file);

// One frame of a series placed in the volume.
struct DicomSlice {
    std::size_t instance = 0;  // index into DicomSeries::instances
    unsigned frame = 0;        // frame inside that file
    std::size_t sliceIndex = 0;  // k index in the assembled volume
};

struct DicomSeries {
    core::PatientInfo patient;
    core::StudyInfo study;
    core::SeriesInfo series;
    // Files of the series. Series whose files mix orientations, sizes or colour
    // models are split into several DicomSeries sharing the UID (subSeries 1, 2, ...).
    int subSeries = 0;
    std::vector<DicomInstance> instances;
    // Frames in volume order: sorted by position along the slice normal (ascending),
    // duplicates dropped. When positions are missing, by instance number.
    std::vector<DicomSlice> slices;
    // Geometry of the assembled volume. size[2] may exceed slices.size() when slices
    // are missing (gaps): those k indices are filled with the lowest value on load.
    core::Geometry geometry;
    bool sortedByPosition = false;
    core::Warnings warnings;  // gaps, duplicates, uneven spacing, missing geometry

    std::size_t frameCount() const { return slices.size(); }
    // "MR  T1 axial  181x217x181  (181 files)"
    std::string summary() const;
};

struct DicomStudy {
    core::StudyInfo study;
    std::vector<DicomSeries> series;
};

struct DicomPatient {
    core::PatientInfo patient;
    std::vector<DicomStudy> studies;
};

struct DicomScan {
    std::vector<DicomPatient> patients;
    core::Warnings warnings;     // unreadable/non-DICOM files, files without pixel data skipped
    std::size_t filesSeen = 0;   // regular files looked at
    std::size_t dicomFiles = 0;  // files that parsed as DICOM images
    std::vector<const DicomSeries*> allSeries() const;
    // The series a viewer should open first: the one with the most frames.
    const DicomSeries* largestSeries() const;
};

struct DicomScanOptions {
    bool recursive = true;
    unsigned threads = 0;  // 0 = core::defaultThreadCount()
};

// Scans a file, a folder (recursively) or a DICOMDIR (its referenced files).
// Reads headers only. Non-DICOM and unreadable files become warnings.
// Throws core::IoError when `path` does not exist, core::FormatError when it names a
// single file that is not DICOM, core::Cancelled on cancel.
DicomScan scanDicom(const std::filesystem::path& path, const DicomScanOptions& options = {},
                    const core::Task& task = {});

struct DicomLoadOptions {
    bool applyRescale = true;         // modality LUT: CT in HU
    bool invertMonochrome1 = true;    // store MONOCHROME1 as "higher = brighter"
    unsigned threads = 0;             // 0 = core::defaultThreadCount()
};

// Loads a scanned series into one image. Pixel type: int16/uint16/uint8 when the
// stored values (after an integer rescale) fit, float32 otherwise; RGB/YBR/palette as
// 3-component uint8 (or uint16) RGB. Decodes files in parallel; reports progress per
// file; a file that fails to decode becomes a warning and its slice is filled with
// the lowest value (throws core::FormatError if no file decodes).
core::Image loadDicomSeries(const DicomSeries& series, const DicomLoadOptions& options = {},
                            const core::Task& task = {}, core::Warnings* warnings = nullptr);

// Loads one DICOM file (a single image or a multi-frame volume).
core::Image loadDicomFile(const std::filesystem::path& file, const DicomLoadOptions& options = {},
                          const core::Task& task = {}, core::Warnings* warnings = nullptr);

// ---- Writing ---------------------------------------------------------------------

struct DicomWriteOptions {
    // "CT", "MR" (their IODs) or anything else -> Secondary Capture. Empty = the image's
    // metadata modality, or Secondary Capture when that is empty too.
    std::string modality;
    // Identity and descriptions; empty fields are taken from the image's metadata.
    core::PatientInfo patient;
    core::StudyInfo study;   // empty instanceUid and metadata's empty -> a fresh UID
    core::SeriesInfo series; // the series and SOP instance UIDs are always fresh
    // Transfer syntax UID; empty = Explicit VR Little Endian. DCMTK encoders:
    // JPEG lossless SV1 (1.2.840.10008.1.2.4.70), JPEG-LS lossless (…4.80), RLE (…1.2.5),
    // deflated (…1.2.1.99), big endian (…1.2.2).
    std::string transferSyntaxUid;
    std::string filePrefix = "IM";  // files are <prefix>-<0001>.dcm
};

// Writes `image` (grey int16/uint16/uint8/float32, or RGB uint8 as Secondary Capture)
// as a DICOM series of one file per slice into `folder`, which must not exist or be
// empty. Keeps the geometry exactly (position, orientation, spacing per slice).
// float32 and out-of-range values are stored with a rescale slope/intercept.
// Atomic: the folder appears complete or not at all. Returns the written files.
std::vector<std::filesystem::path> writeDicomSeries(const core::Image& image,
                                                    const std::filesystem::path& folder,
                                                    const DicomWriteOptions& options = {},
                                                    const core::Task& task = {});

// A fresh DICOM UID under Stratum's root (random UUID-derived "2.25.<n>").
std::string makeDicomUid();

}  // namespace stratum::io
