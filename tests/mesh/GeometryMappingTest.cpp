// Vertices land in patient coordinates exactly as the image's geometry says: origin,
// anisotropic spacing, oblique and left-handed direction matrices, sub-sampling.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "Phantoms.h"
#include "stratum/mesh/MeshMeasures.h"
#include "stratum/mesh/SurfaceExtraction.h"

using namespace stratum;
using namespace stratum::test;
using core::operator-;
using core::operator+;
using core::operator*;

namespace {

core::Mat3 rotation(double ax, double ay, double az) {
    const double cx = std::cos(ax), sx = std::sin(ax), cy = std::cos(ay), sy = std::sin(ay);
    const double cz = std::cos(az), sz = std::sin(az);
    core::Mat3 rx, ry, rz;
    rx.m = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
    ry.m = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
    rz.m = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
    return rz * ry * rx;
}

core::Geometry obliqueGeometry(bool leftHanded) {
    core::Geometry g;
    g.size = {20, 16, 12};
    g.spacing = {0.7, 1.3, 2.5};
    g.origin = {-112.4, 53.9, 301.2};
    g.direction = rotation(0.3, -0.5, 0.9);
    if (leftHanded) {
        const core::Vec3 c0 = g.direction.column(0), c1 = g.direction.column(1),
                         c2 = g.direction.column(2);
        g.direction = core::Mat3::fromColumns(c0, c1, -1.0 * c2);
    }
    return g;
}

core::Vec3 centroid(const mesh::SurfaceMesh& m) {
    core::Vec3 c{0, 0, 0};
    for (const auto& p : m.vertices) c = c + core::Vec3{p[0], p[1], p[2]};
    return (1.0 / double(m.vertices.size())) * c;
}

// The largest distance of a vertex from `p` in index units (through the inverse geometry).
double maxIndexDistance(const mesh::SurfaceMesh& m, const core::Geometry& g,
                        const core::Vec3& index) {
    double worst = 0.0;
    for (const auto& p : m.vertices) {
        const core::Vec3 q = g.patientToIndex({p[0], p[1], p[2]});
        for (int d = 0; d < 3; ++d) worst = std::max(worst, std::abs(q[d] - index[d]));
    }
    return worst;
}

}  // namespace

class GeometryMapping : public ::testing::TestWithParam<bool> {};

TEST_P(GeometryMapping, SingleVoxelLabelSurroundsItsPatientPosition) {
    const core::Geometry g = obliqueGeometry(GetParam());
    core::Image labels(core::PixelType::UInt8, 1, g);
    const core::Vec3 index{13, 4, 9};
    labels.setValue(13, 4, 9, 1);
    const auto meshes = mesh::extractLabelSurfaces(labels, {}, {});
    ASSERT_EQ(meshes.size(), 1u);
    // A single voxel gives an octahedron whose corners sit half a voxel from its centre along
    // each index axis: its centroid is the voxel's patient position.
    const core::Vec3 expected = g.indexToPatient(index);
    const core::Vec3 got = centroid(meshes[0]);
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(got[d], expected[d], 1e-4) << d;
    EXPECT_NEAR(maxIndexDistance(meshes[0], g, index), 0.5, 1e-4);
    const mesh::MeshMeasures s = mesh::measureMesh(meshes[0]);
    EXPECT_TRUE(s.watertight());
    // Octahedron of half-diagonals 0.5 voxel: volume (4/3)*0.5^3 voxel volumes, positive.
    const double voxelMm3 = g.spacing[0] * g.spacing[1] * g.spacing[2];
    EXPECT_NEAR(s.volumeMl * 1000.0, voxelMm3 / 6.0, 1e-3 * voxelMm3);
}

TEST_P(GeometryMapping, IsoSurfaceFollowsTheGeometry) {
    const core::Geometry g = obliqueGeometry(GetParam());
    // A ball of radius 6 mm around a known patient point, sampled on the oblique grid.
    const core::Vec3 centre = g.indexToPatient({9.5, 7.2, 5.6});
    const core::Image field =
        floatField(g, [&](const core::Vec3& p) { return 6.0 - core::norm(p - centre); });
    mesh::SurfaceOptions o;
    const mesh::SurfaceMesh m = mesh::extractIsoSurface(field, 0.0, o);
    const mesh::MeshMeasures s = mesh::measureMesh(m);
    EXPECT_TRUE(s.watertight());
    EXPECT_GT(s.volumeMl, 0.0);  // outward whatever the handedness
    // Every vertex on the sphere within the interpolation error of the coarse grid.
    double worst = 0.0;
    for (const auto& p : m.vertices)
        worst = std::max(worst, std::abs(core::norm(core::Vec3{p[0], p[1], p[2]} - centre) - 6.0));
    EXPECT_LT(worst, 0.35);
    const core::Vec3 c = centroid(m);
    EXPECT_LT(core::norm(c - centre), 0.2);
    EXPECT_NEAR(s.volumeMl, sphereVolumeMl(6.0), 0.05 * sphereVolumeMl(6.0));
}

TEST_P(GeometryMapping, SubSampledLabelStaysInPlace) {
    const core::Geometry g = obliqueGeometry(GetParam());
    core::Image labels(core::PixelType::UInt8, 1, g);
    for (std::size_t k = 2; k <= 8; ++k)
        for (std::size_t j = 2; j <= 12; ++j)
            for (std::size_t i = 4; i <= 14; ++i) labels.setValue(i, j, k, 2);
    mesh::SurfaceOptions o;
    o.sampleRate = 2;
    const auto meshes = mesh::extractLabelSurfaces(labels, {}, o);
    ASSERT_EQ(meshes.size(), 1u);
    // Samples at i = 4,6,..14, j = 2,..12, k = 2,4,6,8: the surface sits one original voxel
    // outside the outer samples on every side.
    for (const auto& p : meshes[0].vertices) {
        const core::Vec3 q = g.patientToIndex({p[0], p[1], p[2]});
        EXPECT_GE(q[0], 3.0 - 1e-3);
        EXPECT_LE(q[0], 15.0 + 1e-3);
        EXPECT_GE(q[2], 1.0 - 1e-3);
        EXPECT_LE(q[2], 9.0 + 1e-3);
    }
    const core::Vec3 c = g.patientToIndex(centroid(meshes[0]));
    EXPECT_NEAR(c[0], 9.0, 0.05);
    EXPECT_NEAR(c[1], 7.0, 0.05);
    EXPECT_NEAR(c[2], 5.0, 0.05);
}

INSTANTIATE_TEST_SUITE_P(Handedness, GeometryMapping, ::testing::Values(false, true),
                         [](const auto& param) {
                             return param.param ? "LeftHanded" : "RightHanded";
                         });
