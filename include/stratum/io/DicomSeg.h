#pragma once
// DICOM Segmentation objects (SEG, SOP class 1.2.840.10008.5.1.4.1.1.66.4): writing a
// label map on the grid of a source DICOM series as a BINARY segmentation, and reading
// a SEG back into a label map. DCMTK (dcmseg/dcmdata) inside.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"
#include "stratum/io/Dicom.h"

namespace stratum::io {

// A coded concept (Code Value, Coding Scheme Designator, Code Meaning).
struct CodedConcept {
    std::string value;
    std::string scheme;
    std::string meaning;
    bool operator==(const CodedConcept&) const = default;
};

// SNOMED CT "Tissue" (85756007), the default segmented property category and type.
CodedConcept tissueConcept();

enum class SegmentAlgorithmType { Automatic, SemiAutomatic, Manual };

// One segment: a label value of the label map and how it is described in the SEG.
struct SegmentInfo {
    unsigned labelValue = 1;                        // value in the label map, 1..65535
    std::string name;                               // Segment Label (at most 64 characters)
    std::array<std::uint8_t, 3> colour{255, 0, 0};  // sRGB; stored as Recommended Display CIELab
    std::string description;                        // Segment Description, optional
    SegmentAlgorithmType algorithmType = SegmentAlgorithmType::Automatic;
    std::string algorithmName;  // required unless Manual (e.g. the model name)
    CodedConcept category = tissueConcept();
    CodedConcept type = tissueConcept();
};

struct DicomSegWriteOptions {
    // Series Description; empty = "Segmentation (<algorithm name>)" or "Segmentation".
    std::string seriesDescription;
    std::string seriesNumber = "300";
    std::string contentLabel = "SEGMENTATION";  // CS: upper case, digits, '_' and space
    std::string contentDescription;             // empty = series description (+ algorithm version)
    std::string contentCreator = "Stratum";     // PN
    std::string algorithmVersion;               // added to the content description
    // Frames that contain no voxel of their segment are left out (smaller files, as
    // dcmqi does by default); a reader then sees only the slices that hold a segment.
    bool skipEmptyFrames = false;
    // Allow writing into a folder holding files of the source series.
    bool allowInsideSourceFolder = false;
};

struct DicomSegWriteResult {
    std::filesystem::path file;
    // Segment number n (1-based) holds label value segmentLabels[n-1]. A reader maps
    // segment n to label value n, so label values 1..N come back unchanged; other
    // sets of values come back renumbered 1..N in ascending order.
    std::vector<unsigned> segmentLabels;
    std::size_t frames = 0;
};

// Writes `labels` (uint8/uint16, or int16 without negative values; one component) as a
// BINARY segmentation with one segment per non-zero label value present, described by
// `segments` (every present value must have one; entries for absent values are
// ignored). The label map must lie on the grid of `source` (size, spacing, origin,
// direction within 1e-3 mm); every frame references the source image at its slice
// position (Derivation Image and Source Image sequences), and the Common Instance
// Reference module lists them all. Patient, study and frame of reference are copied
// from the first source file. Atomic (temporary file + rename).
// Throws core::InvalidArgument for bad labels/segments, a geometry mismatch or an
// output inside the source folder, core::IoError/FormatError naming the file for
// unreadable source files or a failed write.
DicomSegWriteResult writeDicomSeg(const core::Image& labels,
                                  const std::vector<SegmentInfo>& segments,
                                  const DicomSeries& source, const std::filesystem::path& out,
                                  const DicomSegWriteOptions& options = {},
                                  const core::Task& task = {});

// The same with the source given as a DICOM file or folder: it is scanned and the
// series whose geometry the label map has is used. Throws core::FormatError naming
// `source` when it is not DICOM or holds no DICOM image, core::InvalidArgument when no
// series there has the label map's geometry.
DicomSegWriteResult writeDicomSeg(const core::Image& labels,
                                  const std::vector<SegmentInfo>& segments,
                                  const std::filesystem::path& source,
                                  const std::filesystem::path& out,
                                  const DicomSegWriteOptions& options = {},
                                  const core::Task& task = {});

struct DicomSegReadResult {
    // uint8 when every segment number is at most 255, uint16 otherwise. Segment n -> value n.
    // Geometry: the frames' grid (Pixel Measures, Plane Orientation, Plane Positions),
    // from the lowest to the highest frame position along the slice normal. Metadata:
    // patient, study, series (modality SEG) from the file.
    core::Image labels;
    std::vector<SegmentInfo> segments;  // labelValue = segment number
    // Per slice k of `labels`: the SOP Instance UID its frames derive from ("" = none).
    std::vector<std::string> referencedSopInstanceUids;
    std::string sourceSeriesInstanceUid;  // from the Referenced Series Sequence, may be empty
    std::size_t frames = 0;
    // Voxels set in more than one segment (the label map keeps the highest segment number).
    std::size_t overlappingVoxels = 0;
    core::Warnings warnings;
};

// Reads a BINARY DICOM SEG (any frame order, empty frames left out or not).
// Throws core::IoError (unreadable), core::FormatError (not a SEG, inconsistent frames
// or pixel data), core::UnsupportedError (FRACTIONAL segmentations), naming the file.
DicomSegReadResult readDicomSeg(const std::filesystem::path& file, const core::Task& task = {});

}  // namespace stratum::io
