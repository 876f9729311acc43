// Mesh extraction benchmark: our iso-surface path against VTK's filters on the same
// volumes, in one run; the whole label map -> surfaces -> smooth -> decimate -> STL path;
// and DRR ray sums.
//
//   stratum_bench_mesh [--repeat N] [--skip-512] [--work DIR]
//
// Volumes (int16, generated in memory):
//   256^3: a ball of radius 100 voxels (the sphere of issue 6)
//   512^3: a gyroid of period 32 voxels (about 20 M triangles)
// For each: vtkMarchingCubes and vtkFlyingEdges3D on a vtkImageData that shares the
// volume's buffer (no copy), then mesh::extractIsoSurface (flying edges plus the
// conversion to patient coordinates, without and with normals). Times are medians of
// N runs (default 3); ratios are against vtkFlyingEdges3D measured in the same run.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include <vtkFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkMarchingCubes.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkShortArray.h>

#include "stratum/core/Image.h"
#include "stratum/core/Parallel.h"
#include "stratum/mesh/Drr.h"
#include "stratum/mesh/MeshExport.h"
#include "stratum/mesh/SurfaceExtraction.h"

namespace fs = std::filesystem;
using namespace stratum;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Median wall time of `repeat` calls.
double timeIt(int repeat, const std::function<void()>& f) {
    std::vector<double> times;
    for (int i = 0; i < repeat; ++i) {
        const auto t0 = Clock::now();
        f();
        times.push_back(seconds(t0, Clock::now()));
    }
    return median(times);
}

// Wall and CPU (all threads of the process) seconds of one call. On a machine shared with
// other work the CPU time is the steadier measure of the work done.
struct Timing {
    double wall = 0;
    double cpu = 0;
};
Timing measure(const std::function<void()>& f) {
    const std::clock_t c0 = std::clock();
    const auto t0 = Clock::now();
    f();
    return {seconds(t0, Clock::now()), double(std::clock() - c0) / CLOCKS_PER_SEC};
}

core::Image int16Field(std::size_t n, const std::function<double(double, double, double)>& f) {
    core::Geometry g;
    g.size = {n, n, n};
    core::Image image(core::PixelType::Int16, 1, g, core::Image::Init::Uninitialized);
    std::int16_t* p = image.data<std::int16_t>();
    core::parallelFor(0, n, [&](std::size_t k) {
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t i = 0; i < n; ++i)
                p[(k * n + j) * n + i] = static_cast<std::int16_t>(
                    std::clamp(f(double(i), double(j), double(k)), -30000.0, 30000.0));
    });
    return image;
}

vtkSmartPointer<vtkImageData> shared(core::Image& image) {
    auto vtkImage = vtkSmartPointer<vtkImageData>::New();
    const auto& s = image.size();
    vtkImage->SetDimensions(int(s[0]), int(s[1]), int(s[2]));
    vtkNew<vtkShortArray> scalars;
    scalars->SetArray(image.data<std::int16_t>(), static_cast<vtkIdType>(image.voxelCount()), 1);
    vtkImage->GetPointData()->SetScalars(scalars);
    return vtkImage;
}

void extractionRow(const char* name, core::Image& image, int repeat) {
    const double voxels = double(image.voxelCount());
    vtkSmartPointer<vtkImageData> vtkImage = shared(image);
    std::size_t feTriangles = 0, mcTriangles = 0, ourTriangles = 0;
    auto marchingCubes = [&] {
        vtkNew<vtkMarchingCubes> f;
        f->SetInputData(vtkImage);
        f->SetValue(0, 0.0);
        f->ComputeNormalsOff();
        f->ComputeGradientsOff();
        f->ComputeScalarsOff();
        f->Update();
        mcTriangles = std::size_t(f->GetOutput()->GetNumberOfPolys());
    };
    auto flyingEdges = [&] {
        vtkNew<vtkFlyingEdges3D> f;
        f->SetInputData(vtkImage);
        f->SetValue(0, 0.0);
        f->ComputeNormalsOff();
        f->ComputeGradientsOff();
        f->ComputeScalarsOff();
        f->InterpolateAttributesOff();  // as in extractIsoSurface
        f->Update();
        feTriangles = std::size_t(f->GetOutput()->GetNumberOfPolys());
    };
    mesh::SurfaceOptions plain;
    plain.cleanup.computeNormals = false;
    mesh::SurfaceOptions withNormals;
    // Interleaved, so that a change in the machine's load hits every contender alike.
    std::vector<Timing> tMc, tFe, tOurs, tNormals;
    for (int r = 0; r < repeat; ++r) {
        tMc.push_back(measure(marchingCubes));
        tFe.push_back(measure(flyingEdges));
        tOurs.push_back(measure(
            [&] { ourTriangles = mesh::extractIsoSurface(image, 0.0, plain).triangles.size(); }));
        tNormals.push_back(measure([&] { mesh::extractIsoSurface(image, 0.0, withNormals); }));
    }
    auto wall = [](const std::vector<Timing>& t) {
        std::vector<double> v;
        for (const Timing& x : t) v.push_back(x.wall);
        return median(v);
    };
    auto cpu = [](const std::vector<Timing>& t) {
        std::vector<double> v;
        for (const Timing& x : t) v.push_back(x.cpu);
        return median(v);
    };
    const double fe = wall(tFe), feCpu = cpu(tFe);

    std::printf(
        "\n%s: %.0f voxels, %zu triangles (flying edges), %zu (marching cubes), %zu (ours)\n", name,
        voxels, feTriangles, mcTriangles, ourTriangles);
    std::printf("  %-36s %9s %12s %12s %8s %9s %8s\n", "", "seconds", "Mvoxels/s", "Mtriangles/s",
                "vs FE", "CPU s", "vs FE");
    auto row = [&](const char* what, const std::vector<Timing>& t, std::size_t tris) {
        const double w = wall(t), c = cpu(t);
        std::printf("  %-36s %9.3f %12.1f %12.2f %8.2f %9.3f %8.2f\n", what, w, voxels / w / 1e6,
                    double(tris) / w / 1e6, w / fe, c, c / feCpu);
    };
    row("vtkMarchingCubes", tMc, mcTriangles);
    row("vtkFlyingEdges3D", tFe, feTriangles);
    row("stratum extractIsoSurface", tOurs, ourTriangles);
    row("stratum extractIsoSurface + normals", tNormals, ourTriangles);
}

}  // namespace

int main(int argc, char** argv) {
    int repeat = 3;
    bool skip512 = false;
    fs::path work = fs::temp_directory_path() / "stratum-bench-mesh";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--repeat" && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else if (a == "--skip-512")
            skip512 = true;
        else if (a == "--work" && i + 1 < argc)
            work = argv[++i];
        else {
            std::fprintf(stderr,
                         "usage: stratum_bench_mesh [--repeat N] [--skip-512] [--work DIR]\n");
            return 2;
        }
    }
    std::printf("stratum mesh benchmark: %u threads, median of %d runs\n",
                core::defaultThreadCount(), repeat);

    {
        core::Image ball = int16Field(256, [](double x, double y, double z) {
            return 100.0 *
                   (100.0 - std::sqrt((x - 127.5) * (x - 127.5) + (y - 127.5) * (y - 127.5) +
                                      (z - 127.5) * (z - 127.5)));
        });
        extractionRow("256^3 ball, radius 100", ball, repeat);
    }
    if (!skip512) {
        const double w = 2.0 * std::numbers::pi / 32.0;
        core::Image gyroid = int16Field(512, [w](double x, double y, double z) {
            return 10000.0 *
                   (std::sin(w * x) * std::cos(w * y) + std::sin(w * y) * std::cos(w * z) +
                    std::sin(w * z) * std::cos(w * x));
        });
        extractionRow("512^3 gyroid, period 32", gyroid, repeat);
    }

    // Whole path on a 256^3 label map: three organs-like labels.
    {
        core::Geometry g;
        g.size = {256, 256, 256};
        core::Image labels(core::PixelType::UInt8, 1, g);
        std::uint8_t* p = labels.data<std::uint8_t>();
        core::parallelFor(0, 256, [&](std::size_t k) {
            for (std::size_t j = 0; j < 256; ++j)
                for (std::size_t i = 0; i < 256; ++i) {
                    const double x = i - 128.0, y = j - 128.0, z = k - 128.0;
                    std::uint8_t v = 0;
                    if (x * x / (90.0 * 90) + y * y / (70.0 * 70) + z * z / (100.0 * 100) <= 1)
                        v = 1;
                    if ((x - 30) * (x - 30) + (y + 10) * (y + 10) + z * z <= 35.0 * 35) v = 2;
                    if (std::abs(x + 40) < 15 && std::abs(y) < 40 && std::abs(z - 20) < 60) v = 3;
                    p[(k * 256 + j) * 256 + i] = v;
                }
        });
        fs::create_directories(work);
        const fs::path stl = work / "labels.stl";
        // Median wall and CPU seconds of `repeat` calls.
        auto timed = [&](const std::function<void()>& f) {
            std::vector<double> w, c;
            for (int r = 0; r < repeat; ++r) {
                const Timing t = measure(f);
                w.push_back(t.wall);
                c.push_back(t.cpu);
            }
            return Timing{median(w), median(c)};
        };
        auto step = [&](int smooth, double decimate, std::size_t* triangles) {
            mesh::SurfaceOptions o;
            o.cleanup.smoothingIterations = smooth;
            o.cleanup.decimateReduction = decimate;
            return timed([&] {
                const auto meshes = mesh::extractLabelSurfaces(labels, {}, o);
                *triangles = 0;
                for (const auto& m : meshes) *triangles += m.triangles.size();
            });
        };
        std::size_t raw = 0, smoothed = 0, reduced = 0;
        const Timing tExtract = step(0, 0.0, &raw);
        const Timing tSmooth = step(15, 0.0, &smoothed);
        const Timing tAll = step(15, 0.5, &reduced);
        mesh::SurfaceOptions o;
        o.cleanup.smoothingIterations = 15;
        o.cleanup.decimateReduction = 0.5;
        const auto meshes = mesh::extractLabelSurfaces(labels, {}, o);
        const Timing tWrite = timed([&] { mesh::writeMeshes(meshes, stl); });
        std::printf(
            "\n256^3 label map (3 labels) -> surfaces -> smooth 15 -> decimate 0.5 (bound 0.5 mm)\n"
            "-> binary STL (cumulative; wall s, CPU s):\n");
        std::printf("  surfaces + normals           %7.3f %7.3f  (%zu triangles)\n", tExtract.wall,
                    tExtract.cpu, raw);
        std::printf("  + windowed-sinc, 15 iter.    %7.3f %7.3f\n", tSmooth.wall, tSmooth.cpu);
        std::printf("  + decimation 0.5             %7.3f %7.3f  (%zu triangles)\n", tAll.wall,
                    tAll.cpu, reduced);
        std::printf("  binary STL alone             %7.3f %7.3f\n", tWrite.wall, tWrite.cpu);
        std::printf("  whole path                   %7.3f %7.3f\n", tAll.wall + tWrite.wall,
                    tAll.cpu + tWrite.cpu);
        fs::remove(stl);
    }

    // DRR: 256^3 CT-like volume, 512x512 detector, parallel and cone.
    {
        core::Image ct = int16Field(256, [](double x, double y, double z) {
            const double r = std::sqrt((x - 127.5) * (x - 127.5) + (y - 127.5) * (y - 127.5));
            return r < 110 ? (r < 20 && std::abs(z - 128) < 100 ? 700.0 : 40.0) : -1000.0;
        });
        for (mesh::ProjectionKind kind :
             {mesh::ProjectionKind::Parallel, mesh::ProjectionKind::Cone}) {
            mesh::GantryOptions gantry;
            gantry.kind = kind;
            gantry.columns = gantry.rows = 512;
            mesh::DrrOptions options;
            options.geometry = mesh::gantryProjection(30.0, ct.geometry(), gantry);
            const double t = timeIt(repeat, [&] { mesh::computeDrr(ct, options); });
            std::printf("\nDRR %s, 256^3 int16 -> 512x512: %.3f s, %.1f Mrays/s\n",
                        mesh::projectionKindName(kind), t, 512.0 * 512.0 / t / 1e6);
        }
    }
    return 0;
}
