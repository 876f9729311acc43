// Accuracy report (figures for docs/mesh.md; no timings to speak of):
//  1. Surface accuracy on phantoms at 1 mm: area and enclosed volume of a sphere and an
//     ellipsoid against the analytic values, as iso-surfaces of a smooth field and as label
//     maps (raw and with windowed-sinc smoothing).
//  2. Shape from silhouette: DRRs of a known labelled volume thresholded into silhouettes,
//     the visual hull carved on the truth's grid, Dice and IoU against the truth for 2, 4
//     and 8 views (spread over 180 degrees: 2 = AP + lateral), parallel and cone beam, for a
//     convex phantom (ellipsoid) and a non-convex one (a dumbbell: two balls and a bar).
//
//   stratum_bench_mesh_report [--size N]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/mesh/Drr.h"
#include "stratum/mesh/MaskOverlap.h"
#include "stratum/mesh/MeshMeasures.h"
#include "stratum/mesh/SurfaceExtraction.h"
#include "stratum/mesh/VisualHull.h"

using namespace stratum;
using Clock = std::chrono::steady_clock;

namespace {

struct Phantom {
    std::string name;
    core::Image truth;  // uint8
    core::Image mu;     // float, 1/mm
};

Phantom makePhantom(const std::string& name, std::size_t n,
                    const std::function<bool(double, double, double)>& inside) {
    core::Geometry g;
    g.size = {n, n, n};
    Phantom p{name, core::Image(core::PixelType::UInt8, 1, g),
              core::Image(core::PixelType::Float32, 1, g)};
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t i = 0; i < n; ++i) {
                const double c = (n - 1) / 2.0;
                const bool in =
                    inside((i - c) / n, (j - c) / n, (k - c) / n);  // coordinates in [-0.5, 0.5]
                p.truth.setValue(i, j, k, in ? 1 : 0);
                p.mu.setValue(i, j, k, in ? 0.02 : 0.0);
            }
    return p;
}

// Ellipsoid surface area by numerical integration (2000 x 2000 midpoint rule).
double ellipsoidArea(double a, double b, double c) {
    const int n = 2000;
    const double pi = 3.14159265358979323846, dt = pi / n, dp = 2 * pi / n;
    double area = 0;
    for (int it = 0; it < n; ++it) {
        const double t = (it + 0.5) * dt, st = std::sin(t), ct = std::cos(t);
        for (int ip = 0; ip < n; ++ip) {
            const double p = (ip + 0.5) * dp;
            const double x = b * c * st * st * std::cos(p), y = a * c * st * st * std::sin(p),
                         z = a * b * st * ct;
            area += std::sqrt(x * x + y * y + z * z) * dt * dp;
        }
    }
    return area;
}

void surfaceAccuracy() {
    std::printf("surface accuracy at 1 mm (64^3 grid, centre off the voxel grid):\n");
    std::printf("%-22s %-26s %10s %10s %8s %10s %10s %8s\n", "phantom", "method", "area mm2",
                "true", "error", "volume mL", "true", "error");
    struct Shape {
        const char* name;
        double a, b, c;
    };
    const double pi = 3.14159265358979323846;
    for (const Shape& s :
         {Shape{"sphere r 20", 20, 20, 20}, Shape{"ellipsoid 26x18x12", 26, 18, 12}}) {
        core::Geometry g;
        g.size = {64, 64, 64};
        const double cx = 31.3, cy = 32.1, cz = 30.7;
        auto field = [&](double x, double y, double z) {
            const double u = (x - cx) / s.a, v = (y - cy) / s.b, w = (z - cz) / s.c;
            return (1.0 - std::sqrt(u * u + v * v + w * w)) * std::min({s.a, s.b, s.c});
        };
        core::Image smooth(core::PixelType::Float32, 1, g), labels(core::PixelType::UInt8, 1, g);
        for (std::size_t k = 0; k < 64; ++k)
            for (std::size_t j = 0; j < 64; ++j)
                for (std::size_t i = 0; i < 64; ++i) {
                    const double f = field(double(i), double(j), double(k));
                    smooth.setValue(i, j, k, f);
                    labels.setValue(i, j, k, f >= 0 ? 1 : 0);
                }
        const double area =
            s.a == s.b && s.b == s.c ? 4 * pi * s.a * s.a : ellipsoidArea(s.a, s.b, s.c);
        const double volume = 4.0 / 3.0 * pi * s.a * s.b * s.c / 1000.0;
        auto row = [&](const char* method, const mesh::SurfaceMesh& m) {
            const mesh::MeshMeasures r = mesh::measureMesh(m);
            std::printf("%-22s %-26s %10.1f %10.1f %+7.2f%% %10.3f %10.3f %+7.2f%%\n", s.name,
                        method, r.areaMm2, area, 100 * (r.areaMm2 / area - 1), r.volumeMl, volume,
                        100 * (r.volumeMl / volume - 1));
        };
        row("iso-surface (flying edges)", mesh::extractIsoSurface(smooth, 0.0));
        row("label map, raw", mesh::extractLabelSurfaces(labels, {}, {}).at(0));
        for (int iterations : {10, 20, 30}) {
            mesh::SurfaceOptions o;
            o.cleanup.smoothingIterations = iterations;
            const std::string name = "label map, smoothed " + std::to_string(iterations);
            row(name.c_str(), mesh::extractLabelSurfaces(labels, {}, o).at(0));
        }
    }
    std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t n = 128;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--size" && i + 1 < argc)
            n = std::max(16, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: stratum_bench_mesh_report [--size N]\n");
            return 2;
        }
    }
    surfaceAccuracy();
    std::vector<Phantom> phantoms;
    phantoms.push_back(makePhantom("ellipsoid (convex)", n, [](double x, double y, double z) {
        return x * x / (0.38 * 0.38) + y * y / (0.24 * 0.24) + z * z / (0.31 * 0.31) <= 1;
    }));
    phantoms.push_back(makePhantom("dumbbell (non-convex)", n, [](double x, double y, double z) {
        const double a = std::hypot(x - 0.22, y - 0.05, z), b = std::hypot(x + 0.22, y + 0.05, z);
        return a <= 0.16 || b <= 0.16 ||
               (std::abs(x) <= 0.22 && std::hypot(y - x * 0.05 / 0.22, z) <= 0.06);
    }));
    std::printf(
        "visual hull evaluation: %zu^3 phantoms at 1 mm, silhouettes = DRR line integral > 0\n", n);
    std::printf("%-24s %-9s %6s %8s %8s %10s %10s\n", "phantom", "beam", "views", "Dice", "IoU",
                "hull/true", "seconds");
    for (const Phantom& p : phantoms)
        for (mesh::ProjectionKind kind :
             {mesh::ProjectionKind::Parallel, mesh::ProjectionKind::Cone})
            for (int views : {2, 4, 8}) {
                const auto t0 = Clock::now();
                std::vector<mesh::HullView> list;
                mesh::GantryOptions gantry;
                gantry.kind = kind;
                gantry.sourceToIsocenterMm = 4.0 * n;
                gantry.sourceToDetectorMm = 6.0 * n;
                for (int v = 0; v < views; ++v) {
                    mesh::DrrOptions drr;
                    drr.input = mesh::AttenuationInput::Attenuation;
                    drr.geometry =
                        mesh::gantryProjection(180.0 * v / views, p.mu.geometry(), gantry);
                    list.push_back({mesh::computeDrr(p.mu, drr), drr.geometry, 1e-6});
                }
                const core::Image hull = mesh::carveVisualHull(list, p.truth.geometry());
                const mesh::MaskOverlap o = mesh::maskOverlap(hull, p.truth);
                const double t = std::chrono::duration<double>(Clock::now() - t0).count();
                std::printf("%-24s %-9s %6d %8.4f %8.4f %10.3f %10.2f\n", p.name.c_str(),
                            mesh::projectionKindName(kind), views, o.dice, o.iou,
                            double(o.countA) / double(o.countB), t);
            }
    return 0;
}
