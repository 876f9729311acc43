// The mesh commands run as subprocesses: mesh, drr, hull, pipeline; exit codes, output files.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "Subprocess.h"
#include "TestData.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
using namespace stratum::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

ProcessResult stratumRun(const std::vector<std::string>& args) {
    return runProcess(STRATUM_CLI_PATH, args);
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A 40^3 int16 CT-like volume: air, a soft-tissue ellipsoid, a 700 HU ball; and a label map
// of the same grid with labels 1 (body) and 4 (ball).
struct Volumes {
    fs::path ct, labels;
};

Volumes writeVolumes(const TempDir& dir) {
    core::Geometry g;
    g.size = {40, 40, 40};
    g.spacing = {2, 2, 2};
    g.origin = {-40, -40, 50};
    core::Image ct(core::PixelType::Int16, 1, g), labels(core::PixelType::UInt8, 1, g);
    for (std::size_t k = 0; k < 40; ++k)
        for (std::size_t j = 0; j < 40; ++j)
            for (std::size_t i = 0; i < 40; ++i) {
                const double x = (i - 19.5) / 16.0, y = (j - 19.5) / 12.0, z = (k - 19.5) / 15.0;
                const double ball = std::hypot(i - 19.5, j - 19.5, k - 19.5);
                int hu = -1000, label = 0;
                if (x * x + y * y + z * z <= 1) hu = 40, label = 1;
                if (ball <= 6) hu = 700, label = 4;
                ct.setValue(i, j, k, hu);
                labels.setValue(i, j, k, label);
            }
    Volumes v{dir / "ct.nii.gz", dir / "labels.nii.gz"};
    io::writeImage(ct, v.ct);
    io::writeImage(labels, v.labels);
    return v;
}

void expectUsage(const ProcessResult& r, const std::string& message) {
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_EQ(r.err.rfind("stratum: " + message, 0), 0u) << r.err;
}

void expectError(const ProcessResult& r, const std::string& mention) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    const auto lines = r.errLines();
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(lines[0].rfind("stratum: error: ", 0), 0u) << lines[0];
    EXPECT_TRUE(has(lines[0], mention)) << lines[0];
}

}  // namespace

TEST(MeshCli, HelpListsTheMeshCommands) {
    const ProcessResult r = stratumRun({"--help"});
    EXPECT_EQ(r.exitCode, 0);
    for (const char* command : {"mesh", "drr", "hull", "pipeline"})
        EXPECT_TRUE(has(r.out, command)) << command;
    for (const char* command : {"mesh", "drr", "hull", "pipeline"}) {
        const ProcessResult help = stratumRun({command, "--help"});
        EXPECT_EQ(help.exitCode, 0) << command;
        EXPECT_EQ(help.out.rfind(std::string("usage: stratum ") + command, 0), 0u) << help.out;
    }
}

TEST(MeshCli, MeshWritesSurfacesAndReportsThem) {
    TempDir dir;
    const Volumes v = writeVolumes(dir);
    const ProcessResult labels =
        stratumRun({"mesh", v.labels.string(), (dir / "organs.glb").string(), "--smooth", "10"});
    ASSERT_EQ(labels.exitCode, 0) << labels.err;
    EXPECT_TRUE(labels.err.empty()) << labels.err;
    EXPECT_TRUE(has(labels.out, "label 1 label_1:")) << labels.out;
    EXPECT_TRUE(has(labels.out, "label 4 label_4:")) << labels.out;
    EXPECT_TRUE(has(labels.out, "wrote " + (dir / "organs.glb").string() + ": 2 surfaces, LPS mm"))
        << labels.out;
    EXPECT_TRUE(fs::exists(dir / "organs.glb"));

    const ProcessResult bone =
        stratumRun({"mesh", v.ct.string(), (dir / "bone.stl").string(), "--iso", "300", "--ras",
                    "--ascii", "--decimate", "0.5"});
    ASSERT_EQ(bone.exitCode, 0) << bone.err;
    EXPECT_TRUE(has(bone.out, "closed")) << bone.out;
    std::ifstream stl(dir / "bone.stl");
    std::string first;
    std::getline(stl, first);
    EXPECT_TRUE(has(first, "coordinates=RAS")) << first;
}

TEST(MeshCli, UsageAndInputErrors) {
    TempDir dir;
    const Volumes v = writeVolumes(dir);
    expectUsage(stratumRun({"mesh"}), "mesh: missing IN and OUT");
    expectUsage(stratumRun({"mesh", "a.nii"}), "mesh: missing OUT");
    expectUsage(stratumRun({"mesh", "a", "b.stl", "--label", "1", "--iso", "2"}),
                "mesh: give --label or --iso");
    expectUsage(stratumRun({"mesh", "a", "b.stl", "--smooth", "lots"}),
                "--smooth: 'lots' is not a whole number");
    expectUsage(stratumRun({"drr", "a", "b.png"}), "drr: missing --angle");
    expectUsage(stratumRun({"drr", "a", "b.png", "--angle", "0", "--size", "12"}),
                "--size: '12' is not COLSxROWS");
    expectUsage(stratumRun({"hull", "a.png", "b.stl"}), "hull: needs two or more VIEWs and OUT");
    expectUsage(stratumRun({"pipeline", "a", "b", "--format", "dwg"}),
                "--format: unknown format 'dwg'");

    expectError(stratumRun({"mesh", (dir / "missing.nii").string(), (dir / "x.stl").string()}),
                (dir / "missing.nii").string());
    expectError(stratumRun({"mesh", v.ct.string(), (dir / "x.stl").string()}), "--iso");
    expectError(stratumRun({"mesh", v.labels.string(), (dir / "x.dwg").string()}),
                "unknown mesh format");
    EXPECT_FALSE(fs::exists(dir / "x.stl"));
}

TEST(MeshCli, DrrViewsMakeAHull) {
    TempDir dir;
    const Volumes v = writeVolumes(dir);
    std::vector<std::string> hullArgs{"hull"};
    for (const char* angle : {"0", "60", "120"}) {
        const fs::path out = dir / (std::string("drr_") + angle + ".png");
        const ProcessResult r =
            stratumRun({"drr", v.ct.string(), out.string(), "--angle", angle, "--cone"});
        ASSERT_EQ(r.exitCode, 0) << r.err;
        EXPECT_TRUE(has(r.out, "cone beam")) << r.out;
        EXPECT_TRUE(fs::exists(out.string() + ".json"));
        hullArgs.push_back(out.string());
    }
    hullArgs.push_back((dir / "hull.ply").string());
    const ProcessResult hull = stratumRun(hullArgs);
    ASSERT_EQ(hull.exitCode, 0) << hull.err;
    EXPECT_TRUE(has(hull.out, "carved 3 views")) << hull.out;
    EXPECT_TRUE(has(hull.out, "visual hull:")) << hull.out;
    EXPECT_TRUE(fs::exists(dir / "hull.ply"));
}

TEST(MeshCli, PipelineWritesTheFolderAndItsSummaryOnce) {
    TempDir dir;
    const Volumes v = writeVolumes(dir);
    const fs::path out = dir / "models";
    const ProcessResult r =
        stratumRun({"pipeline", v.labels.string(), out.string(), "--format", "stl,obj"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(has(r.out, "segment: the input is a label map (2 labels)")) << r.out;
    std::ifstream in(out / "summary.json");
    const json summary = json::parse(in);
    EXPECT_EQ(summary["meshes"].size(), 2u);
    for (const json& f : summary["files"])
        EXPECT_TRUE(fs::exists(out / f["file"].get<std::string>())) << f;
    expectError(stratumRun({"pipeline", v.labels.string(), out.string()}), "not empty");

    const ProcessResult bone =
        stratumRun({"pipeline", v.ct.string(), (dir / "bone").string(), "--iso", "300"});
    ASSERT_EQ(bone.exitCode, 0) << bone.err;
    EXPECT_TRUE(has(bone.out, "segment: threshold >= 300 (given)")) << bone.out;
}
