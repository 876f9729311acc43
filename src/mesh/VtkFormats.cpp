// PLY (our own binary writer, read through vtkPLYReader) and VTK XML poly data (.vtp,
// through vtkXMLPolyDataWriter / vtkXMLPolyDataReader).
#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkIdTypeArray.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkPLYReader.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkStringArray.h>
#include <vtkXMLPolyDataReader.h>
#include <vtkXMLPolyDataWriter.h>

#include "MeshFormats.h"
#include "VtkMeshConversion.h"
#include "VtkTaskObserver.h"
#include "stratum/core/Error.h"

namespace stratum::mesh::detail {
namespace {

template <class T>
void put(std::vector<char>& out, T value) {
    const char* bytes = reinterpret_cast<const char*>(&value);
    out.insert(out.end(), bytes, bytes + sizeof(T));
}

std::uint8_t colorByte(float c) {
    return static_cast<std::uint8_t>(std::clamp(c, 0.0f, 1.0f) * 255.0f + 0.5f);
}

bool allHave(std::span<const SurfaceMesh> meshes, bool normals) {
    for (const SurfaceMesh& m : meshes)
        if ((normals ? m.normals.empty() : m.scalars.empty()) && !m.vertices.empty()) return false;
    return true;
}

}  // namespace

void writePly(std::span<const SurfaceMesh> meshes, const std::filesystem::path& file,
              const std::string& system) {
    std::size_t vertices = 0, faces = 0;
    for (const SurfaceMesh& m : meshes) {
        vertices += m.vertices.size();
        faces += m.triangles.size();
    }
    const bool normals = allHave(meshes, true), scalars = allHave(meshes, false);
    std::ofstream out(file, std::ios::binary);
    if (!out) throw core::IoError(file.string(), "cannot create the file");
    out << "ply\nformat binary_little_endian 1.0\ncomment Stratum surface "
        << coordinateNote(system) << "\n";
    for (std::size_t i = 0; i < meshes.size(); ++i)
        out << "comment mesh " << i << " label " << meshes[i].label << " name " << meshes[i].name
            << "\n";
    out << "element vertex " << vertices
        << "\nproperty float x\nproperty float y\nproperty float z\n";
    if (normals) out << "property float nx\nproperty float ny\nproperty float nz\n";
    out << "property uchar red\nproperty uchar green\nproperty uchar blue\nproperty int label\n";
    if (scalars) out << "property float scalar\n";
    out << "element face " << faces << "\nproperty list uchar int vertex_indices\nend_header\n";

    std::vector<char> buffer;
    for (const SurfaceMesh& m : meshes) {
        const std::uint8_t rgb[3] = {colorByte(m.color[0]), colorByte(m.color[1]),
                                     colorByte(m.color[2])};
        for (std::size_t v = 0; v < m.vertices.size(); ++v) {
            for (float x : m.vertices[v]) put(buffer, x);
            if (normals)
                for (float x : m.normals[v]) put(buffer, x);
            for (std::uint8_t c : rgb) put(buffer, c);
            put(buffer, static_cast<std::int32_t>(m.label));
            if (scalars) put(buffer, m.scalars[v]);
        }
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
    }
    std::int32_t base = 0;
    for (const SurfaceMesh& m : meshes) {
        for (const Triangle& t : m.triangles) {
            put(buffer, std::uint8_t{3});
            for (std::uint32_t v : t)
                put(buffer, static_cast<std::int32_t>(base + static_cast<std::int32_t>(v)));
        }
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
        base += static_cast<std::int32_t>(m.vertices.size());
    }
    out.flush();
    if (!out) throw core::IoError(file.string(), "write failed (disk full?)");
}

MeshFileContent readPly(const std::filesystem::path& file) {
    MeshFileContent content;
    {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw core::IoError(file.string(), "cannot open the file");
        std::string line;
        if (!std::getline(in, line) || line.rfind("ply", 0) != 0)
            throw core::FormatError(file.string(), "not a PLY file");
        for (int n = 0; n < 10000 && std::getline(in, line) && line.rfind("end_header", 0) != 0;
             ++n)
            if (line.rfind("comment", 0) == 0 && content.recordedCoordinates.empty())
                content.recordedCoordinates = findCoordinateNote(line);
    }
    vtkNew<vtkPLYReader> reader;
    reader->SetFileName(file.string().c_str());
    VtkTaskObserver(reader, {}, "PLY reader").read(file.string());
    SurfaceMesh mesh = meshFromPolyData(reader->GetOutput());
    if (mesh.empty()) throw core::FormatError(file.string(), "no triangles");
    content.meshes.push_back(std::move(mesh));
    return content;
}

void writeVtp(std::span<const SurfaceMesh> meshes, const std::filesystem::path& file,
              const std::string& system) {
    std::size_t vertices = 0, faces = 0;
    for (const SurfaceMesh& m : meshes) {
        vertices += m.vertices.size();
        faces += m.triangles.size();
    }
    const bool normals = allHave(meshes, true), scalars = allHave(meshes, false);
    vtkNew<vtkFloatArray> coords;
    coords->SetNumberOfComponents(3);
    coords->SetNumberOfTuples(static_cast<vtkIdType>(vertices));
    vtkNew<vtkFloatArray> normalArray;
    normalArray->SetName("Normals");
    normalArray->SetNumberOfComponents(3);
    if (normals) normalArray->SetNumberOfTuples(static_cast<vtkIdType>(vertices));
    vtkNew<vtkFloatArray> scalarArray;
    scalarArray->SetName("Scalars");
    if (scalars) scalarArray->SetNumberOfTuples(static_cast<vtkIdType>(vertices));
    vtkNew<vtkIdTypeArray> offsets, connectivity;
    offsets->SetNumberOfValues(static_cast<vtkIdType>(faces + 1));
    connectivity->SetNumberOfValues(static_cast<vtkIdType>(3 * faces));
    vtkNew<vtkIntArray> labels;
    labels->SetName("Label");
    labels->SetNumberOfValues(static_cast<vtkIdType>(faces));
    vtkNew<vtkStringArray> names;
    names->SetName("LabelNames");
    vtkNew<vtkIntArray> nameLabels;
    nameLabels->SetName("LabelValues");
    vtkNew<vtkFloatArray> colors;
    colors->SetName("LabelColors");
    colors->SetNumberOfComponents(3);

    vtkIdType v0 = 0, f = 0;
    for (const SurfaceMesh& m : meshes) {
        std::memcpy(coords->GetPointer(3 * v0), m.vertices.data(),
                    m.vertices.size() * sizeof(Point3f));
        if (normals)
            std::memcpy(normalArray->GetPointer(3 * v0), m.normals.data(),
                        m.normals.size() * sizeof(Point3f));
        if (scalars)
            std::memcpy(scalarArray->GetPointer(v0), m.scalars.data(),
                        m.scalars.size() * sizeof(float));
        for (const Triangle& t : m.triangles) {
            offsets->SetValue(f, 3 * f);
            for (int k = 0; k < 3; ++k) connectivity->SetValue(3 * f + k, v0 + t[k]);
            labels->SetValue(f, m.label);
            ++f;
        }
        names->InsertNextValue(m.name);
        nameLabels->InsertNextValue(m.label);
        colors->InsertNextTuple3(m.color[0], m.color[1], m.color[2]);
        v0 += static_cast<vtkIdType>(m.vertices.size());
    }
    offsets->SetValue(f, 3 * f);
    vtkNew<vtkPoints> points;
    points->SetData(coords);
    vtkNew<vtkCellArray> polys;
    polys->SetData(offsets, connectivity);
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(points);
    poly->SetPolys(polys);
    if (normals) poly->GetPointData()->SetNormals(normalArray);
    if (scalars) poly->GetPointData()->SetScalars(scalarArray);
    poly->GetCellData()->AddArray(labels);
    vtkNew<vtkStringArray> systemArray;
    systemArray->SetName("CoordinateSystem");
    systemArray->InsertNextValue(coordinateNote(system));
    poly->GetFieldData()->AddArray(systemArray);
    poly->GetFieldData()->AddArray(names);
    poly->GetFieldData()->AddArray(nameLabels);
    poly->GetFieldData()->AddArray(colors);

    vtkNew<vtkXMLPolyDataWriter> writer;
    writer->SetInputData(poly);
    writer->SetFileName(file.string().c_str());
    writer->SetDataModeToAppended();
    writer->EncodeAppendedDataOff();
    VtkTaskObserver observer(writer, {}, "VTP writer");
    observer.write(file.string());
}

MeshFileContent readVtp(const std::filesystem::path& file) {
    vtkNew<vtkXMLPolyDataReader> reader;
    reader->SetFileName(file.string().c_str());
    VtkTaskObserver(reader, {}, "VTP reader").read(file.string());
    vtkPolyData* poly = reader->GetOutput();
    if (!poly || poly->GetNumberOfPolys() == 0)
        throw core::FormatError(file.string(), "no polygons");
    MeshFileContent content;
    if (auto* system = vtkStringArray::SafeDownCast(
            poly->GetFieldData()->GetAbstractArray("CoordinateSystem"));
        system && system->GetNumberOfValues() > 0)
        content.recordedCoordinates = findCoordinateNote(system->GetValue(0));

    SurfaceMesh all = meshFromPolyData(poly);
    vtkDataArray* labelArray = poly->GetCellData()->GetArray("Label");
    std::map<int, std::string> names;
    std::map<int, Color> colors;
    auto* nameArray =
        vtkStringArray::SafeDownCast(poly->GetFieldData()->GetAbstractArray("LabelNames"));
    vtkDataArray* valueArray = poly->GetFieldData()->GetArray("LabelValues");
    vtkDataArray* colorArray = poly->GetFieldData()->GetArray("LabelColors");
    if (nameArray && valueArray &&
        valueArray->GetNumberOfTuples() == nameArray->GetNumberOfValues())
        for (vtkIdType i = 0; i < nameArray->GetNumberOfValues(); ++i) {
            const int label = static_cast<int>(valueArray->GetTuple1(i));
            names[label] = nameArray->GetValue(i);
            if (colorArray && colorArray->GetNumberOfTuples() > i) {
                double c[3];
                colorArray->GetTuple(i, c);
                colors[label] = {float(c[0]), float(c[1]), float(c[2])};
            }
        }
    const bool splittable =
        labelArray && labelArray->GetNumberOfTuples() == poly->GetNumberOfPolys() &&
        static_cast<std::size_t>(poly->GetNumberOfPolys()) == all.triangles.size();
    if (!splittable) {
        content.meshes.push_back(std::move(all));
        return content;
    }
    // One mesh per label value, in order of first appearance, with its own vertices.
    // A vertex normally belongs to one label; one shared between labels is duplicated.
    std::map<int, std::size_t> meshOfLabel;
    std::vector<std::uint32_t> owner(all.vertices.size(), UINT32_MAX),
        local(all.vertices.size(), 0);
    std::map<std::pair<std::size_t, std::uint32_t>, std::uint32_t> shared;
    for (std::size_t t = 0; t < all.triangles.size(); ++t) {
        const int label = static_cast<int>(labelArray->GetTuple1(static_cast<vtkIdType>(t)));
        auto [it, inserted] = meshOfLabel.emplace(label, content.meshes.size());
        if (inserted) {
            SurfaceMesh m;
            m.label = label;
            if (names.count(label)) m.name = names[label];
            if (colors.count(label)) m.color = colors[label];
            content.meshes.push_back(std::move(m));
        }
        const std::size_t mi = it->second;
        SurfaceMesh& m = content.meshes[mi];
        Triangle tri = all.triangles[t];
        for (std::uint32_t& v : tri) {
            const auto next = static_cast<std::uint32_t>(m.vertices.size());
            if (owner[v] == UINT32_MAX) {
                owner[v] = static_cast<std::uint32_t>(mi);
                local[v] = next;
                m.vertices.push_back(all.vertices[v]);
                v = next;
            } else if (owner[v] == mi) {
                v = local[v];
            } else {
                auto [at, added] = shared.emplace(std::make_pair(mi, v), next);
                if (added) m.vertices.push_back(all.vertices[v]);
                v = at->second;
            }
        }
        m.triangles.push_back(tri);
    }
    return content;
}

}  // namespace stratum::mesh::detail
