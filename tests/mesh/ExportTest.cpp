// File round trips: every format read back (our readers and VTK's own readers) with the same
// triangles and positions, the coordinate system recorded, atomic writes, bad paths.
#include <gtest/gtest.h>

#include <fstream>

#include <vtkCompositeDataSet.h>
#include <vtkDataObjectTreeIterator.h>
#include <vtkGLTFReader.h>
#include <vtkMultiBlockDataSet.h>
#include <vtkNew.h>
#include <vtkOBJReader.h>
#include <vtkPLYReader.h>
#include <vtkPolyData.h>
#include <vtkSTLReader.h>
#include <vtkXMLPolyDataReader.h>

#include "Phantoms.h"
#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/MeshExport.h"
#include "stratum/mesh/MeshMeasures.h"
#include "stratum/mesh/SurfaceExtraction.h"

using namespace stratum;
using namespace stratum::test;
using core::operator-;
namespace fs = std::filesystem;

namespace {

// Two labelled surfaces at patient positions far from the origin (as in a real scan).
std::vector<mesh::SurfaceMesh> twoSurfaces() {
    core::Geometry g = cubeGeometry(40, 1.0);
    g.origin = {-180.25, 95.5, 1020.75};
    core::Image labels(core::PixelType::UInt8, 1, g);
    const core::Vec3 a = g.indexToPatient({12, 14, 15}), b = g.indexToPatient({28, 25, 24});
    paintLabel(labels, 5, [&](const core::Vec3& p) { return core::norm(p - a) <= 8; });
    paintLabel(labels, 9, [&](const core::Vec3& p) { return core::norm(p - b) <= 6; });
    mesh::SurfaceOptions o;
    o.cleanup.smoothingIterations = 10;
    auto meshes = mesh::extractLabelSurfaces(labels, {}, o);
    meshes.at(0).name = "liver";
    meshes.at(1).name = "right kidney";
    return meshes;
}

std::size_t totalTriangles(const std::vector<mesh::SurfaceMesh>& meshes) {
    std::size_t n = 0;
    for (const auto& m : meshes) n += m.triangles.size();
    return n;
}

// Same triangles with the same corner positions (vertex numbering may differ: compare the
// sorted corner coordinates of all triangles).
void expectSameSurface(const mesh::SurfaceMesh& got, const mesh::SurfaceMesh& want,
                       float tolerance) {
    ASSERT_EQ(got.triangles.size(), want.triangles.size());
    auto corners = [](const mesh::SurfaceMesh& m) {
        std::vector<std::array<float, 9>> out;
        for (const auto& t : m.triangles) {
            std::array<float, 9> c{};
            for (int k = 0; k < 3; ++k)
                for (int d = 0; d < 3; ++d) c[3 * k + d] = m.vertices[t[k]][d];
            out.push_back(c);
        }
        std::sort(out.begin(), out.end());
        return out;
    };
    const auto a = corners(got), b = corners(want);
    float worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        for (int d = 0; d < 9; ++d) worst = std::max(worst, std::abs(a[i][d] - b[i][d]));
    EXPECT_LE(worst, tolerance);
}

vtkSmartPointer<vtkPolyData> readWithVtk(const fs::path& path) {
    const std::string ext = path.extension().string();
    vtkSmartPointer<vtkAlgorithm> reader;
    if (ext == ".stl") {
        auto r = vtkSmartPointer<vtkSTLReader>::New();
        r->SetFileName(path.c_str());
        reader = r;
    } else if (ext == ".ply") {
        auto r = vtkSmartPointer<vtkPLYReader>::New();
        r->SetFileName(path.c_str());
        reader = r;
    } else if (ext == ".vtp") {
        auto r = vtkSmartPointer<vtkXMLPolyDataReader>::New();
        r->SetFileName(path.c_str());
        reader = r;
    } else if (ext == ".obj") {
        auto r = vtkSmartPointer<vtkOBJReader>::New();
        r->SetFileName(path.c_str());
        reader = r;
    }
    reader->Update();
    return vtkPolyData::SafeDownCast(reader->GetOutputDataObject(0));
}

class Export : public ::testing::TestWithParam<std::string> {};
class ExportVtk : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Export, RoundTripKeepsTrianglesPositionsAndCoordinates) {
    const auto meshes = twoSurfaces();
    TempDir dir;
    for (mesh::CoordinateSystem system :
         {mesh::CoordinateSystem::Lps, mesh::CoordinateSystem::Ras}) {
        const fs::path path = dir / ("model" + GetParam());
        mesh::MeshWriteOptions options;
        options.coordinates = system;
        options.asciiStl =
            GetParam() == ".stl" && system == mesh::CoordinateSystem::Ras;  // both STL flavours
        const auto written = mesh::writeMeshes(meshes, path, options);
        ASSERT_FALSE(written.empty());
        EXPECT_EQ(written[0], path);
        for (const auto& f : written) EXPECT_TRUE(fs::exists(f)) << f;

        const mesh::MeshFileContent content = mesh::readMeshes(path);
        EXPECT_EQ(content.recordedCoordinates, mesh::coordinateSystemName(system)) << path;
        const bool merged = GetParam() == ".stl" || GetParam() == ".ply";
        if (merged) {
            ASSERT_EQ(content.meshes.size(), 1u);
            EXPECT_EQ(content.meshes[0].triangles.size(), totalTriangles(meshes));
            EXPECT_EQ(content.meshes[0].vertices.size(),
                      meshes[0].vertices.size() + meshes[1].vertices.size());
        } else {
            ASSERT_EQ(content.meshes.size(), 2u) << path;
            for (int i = 0; i < 2; ++i) {
                // Read back in LPS (converted from RAS when the file says so): the same surface.
                expectSameSurface(content.meshes[i], meshes[i], 1e-4f);
                EXPECT_EQ(content.meshes[i].vertices.size(), meshes[i].vertices.size());
                EXPECT_EQ(content.meshes[i].name, meshes[i].name);
                for (int c = 0; c < 3; ++c)
                    EXPECT_NEAR(content.meshes[i].color[c], meshes[i].color[c], 1e-5);
                if (GetParam() != ".obj") {
                    EXPECT_EQ(content.meshes[i].label, meshes[i].label);
                }
            }
            if (GetParam() == ".obj") {
                EXPECT_EQ(content.meshes[1].label, 9);
            }
        }
        if (GetParam() == ".obj") {
            EXPECT_TRUE(fs::exists(dir / "model.mtl"));
        }
    }
}

TEST_P(ExportVtk, VtkReadsOurFilesWithTheSameTriangleCount) {
    const auto meshes = twoSurfaces();
    TempDir dir;
    for (mesh::CoordinateSystem system :
         {mesh::CoordinateSystem::Lps, mesh::CoordinateSystem::Ras}) {
        const fs::path path =
            dir / (std::string("model_") + mesh::coordinateSystemName(system) + GetParam());
        mesh::MeshWriteOptions options;
        options.coordinates = system;
        mesh::writeMeshes(meshes, path, options);
        vtkSmartPointer<vtkPolyData> poly = readWithVtk(path);
        ASSERT_NE(poly, nullptr);
        EXPECT_EQ(static_cast<std::size_t>(poly->GetNumberOfPolys()), totalTriangles(meshes));
        // A vertex of the first mesh is among VTK's points as stored: x and y negated in RAS.
        const float sign = system == mesh::CoordinateSystem::Ras ? -1.0f : 1.0f;
        const auto& p = meshes[0].vertices[0];
        bool found = false;
        for (vtkIdType i = 0; i < poly->GetNumberOfPoints() && !found; ++i) {
            double q[3];
            poly->GetPoint(i, q);
            found = std::abs(q[0] - sign * p[0]) < 1e-4 && std::abs(q[1] - sign * p[1]) < 1e-4 &&
                    std::abs(q[2] - p[2]) < 1e-4;
        }
        EXPECT_TRUE(found) << path;
    }
}

INSTANTIATE_TEST_SUITE_P(Formats, Export,
                         ::testing::Values(".stl", ".obj", ".ply", ".vtp", ".gltf", ".glb"),
                         [](const auto& param) { return param.param.substr(1); });
// glTF: vtkGLTFReader below.
INSTANTIATE_TEST_SUITE_P(Formats, ExportVtk, ::testing::Values(".stl", ".obj", ".ply", ".vtp"),
                         [](const auto& param) { return param.param.substr(1); });

TEST(ExportGltf, VtkGltfReaderLoadsOurFile) {
    const auto meshes = twoSurfaces();
    TempDir dir;
    for (const char* name : {"scene.gltf", "scene.glb"}) {
        const fs::path path = dir / name;
        mesh::writeMeshes(meshes, path);
        vtkNew<vtkGLTFReader> reader;
        reader->SetFileName(path.c_str());
        reader->Update();
        vtkMultiBlockDataSet* blocks = reader->GetOutput();
        ASSERT_NE(blocks, nullptr) << name;
        std::size_t triangles = 0, points = 0;
        vtkSmartPointer<vtkDataObjectTreeIterator> it;
        it.TakeReference(blocks->NewTreeIterator());
        for (it->InitTraversal(); !it->IsDoneWithTraversal(); it->GoToNextItem())
            if (auto* poly = vtkPolyData::SafeDownCast(it->GetCurrentDataObject())) {
                triangles += static_cast<std::size_t>(poly->GetNumberOfPolys());
                points += static_cast<std::size_t>(poly->GetNumberOfPoints());
            }
        EXPECT_EQ(triangles, totalTriangles(meshes)) << name;
        EXPECT_EQ(points, meshes[0].vertices.size() + meshes[1].vertices.size()) << name;
    }
}

TEST(ExportAtomic, FailedWritesLeaveNothingAndNeverTouchTheTarget) {
    const auto meshes = twoSurfaces();
    TempDir dir;
    EXPECT_THROW(mesh::writeMeshes(meshes, dir / "missing" / "a.stl"), core::IoError);
    try {
        mesh::writeMeshes(meshes, dir / "a.xyz");
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find(".xyz"), std::string::npos) << e.what();
    }
    EXPECT_THROW(mesh::writeMeshes({}, dir / "a.stl"), core::InvalidArgument);
    mesh::SurfaceMesh bad = meshes[0];
    bad.triangles.push_back({0, 1, 1u << 30});
    const fs::path target = dir / "keep.stl";
    { std::ofstream(target) << "previous"; }
    EXPECT_THROW(mesh::writeMeshes({&bad, 1}, target), core::InvalidArgument);
    std::ifstream in(target);
    std::string text;
    std::getline(in, text);
    EXPECT_EQ(text, "previous");
    // Cancelled before anything is written: no file, no temporary.
    core::CancelToken token;
    token.cancel();
    EXPECT_THROW(mesh::writeMeshes(meshes, dir / "c.ply", {}, core::Task(token)), core::Cancelled);
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir.path()))
        files += e.path().filename() != "keep.stl";
    EXPECT_EQ(files, 0u);
}

TEST(ExportRead, BadFilesGiveFormatErrorsNamingTheFile) {
    TempDir dir;
    EXPECT_THROW(mesh::readMeshes(dir / "none.stl"), core::IoError);
    const fs::path junk = dir / "junk.gltf";
    { std::ofstream(junk) << "{ not json"; }
    try {
        mesh::readMeshes(junk);
        FAIL();
    } catch (const core::FormatError& e) {
        EXPECT_EQ(e.path(), junk.string());
    }
    const fs::path obj = dir / "bad.obj";
    { std::ofstream(obj) << "v 0 0 0\nv 1 0 0\nf 1 2 7\n"; }
    EXPECT_THROW(mesh::readMeshes(obj), core::FormatError);
    EXPECT_THROW(mesh::readMeshes(dir / "x.abc"), core::Error);
}
