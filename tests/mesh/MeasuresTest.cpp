// Measures on hand-made meshes with exact answers.
#include <gtest/gtest.h>

#include "stratum/core/Error.h"
#include "stratum/mesh/MeshMeasures.h"

using namespace stratum;

namespace {

// Axis-aligned box [0,a]x[0,b]x[0,c], outward winding.
mesh::SurfaceMesh box(float a, float b, float c) {
    mesh::SurfaceMesh m;
    m.vertices = {{0, 0, 0}, {a, 0, 0}, {a, b, 0}, {0, b, 0},
                  {0, 0, c}, {a, 0, c}, {a, b, c}, {0, b, c}};
    m.triangles = {{0, 2, 1}, {0, 3, 2}, {4, 5, 6}, {4, 6, 7}, {0, 1, 5}, {0, 5, 4},
                   {2, 3, 7}, {2, 7, 6}, {1, 2, 6}, {1, 6, 5}, {0, 4, 7}, {0, 7, 3}};
    return m;
}

}  // namespace

TEST(Measures, BoxAreaVolumeBoundsAndClosedness) {
    const mesh::MeshMeasures s = mesh::measureMesh(box(10, 20, 30));
    EXPECT_EQ(s.vertices, 8u);
    EXPECT_EQ(s.triangles, 12u);
    EXPECT_NEAR(s.areaMm2, 2 * (200 + 300 + 600), 1e-9);
    EXPECT_NEAR(s.volumeMl, 6.0, 1e-12);  // 6000 mm^3
    EXPECT_EQ(s.boundsMin, (core::Vec3{0, 0, 0}));
    EXPECT_EQ(s.boundsMax, (core::Vec3{10, 20, 30}));
    EXPECT_TRUE(s.watertight());
    EXPECT_EQ(s.inconsistentEdges, 0u);
    EXPECT_EQ(s.components, 1u);
}

TEST(Measures, VolumeDoesNotDependOnWhereTheBoxIs) {
    mesh::SurfaceMesh m = box(10, 20, 30);
    for (auto& p : m.vertices) p = {p[0] + 400.0f, p[1] - 250.0f, p[2] + 1200.0f};
    EXPECT_NEAR(mesh::measureMesh(m).volumeMl, 6.0, 1e-6);
}

TEST(Measures, HolesNonManifoldEdgesAndInconsistentWinding) {
    mesh::SurfaceMesh open = box(1, 1, 1);
    open.triangles.pop_back();
    mesh::MeshMeasures s = mesh::measureMesh(open);
    EXPECT_EQ(s.boundaryEdges, 3u);
    EXPECT_FALSE(s.watertight());

    mesh::SurfaceMesh fin = box(1, 1, 1);
    fin.vertices.push_back({0.5f, -1.0f, 0.0f});
    fin.triangles.push_back({0, 1, 8});  // a third triangle on edge 0-1
    s = mesh::measureMesh(fin);
    EXPECT_EQ(s.nonManifoldEdges, 1u);
    EXPECT_EQ(s.boundaryEdges, 2u);
    EXPECT_FALSE(s.watertight());

    mesh::SurfaceMesh flipped = box(1, 1, 1);
    std::swap(flipped.triangles[0][1], flipped.triangles[0][2]);
    s = mesh::measureMesh(flipped);
    EXPECT_TRUE(s.watertight());
    EXPECT_EQ(s.inconsistentEdges, 3u);

    mesh::SurfaceMesh two = box(1, 1, 1);
    const mesh::SurfaceMesh other = box(1, 1, 1);
    for (auto p : other.vertices) two.vertices.push_back({p[0] + 5, p[1], p[2]});
    for (auto t : other.triangles) two.triangles.push_back({t[0] + 8, t[1] + 8, t[2] + 8});
    EXPECT_EQ(mesh::measureMesh(two).components, 2u);
    EXPECT_NEAR(mesh::measureMesh(two).volumeMl, 0.002, 1e-12);
}

TEST(Measures, EmptyMeshAndBadIndices) {
    const mesh::MeshMeasures s = mesh::measureMesh(mesh::SurfaceMesh{});
    EXPECT_EQ(s.triangles, 0u);
    EXPECT_FALSE(s.watertight());

    mesh::SurfaceMesh bad = box(1, 1, 1);
    bad.triangles.push_back({0, 1, 99});
    try {
        mesh::measureMesh(bad);
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("vertex 99"), std::string::npos) << e.what();
    }
    mesh::SurfaceMesh repeated = box(1, 1, 1);
    repeated.triangles.push_back({2, 2, 3});
    EXPECT_THROW(mesh::measureMesh(repeated), core::InvalidArgument);
    mesh::SurfaceMesh normals = box(1, 1, 1);
    normals.normals.resize(3);
    EXPECT_THROW(normals.validate(), core::InvalidArgument);
}
