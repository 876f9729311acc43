// The mesh jobs (shared by the CLI and the app): mesh files from images, DRR + calibration,
// visual hull from those files, and the pipeline with its JSON summary.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "Phantoms.h"
#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/DrrJob.h"
#include "stratum/jobs/HullJob.h"
#include "stratum/jobs/MeshJob.h"
#include "stratum/jobs/Pipeline.h"
#include "stratum/mesh/MeshExport.h"
#include "stratum/mesh/MeshMeasures.h"

using namespace stratum;
using namespace stratum::test;
using core::operator-;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Two labelled balls (labels 2 and 7) in a 48^3 uint8 volume at 1.5 mm, written as NIfTI.
fs::path writeLabelMap(const TempDir& dir) {
    core::Geometry g = cubeGeometry(48, 1.5);
    g.origin = {-30, 40, 100};
    core::Image labels(core::PixelType::UInt8, 1, g);
    const core::Vec3 a = g.indexToPatient({15, 16, 24}), b = g.indexToPatient({33, 30, 24});
    paintLabel(labels, 2, [&](const core::Vec3& p) { return core::norm(p - a) <= 12; });
    paintLabel(labels, 7, [&](const core::Vec3& p) { return core::norm(p - b) <= 9; });
    const fs::path path = dir / "labels.nii.gz";
    io::writeImage(labels, path);
    return path;
}

// A CT-like int16 volume in HU: air outside, an ellipsoid of soft tissue (40 HU) with a
// bony ball (700 HU) inside.
fs::path writeCt(const TempDir& dir) {
    core::Geometry g = cubeGeometry(48, 2.0);
    core::Image ct(core::PixelType::Int16, 1, g);
    const core::Vec3 c = g.indexToPatient({23.5, 23.5, 23.5});
    for (std::size_t k = 0; k < 48; ++k)
        for (std::size_t j = 0; j < 48; ++j)
            for (std::size_t i = 0; i < 48; ++i) {
                const core::Vec3 p = g.indexToPatient({double(i), double(j), double(k)});
                double hu = -1000;
                if (ellipsoidField(p, c, {40, 28, 34}) >= 0) hu = 40;
                if (core::norm(p - c) <= 12) hu = 700;
                ct.setValue(i, j, k, hu);
            }
    const fs::path path = dir / "ct.nii.gz";
    io::writeImage(ct, path);
    return path;
}

json readJson(const fs::path& path) {
    std::ifstream in(path);
    return json::parse(in);
}

}  // namespace

TEST(MeshJob, LabelMapToObjWithNamesFromATable) {
    TempDir dir;
    const fs::path in = writeLabelMap(dir);
    const fs::path tsv = dir / "names.tsv";
    { std::ofstream(tsv) << "label\tname\n2\tleft ball\n7\tright ball\n"; }
    jobs::MeshJobOptions o;
    o.labelsTsv = tsv;
    o.smoothIterations = 10;
    const jobs::MeshJobResult r = jobs::meshImage(in, dir / "balls.obj", o);
    EXPECT_EQ(r.mode, "labels");
    ASSERT_EQ(r.meshes.size(), 2u);
    EXPECT_EQ(r.meshes[0].name, "left ball");
    EXPECT_EQ(r.meshes[1].label, 7);
    EXPECT_TRUE(r.meshes[0].watertight);
    EXPECT_NEAR(r.meshes[0].volumeMl, sphereVolumeMl(12), 0.04 * sphereVolumeMl(12));
    ASSERT_EQ(r.written.size(), 2u);  // .obj and .mtl
    const mesh::MeshFileContent back = mesh::readMeshes(dir / "balls.obj");
    ASSERT_EQ(back.meshes.size(), 2u);
    EXPECT_EQ(back.meshes[1].name, "right ball");
    EXPECT_EQ(back.meshes[1].triangles.size(), r.meshes[1].triangles);

    o = {};
    o.label = 7;
    EXPECT_EQ(jobs::meshImage(in, dir / "seven.stl", o).meshes.size(), 1u);
    o.label = 3;
    try {
        jobs::meshImage(in, dir / "three.stl", o);
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("labels present: 2, 7"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find(in.string()), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / "three.stl"));
}

TEST(MeshJob, IntensityNeedsAnIsoValueAndTwoDImagesNeedHeightField) {
    TempDir dir;
    const fs::path ct = writeCt(dir);
    try {
        jobs::meshImage(ct, dir / "x.stl");
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("--iso"), std::string::npos) << e.what();
    }
    jobs::MeshJobOptions o;
    o.iso = 300;
    const jobs::MeshJobResult bone = jobs::meshImage(ct, dir / "bone.vtp", o);
    ASSERT_EQ(bone.meshes.size(), 1u);
    EXPECT_TRUE(bone.meshes[0].watertight);
    EXPECT_NEAR(bone.meshes[0].volumeMl, sphereVolumeMl(12), 0.06 * sphereVolumeMl(12));
    o.iso = 5000;
    EXPECT_THROW(jobs::meshImage(ct, dir / "none.stl", o), core::InvalidArgument);
    EXPECT_THROW(jobs::meshImage(ct, dir / "x.xyz", o), core::InvalidArgument);
    EXPECT_THROW(jobs::meshImage(ct, ct, o), core::InvalidArgument);
    EXPECT_THROW(jobs::meshImage(dir / "missing.nii", dir / "y.stl", o), core::IoError);

    // A 2D image: a height field, or an error saying how to get one.
    core::Geometry g2;
    g2.size = {30, 20, 1};
    core::Image xray(core::PixelType::UInt8, 1, g2);
    xray.setValue(10, 10, 0, 200);
    io::writeImage(xray, dir / "xray.png");
    EXPECT_THROW(jobs::meshImage(dir / "xray.png", dir / "x.ply"), core::InvalidArgument);
    o = {};
    o.heightField = true;
    o.heightScale = 0.1;
    const jobs::MeshJobResult field = jobs::meshImage(dir / "xray.png", dir / "xray.ply", o);
    EXPECT_EQ(field.mode, "height field");
    EXPECT_EQ(field.meshes[0].triangles, 2u * 29 * 19);
    EXPECT_NEAR(field.meshes[0].boundsMax[2] - field.meshes[0].boundsMin[2], 20.0, 1e-4);
}

TEST(MeshJob, FolderOfSlicesIsStacked) {
    TempDir dir;
    fs::create_directory(dir / "slices");
    for (int k = 0; k < 6; ++k) {
        core::Geometry g;
        g.size = {24, 24, 1};
        core::Image s(core::PixelType::UInt8, 1, g);
        if (k >= 1 && k <= 4)
            for (std::size_t j = 6; j < 18; ++j)
                for (std::size_t i = 6; i < 18; ++i) s.setValue(i, j, 0, 1);
        io::writeImage(s, dir / "slices" / ("slice_" + std::to_string(k + 1) + ".png"));
    }
    jobs::MeshJobOptions o;
    o.sliceSpacing = 3.0;
    const jobs::MeshJobResult r = jobs::meshImage(dir / "slices", dir / "stack.stl", o);
    ASSERT_EQ(r.meshes.size(), 1u);
    // 12 x 12 pixels of 1 mm by 4 slices of 3 mm: about 1.7 mL less the corner cuts.
    EXPECT_NEAR(r.meshes[0].boundsMax[2] - r.meshes[0].boundsMin[2], 12.0, 1e-4);
    EXPECT_NEAR(r.meshes[0].volumeMl, 12 * 12 * 12 / 1000.0, 0.1);
}

TEST(DrrAndHullJobs, DrrFilesFeedTheHull) {
    TempDir dir;
    const fs::path ct = writeCt(dir);
    std::vector<fs::path> views;
    for (double angle : {0.0, 45.0, 90.0, 135.0}) {
        jobs::DrrJobOptions o;
        o.angleDegrees = angle;
        o.gantry.kind = mesh::ProjectionKind::Cone;
        o.gantry.sourceToIsocenterMm = 500;
        o.gantry.sourceToDetectorMm = 800;
        const fs::path out = dir / ("view_" + std::to_string(int(angle)) + ".png");
        const jobs::DrrJobResult r = jobs::makeDrr(ct, out, o);
        EXPECT_TRUE(fs::exists(out));
        EXPECT_TRUE(fs::exists(r.calibration));
        EXPECT_GT(r.maxLineIntegral, 1.0);
        const jobs::ViewCalibration back = jobs::readViewCalibration(out);
        EXPECT_EQ(back.geometry.columns, r.columns);
        EXPECT_EQ(back.geometry.kind, mesh::ProjectionKind::Cone);
        EXPECT_NEAR(back.scale, 65535.0 / r.maxLineIntegral, 1e-6 * back.scale);
        views.push_back(angle == 90.0 ? fs::path(r.calibration) : out);  // either form names a view
    }
    // Float output keeps the line integrals themselves.
    jobs::DrrJobOptions flat;
    const jobs::DrrJobResult f = jobs::makeDrr(ct, dir / "ap.nii.gz", flat);
    EXPECT_DOUBLE_EQ(f.scale, 1.0);
    const core::Image integrals = io::readImage(dir / "ap.nii.gz").image;
    EXPECT_NEAR(integrals.minMax().second, f.maxLineIntegral, 1e-5);

    // The body's silhouette (any attenuation) carved from 4 views, as a volume and a surface.
    jobs::HullJobOptions h;
    h.threshold = 0.0;
    h.voxelMm = 2.0;
    const jobs::HullJobResult volume = jobs::carveHull(views, dir / "hull.nii.gz", h);
    EXPECT_EQ(volume.views, 4u);
    const double body = ellipsoidVolumeMl({40, 28, 34});
    EXPECT_GT(volume.volumeMl, 0.97 * body);
    EXPECT_LT(volume.volumeMl, 1.25 * body);
    const jobs::HullJobResult surface = jobs::carveHull(views, dir / "hull.stl", h);
    ASSERT_EQ(surface.meshes.size(), 1u);
    EXPECT_TRUE(surface.meshes[0].watertight);
    EXPECT_NEAR(surface.meshes[0].volumeMl, volume.volumeMl, 0.05 * volume.volumeMl);

    EXPECT_THROW(jobs::carveHull({views[0]}, dir / "one.stl", h), core::InvalidArgument);
    fs::remove(dir / "view_45.png.json");
    try {
        jobs::carveHull({views[0], dir / "view_45.png"}, dir / "bad.stl", h);
        FAIL();
    } catch (const core::IoError& e) {
        EXPECT_EQ(e.path(), (dir / "view_45.png").string());
    }
    EXPECT_THROW(jobs::makeDrr(ct, dir / "x.jpg", flat), core::InvalidArgument);
}

TEST(PipelineJob, LabelMapGivesOneFilePerLabelAndASummary) {
    TempDir dir;
    const fs::path in = writeLabelMap(dir);
    jobs::PipelineOptions o;
    o.formats = {mesh::MeshFormat::Stl, mesh::MeshFormat::Gltf};
    const fs::path out = dir / "models";
    const jobs::PipelineResult r = jobs::runPipeline(in, out, o);
    EXPECT_EQ(r.inputKind, "label map");
    ASSERT_EQ(r.meshes.size(), 2u);
    // 2 labels x 2 formats + all_labels x 2 formats + summary.json
    EXPECT_EQ(r.written.size(), 7u);
    for (const fs::path& f : r.written) EXPECT_TRUE(fs::exists(f)) << f;
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(out)) entries += e.is_regular_file();
    EXPECT_EQ(entries, r.written.size());  // nothing else (no temporaries)

    const json summary = readJson(r.summary);
    EXPECT_EQ(summary["inputKind"], "label map");
    EXPECT_EQ(summary["coordinateSystem"], "LPS");
    ASSERT_EQ(summary["files"].size(), 6u);
    for (const json& f : summary["files"]) {
        EXPECT_TRUE(fs::exists(out / f["file"].get<std::string>())) << f;
        EXPECT_GT(f["triangles"].get<std::size_t>(), 0u);
        EXPECT_GT(f["areaMm2"].get<double>(), 0.0);
        EXPECT_GT(f["volumeMl"].get<double>(), 0.0);
        EXPECT_FALSE(f["labels"].empty());
        EXPECT_EQ(f["labels"].size(), f["names"].size());
    }
    const json& ball = summary["meshes"][0];
    EXPECT_EQ(ball["label"], 2);
    EXPECT_TRUE(ball["watertight"].get<bool>());
    EXPECT_NEAR(ball["volumeMl"].get<double>(), ball["voxelVolumeMl"].get<double>(),
                0.02 * ball["voxelVolumeMl"].get<double>());
    // The file holds what the summary says.
    const std::string stl = ball["files"][0].get<std::string>();
    EXPECT_EQ(mesh::readMeshes(out / stl).meshes.at(0).triangles.size(),
              ball["triangles"].get<std::size_t>());

    // A second run does not touch the filled folder.
    try {
        jobs::runPipeline(in, out, o);
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("not empty"), std::string::npos) << e.what();
    }
}

TEST(PipelineJob, IntensityVolumeIsThresholdedAndCancelLeavesNothing) {
    TempDir dir;
    const fs::path ct = writeCt(dir);
    jobs::PipelineOptions o;
    o.iso = 300;
    o.largest = true;
    o.coordinates = mesh::CoordinateSystem::Ras;
    const jobs::PipelineResult r = jobs::runPipeline(ct, dir / "bone", o);
    EXPECT_EQ(r.inputKind, "intensity");
    ASSERT_EQ(r.meshes.size(), 1u);
    EXPECT_NEAR(r.meshes[0].volumeMl, sphereVolumeMl(12), 0.06 * sphereVolumeMl(12));
    EXPECT_EQ(readJson(r.summary)["coordinateSystem"], "RAS");
    EXPECT_EQ(mesh::readMeshes(r.meshes[0].files.at(0)).recordedCoordinates, "RAS");

    core::CancelToken token;
    token.cancel();
    EXPECT_THROW(jobs::runPipeline(ct, dir / "cancelled", o, core::Task(token)), core::Cancelled);
    EXPECT_FALSE(fs::exists(dir / "cancelled"));
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(dir.path()))
        entries += e.path().filename().string()[0] == '.';
    EXPECT_EQ(entries, 0u);  // no temporary folder left behind
}
