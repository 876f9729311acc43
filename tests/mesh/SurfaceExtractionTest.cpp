// Surfaces from phantoms: area and volume against the analytic values, closedness,
// outward normals, one surface per label, options and bad input.
#include <gtest/gtest.h>

#include <algorithm>

#include "Phantoms.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/MeshMeasures.h"
#include "stratum/mesh/SurfaceExtraction.h"

using namespace stratum;
using namespace stratum::test;
using core::operator-;

namespace {

const core::Vec3 kCentre{31.3, 32.1, 30.7};  // off the voxel grid on purpose

core::Image sphereField(double r) {
    return floatField(cubeGeometry(64),
                      [&](const core::Vec3& p) { return r - core::norm(p - kCentre); });
}

core::Image sphereLabels(double r, std::uint8_t label = 3) {
    core::Image labels(core::PixelType::UInt8, 1, cubeGeometry(64));
    paintLabel(labels, label, [&](const core::Vec3& p) { return core::norm(p - kCentre) <= r; });
    return labels;
}

std::size_t countNonZero(const core::Image& image) {
    const auto p = image.pixels<std::uint8_t>();
    return static_cast<std::size_t>(
        std::count_if(p.begin(), p.end(), [](std::uint8_t v) { return v != 0; }));
}

// Every vertex normal points away from the centre (outward for a star-shaped body).
void expectOutwardNormals(const mesh::SurfaceMesh& m, const core::Vec3& centre) {
    ASSERT_EQ(m.normals.size(), m.vertices.size());
    std::size_t inward = 0;
    for (std::size_t v = 0; v < m.vertices.size(); ++v) {
        const core::Vec3 p{m.vertices[v][0], m.vertices[v][1], m.vertices[v][2]};
        const core::Vec3 n{m.normals[v][0], m.normals[v][1], m.normals[v][2]};
        inward += core::dot(n, p - centre) <= 0;
    }
    EXPECT_EQ(inward, 0u);
}

}  // namespace

TEST(SurfaceExtraction, SphereIsoSurfaceMatchesAnalyticAreaAndVolume) {
    const double r = 20.0;
    const mesh::SurfaceMesh m = mesh::extractIsoSurface(sphereField(r), 0.0);
    const mesh::MeshMeasures s = mesh::measureMesh(m);
    EXPECT_TRUE(s.watertight());
    EXPECT_EQ(s.inconsistentEdges, 0u);
    EXPECT_EQ(s.components, 1u);
    EXPECT_NEAR(s.areaMm2, sphereArea(r), 0.01 * sphereArea(r));
    EXPECT_NEAR(s.volumeMl, sphereVolumeMl(r), 0.01 * sphereVolumeMl(r));
    expectOutwardNormals(m, kCentre);
    for (int d = 0; d < 3; ++d) {
        EXPECT_NEAR(s.boundsMin[d], kCentre[d] - r, 0.5);
        EXPECT_NEAR(s.boundsMax[d], kCentre[d] + r, 0.5);
    }
}

TEST(SurfaceExtraction, EllipsoidIsoSurfaceMatchesAnalyticAreaAndVolume) {
    const core::Vec3 axes{26.0, 18.0, 12.0};
    const core::Geometry g = cubeGeometry(64);
    const core::Image field =
        floatField(g, [&](const core::Vec3& p) { return ellipsoidField(p, kCentre, axes); });
    const mesh::MeshMeasures s = mesh::measureMesh(mesh::extractIsoSurface(field, 0.0));
    const double area = ellipsoidArea(axes), volume = ellipsoidVolumeMl(axes);
    EXPECT_TRUE(s.watertight());
    EXPECT_NEAR(s.areaMm2, area, 0.01 * area);
    EXPECT_NEAR(s.volumeMl, volume, 0.01 * volume);
}

TEST(SurfaceExtraction, SmoothedLabelSphereMatchesAnalyticAreaAndVolume) {
    const double r = 20.0;
    mesh::SurfaceOptions o;
    o.cleanup.smoothingIterations = 20;
    const auto meshes = mesh::extractLabelSurfaces(sphereLabels(r), {}, o);
    ASSERT_EQ(meshes.size(), 1u);
    const mesh::MeshMeasures s = mesh::measureMesh(meshes[0]);
    EXPECT_TRUE(s.watertight());
    EXPECT_EQ(s.inconsistentEdges, 0u);
    EXPECT_NEAR(s.areaMm2, sphereArea(r), 0.01 * sphereArea(r));
    EXPECT_NEAR(s.volumeMl, sphereVolumeMl(r), 0.01 * sphereVolumeMl(r));
    expectOutwardNormals(meshes[0], kCentre);
}

TEST(SurfaceExtraction, SmoothedLabelEllipsoidMatchesAnalyticAreaAndVolume) {
    const core::Vec3 axes{26.0, 18.0, 12.0};
    core::Image labels(core::PixelType::UInt8, 1, cubeGeometry(64));
    paintLabel(labels, 1,
               [&](const core::Vec3& p) { return ellipsoidField(p, kCentre, axes) >= 0; });
    mesh::SurfaceOptions o;
    o.cleanup.smoothingIterations = 20;
    const auto meshes = mesh::extractLabelSurfaces(labels, {}, o);
    ASSERT_EQ(meshes.size(), 1u);
    const mesh::MeshMeasures s = mesh::measureMesh(meshes[0]);
    const double area = ellipsoidArea(axes), volume = ellipsoidVolumeMl(axes);
    EXPECT_TRUE(s.watertight());
    EXPECT_NEAR(s.areaMm2, area, 0.01 * area);
    EXPECT_NEAR(s.volumeMl, volume, 0.01 * volume);
}

TEST(SurfaceExtraction, UnsmoothedLabelSurfaceEnclosesTheVoxelVolume) {
    // Through the midpoints between inside and outside voxel centres: the stair-step surface
    // encloses about the voxels' own volume (its area is larger than the sphere's).
    const core::Image labels = sphereLabels(15.0);
    const auto meshes = mesh::extractLabelSurfaces(labels, {}, {});
    ASSERT_EQ(meshes.size(), 1u);
    const mesh::MeshMeasures s = mesh::measureMesh(meshes[0]);
    const double voxelMl = countNonZero(labels) / 1000.0;
    EXPECT_TRUE(s.watertight());
    EXPECT_NEAR(s.volumeMl, voxelMl, 0.01 * voxelMl);
    EXPECT_GT(s.areaMm2, 1.05 * sphereArea(15.0));
}

TEST(SurfaceExtraction, OneClosedSurfacePerLabelIncludingLabelsTouchingTheEdge) {
    core::Image labels(core::PixelType::UInt16, 1, cubeGeometry(40));
    // Label 7: a box filling a corner of the image (touches three faces); label 300: a ball.
    std::uint16_t* p = labels.data<std::uint16_t>();
    for (std::size_t k = 0; k < 40; ++k)
        for (std::size_t j = 0; j < 40; ++j)
            for (std::size_t i = 0; i < 40; ++i) {
                const double d = std::hypot(double(i) - 28, double(j) - 28, double(k) - 28);
                if (i < 10 && j < 12 && k < 8)
                    p[(k * 40 + j) * 40 + i] = 7;
                else if (d <= 6)
                    p[(k * 40 + j) * 40 + i] = 300;
            }
    const auto counts = mesh::countLabels(labels);
    ASSERT_EQ(counts.size(), 2u);
    EXPECT_EQ(counts[0].label, 7);
    EXPECT_EQ(counts[0].voxels, 10u * 12u * 8u);
    EXPECT_EQ(counts[1].label, 300);

    const auto meshes = mesh::extractLabelSurfaces(labels, {}, {});
    ASSERT_EQ(meshes.size(), 2u);
    EXPECT_EQ(meshes[0].label, 7);
    EXPECT_EQ(meshes[0].name, "label_7");
    EXPECT_EQ(meshes[1].label, 300);
    EXPECT_NE(meshes[0].color, meshes[1].color);
    const mesh::MeshMeasures box = mesh::measureMesh(meshes[0]);
    EXPECT_TRUE(box.watertight());
    // The box surface runs half a voxel outside the outer voxel centres on the padded faces
    // and between voxel centres elsewhere: 10x12x8 voxels less the corner cuts.
    EXPECT_NEAR(box.volumeMl, 0.960, 0.03);
    EXPECT_NEAR(box.boundsMin[0], -0.5, 1e-5);
    EXPECT_NEAR(box.boundsMax[0], 9.5, 1e-5);
    EXPECT_NEAR(box.boundsMax[2], 7.5, 1e-5);
    EXPECT_TRUE(mesh::measureMesh(meshes[1]).watertight());

    const int only[] = {300};
    const auto one = mesh::extractLabelSurfaces(labels, only, {});
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].label, 300);
    const int absent[] = {5};
    EXPECT_TRUE(mesh::extractLabelSurfaces(labels, absent, {}).empty());
}

TEST(SurfaceExtraction, IsoSurfaceTouchingTheEdgeIsClosedOnlyWhenCapped) {
    // A ball cut by the image's faces.
    const core::Image field = floatField(cubeGeometry(32), [](const core::Vec3& p) {
        return 20.0 - core::norm(p - core::Vec3{2, 3, 16});
    });
    const mesh::MeshMeasures open = mesh::measureMesh(mesh::extractIsoSurface(field, 0.0));
    EXPECT_GT(open.boundaryEdges, 0u);
    mesh::SurfaceOptions o;
    o.capBorders = true;
    const mesh::MeshMeasures closed = mesh::measureMesh(mesh::extractIsoSurface(field, 0.0, o));
    EXPECT_TRUE(closed.watertight());
    EXPECT_GT(closed.volumeMl, 0.0);
    // Capped on the outer voxel centres (the padding is far below the iso value).
    EXPECT_NEAR(closed.boundsMin[0], 0.0, 1e-3);
    EXPECT_GT(closed.volumeMl, mesh::measureMesh(mesh::extractIsoSurface(field, 0.0)).volumeMl);
}

TEST(SurfaceExtraction, SampleRateCoarsensButKeepsTheShape) {
    const double r = 20.0;
    const core::Image field = sphereField(r);
    mesh::SurfaceOptions o;
    o.sampleRate = 2;
    const mesh::MeshMeasures full = mesh::measureMesh(mesh::extractIsoSurface(field, 0.0));
    const mesh::MeshMeasures coarse = mesh::measureMesh(mesh::extractIsoSurface(field, 0.0, o));
    EXPECT_LT(coarse.triangles, full.triangles / 3);
    EXPECT_NEAR(coarse.volumeMl, sphereVolumeMl(r), 0.02 * sphereVolumeMl(r));

    const auto labels = mesh::extractLabelSurfaces(sphereLabels(r), {}, o);
    ASSERT_EQ(labels.size(), 1u);
    EXPECT_NEAR(mesh::measureMesh(labels[0]).volumeMl, sphereVolumeMl(r), 0.05 * sphereVolumeMl(r));
}

TEST(SurfaceExtraction, IsoSurfaceOfEveryPixelType) {
    const core::Geometry g = cubeGeometry(32);
    for (core::PixelType type : {core::PixelType::UInt8, core::PixelType::Int16,
                                 core::PixelType::UInt16, core::PixelType::Float32}) {
        core::Image image(type, 1, g);
        for (std::size_t k = 0; k < 32; ++k)
            for (std::size_t j = 0; j < 32; ++j)
                for (std::size_t i = 0; i < 32; ++i)
                    image.setValue(i, j, k,
                                   std::hypot(i - 15.5, j - 15.5, k - 15.5) <= 10 ? 200 : 10);
        const mesh::MeshMeasures s = mesh::measureMesh(mesh::extractIsoSurface(image, 105.0));
        EXPECT_TRUE(s.watertight()) << core::pixelTypeName(type);
        EXPECT_GT(s.volumeMl, 3.5) << core::pixelTypeName(type);
    }
}

TEST(SurfaceExtraction, LabelMapDetection) {
    EXPECT_TRUE(mesh::looksLikeLabelMap(sphereLabels(10)));
    // An 8-bit scan with a smooth gradient and noise-like texture is not a label map.
    core::Image scan(core::PixelType::UInt8, 1, cubeGeometry(24));
    auto p = scan.pixels<std::uint8_t>();
    for (std::size_t i = 0; i < p.size(); ++i)
        p[i] = static_cast<std::uint8_t>((i * 7919u) % 97u + 20u);
    EXPECT_FALSE(mesh::looksLikeLabelMap(scan));
    core::Image ct(core::PixelType::Int16, 1, cubeGeometry(8));
    ct.setValue(1, 1, 1, -1000);
    ct.setValue(2, 2, 2, 40);
    EXPECT_FALSE(mesh::looksLikeLabelMap(ct));              // negative values
    EXPECT_FALSE(mesh::looksLikeLabelMap(sphereField(5)));  // float
}

TEST(SurfaceExtraction, BadInputIsRejectedWithAClearError) {
    const core::Image field = sphereField(10);
    try {
        mesh::extractLabelSurfaces(field, {}, {});
        FAIL() << "float label map accepted";
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("float32"), std::string::npos) << e.what();
    }
    EXPECT_THROW(mesh::extractIsoSurface(core::Image(), 0.0), core::InvalidArgument);
    EXPECT_THROW(mesh::extractIsoSurface(field, std::nan("")), core::InvalidArgument);
    core::Image rgb(core::PixelType::UInt8, 3, cubeGeometry(4));
    EXPECT_THROW(mesh::extractIsoSurface(rgb, 1.0), core::InvalidArgument);
    mesh::SurfaceOptions o;
    o.sampleRate = 0;
    EXPECT_THROW(mesh::extractIsoSurface(field, 0.0, o), core::InvalidArgument);
    o = {};
    o.cleanup.decimateReduction = 1.5;
    try {
        mesh::extractIsoSurface(field, 0.0, o);
        FAIL() << "decimation 1.5 accepted";
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("decimation"), std::string::npos) << e.what();
    }
    o = {};
    o.cleanup.smoothingPassBand = 0.0;
    EXPECT_THROW(mesh::extractLabelSurfaces(sphereLabels(5), {}, o), core::InvalidArgument);
}

TEST(SurfaceExtraction, ReportsProgressAndStopsWhenCancelled) {
    core::RecordingProgressSink sink;
    core::CancelToken token;
    const core::Task task(&sink, token);
    mesh::SurfaceOptions o;
    o.cleanup.smoothingIterations = 5;
    const auto meshes = mesh::extractLabelSurfaces(sphereLabels(12), {}, o, task);
    EXPECT_EQ(meshes.size(), 1u);
    EXPECT_GT(sink.reportCount(), 1);
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 1.0);

    token.cancel();
    EXPECT_THROW(mesh::extractLabelSurfaces(sphereLabels(12), {}, o, task), core::Cancelled);
    EXPECT_THROW(mesh::extractIsoSurface(sphereField(12), 0.0, o, task), core::Cancelled);
}
