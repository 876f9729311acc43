// Slice stacking and height fields.
#include <gtest/gtest.h>

#include "Phantoms.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/HeightField.h"
#include "stratum/mesh/MeshMeasures.h"
#include "stratum/mesh/SliceStack.h"
#include "stratum/mesh/SurfaceExtraction.h"

using namespace stratum;
using namespace stratum::test;

namespace {

core::Image slice(std::size_t nx, std::size_t ny, core::PixelType type = core::PixelType::UInt8) {
    core::Geometry g;
    g.size = {nx, ny, 1};
    g.spacing = {0.5, 0.5, 1.0};
    g.origin = {10, 20, 30};
    return core::Image(type, 1, g);
}

}  // namespace

TEST(SliceStack, SegmentedSlicesBecomeAVolumeAndAMesh) {
    // 2D segmentation results of a cylinder of radius 6 mm over 10 slices at 2 mm.
    std::vector<core::Image> slices;
    for (int k = 0; k < 10; ++k) {
        core::Image s = slice(40, 40);
        for (std::size_t j = 0; j < 40; ++j)
            for (std::size_t i = 0; i < 40; ++i)
                if (k >= 1 && k <= 8 && std::hypot(i * 0.5 - 10.0, j * 0.5 - 10.0) <= 6.0)
                    s.setValue(i, j, 0, 1);
        slices.push_back(s);
    }
    mesh::SliceStackOptions options;
    options.sliceSpacing = 2.0;
    const core::Image volume = mesh::stackSlices(slices, options);
    EXPECT_EQ(volume.size(), (core::Size3{40, 40, 10}));
    EXPECT_EQ(volume.geometry().spacing, (core::Vec3{0.5, 0.5, 2.0}));
    EXPECT_EQ(volume.geometry().origin, (core::Vec3{10, 20, 30}));
    EXPECT_EQ(volume.value(20, 20, 3), 1.0);
    EXPECT_EQ(volume.value(20, 20, 0), 0.0);
    EXPECT_EQ(volume.value(20, 20, 9), 0.0);

    const auto meshes = mesh::extractLabelSurfaces(volume, {}, {});
    ASSERT_EQ(meshes.size(), 1u);
    const mesh::MeshMeasures s = mesh::measureMesh(meshes[0]);
    EXPECT_TRUE(s.watertight());
    // Slices 1..8 -> the surface spans z from slice 0.5 to 8.5: 30 + 1 mm to 30 + 17 mm.
    EXPECT_NEAR(s.boundsMin[2], 31.0, 1e-4);
    EXPECT_NEAR(s.boundsMax[2], 47.0, 1e-4);
    // Cylinder volume pi r^2 h = pi * 36 * 16 mm^3 (voxelized: within 5%).
    EXPECT_NEAR(s.volumeMl, std::numbers::pi * 36 * 16 / 1000.0,
                0.05 * std::numbers::pi * 36 * 16 / 1000.0);

    options.pixelSpacing = 0.25;
    EXPECT_EQ(mesh::stackSlices(slices, options).geometry().spacing[0], 0.25);
}

TEST(SliceStack, MismatchedSlicesAreRejectedNamingTheSlice) {
    std::vector<core::Image> slices{slice(8, 8), slice(8, 8), slice(8, 9)};
    mesh::SliceStackOptions options;
    try {
        mesh::stackSlices(slices, options);
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("slice 2"), std::string::npos) << e.what();
    }
    slices[2] = slice(8, 8, core::PixelType::UInt16);
    EXPECT_THROW(mesh::stackSlices(slices, options), core::InvalidArgument);
    slices.pop_back();
    options.sliceSpacing = 0.0;
    EXPECT_THROW(mesh::stackSlices(slices, options), core::InvalidArgument);
    EXPECT_THROW(mesh::stackSlices({}, {}), core::InvalidArgument);
    options.sliceSpacing = 1.0;
    const core::Image volume(core::PixelType::UInt8, 1, cubeGeometry(4));
    EXPECT_THROW(mesh::stackSlices({&volume, 1}, options), core::InvalidArgument);
}

TEST(HeightField, VerticesRiseByThePixelValueAlongTheImageNormal) {
    core::Image image = slice(5, 4, core::PixelType::UInt16);
    for (std::size_t j = 0; j < 4; ++j)
        for (std::size_t i = 0; i < 5; ++i) image.setValue(i, j, 0, 100 + 10 * i + j);
    mesh::HeightFieldOptions options;
    options.heightScale = 0.5;
    const mesh::SurfaceMesh m = mesh::heightFieldSurface(image, options);
    ASSERT_EQ(m.vertices.size(), 20u);
    EXPECT_EQ(m.triangles.size(), 2u * 4u * 3u);
    ASSERT_EQ(m.scalars.size(), 20u);
    // Vertex (3, 2): pixel centre (10 + 1.5, 20 + 1.0, 30), raised (132 - 100) * 0.5 = 16 mm along
    // +z.
    const auto& v = m.vertices[2 * 5 + 3];
    EXPECT_FLOAT_EQ(v[0], 11.5f);
    EXPECT_FLOAT_EQ(v[1], 21.0f);
    EXPECT_FLOAT_EQ(v[2], 46.0f);
    EXPECT_FLOAT_EQ(m.scalars[2 * 5 + 3], 132.0f);
    // Normals towards the raised side.
    for (const auto& n : m.normals) EXPECT_GT(n[2], 0.0f);
    const mesh::MeshMeasures s = mesh::measureMesh(m);
    EXPECT_EQ(s.boundaryEdges, 2u * (4 + 3));
    EXPECT_EQ(s.inconsistentEdges, 0u);
}

TEST(HeightField, AutomaticScaleStepAndErrors) {
    core::Image image = slice(101, 51);
    image.setValue(50, 25, 0, 255);
    mesh::HeightFieldOptions options;
    options.step = 5;
    const mesh::SurfaceMesh m = mesh::heightFieldSurface(image, options);
    EXPECT_EQ(m.vertices.size(), 21u * 11u);
    const mesh::MeshMeasures s = mesh::measureMesh(m);
    // The peak rises a quarter of the larger side (101 * 0.5 mm).
    EXPECT_NEAR(s.boundsMax[2] - 30.0, 0.25 * 50.5, 1e-3);
    options.step = 0;
    EXPECT_THROW(mesh::heightFieldSurface(image, options), core::InvalidArgument);
    EXPECT_THROW(mesh::heightFieldSurface(core::Image(core::PixelType::UInt8, 1, cubeGeometry(4))),
                 core::InvalidArgument);
}
