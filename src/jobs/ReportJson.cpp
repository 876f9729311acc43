// toJson: the machine-readable form of a StudyReport (schema: docs/cli.md).
#include <nlohmann/json.hpp>

#include "stratum/jobs/StudyReport.h"

namespace stratum::jobs {
namespace {

// ordered: keys keep the order written here, which reads better than alphabetical.
using json = nlohmann::ordered_json;

json vec3(const core::Vec3& v) { return json::array({v[0], v[1], v[2]}); }
json size3(const core::Size3& s) { return json::array({s[0], s[1], s[2]}); }

json warningsJson(const core::Warnings& warnings) {
    json list = json::array();
    for (const core::Warning& w : warnings) list.push_back({{"path", w.path}, {"message", w.message}});
    return list;
}

// The grid's fields, merged into `object`.
void addGrid(json& object, const GridSummary& g) {
    object["size"] = size3(g.size);
    object["spacing"] = vec3(g.spacing);
    object["origin"] = vec3(g.origin);
    object["direction"] = json::array({vec3(g.direction.column(0)), vec3(g.direction.column(1)),
                                       vec3(g.direction.column(2))});
    object["orientation"] = g.orientation;
    object["plane"] = g.plane;
}

json seriesJson(const SeriesSummary& s) {
    json j = {{"uid", s.uid},
              {"subSeries", s.subSeries},
              {"number", s.number},
              {"modality", s.modality},
              {"description", s.description},
              {"bodyPart", s.bodyPart},
              {"files", s.files},
              {"frames", s.frames}};
    addGrid(j, s.grid);
    j["hasPatientGeometry"] = s.hasPatientGeometry;
    j["sortedByPosition"] = s.sortedByPosition;
    j["pixelType"] = s.pixelType;
    j["components"] = s.components;
    j["bitsStored"] = s.bitsStored;
    j["photometric"] = s.photometric;
    json syntaxes = json::array();
    for (const TransferSyntax& ts : s.transferSyntaxes)
        syntaxes.push_back({{"uid", ts.uid}, {"name", ts.name}});
    j["transferSyntaxes"] = std::move(syntaxes);
    j["warnings"] = warningsJson(s.warnings);
    return j;
}

json studyJson(const StudySummary& st) {
    json series = json::array();
    for (const SeriesSummary& s : st.series) series.push_back(seriesJson(s));
    return {{"uid", st.uid},
            {"id", st.id},
            {"date", st.date},
            {"time", st.time},
            {"description", st.description},
            {"accessionNumber", st.accessionNumber},
            {"series", std::move(series)}};
}

json patientJson(const PatientSummary& p) {
    json studies = json::array();
    for (const StudySummary& st : p.studies) studies.push_back(studyJson(st));
    return {{"name", p.name},
            {"id", p.id},
            {"birthDate", p.birthDate},
            {"sex", p.sex},
            {"studies", std::move(studies)}};
}

json imageJson(const ImageSummary& image) {
    json j = {{"path", image.path}, {"format", image.format}, {"modality", image.modality}};
    addGrid(j, image.grid);
    j["components"] = image.components;
    j["pixelType"] = image.pixelType;
    j["min"] = image.minValue;
    j["max"] = image.maxValue;
    return j;
}

// nlohmann puts every array element on its own line; a vector reads better as
// [0.5, 0.5, 2.0]. Collapses arrays holding only numbers, booleans or null (no
// strings, objects or arrays) onto one line, leaving string contents untouched.
std::string compactScalarArrays(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) out += text[++i];
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        if (c != '[') {
            out += c;
            continue;
        }
        const std::size_t close = text.find_first_of("[]{}\"", i + 1);
        if (close == std::string::npos || text[close] != ']') {
            out += c;
            continue;
        }
        std::string items;
        for (std::size_t k = i + 1; k < close; ++k) {
            const char e = text[k];
            if (e == ',') items += ", ";
            else if (e != ' ' && e != '\n') items += e;
        }
        out += '[' + items + ']';
        i = close;
    }
    return out;
}

}  // namespace

std::string toJson(const StudyReport& report) {
    json patients = json::array();
    for (const PatientSummary& p : report.patients) patients.push_back(patientJson(p));
    json images = json::array();
    for (const ImageSummary& image : report.images) images.push_back(imageJson(image));
    const json root = {{"schemaVersion", kStudyReportSchemaVersion},
                       {"path", report.path},
                       {"format", report.format},
                       {"filesScanned", report.filesScanned},
                       {"dicomFiles", report.dicomFiles},
                       {"patients", std::move(patients)},
                       {"images", std::move(images)},
                       {"warnings", warningsJson(report.warnings)}};
    // DICOM strings are not always valid UTF-8 (other character sets): replace, never throw.
    return compactScalarArrays(root.dump(2, ' ', false, json::error_handler_t::replace)) + "\n";
}

}  // namespace stratum::jobs
