#include "stratum/mesh/MeshCleanup.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include <vtkNew.h>
#include <vtkPolyData.h>
#include <vtkWindowedSincPolyDataFilter.h>

#include "CleanupDetail.h"
#include "EdgeCollapse.h"
#include "SurfaceDistance.h"
#include "VtkMeshConversion.h"
#include "VtkTaskObserver.h"
#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/mesh/MeshMeasures.h"

namespace stratum::mesh {

namespace {

bool withinDistance(const SurfaceMesh& from, const SurfaceMesh& to, double maxDistance,
                    const core::Task& task) {
    if (to.empty()) return from.empty();
    // Cells about the size of the result's triangles.
    const MeshMeasures m = measureMesh(to);
    const double edge = std::sqrt(2.0 * m.areaMm2 / double(to.triangles.size()));
    const detail::SurfaceDistance distance(to, std::max(maxDistance, edge));
    std::atomic<bool> ok{true};
    const std::size_t chunk = 4096, chunks = (from.vertices.size() + chunk - 1) / chunk;
    const double slack = maxDistance * (1.0 + 1e-6);
    core::parallelFor(0, chunks, [&](std::size_t c) {
        for (std::size_t v = c * chunk; v < std::min(from.vertices.size(), (c + 1) * chunk) && ok;
             ++v)
            if (!distance.within(from.vertices[v], slack)) ok = false;
    });
    task.progress(1.0);
    return ok;
}

}  // namespace

void CleanupOptions::validate() const {
    if (!(minComponentVolumeMl >= 0.0))
        throw core::InvalidArgument("minimum component volume must be >= 0 mL, got " +
                                    std::to_string(minComponentVolumeMl));
    if (!(fillHolesRadiusMm >= 0.0))
        throw core::InvalidArgument("hole size must be >= 0 mm, got " +
                                    std::to_string(fillHolesRadiusMm));
    if (smoothingIterations < 0 || smoothingIterations > 1000)
        throw core::InvalidArgument("smoothing iterations must be 0 to 1000, got " +
                                    std::to_string(smoothingIterations));
    if (!(smoothingPassBand > 0.0 && smoothingPassBand < 2.0))
        throw core::InvalidArgument("smoothing pass band must be in (0, 2), got " +
                                    std::to_string(smoothingPassBand));
    if (!(decimateReduction >= 0.0 && decimateReduction < 1.0))
        throw core::InvalidArgument("decimation must remove a fraction in [0, 1), got " +
                                    std::to_string(decimateReduction));
    if (decimateReduction > 0.0 && !(decimateMaxErrorMm > 0.0 && std::isfinite(decimateMaxErrorMm)))
        throw core::InvalidArgument("decimation error bound must be > 0 mm, got " +
                                    std::to_string(decimateMaxErrorMm));
}

namespace detail {

SurfaceMesh cleanupValidMesh(SurfaceMesh m, const CleanupOptions& options, const core::Task& task) {
    options.validate();
    if (options.minComponentVolumeMl > 0.0)
        m = removeSmallComponents(m, options.minComponentVolumeMl);
    if (options.keepLargestComponent) m = keepLargestComponent(m);
    task.progress(0.05);
    if (options.fillHolesRadiusMm > 0.0 && !m.empty())
        m = fillHoles(m, options.fillHolesRadiusMm, task.sub(0.05, 0.2));
    if (options.smoothingIterations > 0 && !m.empty())
        m = smoothMesh(m, options.smoothingIterations, options.smoothingPassBand,
                       task.sub(0.2, 0.6));
    if (options.decimateReduction > 0.0 && !m.empty())
        m = decimateMesh(m, options.decimateReduction, options.decimateMaxErrorMm,
                         task.sub(0.6, 0.95));
    if (options.computeNormals)
        computeNormals(m);
    else
        m.normals.clear();
    task.progress(1.0);
    return m;
}

}  // namespace detail

SurfaceMesh cleanupMesh(SurfaceMesh mesh, const CleanupOptions& options, const core::Task& task) {
    mesh.validate();
    return detail::cleanupValidMesh(std::move(mesh), options, task);
}

SurfaceMesh smoothMesh(const SurfaceMesh& mesh, int iterations, double passBand,
                       const core::Task& task) {
    if (iterations < 0 || iterations > 1000)
        throw core::InvalidArgument("smoothing iterations must be 0 to 1000, got " +
                                    std::to_string(iterations));
    if (!(passBand > 0.0 && passBand < 2.0))
        throw core::InvalidArgument("smoothing pass band must be in (0, 2), got " +
                                    std::to_string(passBand));
    mesh.validate();
    if (iterations == 0 || mesh.empty()) return mesh;
    vtkSmartPointer<vtkPolyData> input = detail::viewAsPolyData(mesh);
    vtkNew<vtkWindowedSincPolyDataFilter> smooth;
    smooth->SetInputData(input);
    smooth->SetNumberOfIterations(iterations);
    smooth->SetPassBand(passBand);
    smooth->NormalizeCoordinatesOn();
    smooth->BoundarySmoothingOff();
    smooth->FeatureEdgeSmoothingOff();
    smooth->NonManifoldSmoothingOn();
    detail::VtkTaskObserver observer(smooth, task, "windowed-sinc smoothing");
    observer.update();
    // Same vertices and triangles, moved: keep our own triangles and scalars.
    SurfaceMesh out = mesh;
    SurfaceMesh moved = detail::meshFromPolyData(smooth->GetOutput());
    if (moved.vertices.size() != mesh.vertices.size())
        throw core::Error("windowed-sinc smoothing changed the vertex count");
    out.vertices = std::move(moved.vertices);
    if (!mesh.normals.empty()) computeNormals(out);
    return out;
}

SurfaceMesh decimateMesh(const SurfaceMesh& mesh, double reduction, double maxErrorMm,
                         const core::Task& task) {
    if (!(reduction >= 0.0 && reduction < 1.0))
        throw core::InvalidArgument("decimation must remove a fraction in [0, 1), got " +
                                    std::to_string(reduction));
    if (!(maxErrorMm > 0.0 && std::isfinite(maxErrorMm)))
        throw core::InvalidArgument("decimation error bound must be > 0 mm, got " +
                                    std::to_string(maxErrorMm));
    mesh.validate();
    if (reduction == 0.0 || mesh.empty()) return mesh;
    // The collapses keep a conservative running bound; the result is then measured exactly
    // (every input vertex to the output triangles) together with its topology, and the
    // decimation rerun with a tighter bound in the rare case either check fails. If it never
    // passes, the input comes back unchanged.
    const auto target =
        static_cast<std::size_t>(std::ceil(double(mesh.triangles.size()) * (1.0 - reduction)));
    const MeshMeasures before = measureMesh(mesh);
    double bound = maxErrorMm;
    constexpr int kAttempts = 4;
    for (int attempt = 0; attempt < kAttempts; ++attempt, bound *= 0.7) {
        const core::Task step =
            task.sub(double(attempt) / kAttempts, double(attempt + 1) / kAttempts);
        SurfaceMesh out = detail::collapseEdges(mesh, target, bound, step.sub(0.0, 0.8));
        const MeshMeasures after = measureMesh(out);
        const bool sameTopology = after.boundaryEdges == before.boundaryEdges &&
                                  after.nonManifoldEdges <= before.nonManifoldEdges &&
                                  after.inconsistentEdges <= before.inconsistentEdges &&
                                  after.components == before.components;
        if (sameTopology && withinDistance(mesh, out, maxErrorMm, step.sub(0.8, 1.0))) {
            if (!mesh.normals.empty()) computeNormals(out);
            task.progress(1.0);
            return out;
        }
    }
    task.progress(1.0);
    return mesh;
}

void computeNormals(SurfaceMesh& mesh) {
    mesh.validate();
    detail::computeNormalsOfValidMesh(mesh);
}

void detail::computeNormalsOfValidMesh(SurfaceMesh& mesh) {
    // Each thread owns a range of vertices and sums the (area-weighted) cross products of
    // the triangles touching it: no write conflicts, and each thread's writes stay in its
    // part of the array. Triangles are read by every thread (a sequential stream).
    const std::size_t n = mesh.vertices.size();
    std::vector<Point3f> sum(n, Point3f{0.0f, 0.0f, 0.0f});
    const unsigned parts =
        mesh.triangles.size() > 200000 ? std::max(1u, core::defaultThreadCount()) : 1u;
    core::parallelFor(
        0, parts,
        [&](std::size_t part) {
            const std::uint32_t lo = static_cast<std::uint32_t>(n * part / parts);
            const std::uint32_t hi = static_cast<std::uint32_t>(n * (part + 1) / parts);
            for (const Triangle& t : mesh.triangles) {
                const bool mine = (t[0] >= lo && t[0] < hi) || (t[1] >= lo && t[1] < hi) ||
                                  (t[2] >= lo && t[2] < hi);
                if (!mine) continue;
                const Point3f& a = mesh.vertices[t[0]];
                const Point3f& b = mesh.vertices[t[1]];
                const Point3f& c = mesh.vertices[t[2]];
                const float ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
                const float vx = c[0] - a[0], vy = c[1] - a[1], vz = c[2] - a[2];
                const Point3f cr{uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx};
                for (std::uint32_t v : t)
                    if (v >= lo && v < hi)
                        for (int d = 0; d < 3; ++d) sum[v][d] += cr[d];
            }
            for (std::uint32_t v = lo; v < hi; ++v) {
                Point3f& s = sum[v];
                const float len = std::sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
                s = len > 0 ? Point3f{s[0] / len, s[1] / len, s[2] / len}
                            : Point3f{0.0f, 0.0f, 0.0f};
            }
        },
        parts);
    mesh.normals = std::move(sum);
}

void flipOrientation(SurfaceMesh& mesh) {
    for (Triangle& t : mesh.triangles) std::swap(t[1], t[2]);
    for (Point3f& n : mesh.normals) n = {-n[0], -n[1], -n[2]};
}

}  // namespace stratum::mesh
