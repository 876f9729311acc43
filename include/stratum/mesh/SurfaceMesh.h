#pragma once
// Our own small surface type: triangles with float vertices in patient coordinates
// (DICOM LPS, millimetres), so libraries and the app can share surfaces without VTK
// types in their interfaces (stratum/mesh/VtkBridge.h converts to and from vtkPolyData).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stratum::mesh {

using Point3f = std::array<float, 3>;
using Triangle = std::array<std::uint32_t, 3>;
// Linear RGB in [0,1].
using Color = std::array<float, 3>;

struct SurfaceMesh {
    // Vertex positions in patient LPS millimetres (+x Left, +y Posterior, +z Superior).
    std::vector<Point3f> vertices;
    // Vertex indices, counter-clockwise seen from outside: face normals point outward.
    std::vector<Triangle> triangles;
    // Per-vertex unit normals: empty, or one per vertex.
    std::vector<Point3f> normals;
    // Per-vertex scalars (e.g. pixel values of a height field): empty, or one per vertex.
    std::vector<float> scalars;

    int label = 0;     // label value it came from (0 for iso-surfaces and hulls)
    std::string name;  // e.g. "liver"; may be empty
    Color color{0.8f, 0.8f, 0.8f};

    std::size_t vertexCount() const noexcept { return vertices.size(); }
    std::size_t triangleCount() const noexcept { return triangles.size(); }
    bool empty() const noexcept { return triangles.empty(); }

    // Throws core::InvalidArgument when an index is out of range, a triangle repeats a
    // vertex, or normals/scalars do not have one entry per vertex.
    void validate() const;
};

}  // namespace stratum::mesh
