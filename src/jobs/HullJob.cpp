#include "stratum/jobs/HullJob.h"

#include <algorithm>
#include <cctype>

#include "MeshInput.h"
#include "Paths.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/DrrJob.h"
#include "stratum/mesh/SurfaceExtraction.h"
#include "stratum/mesh/VisualHull.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;

bool isVolumeOutput(const fs::path& out) {
    std::string name = out.filename().string();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    for (const std::string ext : {".nii", ".nii.gz", ".nrrd", ".mha"})
        if (name.size() > ext.size() &&
            name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
            return true;
    return false;
}

}  // namespace

HullJobResult carveHull(const std::vector<fs::path>& viewPaths, const fs::path& out,
                        const HullJobOptions& options, const core::Task& task) {
    if (viewPaths.size() < 2) throw core::InvalidArgument("a visual hull needs at least two views");
    const bool volumeOut = isVolumeOutput(out);
    if (!volumeOut) mesh::meshFormatFromPath(out);  // names the path and the extensions known
    if (!(options.voxelMm > 0)) throw core::InvalidArgument("voxel size must be > 0 mm");
    for (const fs::path& v : viewPaths)
        if (detail::samePath(v, out))
            throw core::InvalidArgument(out.string() + ": the output would overwrite a view");

    std::vector<mesh::HullView> views;
    for (std::size_t i = 0; i < viewPaths.size(); ++i) {
        const ViewCalibration calibration = readViewCalibration(viewPaths[i]);
        detail::requireExists(calibration.image);
        core::Image silhouette;
        detail::namingPath(calibration.image, [&] {
            silhouette = io::readImage(calibration.image).image;
            if (!silhouette.geometry().is2D())
                throw core::InvalidArgument("a view must be a 2D image");
            const core::Size3& s = silhouette.size();
            if (s[0] != calibration.geometry.columns || s[1] != calibration.geometry.rows)
                throw core::InvalidArgument("the image is " + std::to_string(s[0]) + "x" +
                                            std::to_string(s[1]) + " but its calibration says " +
                                            std::to_string(calibration.geometry.columns) + "x" +
                                            std::to_string(calibration.geometry.rows));
        });
        views.push_back({silhouette, calibration.geometry, options.threshold});
        task.progress(0.2 * double(i + 1) / double(viewPaths.size()), "reading views");
    }

    HullJobResult result;
    result.views = views.size();
    result.grid = mesh::defaultHullGrid(views, options.voxelMm);
    const core::Image hull = mesh::carveVisualHull(views, result.grid, task.sub(0.2, 0.7));
    for (std::uint8_t v : hull.pixels<std::uint8_t>()) result.voxelsInside += v;
    result.volumeMl =
        double(result.voxelsInside) * options.voxelMm * options.voxelMm * options.voxelMm / 1000.0;
    if (result.voxelsInside == 0)
        throw core::InvalidArgument(
            "the views' silhouettes have no common region (empty hull): check the threshold "
            "and the calibrations");

    if (volumeOut) {
        detail::namingPath(out, [&] { io::writeImage(hull, out, task.sub(0.7, 1.0)); });
        result.written = {out};
        return result;
    }
    mesh::SurfaceOptions surface;
    surface.cleanup.smoothingIterations = options.smoothIterations;
    std::vector<mesh::SurfaceMesh> meshes =
        mesh::extractLabelSurfaces(hull, {}, surface, task.sub(0.7, 0.95));
    for (mesh::SurfaceMesh& m : meshes) m.name = "visual hull";
    result.written = mesh::writeMeshes(meshes, out, options.write, task.sub(0.95, 1.0));
    for (const mesh::SurfaceMesh& m : meshes) {
        result.meshes.push_back(summarizeMesh(m));
        result.meshes.back().files = result.written;
    }
    return result;
}

}  // namespace stratum::jobs
