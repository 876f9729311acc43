// Real anatomy: TotalSegmentator's CT organ labels meshed per label, with names from the
// label table; volumes against voxel counts, vertices inside the scan.
#include <gtest/gtest.h>

#include <fstream>

#include "TestData.h"
#include "stratum/io/ImageIO.h"
#include "stratum/mesh/LabelTable.h"
#include "stratum/mesh/MeshMeasures.h"
#include "stratum/mesh/SurfaceExtraction.h"

using namespace stratum;
using namespace stratum::test;
namespace fs = std::filesystem;

namespace {

fs::path totalSegmentator() {
    return sharedData() / "volumes/totalsegmentator";
}

}  // namespace

TEST(RealData, TotalSegmentatorOrgansMeshedPerLabel) {
    const fs::path seg = totalSegmentator() / "example_seg.nii.gz";
    STRATUM_REQUIRE_DATA(seg);
    const core::Image labels = io::readImage(seg).image;
    ASSERT_TRUE(mesh::looksLikeLabelMap(labels));
    const mesh::LabelTable table = mesh::LabelTable::readTsv(totalSegmentator() / "labels_ct.tsv");
    EXPECT_EQ(table.name(5), "liver");
    EXPECT_EQ(table.name(2), "kidney_right");

    const auto counts = mesh::countLabels(labels);
    EXPECT_GT(counts.size(), 30u);
    const core::Geometry& g = labels.geometry();
    // Unsmoothed: every vertex within the scan's voxel box (the outer voxel centres plus the
    // half voxel the closing surface takes beyond them).
    const auto raw = mesh::extractLabelSurfaces(labels, {}, {});
    ASSERT_EQ(raw.size(), counts.size());
    for (const mesh::SurfaceMesh& m : raw)
        for (const auto& p : m.vertices) {
            const core::Vec3 q = g.patientToIndex({p[0], p[1], p[2]});
            for (int d = 0; d < 3; ++d) {
                ASSERT_GE(q[d], -0.5 - 1e-3) << table.name(m.label);
                ASSERT_LE(q[d], double(g.size[d]) - 0.5 + 1e-3) << table.name(m.label);
            }
        }

    for (const mesh::SurfaceMesh& m : raw) {
        const mesh::MeshMeasures s = mesh::measureMesh(m);
        EXPECT_TRUE(s.watertight()) << table.name(m.label);
        EXPECT_GT(s.volumeMl, 0.0) << table.name(m.label);
    }

    // Smoothed: compact organs keep the labelled voxels' volume within 2% (thin structures
    // such as ribs shrink more at 3 mm voxels; docs/mesh.md lists them).
    mesh::SurfaceOptions options;
    options.cleanup.smoothingIterations = 15;
    const auto meshes = mesh::extractLabelSurfaces(labels, {}, options);
    ASSERT_EQ(meshes.size(), counts.size());
    const double voxelMl = g.spacing[0] * g.spacing[1] * g.spacing[2] / 1000.0;
    std::size_t checked = 0;
    for (std::size_t i = 0; i < meshes.size(); ++i) {
        const mesh::SurfaceMesh& m = meshes[i];
        ASSERT_EQ(m.label, counts[i].label);
        EXPECT_TRUE(mesh::measureMesh(m).watertight()) << table.name(m.label);
        const std::string name = table.name(m.label);
        if (name == "spleen" || name == "kidney_right" || name == "kidney_left" ||
            name == "liver" || name == "stomach" || name == "colon") {
            const double expected = counts[i].voxels * voxelMl;
            EXPECT_NEAR(mesh::measureMesh(m).volumeMl, expected, 0.02 * expected) << name;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 6u);

    // The liver in particular.
    const int liver[] = {5};
    const auto liverMesh = mesh::extractLabelSurfaces(labels, liver, options);
    ASSERT_EQ(liverMesh.size(), 1u);
    std::size_t liverVoxels = 0;
    for (const auto& c : counts)
        if (c.label == 5) liverVoxels = c.voxels;
    ASSERT_GT(liverVoxels, 0u);
    const double liverMl = mesh::measureMesh(liverMesh[0]).volumeMl;
    EXPECT_NEAR(liverMl, liverVoxels * voxelMl, 0.01 * liverVoxels * voxelMl);
}

TEST(RealData, DecimationKeepsThinStructuresClosed) {
    // The costal cartilages (8 thin pieces at 3 mm voxels): plain vtkDecimatePro with
    // PreserveTopology leaves a non-manifold edge at a 1.5 mm bound; ours must not.
    const fs::path seg = totalSegmentator() / "example_seg.nii.gz";
    STRATUM_REQUIRE_DATA(seg);
    const core::Image labels = io::readImage(seg).image;
    mesh::SurfaceOptions options;
    options.cleanup.smoothingIterations = 15;
    const int cartilages[] = {117};
    const mesh::SurfaceMesh m = mesh::extractLabelSurfaces(labels, cartilages, options).at(0);
    const mesh::MeshMeasures before = mesh::measureMesh(m);
    ASSERT_TRUE(before.watertight());
    const mesh::SurfaceMesh reduced = mesh::decimateMesh(m, 0.5, 1.5);
    const mesh::MeshMeasures after = mesh::measureMesh(reduced);
    EXPECT_TRUE(after.watertight());
    EXPECT_EQ(after.components, before.components);
    EXPECT_LT(after.triangles, before.triangles);
    EXPECT_NEAR(after.volumeMl, before.volumeMl, 0.02 * before.volumeMl);
}

TEST(RealData, CtBoneIsoSurfaceStaysInsideTheScan) {
    const fs::path ct = totalSegmentator() / "example_ct_sm.nii.gz";
    STRATUM_REQUIRE_DATA(ct);
    const core::Image image = io::readImage(ct).image;
    mesh::SurfaceOptions options;
    options.capBorders = true;
    options.cleanup.keepLargestComponent = true;
    const mesh::SurfaceMesh bone = mesh::extractIsoSurface(image, 300.0, options);
    const mesh::MeshMeasures s = mesh::measureMesh(bone);
    EXPECT_GT(s.triangles, 1000u);
    EXPECT_TRUE(s.watertight());
    EXPECT_GT(s.volumeMl, 0.0);
    const core::Geometry& g = image.geometry();
    for (const auto& p : bone.vertices) {
        const core::Vec3 q = g.patientToIndex({p[0], p[1], p[2]});
        for (int d = 0; d < 3; ++d) {
            ASSERT_GE(q[d], -0.5 - 1e-3);
            ASSERT_LE(q[d], double(g.size[d]) - 0.5 + 1e-3);
        }
    }
}

TEST(LabelTable, ParsesTsvAndRejectsBadLines) {
    TempDir dir;
    const fs::path good = dir / "labels.tsv";
    { std::ofstream(good) << "label\tname\tr\tg\tb\n1\tspleen\t255\t0\t0\n\n2\tkidney\n"; }
    const mesh::LabelTable t = mesh::LabelTable::readTsv(good);
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(t.name(1), "spleen");
    EXPECT_EQ(t.color(1), (mesh::Color{1.0f, 0.0f, 0.0f}));
    EXPECT_EQ(t.color(2), mesh::paletteColor(2));
    EXPECT_EQ(t.name(42), "label_42");
    const fs::path bad = dir / "bad.tsv";
    { std::ofstream(bad) << "label\tname\n1\tspleen\nx\tliver\n"; }
    try {
        mesh::LabelTable::readTsv(bad);
        FAIL();
    } catch (const core::FormatError& e) {
        EXPECT_EQ(e.path(), bad.string());
        EXPECT_NE(e.problem().find("line 3"), std::string::npos) << e.what();
    }
    EXPECT_THROW(mesh::LabelTable::readTsv(dir / "none.tsv"), core::IoError);
}
