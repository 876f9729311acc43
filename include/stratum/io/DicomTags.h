#pragma once
// Every data element of a DICOM file as text, for a tag viewer ("dcmdump" in a table).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace stratum::io {

struct DicomTagEntry {
    std::uint16_t group = 0;
    std::uint16_t element = 0;
    std::string tag;    // "(0010,0010)"
    std::string vr;     // "PN"; "" for sequence items
    std::string name;   // dictionary keyword, e.g. "PatientName"; "Item" for sequence items
    std::string value;  // the value as text (multiple values joined by '\'); binary values as
                        // "(binary, N bytes)", sequences as "(sequence, N items)"; long
                        // text cut at 256 characters with "..."
    int depth = 0;      // nesting: 0 top level, 1 an item of a sequence, 2 its elements...
};

// The file meta information (group 0002) followed by the dataset, in file order,
// sequences expanded. Pixel data and other large values are not read.
// Throws core::IoError (missing, unreadable) or core::FormatError (not DICOM).
std::vector<DicomTagEntry> dumpDicomTags(const std::filesystem::path& file);

}  // namespace stratum::io
