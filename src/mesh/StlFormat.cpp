// STL: our own writer (binary or ASCII, the coordinate system in the header / solid line);
// reading through vtkSTLReader (duplicate points merged).
#include <cmath>
#include <cstring>
#include <fstream>

#include <vtkNew.h>
#include <vtkPolyData.h>
#include <vtkSTLReader.h>

#include "MeshFormats.h"
#include "VtkMeshConversion.h"
#include "VtkTaskObserver.h"
#include "stratum/core/Error.h"

namespace stratum::mesh::detail {
namespace {

Point3f faceNormal(const SurfaceMesh& m, const Triangle& t) {
    const Point3f& a = m.vertices[t[0]];
    const Point3f& b = m.vertices[t[1]];
    const Point3f& c = m.vertices[t[2]];
    const double ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
    const double vx = c[0] - a[0], vy = c[1] - a[1], vz = c[2] - a[2];
    double n[3] = {uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx};
    const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (len > 0)
        for (double& x : n) x /= len;
    return {float(n[0]), float(n[1]), float(n[2])};
}

void checkWritten(std::ofstream& out, const std::filesystem::path& file) {
    out.flush();
    if (!out) throw core::IoError(file.string(), "write failed (disk full?)");
}

std::string solidName(const SurfaceMesh& m, std::size_t index) {
    std::string name = m.name.empty() ? "mesh_" + std::to_string(index) : m.name;
    for (char& c : name)
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') c = '_';
    return name;
}

}  // namespace

void writeStl(std::span<const SurfaceMesh> meshes, const std::filesystem::path& file,
              const std::string& system, bool ascii) {
    std::ofstream out(file, std::ios::binary);
    if (!out) throw core::IoError(file.string(), "cannot create the file");
    if (ascii) {
        out.precision(9);
        for (std::size_t i = 0; i < meshes.size(); ++i) {
            const SurfaceMesh& m = meshes[i];
            const std::string name = solidName(m, i);
            out << "solid " << name << ' ' << coordinateNote(system) << '\n';
            for (const Triangle& t : m.triangles) {
                const Point3f n = faceNormal(m, t);
                out << "  facet normal " << n[0] << ' ' << n[1] << ' ' << n[2]
                    << "\n    outer loop\n";
                for (std::uint32_t v : t)
                    out << "      vertex " << m.vertices[v][0] << ' ' << m.vertices[v][1] << ' '
                        << m.vertices[v][2] << '\n';
                out << "    endloop\n  endfacet\n";
            }
            out << "endsolid " << name << '\n';
        }
        checkWritten(out, file);
        return;
    }
    // Binary: an 80-byte header (not starting with "solid", which would read as ASCII), the
    // triangle count, then 50 bytes per triangle (normal, three vertices, attribute).
    char header[80];
    std::memset(header, ' ', sizeof header);
    const std::string text = "Stratum surface " + coordinateNote(system);
    std::memcpy(header, text.data(), std::min(text.size(), sizeof header));
    out.write(header, sizeof header);
    std::size_t total = 0;
    for (const SurfaceMesh& m : meshes) total += m.triangles.size();
    if (total > 0xffffffffu)
        throw core::InvalidArgument(file.string() + ": too many triangles for STL");
    const auto count = static_cast<std::uint32_t>(total);
    out.write(reinterpret_cast<const char*>(&count), 4);
    std::vector<char> buffer;
    buffer.reserve(50 * 4096);
    for (const SurfaceMesh& m : meshes) {
        for (const Triangle& t : m.triangles) {
            float record[12];
            const Point3f n = faceNormal(m, t);
            std::memcpy(record, n.data(), 12);
            for (int k = 0; k < 3; ++k)
                std::memcpy(record + 3 + 3 * k, m.vertices[t[k]].data(), 12);
            const char* bytes = reinterpret_cast<const char*>(record);
            buffer.insert(buffer.end(), bytes, bytes + 48);
            buffer.push_back(0);
            buffer.push_back(0);
            if (buffer.size() >= 50 * 4096) {
                out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
                buffer.clear();
            }
        }
    }
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    checkWritten(out, file);
}

MeshFileContent readStl(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw core::IoError(file.string(), "cannot open the file");
    std::string head(256, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (head.size() < 15) throw core::FormatError(file.string(), "too short for an STL file");
    const bool asciiFile = head.rfind("solid", 0) == 0 && head.find("facet") != std::string::npos;
    MeshFileContent content;
    content.recordedCoordinates =
        findCoordinateNote(asciiFile ? head.substr(0, head.find('\n')) : head.substr(0, 80));

    vtkNew<vtkSTLReader> reader;
    reader->SetFileName(file.string().c_str());
    reader->MergingOn();
    VtkTaskObserver(reader, {}, "STL reader").read(file.string());
    SurfaceMesh mesh = meshFromPolyData(reader->GetOutput());
    if (mesh.empty()) throw core::FormatError(file.string(), "no triangles");
    content.meshes.push_back(std::move(mesh));
    return content;
}

}  // namespace stratum::mesh::detail
