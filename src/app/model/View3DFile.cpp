#include "stratum/app/model/View3DFile.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"

namespace stratum::app {

using nlohmann::json;

namespace {

json rgbJson(const Rgb& c) {
    return json::array({c.r, c.g, c.b});
}

Rgb rgbFrom(const json& j) {
    if (!j.is_array() || j.size() != 3)
        throw core::InvalidArgument("a colour is three numbers 0-255");
    Rgb c;
    const auto channel = [](const json& v) {
        const int x = v.get<int>();
        if (x < 0 || x > 255) throw core::InvalidArgument("colour channel outside 0-255");
        return static_cast<std::uint8_t>(x);
    };
    c.r = channel(j[0]);
    c.g = channel(j[1]);
    c.b = channel(j[2]);
    return c;
}

core::Vec3 vec3From(const json& j) {
    if (!j.is_array() || j.size() != 3) throw core::InvalidArgument("a point is three numbers");
    return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}

json annotationJson(const Annotation& a) {
    json j = {{"id", a.id},
              {"kind", annotationKindName(a.kind)},
              {"name", a.name},
              {"color", rgbJson(a.color)},
              {"visible", a.visible}};
    if (a.hasPoint()) j["point"] = json::array({a.point[0], a.point[1], a.point[2]});
    if (a.kind == AnnotationKind::Note) j["text"] = a.text;
    if (!a.landmarks.empty()) j["landmarks"] = a.landmarks;
    return j;
}

Annotation annotationFrom(const json& j) {
    Annotation a;
    a.id = j.at("id").get<int>();
    if (a.id <= 0) throw core::InvalidArgument("annotation id must be positive");
    a.kind = annotationKindFromName(j.at("kind").get<std::string>());
    a.name = j.at("name").get<std::string>();
    if (j.contains("color")) a.color = rgbFrom(j.at("color"));
    a.visible = j.value("visible", true);
    if (a.hasPoint()) a.point = vec3From(j.at("point"));
    if (a.kind == AnnotationKind::Note) a.text = j.value("text", std::string());
    if (j.contains("landmarks")) a.landmarks = j.at("landmarks").get<std::vector<int>>();
    return a;
}

}  // namespace

std::string toJson(const View3DFile& f) {
    json j;
    j["format"] = "stratum-view3d";
    j["version"] = View3DFile::kFormatVersion;
    j["studyKey"] = f.studyKey;
    j["patientId"] = f.patientId;
    j["coordinates"] = f.coordinates;
    j["units"] = "mm";
    json annotations = json::array();
    for (const Annotation& a : f.annotations.all()) annotations.push_back(annotationJson(a));
    j["annotations"] = std::move(annotations);
    json models = json::array();
    for (const ModelDisplay& m : f.models)
        models.push_back({{"name", m.name},
                          {"label", m.label},
                          {"source", m.source},
                          {"color", rgbJson(m.color)},
                          {"opacity", m.opacity},
                          {"visible", m.visible}});
    j["models"] = std::move(models);
    if (f.transfer) {
        json points = json::array();
        for (const TransferPoint& p : f.transfer->points())
            points.push_back({p.value, p.r, p.g, p.b, p.opacity});
        j["volume"] = {{"preset", f.volumePreset}, {"transferFunction", std::move(points)}};
    }
    return j.dump(2);
}

View3DFile view3DFileFromJson(const std::string& text, const std::string& origin) {
    try {
        const json j = json::parse(text);
        if (j.value("format", std::string()) != "stratum-view3d")
            throw core::InvalidArgument(
                "not a Stratum 3D view file (no \"format\": \"stratum-view3d\")");
        const int version = j.at("version").get<int>();
        if (version > View3DFile::kFormatVersion)
            throw core::InvalidArgument("format version " + std::to_string(version) +
                                        " is newer than this program's (" +
                                        std::to_string(View3DFile::kFormatVersion) + ")");
        View3DFile f;
        f.studyKey = j.value("studyKey", std::string());
        f.patientId = j.value("patientId", std::string());
        f.coordinates = j.value("coordinates", std::string("LPS"));
        if (f.coordinates != "LPS")
            throw core::InvalidArgument("coordinates '" + f.coordinates +
                                        "' (only LPS is written)");
        // Landmarks first: distances and angles refer to them.
        const json& annotations = j.at("annotations");
        for (int pass = 0; pass < 2; ++pass)
            for (const json& item : annotations) {
                Annotation a = annotationFrom(item);
                if (a.hasPoint() == (pass == 0)) f.annotations.add(std::move(a));
            }
        if (j.contains("models"))
            for (const json& m : j.at("models")) {
                ModelDisplay d;
                d.name = m.at("name").get<std::string>();
                d.label = m.value("label", 0);
                d.source = m.value("source", std::string());
                if (m.contains("color")) d.color = rgbFrom(m.at("color"));
                d.opacity = m.value("opacity", 1.0);
                if (!(d.opacity >= 0.0 && d.opacity <= 1.0))
                    throw core::InvalidArgument("model '" + d.name + "': opacity outside [0, 1]");
                d.visible = m.value("visible", true);
                f.models.push_back(std::move(d));
            }
        if (j.contains("volume")) {
            const json& v = j.at("volume");
            f.volumePreset = v.value("preset", std::string());
            std::vector<TransferPoint> points;
            for (const json& p : v.at("transferFunction")) {
                if (!p.is_array() || p.size() != 5)
                    throw core::InvalidArgument(
                        "a transfer function point is [value, r, g, b, opacity]");
                points.push_back({p[0].get<double>(), p[1].get<double>(), p[2].get<double>(),
                                  p[3].get<double>(), p[4].get<double>()});
            }
            f.transfer = TransferFunction(std::move(points));
        }
        return f;
    } catch (const json::exception& e) {
        throw core::FormatError(origin, std::string("invalid 3D view JSON: ") + e.what());
    } catch (const core::InvalidArgument& e) {
        throw core::FormatError(origin, e.what());
    }
}

void writeView3DFile(const View3DFile& f, const std::filesystem::path& path) {
    const std::string text = toJson(f);
    core::AtomicFile out(path);
    {
        std::ofstream s(out.tempPath(), std::ios::binary);
        s << text << '\n';
        s.flush();
        if (!s) throw core::IoError(path.string(), "cannot write the 3D view file");
    }
    out.commit();
}

View3DFile readView3DFile(const std::filesystem::path& path) {
    std::ifstream s(path, std::ios::binary);
    if (!s) throw core::IoError(path.string(), "cannot open the 3D view file");
    std::ostringstream text;
    text << s.rdbuf();
    if (s.bad()) throw core::IoError(path.string(), "cannot read the 3D view file");
    return view3DFileFromJson(text.str(), path.string());
}

}  // namespace stratum::app
