// Clean-up: smoothing keeps the volume, decimation keeps its error bound and the topology,
// components, hole filling, normals.
#include <gtest/gtest.h>

#include <vtkImplicitPolyDataDistance.h>
#include <vtkNew.h>
#include <vtkPolyData.h>

#include "Phantoms.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/MeshCleanup.h"
#include "stratum/mesh/MeshMeasures.h"
#include "stratum/mesh/SurfaceExtraction.h"
#include "stratum/mesh/VtkBridge.h"

using namespace stratum;
using namespace stratum::test;
using core::operator-;

namespace {

const core::Vec3 kCentre{31.3, 32.1, 30.7};

mesh::SurfaceMesh sphere(double r, const core::Vec3& c = kCentre, std::size_t n = 64) {
    const core::Image field =
        floatField(cubeGeometry(n), [&](const core::Vec3& p) { return r - core::norm(p - c); });
    return mesh::extractIsoSurface(field, 0.0);
}

mesh::SurfaceMesh labelSphere(double r) {
    core::Image labels(core::PixelType::UInt8, 1, cubeGeometry(64));
    paintLabel(labels, 1, [&](const core::Vec3& p) { return core::norm(p - kCentre) <= r; });
    return mesh::extractLabelSurfaces(labels, {}, {}).at(0);
}

// Two meshes as one (vertices of `b` after those of `a`).
mesh::SurfaceMesh merged(const mesh::SurfaceMesh& a, const mesh::SurfaceMesh& b) {
    mesh::SurfaceMesh m = a;
    const auto base = static_cast<std::uint32_t>(a.vertices.size());
    m.vertices.insert(m.vertices.end(), b.vertices.begin(), b.vertices.end());
    m.normals.clear();
    for (mesh::Triangle t : b.triangles)
        m.triangles.push_back({t[0] + base, t[1] + base, t[2] + base});
    return m;
}

}  // namespace

TEST(Cleanup, SmoothingKeepsTheSphereVolumeWithinTwoPercent) {
    const double r = 20.0;
    const mesh::SurfaceMesh raw = labelSphere(r);
    for (int iterations : {10, 30, 60}) {
        const mesh::SurfaceMesh smooth = mesh::smoothMesh(raw, iterations, 0.1);
        const mesh::MeshMeasures s = mesh::measureMesh(smooth);
        EXPECT_EQ(smooth.vertices.size(), raw.vertices.size());
        EXPECT_EQ(smooth.triangles, raw.triangles);
        EXPECT_TRUE(s.watertight());
        EXPECT_GT(s.volumeMl, 0.98 * sphereVolumeMl(r)) << iterations;
        EXPECT_LT(s.volumeMl, 1.02 * sphereVolumeMl(r)) << iterations;
        // ... and removes the stair steps: the area approaches the sphere's.
        EXPECT_LT(s.areaMm2, 1.02 * sphereArea(r)) << iterations;
    }
    EXPECT_GT(mesh::measureMesh(raw).areaMm2, 1.05 * sphereArea(r));
}

TEST(Cleanup, DecimationRespectsItsErrorBoundAndKeepsTheSurfaceClosed) {
    const mesh::SurfaceMesh original = sphere(20.0);
    for (double bound : {0.05, 0.2, 0.5}) {
        const mesh::SurfaceMesh reduced = mesh::decimateMesh(original, 0.9, bound);
        const mesh::MeshMeasures s = mesh::measureMesh(reduced);
        EXPECT_TRUE(s.watertight()) << bound;
        EXPECT_EQ(s.inconsistentEdges, 0u);
        EXPECT_LT(s.triangles, original.triangles.size()) << bound;
        // Distance from every original vertex to the decimated surface.
        vtkNew<vtkImplicitPolyDataDistance> distance;
        distance->SetInput(mesh::toVtkPolyData(reduced));
        double worst = 0.0;
        for (const auto& p : original.vertices) {
            double x[3] = {p[0], p[1], p[2]};
            worst = std::max(worst, std::abs(distance->EvaluateFunction(x)));
        }
        EXPECT_LE(worst, bound * 1.001) << "bound " << bound;
    }
    // A loose bound reaches the target; a tight one stops early.
    const auto loose = mesh::decimateMesh(original, 0.8, 1.0).triangles.size();
    const auto tight = mesh::decimateMesh(original, 0.8, 0.02).triangles.size();
    EXPECT_LE(loose, original.triangles.size() * 0.25);
    EXPECT_GT(tight, loose);
}

TEST(Cleanup, ComponentsLargestAndSmall) {
    const mesh::SurfaceMesh big = sphere(12.0, {20, 20, 20});
    const mesh::SurfaceMesh small = sphere(4.0, {46, 46, 46});
    const mesh::SurfaceMesh both = merged(big, small);
    EXPECT_EQ(mesh::measureMesh(both).components, 2u);
    const auto parts = mesh::splitComponents(both);
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].triangles.size() + parts[1].triangles.size(), both.triangles.size());

    const mesh::SurfaceMesh largest = mesh::keepLargestComponent(both);
    EXPECT_EQ(largest.triangles.size(), big.triangles.size());
    EXPECT_NEAR(mesh::measureMesh(largest).volumeMl, mesh::measureMesh(big).volumeMl, 1e-9);

    // The small ball holds about 0.27 mL: a 0.5 mL floor removes it, a 0.1 mL floor keeps it.
    EXPECT_EQ(mesh::removeSmallComponents(both, 0.5).triangles.size(), big.triangles.size());
    EXPECT_EQ(mesh::removeSmallComponents(both, 0.1).triangles.size(), both.triangles.size());
    EXPECT_TRUE(mesh::removeSmallComponents(both, 100.0).empty());
    EXPECT_THROW(mesh::removeSmallComponents(both, -1.0), core::InvalidArgument);
}

TEST(Cleanup, FillHolesClosesACutSphere) {
    const mesh::SurfaceMesh full = sphere(15.0);
    // Cut away the triangles of a polar cap (radius about 5 mm).
    mesh::SurfaceMesh cut = full;
    cut.normals.clear();
    std::erase_if(cut.triangles, [&](const mesh::Triangle& t) {
        for (std::uint32_t v : t)
            if (cut.vertices[v][2] > kCentre[2] + 14.0) return true;
        return false;
    });
    const mesh::MeshMeasures open = mesh::measureMesh(cut);
    ASSERT_GT(open.boundaryEdges, 0u);
    EXPECT_THROW(mesh::fillHoles(cut, 0.0), core::InvalidArgument);
    // Too small a hole size leaves it open; a large enough one closes it.
    EXPECT_GT(mesh::measureMesh(mesh::fillHoles(cut, 1.0)).boundaryEdges, 0u);
    const mesh::SurfaceMesh filled = mesh::fillHoles(cut, 10.0);
    const mesh::MeshMeasures s = mesh::measureMesh(filled);
    EXPECT_TRUE(s.watertight());
    EXPECT_EQ(s.inconsistentEdges, 0u);
    const double fullVolume = mesh::measureMesh(full).volumeMl;
    EXPECT_GT(s.volumeMl, 0.97 * fullVolume);
    EXPECT_LT(s.volumeMl, fullVolume);
}

TEST(Cleanup, NormalsAndOrientation) {
    mesh::SurfaceMesh m = sphere(10.0);
    mesh::computeNormals(m);
    for (std::size_t v = 0; v < m.vertices.size(); ++v) {
        const core::Vec3 p{m.vertices[v][0], m.vertices[v][1], m.vertices[v][2]};
        const core::Vec3 radial = core::normalized(p - kCentre);
        EXPECT_GT(core::dot(radial, {m.normals[v][0], m.normals[v][1], m.normals[v][2]}), 0.9);
    }
    const double volume = mesh::measureMesh(m).volumeMl;
    mesh::flipOrientation(m);
    EXPECT_NEAR(mesh::measureMesh(m).volumeMl, -volume, 1e-9);
    EXPECT_LT(core::dot({m.normals[0][0], m.normals[0][1], m.normals[0][2]},
                        core::Vec3{m.vertices[0][0], m.vertices[0][1], m.vertices[0][2]} - kCentre),
              0.0);
}

TEST(Cleanup, PipelineRunsEveryStepAndKeepsTheIdentity) {
    mesh::SurfaceMesh m = merged(sphere(12.0, {20, 20, 20}), sphere(3.0, {46, 46, 46}));
    m.label = 4;
    m.name = "ball";
    m.color = {0.1f, 0.2f, 0.3f};
    mesh::CleanupOptions o;
    o.keepLargestComponent = true;
    o.smoothingIterations = 10;
    o.decimateReduction = 0.5;
    o.decimateMaxErrorMm = 0.3;
    const mesh::SurfaceMesh out = mesh::cleanupMesh(m, o);
    const mesh::MeshMeasures s = mesh::measureMesh(out);
    EXPECT_EQ(out.label, 4);
    EXPECT_EQ(out.name, "ball");
    EXPECT_EQ(out.color, m.color);
    EXPECT_EQ(s.components, 1u);
    EXPECT_TRUE(s.watertight());
    EXPECT_EQ(out.normals.size(), out.vertices.size());
    EXPECT_LT(s.triangles, m.triangles.size() * 0.6);
    EXPECT_NEAR(s.volumeMl, sphereVolumeMl(12.0), 0.03 * sphereVolumeMl(12.0));

    o.decimateMaxErrorMm = 0.0;
    EXPECT_THROW(mesh::cleanupMesh(m, o), core::InvalidArgument);
}
