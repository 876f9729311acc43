#include "stratum/mesh/HeightField.h"

#include <algorithm>
#include <cmath>

#include "stratum/core/Error.h"
#include "stratum/mesh/MeshCleanup.h"

namespace stratum::mesh {

// Vec3 is a std::array: bring core's vector operators into scope.
using core::operator+;
using core::operator-;
using core::operator*;

SurfaceMesh heightFieldSurface(const core::Image& image, const HeightFieldOptions& options,
                               const core::Task& task) {
    if (image.empty()) throw core::InvalidArgument("height field: empty image");
    if (!image.geometry().is2D())
        throw core::InvalidArgument("height field: expected a 2D image, got " +
                                    std::to_string(image.size()[2]) + " slices");
    if (options.step < 1)
        throw core::InvalidArgument("height field: step must be >= 1, got " +
                                    std::to_string(options.step));
    if (!std::isfinite(options.heightScale))
        throw core::InvalidArgument("height field: height scale must be finite");
    const core::Geometry& g = image.geometry();
    g.validate();
    const std::size_t step = static_cast<std::size_t>(options.step);
    const std::size_t nx = (g.size[0] - 1) / step + 1, ny = (g.size[1] - 1) / step + 1;
    if (nx < 2 || ny < 2)
        throw core::InvalidArgument("height field: the image needs at least 2x2 samples");

    // Grey value per sample (RGB: Rec. 601 luminance).
    std::vector<float> value(nx * ny);
    for (std::size_t b = 0; b < ny; ++b)
        for (std::size_t a = 0; a < nx; ++a) {
            const std::size_t i = a * step, j = b * step;
            value[b * nx + a] = image.components() == 3 ? float(0.299 * image.value(i, j, 0, 0) +
                                                                0.587 * image.value(i, j, 0, 1) +
                                                                0.114 * image.value(i, j, 0, 2))
                                                        : float(image.value(i, j, 0));
        }
    task.progress(0.4, "height field");
    const auto [lo, hi] = std::minmax_element(value.begin(), value.end());
    const double minValue = *lo, range = double(*hi) - double(*lo);
    double scale = options.heightScale;
    if (scale <= 0.0) {
        const double side = std::max(g.size[0] * g.spacing[0], g.size[1] * g.spacing[1]);
        scale = range > 0 ? 0.25 * side / range : 0.0;
    }

    const core::Vec3 normal =
        core::normalized(core::cross(g.direction.column(0), g.direction.column(1)));
    SurfaceMesh mesh;
    mesh.name = "height field";
    mesh.vertices.resize(nx * ny);
    mesh.scalars = value;
    for (std::size_t b = 0; b < ny; ++b)
        for (std::size_t a = 0; a < nx; ++a) {
            const double h = (value[b * nx + a] - minValue) * scale;
            const core::Vec3 p =
                g.indexToPatient({double(a * step), double(b * step), 0.0}) + h * normal;
            mesh.vertices[b * nx + a] = {float(p[0]), float(p[1]), float(p[2])};
        }
    // Counter-clockwise about the normal: (a,b) -> (a+1,b) -> (a,b+1) turns from the column
    // direction towards the row direction, i.e. around column0 x column1 = normal.
    mesh.triangles.reserve(2 * (nx - 1) * (ny - 1));
    for (std::size_t b = 0; b + 1 < ny; ++b)
        for (std::size_t a = 0; a + 1 < nx; ++a) {
            const auto v00 = static_cast<std::uint32_t>(b * nx + a), v10 = v00 + 1;
            const auto v01 = static_cast<std::uint32_t>(v00 + nx), v11 = v01 + 1;
            mesh.triangles.push_back({v00, v10, v11});
            mesh.triangles.push_back({v00, v11, v01});
        }
    task.checkCancel();
    computeNormals(mesh);
    task.progress(1.0);
    return mesh;
}

}  // namespace stratum::mesh
