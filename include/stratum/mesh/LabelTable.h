#pragma once
// Names and colours of label values (e.g. TotalSegmentator's labels_ct.tsv).
#include <filesystem>
#include <map>
#include <string>

#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::mesh {

class LabelTable {
public:
    LabelTable() = default;

    // Reads a tab-separated table whose first column is the label value and second its
    // name; a header line (first field not a number) is skipped, as are empty lines.
    // Optional third to fifth columns holding three numbers 0-255 give the colour.
    // Throws core::IoError (unreadable) or core::FormatError naming the file and line.
    static LabelTable readTsv(const std::filesystem::path& path);

    void set(int label, std::string name);
    void setColor(int label, const Color& color);
    bool contains(int label) const { return names_.count(label) > 0; }
    std::size_t size() const noexcept { return names_.size(); }

    // The table's name, or "label_<N>" when the label is not in the table.
    std::string name(int label) const;
    // The table's colour, or a distinct colour from a fixed palette.
    Color color(int label) const;

private:
    std::map<int, std::string> names_;
    std::map<int, Color> colors_;
};

// A distinct, stable colour for a label value (golden-angle hues).
Color paletteColor(int label);

}  // namespace stratum::mesh
