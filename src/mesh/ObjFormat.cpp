// Wavefront OBJ with a material library: one group and one material per surface, written
// and read by our own code (the group structure carries the labels).
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "MeshFormats.h"
#include "stratum/core/Error.h"

namespace stratum::mesh::detail {
namespace {

std::string groupName(const SurfaceMesh& m, std::size_t index) {
    std::string name = m.name.empty() ? "mesh_" + std::to_string(index) : m.name;
    for (char& c : name)
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#') c = '_';
    return name;
}

// Appends "x y z" with enough digits to round-trip a float.
void appendFloats(std::string& line, const float* v, int n) {
    char buffer[32];
    for (int k = 0; k < n; ++k) {
        const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v[k]);
        (void)ec;
        line += ' ';
        line.append(buffer, end);
    }
}

struct ObjGroup {
    SurfaceMesh mesh;
    std::map<long, std::uint32_t> localIndex;  // file vertex index (0-based) -> mesh vertex
    std::string material;
};

}  // namespace

void writeObj(std::span<const SurfaceMesh> meshes, const std::filesystem::path& objFile,
              const std::filesystem::path& mtlFile, const std::string& mtlName,
              const std::string& system) {
    {
        std::ofstream mtl(mtlFile);
        if (!mtl) throw core::IoError(mtlFile.string(), "cannot create the file");
        mtl << "# Stratum surface materials\n";
        for (std::size_t i = 0; i < meshes.size(); ++i) {
            const Color& c = meshes[i].color;
            mtl << "newmtl " << groupName(meshes[i], i) << "_material\n"
                << "Kd " << c[0] << ' ' << c[1] << ' ' << c[2] << "\n"
                << "Ka 0 0 0\nKs 0.2 0.2 0.2\nNs 20\nd 1\nillum 2\n\n";
        }
        mtl.flush();
        if (!mtl) throw core::IoError(mtlFile.string(), "write failed (disk full?)");
    }
    std::ofstream out(objFile, std::ios::binary);
    if (!out) throw core::IoError(objFile.string(), "cannot create the file");
    out << "# Stratum surface " << coordinateNote(system) << "\n"
        << "mtllib " << mtlName << "\n";
    std::size_t base = 1;  // OBJ indices are 1-based and global
    std::string line;
    for (std::size_t i = 0; i < meshes.size(); ++i) {
        const SurfaceMesh& m = meshes[i];
        const bool normals = !m.normals.empty();
        out << "g " << groupName(m, i) << "\n# label " << m.label << "\n# name " << m.name
            << "\nusemtl " << groupName(m, i) << "_material\n";
        for (const Point3f& p : m.vertices) {
            line = "v";
            appendFloats(line, p.data(), 3);
            line += '\n';
            out << line;
        }
        for (const Point3f& n : m.normals) {
            line = "vn";
            appendFloats(line, n.data(), 3);
            line += '\n';
            out << line;
        }
        for (const Triangle& t : m.triangles) {
            line = "f";
            for (std::uint32_t v : t) {
                const std::string index = std::to_string(base + v);
                line += ' ' + index;
                if (normals) line += "//" + index;
            }
            line += '\n';
            out << line;
        }
        base += m.vertices.size();
    }
    out.flush();
    if (!out) throw core::IoError(objFile.string(), "write failed (disk full?)");
}

MeshFileContent readObj(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw core::IoError(file.string(), "cannot open the file");
    MeshFileContent content;
    std::vector<Point3f> positions;
    std::vector<ObjGroup> groups;
    std::string mtlLib;
    int pendingLabel = 0;
    auto current = [&]() -> ObjGroup& {
        if (groups.empty()) groups.emplace_back();
        return groups.back();
    };
    std::string line;
    int lineNumber = 0;
    auto fail = [&](const std::string& what) {
        throw core::FormatError(file.string(), "line " + std::to_string(lineNumber) + ": " + what);
    };
    while (std::getline(in, line)) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::istringstream fields(line);
        std::string key;
        fields >> key;
        if (key.empty()) continue;
        if (key == "#") {
            std::string word;
            if (lineNumber <= 2 && content.recordedCoordinates.empty())
                content.recordedCoordinates = findCoordinateNote(line);
            const bool fresh = !groups.empty() && groups.back().mesh.triangles.empty();
            if (fields >> word && word == "label") {
                fields >> pendingLabel;
                if (fresh) groups.back().mesh.label = pendingLabel;
            } else if (word == "name" && fresh) {
                std::string name;
                std::getline(fields >> std::ws, name);
                groups.back().mesh.name = name;
            }
        } else if (key == "v") {
            Point3f p;
            if (!(fields >> p[0] >> p[1] >> p[2])) fail("bad vertex");
            positions.push_back(p);
        } else if (key == "g" || key == "o") {
            std::string name;
            std::getline(fields >> std::ws, name);
            if (groups.empty() || !groups.back().mesh.triangles.empty()) groups.emplace_back();
            groups.back().mesh.name = name;
            pendingLabel = 0;
        } else if (key == "usemtl") {
            fields >> current().material;
        } else if (key == "mtllib") {
            std::getline(fields >> std::ws, mtlLib);
        } else if (key == "f") {
            ObjGroup& g = current();
            std::vector<std::uint32_t> polygon;
            std::string token;
            while (fields >> token) {
                long index = 0;
                const auto [ptr, ec] =
                    std::from_chars(token.data(), token.data() + token.size(), index);
                (void)ptr;
                if (ec != std::errc() || index == 0) fail("bad face index '" + token + "'");
                const long zeroBased =
                    index > 0 ? index - 1 : static_cast<long>(positions.size()) + index;
                if (zeroBased < 0 || zeroBased >= static_cast<long>(positions.size()))
                    fail("face index " + token + " out of range");
                auto [it, inserted] = g.localIndex.emplace(
                    zeroBased, static_cast<std::uint32_t>(g.mesh.vertices.size()));
                if (inserted)
                    g.mesh.vertices.push_back(positions[static_cast<std::size_t>(zeroBased)]);
                polygon.push_back(it->second);
            }
            if (polygon.size() < 3) fail("a face needs three vertices");
            for (std::size_t k = 1; k + 1 < polygon.size(); ++k)  // fan
                g.mesh.triangles.push_back({polygon[0], polygon[k], polygon[k + 1]});
        }
    }
    if (in.bad()) throw core::IoError(file.string(), "read error");

    // Colours from the material library, when it is there.
    std::map<std::string, Color> colors;
    if (!mtlLib.empty()) {
        std::ifstream mtl(file.parent_path() / mtlLib);
        std::string name;
        while (mtl && std::getline(mtl, line)) {
            std::istringstream fields(line);
            std::string key;
            fields >> key;
            if (key == "newmtl")
                fields >> name;
            else if (key == "Kd") {
                Color c;
                if (fields >> c[0] >> c[1] >> c[2]) colors[name] = c;
            }
        }
    }
    for (ObjGroup& g : groups) {
        if (g.mesh.triangles.empty()) continue;
        if (const auto it = colors.find(g.material); it != colors.end()) g.mesh.color = it->second;
        content.meshes.push_back(std::move(g.mesh));
    }
    if (content.meshes.empty()) throw core::FormatError(file.string(), "no faces");
    return content;
}

}  // namespace stratum::mesh::detail
