#include "stratum/mesh/LabelTable.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "stratum/core/Error.h"

namespace stratum::mesh {
namespace {

std::vector<std::string> splitTabs(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, '\t')) fields.push_back(field);
    return fields;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && s[start] == ' ') ++start;
    return s.substr(start);
}

bool parseInt(const std::string& text, int& value) {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end;
}

}  // namespace

LabelTable LabelTable::readTsv(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw core::IoError(path.string(), "cannot open the label table");
    LabelTable table;
    std::string line;
    int lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> fields = splitTabs(line);
        for (std::string& f : fields) f = trim(f);
        int label = 0;
        if (!parseInt(fields[0], label)) {
            if (lineNumber == 1) continue;  // header
            throw core::FormatError(path.string(), "line " + std::to_string(lineNumber) + ": '" +
                                                       fields[0] + "' is not a label value");
        }
        if (fields.size() < 2 || fields[1].empty())
            throw core::FormatError(path.string(), "line " + std::to_string(lineNumber) +
                                                       ": no name for label " +
                                                       std::to_string(label));
        table.set(label, fields[1]);
        int rgb[3];
        if (fields.size() >= 5 && parseInt(fields[2], rgb[0]) && parseInt(fields[3], rgb[1]) &&
            parseInt(fields[4], rgb[2]))
            table.setColor(label, {rgb[0] / 255.0f, rgb[1] / 255.0f, rgb[2] / 255.0f});
    }
    if (in.bad()) throw core::IoError(path.string(), "read error");
    if (table.size() == 0) throw core::FormatError(path.string(), "no labels in the table");
    return table;
}

void LabelTable::set(int label, std::string name) {
    names_[label] = std::move(name);
}
void LabelTable::setColor(int label, const Color& color) {
    colors_[label] = color;
}

std::string LabelTable::name(int label) const {
    const auto it = names_.find(label);
    return it != names_.end() ? it->second : "label_" + std::to_string(label);
}

Color LabelTable::color(int label) const {
    const auto it = colors_.find(label);
    return it != colors_.end() ? it->second : paletteColor(label);
}

Color paletteColor(int label) {
    // Hue steps of the golden angle give neighbouring labels well separated hues.
    const double hue = std::fmod(0.08 + label * 0.618033988749895, 1.0) * 6.0;
    const double s = 0.55, v = 0.9;
    const int sector = static_cast<int>(hue) % 6;
    const double f = hue - std::floor(hue);
    const double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double r = v, g = t, b = p;
    switch (sector) {
        case 0:
            r = v;
            g = t;
            b = p;
            break;
        case 1:
            r = q;
            g = v;
            b = p;
            break;
        case 2:
            r = p;
            g = v;
            b = t;
            break;
        case 3:
            r = p;
            g = q;
            b = v;
            break;
        case 4:
            r = t;
            g = p;
            b = v;
            break;
        default:
            r = v;
            g = p;
            b = q;
            break;
    }
    return {static_cast<float>(r), static_cast<float>(g), static_cast<float>(b)};
}

}  // namespace stratum::mesh
