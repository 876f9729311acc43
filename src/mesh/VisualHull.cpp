#include "stratum/mesh/VisualHull.h"

#include <algorithm>
#include <cmath>

#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"

namespace stratum::mesh {

// Vec3 is a std::array: bring core's vector operators into scope.
using core::operator+;
using core::operator-;
using core::operator*;
namespace {

void validateView(const HullView& view, std::size_t index) {
    const std::string which = "visual hull: view " + std::to_string(index);
    view.geometry.validate();
    if (view.silhouette.empty()) throw core::InvalidArgument(which + ": empty silhouette");
    if (!view.silhouette.geometry().is2D())
        throw core::InvalidArgument(which + ": the silhouette is not a 2D image");
    const core::Size3& s = view.silhouette.size();
    if (s[0] != view.geometry.columns || s[1] != view.geometry.rows)
        throw core::InvalidArgument(which + ": the silhouette is " + std::to_string(s[0]) + "x" +
                                    std::to_string(s[1]) + " but its detector is " +
                                    std::to_string(view.geometry.columns) + "x" +
                                    std::to_string(view.geometry.rows));
    if (!std::isfinite(view.threshold))
        throw core::InvalidArgument(which + ": the threshold must be a finite number");
}

// 1 where the silhouette's (first channel) value is above the threshold.
std::vector<std::uint8_t> insideMask(const HullView& view) {
    const core::Image& image = view.silhouette;
    std::vector<std::uint8_t> mask(image.voxelCount());
    core::dispatchPixelType(image.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        const T* data = image.data<T>();
        const int c = image.components();
        for (std::size_t i = 0; i < mask.size(); ++i)
            mask[i] = double(data[i * c]) > view.threshold;
    });
    return mask;
}

// The point closest (least squares) to every view's central ray.
core::Vec3 closestToCentralRays(std::span<const HullView> views) {
    double m[9] = {0}, b[3] = {0};
    core::Vec3 mean{0, 0, 0};
    for (const HullView& view : views) {
        const ProjectionGeometry& p = view.geometry;
        const core::Vec3 centre = p.pixelPosition((p.columns - 1) / 2.0, (p.rows - 1) / 2.0);
        const core::Vec3 d =
            p.kind == ProjectionKind::Cone ? core::normalized(centre - p.source) : p.direction;
        mean = mean + (1.0 / double(views.size())) * centre;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) {
                const double proj = (r == c ? 1.0 : 0.0) - d[r] * d[c];
                m[r * 3 + c] += proj;
                b[r] += proj * centre[c];
            }
    }
    // A little pull towards the detector centres keeps one view (or parallel rays) solvable.
    const double eps = 1e-6 * double(views.size());
    core::Mat3 a;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) a(r, c) = m[r * 3 + c] + (r == c ? eps : 0.0);
    const core::Vec3 rhs{b[0] + eps * mean[0], b[1] + eps * mean[1], b[2] + eps * mean[2]};
    return a.inverse() * rhs;
}

}  // namespace

core::Geometry defaultHullGrid(std::span<const HullView> views, double voxelMm,
                               std::size_t maxVoxelsPerSide) {
    if (views.empty()) throw core::InvalidArgument("visual hull: no views");
    if (!(voxelMm > 0.0 && std::isfinite(voxelMm)))
        throw core::InvalidArgument("visual hull: voxel size must be > 0 mm, got " +
                                    std::to_string(voxelMm));
    for (std::size_t i = 0; i < views.size(); ++i) views[i].geometry.validate();
    const core::Vec3 centre = closestToCentralRays(views);
    double side = 0.0;
    for (const HullView& view : views) {
        const ProjectionGeometry& p = view.geometry;
        const double fov = std::max(p.columns * p.columnSpacing, p.rows * p.rowSpacing) /
                           p.magnificationAt(centre);
        side = std::max(side, fov);
    }
    const auto n = static_cast<std::size_t>(std::ceil(side / voxelMm));
    if (n > maxVoxelsPerSide)
        throw core::InvalidArgument("visual hull: a " + std::to_string(voxelMm) +
                                    " mm grid over the " + std::to_string(side) +
                                    " mm field of view needs " + std::to_string(n) +
                                    " voxels a side (at most " + std::to_string(maxVoxelsPerSide) +
                                    "); choose larger voxels");
    core::Geometry g;
    g.size = {n, n, n};
    g.spacing = {voxelMm, voxelMm, voxelMm};
    const double half = (double(n) - 1.0) / 2.0 * voxelMm;
    g.origin = centre - core::Vec3{half, half, half};
    return g;
}

core::Image carveVisualHull(std::span<const HullView> views, const core::Geometry& grid,
                            const core::Task& task) {
    if (views.empty()) throw core::InvalidArgument("visual hull: no views");
    grid.validate();
    for (std::size_t i = 0; i < views.size(); ++i) validateView(views[i], i);
    std::vector<std::vector<std::uint8_t>> masks;
    for (const HullView& view : views) masks.push_back(insideMask(view));

    core::Image hull(core::PixelType::UInt8, 1, grid);
    hull.metadata().series.description = "visual hull";
    std::uint8_t* out = hull.data<std::uint8_t>();
    core::ProgressCounter progress(task, grid.size[2], "carving the visual hull");
    core::parallelFor(0, grid.size[2], [&](std::size_t k) {
        for (std::size_t j = 0; j < grid.size[1]; ++j)
            for (std::size_t i = 0; i < grid.size[0]; ++i) {
                const core::Vec3 p = grid.indexToPatient({double(i), double(j), double(k)});
                bool inside = true;
                for (std::size_t v = 0; v < views.size() && inside; ++v) {
                    const ProjectionGeometry& view = views[v].geometry;
                    double column = 0, row = 0;
                    if (!view.project(p, column, row)) {
                        inside = false;
                        break;
                    }
                    const double c = std::round(column), r = std::round(row);
                    inside = c >= 0 && r >= 0 && c < double(view.columns) &&
                             r < double(view.rows) &&
                             masks[v][std::size_t(r) * view.columns + std::size_t(c)];
                }
                out[(k * grid.size[1] + j) * grid.size[0] + i] = inside ? 1 : 0;
            }
        progress.advance();
    });
    return hull;
}

}  // namespace stratum::mesh
