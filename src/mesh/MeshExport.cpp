#include "stratum/mesh/MeshExport.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "MeshFormats.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"

namespace stratum::mesh {
namespace {

namespace fs = std::filesystem;

std::string lowerExtension(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return ext;
}

}  // namespace

namespace detail {

std::string coordinateNote(const std::string& system) {
    return "coordinates=" + system + " units=mm (" +
           (system == "RAS"
                ? std::string("+x right, +y anterior, +z superior")
                : std::string("DICOM patient LPS: +x left, +y posterior, +z superior")) +
           ")";
}

std::string findCoordinateNote(const std::string& text) {
    const auto at = text.find("coordinates=");
    if (at == std::string::npos || at + 15 > text.size()) return {};
    const std::string system = text.substr(at + 12, 3);
    return system == "LPS" || system == "RAS" ? system : std::string();
}

}  // namespace detail

const char* coordinateSystemName(CoordinateSystem c) {
    return c == CoordinateSystem::Ras ? "RAS" : "LPS";
}

const char* meshFormatName(MeshFormat f) {
    switch (f) {
        case MeshFormat::Stl:
            return "STL";
        case MeshFormat::Obj:
            return "OBJ";
        case MeshFormat::Ply:
            return "PLY";
        case MeshFormat::Vtp:
            return "VTP";
        case MeshFormat::Gltf:
            return "glTF";
        case MeshFormat::Glb:
            return "GLB";
    }
    return "?";
}

const char* meshFormatExtension(MeshFormat f) {
    switch (f) {
        case MeshFormat::Stl:
            return ".stl";
        case MeshFormat::Obj:
            return ".obj";
        case MeshFormat::Ply:
            return ".ply";
        case MeshFormat::Vtp:
            return ".vtp";
        case MeshFormat::Gltf:
            return ".gltf";
        case MeshFormat::Glb:
            return ".glb";
    }
    return "";
}

MeshFormat meshFormatFromPath(const fs::path& path) {
    const std::string ext = lowerExtension(path);
    if (ext == ".stl") return MeshFormat::Stl;
    if (ext == ".obj") return MeshFormat::Obj;
    if (ext == ".ply") return MeshFormat::Ply;
    if (ext == ".vtp") return MeshFormat::Vtp;
    if (ext == ".gltf") return MeshFormat::Gltf;
    if (ext == ".glb") return MeshFormat::Glb;
    throw core::InvalidArgument(path.string() + ": unknown mesh format '" + ext +
                                "' (expected .stl, .obj, .ply, .vtp, .gltf or .glb)");
}

void convertLpsRas(SurfaceMesh& mesh) {
    for (Point3f& p : mesh.vertices) p = {-p[0], -p[1], p[2]};
    for (Point3f& n : mesh.normals) n = {-n[0], -n[1], n[2]};
}

std::vector<fs::path> writeMeshes(std::span<const SurfaceMesh> meshes, const fs::path& path,
                                  const MeshWriteOptions& options, const core::Task& task) {
    const MeshFormat format = meshFormatFromPath(path);
    if (meshes.empty()) throw core::InvalidArgument(path.string() + ": no surfaces to write");
    for (const SurfaceMesh& m : meshes) m.validate();
    task.checkCancel();

    std::vector<SurfaceMesh> converted;
    std::span<const SurfaceMesh> out = meshes;
    if (options.coordinates == CoordinateSystem::Ras) {
        converted.assign(meshes.begin(), meshes.end());
        for (SurfaceMesh& m : converted) convertLpsRas(m);
        out = converted;
    }
    const std::string system = coordinateSystemName(options.coordinates);
    task.progress(0.1, "writing " + path.filename().string());

    core::AtomicFile file(path);
    std::vector<fs::path> written{path};
    switch (format) {
        case MeshFormat::Stl:
            detail::writeStl(out, file.tempPath(), system, options.asciiStl);
            break;
        case MeshFormat::Ply:
            detail::writePly(out, file.tempPath(), system);
            break;
        case MeshFormat::Vtp:
            detail::writeVtp(out, file.tempPath(), system);
            break;
        case MeshFormat::Gltf:
            detail::writeGltf(out, file.tempPath(), system, false);
            break;
        case MeshFormat::Glb:
            detail::writeGltf(out, file.tempPath(), system, true);
            break;
        case MeshFormat::Obj: {
            fs::path mtlPath = path;
            mtlPath.replace_extension(".mtl");
            core::AtomicFile mtl(mtlPath);
            detail::writeObj(out, file.tempPath(), mtl.tempPath(), mtlPath.filename().string(),
                             system);
            task.checkCancel();
            mtl.commit();
            written.push_back(mtlPath);
            break;
        }
    }
    task.checkCancel();
    file.commit();
    task.progress(1.0);
    return written;
}

MeshFileContent readMeshes(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw core::IoError(path.string(), "no such file");
    if (fs::is_directory(path, ec))
        throw core::IoError(path.string(), "is a folder, expected a mesh file");
    MeshFormat format;
    try {
        format = meshFormatFromPath(path);
    } catch (const core::InvalidArgument&) {
        throw core::UnsupportedError(
            path.string(), "unknown mesh format (expected .stl, .obj, .ply, .vtp, .gltf or .glb)");
    }
    MeshFileContent content;
    switch (format) {
        case MeshFormat::Stl:
            content = detail::readStl(path);
            break;
        case MeshFormat::Obj:
            content = detail::readObj(path);
            break;
        case MeshFormat::Ply:
            content = detail::readPly(path);
            break;
        case MeshFormat::Vtp:
            content = detail::readVtp(path);
            break;
        case MeshFormat::Gltf:
        case MeshFormat::Glb:
            content = detail::readGltf(path);
            break;
    }
    if (content.recordedCoordinates == "RAS")
        for (SurfaceMesh& m : content.meshes) convertLpsRas(m);
    return content;
}

}  // namespace stratum::mesh
