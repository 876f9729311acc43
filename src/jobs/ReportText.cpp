// toText: the human-readable form of a StudyReport.
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>

#include "stratum/jobs/StudyReport.h"

namespace stratum::jobs {
namespace {

constexpr std::size_t kLabelWidth = 17;

// 6 significant digits; values that are zero up to rounding noise print as 0.
std::string num(double v) {
    if (std::abs(v) < 1e-9) v = 0.0;
    std::ostringstream out;
    out.precision(6);
    out << v;
    return out.str();
}

std::string joined(const core::Vec3& v, std::string_view separator) {
    return num(v[0]) + std::string(separator) + num(v[1]) + std::string(separator) + num(v[2]);
}

std::string sizeText(const core::Size3& s) {
    return std::to_string(s[0]) + " x " + std::to_string(s[1]) + " x " + std::to_string(s[2]);
}

// "20140310" -> "2014-03-10"; anything else unchanged.
std::string dateText(const std::string& da) {
    if (da.size() != 8 || da.find_first_not_of("0123456789") != std::string::npos) return da;
    return da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2);
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// A warning with its path shortened to the part below the report's folder.
std::string warningText(const core::Warning& w, const std::string& root) {
    std::string folder = root;
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
    if (!folder.empty() && w.path.size() > folder.size() + 1 && w.path.compare(0, folder.size(), folder) == 0 &&
        w.path[folder.size()] == '/')
        return core::Warning{w.path.substr(folder.size() + 1), w.message}.text();
    return w.text();
}

class Writer {
public:
    // "<indent><label padded>value"; empty values are left out.
    void field(int indent, std::string_view label, const std::string& value) {
        if (value.empty()) return;
        out_ << std::string(static_cast<std::size_t>(indent), ' ') << label;
        if (label.size() < kLabelWidth) out_ << std::string(kLabelWidth - label.size(), ' ');
        else out_ << ' ';
        out_ << value << '\n';
    }
    void line(int indent, const std::string& text) {
        out_ << std::string(static_cast<std::size_t>(indent), ' ') << text << '\n';
    }
    void grid(int indent, const GridSummary& g, bool patientGeometry = true) {
        field(indent, "Size", sizeText(g.size) + " voxels");
        field(indent, "Spacing", joined(g.spacing, " x ") + " mm");
        if (!patientGeometry) {
            field(indent, "Geometry", "none in the files (no image position/orientation)");
            return;
        }
        field(indent, "Origin", "(" + joined(g.origin, ", ") + ") mm");
        field(indent, "Orientation", g.orientation + " (" + g.plane + ")");
        field(indent, "Direction", "i (" + joined(g.direction.column(0), ", ") + ")  j (" +
                                       joined(g.direction.column(1), ", ") + ")  k (" +
                                       joined(g.direction.column(2), ", ") + ")");
    }
    void warnings(int indent, const core::Warnings& warnings, const std::string& root) {
        for (const core::Warning& w : warnings) field(indent, "Warning", warningText(w, root));
    }
    std::string str() const { return out_.str(); }

private:
    std::ostringstream out_;
};

std::string pixelText(const std::string& pixelType, unsigned components, unsigned bitsStored,
                      const std::string& photometric) {
    std::string text = pixelType.empty() ? "unknown type" : pixelType;
    text += ", " + plural(components, "component", "components");
    if (bitsStored > 0) text += ", " + std::to_string(bitsStored) + " bits stored";
    if (!photometric.empty()) text += ", " + photometric;
    return text;
}

void writeSeries(Writer& w, const SeriesSummary& s, const std::string& root) {
    std::string title = "Series " + (s.number.empty() ? std::string("?") : s.number);
    if (s.subSeries > 0) title += "." + std::to_string(s.subSeries);
    if (!s.modality.empty()) title += "  " + s.modality;
    if (!s.description.empty()) title += "  " + s.description;
    w.line(4, title);
    w.field(6, "UID", s.uid);
    w.field(6, "Body part", s.bodyPart);
    w.field(6, "Files", std::to_string(s.files) + " (" + plural(s.frames, "frame", "frames") +
                            (s.sortedByPosition ? ", sorted by position)" : ")"));
    w.grid(6, s.grid, s.hasPatientGeometry);
    w.field(6, "Pixels", pixelText(s.pixelType, s.components, s.bitsStored, s.photometric));
    for (std::size_t i = 0; i < s.transferSyntaxes.size(); ++i) {
        const TransferSyntax& ts = s.transferSyntaxes[i];
        const std::string value = ts.name == ts.uid ? ts.uid : ts.name + " (" + ts.uid + ")";
        w.field(6, i == 0 ? "Transfer syntax" : "", value);
    }
    w.warnings(6, s.warnings, root);
}

void writePatients(Writer& w, const StudyReport& report) {
    for (const PatientSummary& p : report.patients) {
        if (&p != &report.patients.front()) w.line(0, "");
        w.line(0, "Patient " + (p.name.empty() ? std::string("(no name)") : p.name) +
                      (p.id.empty() ? "" : "  ID " + p.id));
        w.field(2, "Birth date", dateText(p.birthDate));
        w.field(2, "Sex", p.sex);
        for (const StudySummary& st : p.studies) {
            std::string title = "Study " + (st.date.empty() ? std::string("(no date)") : dateText(st.date));
            if (!st.description.empty()) title += "  " + st.description;
            w.line(2, title);
            w.field(4, "UID", st.uid);
            w.field(4, "ID", st.id);
            w.field(4, "Accession", st.accessionNumber);
            for (const SeriesSummary& s : st.series) writeSeries(w, s, report.path);
        }
    }
}

void writeImage(Writer& w, const ImageSummary& image) {
    w.line(0, "Image");
    w.field(2, "Format", image.format);
    w.field(2, "Modality", image.modality);
    w.grid(2, image.grid);
    w.field(2, "Pixels", pixelText(image.pixelType, image.components, 0, {}));
    w.field(2, "Value range", num(image.minValue) + " .. " + num(image.maxValue));
}

std::string headline(const StudyReport& report) {
    std::string text = report.path + ": " + report.format;
    if (!report.images.empty()) return text;
    std::size_t studies = 0;
    for (const PatientSummary& p : report.patients) studies += p.studies.size();
    return text + ", " + plural(report.filesScanned, "file", "files") + " (" +
           std::to_string(report.dicomFiles) + " DICOM), " +
           plural(report.patients.size(), "patient", "patients") + ", " +
           plural(studies, "study", "studies") + ", " + plural(report.seriesCount(), "series", "series");
}

}  // namespace

std::string toText(const StudyReport& report) {
    Writer w;
    w.line(0, headline(report));
    if (report.empty()) w.line(0, "No images found.");
    else w.line(0, "");
    writePatients(w, report);
    for (const ImageSummary& image : report.images) writeImage(w, image);
    if (!report.warnings.empty()) {
        w.line(0, "");
        w.line(0, "Warnings (" + std::to_string(report.warnings.size()) + ")");
        for (const core::Warning& warning : report.warnings) w.line(2, warningText(warning, report.path));
    }
    return w.str();
}

}  // namespace stratum::jobs
