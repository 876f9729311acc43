#pragma once
// Internal to the DICOM writer: what goes into each file of a written series.
#include <cstddef>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Metadata.h"
#include "stratum/io/Dicom.h"

class DcmItem;

namespace stratum::io::detail {

enum class DicomIod { Ct, Mr, SecondaryCapture };

// How voxel values become stored pixel values: stored = (value - intercept) / slope
// (identity unless float32 data or a recorded, not applied, rescale).
struct PixelEncoding {
    unsigned bitsAllocated = 16;  // 8 or 16; bits stored = bits allocated
    bool isSigned = false;
    bool writeRescale = false;  // Rescale Slope/Intercept attributes present
    bool quantise = false;      // float32 values rounded through slope/intercept
    double slope = 1.0;         // the values as written (parsed back from their DS text)
    double intercept = 0.0;
    std::string slopeText = "1";
    std::string interceptText = "0";
    std::string rescaleType;  // "HU", "US", ...; empty = not written
};

// Everything the files of one series share, decided once before writing.
struct SeriesPlan {
    DicomIod iod = DicomIod::SecondaryCapture;
    std::string sopClassUid;
    std::string modality;
    PixelEncoding encoding;
    core::PatientInfo patient;
    core::StudyInfo study;
    core::SeriesInfo series;  // with fresh series UID, frame of reference
    std::vector<core::WindowPreset> windows;
    std::string contentDate;  // YYYYMMDD, now
    std::string contentTime;  // HHMMSS, now
};

// Decides the IOD, pixel encoding, identity and UIDs. Throws core::InvalidArgument
// for images DICOM cannot hold (RGB as CT/MR, more than 65535 rows, ...).
SeriesPlan planSeries(const core::Image& image, const DicomWriteOptions& options);

// Fills `item` with the complete dataset of slice k (all modules and its pixels).
void fillSliceDataset(DcmItem& item, const core::Image& image, const SeriesPlan& plan, std::size_t k,
                      const std::string& sopInstanceUid);

// A decimal string (DICOM DS, at most 16 characters) as close to v as DS allows.
std::string formatDecimalString(double v);

}  // namespace stratum::io::detail
