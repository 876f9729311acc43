#pragma once
// Turning scanned DICOM instances into series: grouping by Series Instance UID,
// splitting incompatible files into sub-series, dropping duplicates, sorting frames
// along the slice normal and deriving the volume geometry (with gap, duplicate and
// spacing warnings).
#include <vector>

#include "stratum/io/Dicom.h"

namespace stratum::io::detail {

// Instances must all have pixel data. Returns the series in a deterministic order
// (by the first file's path within each Series Instance UID, UIDs in first-seen order
// after sorting the files by path).
std::vector<DicomSeries> buildSeries(std::vector<DicomInstance> instances);

// One series from instances known to belong together (same size, orientation and
// colour model); sorts, de-duplicates and computes the geometry.
DicomSeries assembleSeries(std::vector<DicomInstance> instances, int subSeries);

}  // namespace stratum::io::detail
