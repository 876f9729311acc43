#include "stratum/jobs/DrrJob.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "MeshInput.h"
#include "Paths.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/mesh/Drr.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

enum class DrrOutput { Scaled16, Float };

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

DrrOutput outputKind(const fs::path& out) {
    const std::string name = lower(out.filename().string());
    auto endsWith = [&](const std::string& ext) {
        return name.size() > ext.size() &&
               name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
    };
    if (endsWith(".png") || endsWith(".tif") || endsWith(".tiff")) return DrrOutput::Scaled16;
    if (endsWith(".nii") || endsWith(".nii.gz") || endsWith(".nrrd") || endsWith(".mha"))
        return DrrOutput::Float;
    throw core::InvalidArgument(
        out.string() +
        ": unsupported DRR output (expected .png, .tif, .nii, .nii.gz, .nrrd or .mha)");
}

// (+ 0.0 turns a negative zero into zero, for tidy files.)
json vec(const core::Vec3& v) {
    return json::array({v[0] + 0.0, v[1] + 0.0, v[2] + 0.0});
}

core::Vec3 vecFrom(const json& j, const char* key, const fs::path& file) {
    if (!j.contains(key) || !j[key].is_array() || j[key].size() != 3)
        throw core::FormatError(file.string(), std::string("missing or malformed '") + key + "'");
    return {j[key][0].get<double>(), j[key][1].get<double>(), j[key][2].get<double>()};
}

core::Image scaledTo16Bit(const core::Image& drr, double scale) {
    core::Image out(core::PixelType::UInt16, 1, drr.geometry());
    out.metadata() = drr.metadata();
    const float* src = drr.data<float>();
    std::uint16_t* dst = out.data<std::uint16_t>();
    for (std::size_t i = 0; i < drr.voxelCount(); ++i)
        dst[i] =
            static_cast<std::uint16_t>(std::clamp(std::lround(double(src[i]) * scale), 0L, 65535L));
    return out;
}

}  // namespace

void writeViewCalibration(const ViewCalibration& view, const fs::path& jsonPath,
                          double angleDegrees, const core::Vec3& isocenter) {
    const mesh::ProjectionGeometry& g = view.geometry;
    json j;
    j["stratum"] = "projection view";
    j["version"] = 1;
    j["image"] = view.image.filename().string();
    j["coordinates"] = "LPS";
    j["units"] = "mm";
    j["kind"] = mesh::projectionKindName(g.kind);
    if (g.kind == mesh::ProjectionKind::Cone)
        j["source"] = vec(g.source);
    else
        j["direction"] = vec(g.direction);
    j["detectorOrigin"] = vec(g.detectorOrigin);
    j["u"] = vec(g.u);
    j["v"] = vec(g.v);
    j["columnSpacing"] = g.columnSpacing;
    j["rowSpacing"] = g.rowSpacing;
    j["columns"] = g.columns;
    j["rows"] = g.rows;
    j["gantryAngleDegrees"] = angleDegrees;
    j["isocenter"] = vec(isocenter);
    j["pixelValue"] = "line integral of linear attenuation x scale";
    j["scale"] = view.scale;
    core::AtomicFile file(jsonPath);
    {
        std::ofstream out(file.tempPath());
        out << j.dump(2) << '\n';
        out.flush();
        if (!out) throw core::IoError(jsonPath.string(), "write failed");
    }
    file.commit();
}

ViewCalibration readViewCalibration(const fs::path& path) {
    fs::path jsonPath = path, image;
    if (lower(path.extension().string()) != ".json") {
        jsonPath = path.string() + ".json";
        image = path;
        if (!fs::exists(jsonPath))
            throw core::IoError(path.string(), "no calibration: expected " +
                                                   jsonPath.filename().string() +
                                                   " beside it (written by stratum drr)");
    }
    detail::requireExists(jsonPath);
    std::ifstream in(jsonPath);
    if (!in) throw core::IoError(jsonPath.string(), "cannot open the file");
    json j;
    try {
        j = json::parse(in);
    } catch (const json::exception& e) {
        throw core::FormatError(jsonPath.string(), std::string("not valid JSON: ") + e.what());
    }
    ViewCalibration view;
    try {
        mesh::ProjectionGeometry& g = view.geometry;
        const std::string kind = j.at("kind").get<std::string>();
        if (kind == "cone") {
            g.kind = mesh::ProjectionKind::Cone;
            g.source = vecFrom(j, "source", jsonPath);
        } else if (kind == "parallel") {
            g.kind = mesh::ProjectionKind::Parallel;
            g.direction = vecFrom(j, "direction", jsonPath);
        } else {
            throw core::FormatError(jsonPath.string(), "unknown projection kind '" + kind + "'");
        }
        g.detectorOrigin = vecFrom(j, "detectorOrigin", jsonPath);
        g.u = vecFrom(j, "u", jsonPath);
        g.v = vecFrom(j, "v", jsonPath);
        g.columnSpacing = j.at("columnSpacing").get<double>();
        g.rowSpacing = j.at("rowSpacing").get<double>();
        g.columns = j.at("columns").get<std::size_t>();
        g.rows = j.at("rows").get<std::size_t>();
        view.scale = j.value("scale", 1.0);
        if (image.empty()) image = jsonPath.parent_path() / j.at("image").get<std::string>();
    } catch (const json::exception& e) {
        throw core::FormatError(jsonPath.string(),
                                std::string("malformed calibration: ") + e.what());
    }
    try {
        view.geometry.validate();
    } catch (const core::InvalidArgument& e) {
        throw core::FormatError(jsonPath.string(), e.what());
    }
    view.image = image;
    return view;
}

DrrJobResult makeDrr(const fs::path& in, const fs::path& out, const DrrJobOptions& options,
                     const core::Task& task) {
    if (detail::samePath(in, out))
        throw core::InvalidArgument(out.string() + ": the output would overwrite the input");
    const DrrOutput kind = outputKind(out);
    const core::Image volume = detail::readMeshInput(in, 0.0, task.sub(0.0, 0.2)).image;
    DrrJobResult result;
    result.input = in;
    result.output = out;
    result.calibration = out.string() + ".json";

    mesh::DrrOptions drr;
    core::Image image;
    detail::namingPath(in, [&] {
        if (volume.geometry().is2D())
            throw core::InvalidArgument("a DRR needs a volume, this is a 2D image");
        drr.geometry =
            mesh::gantryProjection(options.angleDegrees, volume.geometry(), options.gantry);
        drr.input = options.attenuationInput ? mesh::AttenuationInput::Attenuation
                                             : mesh::AttenuationInput::Hounsfield;
        drr.muWaterPerMm = options.muWaterPerMm;
        image = mesh::computeDrr(volume, drr, task.sub(0.2, 0.9));
    });
    result.columns = drr.geometry.columns;
    result.rows = drr.geometry.rows;
    result.maxLineIntegral = image.minMax().second;
    result.scale = kind == DrrOutput::Scaled16 && result.maxLineIntegral > 0
                       ? 65535.0 / result.maxLineIntegral
                       : 1.0;

    // The image first, then its calibration, each written atomically: a failed image write
    // leaves neither.
    const core::Geometry& g = volume.geometry();
    const core::Vec3 isocenter =
        g.indexToPatient({(g.size[0] - 1) / 2.0, (g.size[1] - 1) / 2.0, (g.size[2] - 1) / 2.0});
    ViewCalibration view{drr.geometry, out, result.scale};
    const core::Task writeTask = task.sub(0.9, 1.0);
    detail::namingPath(out, [&] {
        io::writeImage(kind == DrrOutput::Scaled16 ? scaledTo16Bit(image, result.scale) : image,
                       out, writeTask);
    });
    writeViewCalibration(view, result.calibration, options.angleDegrees, isocenter);
    writeTask.progress(1.0);
    return result;
}

}  // namespace stratum::jobs
