#include "stratum/jobs/MeshJob.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "MeshInput.h"
#include "Paths.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/HeightField.h"
#include "stratum/mesh/MeshMeasures.h"
#include "stratum/mesh/SurfaceExtraction.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;

std::string number(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

mesh::SurfaceOptions surfaceOptions(const MeshJobOptions& o) {
    mesh::SurfaceOptions s;
    s.sampleRate = o.sampleRate;
    s.capBorders = o.capBorders;
    s.cleanup.smoothingIterations = o.smoothIterations;
    s.cleanup.smoothingPassBand = o.passBand;
    s.cleanup.decimateReduction = o.decimate;
    s.cleanup.decimateMaxErrorMm = o.maxErrorMm;
    s.cleanup.keepLargestComponent = o.largest;
    s.cleanup.minComponentVolumeMl = o.minComponentMl;
    s.cleanup.fillHolesRadiusMm = o.fillHolesMm;
    return s;
}

void validate(const fs::path& in, const fs::path& out, const MeshJobOptions& o) {
    if (detail::samePath(in, out))
        throw core::InvalidArgument(out.string() + ": the output would overwrite the input");
    mesh::meshFormatFromPath(out);  // names the path and the known extensions
    if (o.label && o.iso)
        throw core::InvalidArgument("give either a label or an iso value, not both");
    if (o.heightField && (o.label || o.iso))
        throw core::InvalidArgument("a height field takes neither a label nor an iso value");
    if (o.heightStep < 1) throw core::InvalidArgument("height field step must be >= 1");
    if (o.sliceSpacing < 0 || !std::isfinite(o.sliceSpacing))
        throw core::InvalidArgument("slice spacing must be > 0 mm");
    if (o.iso && !std::isfinite(*o.iso))
        throw core::InvalidArgument("the iso value must be a finite number");
    surfaceOptions(o).validate();
}

std::string labelList(const std::vector<mesh::LabelCount>& counts) {
    std::string text;
    for (std::size_t i = 0; i < counts.size() && i < 20; ++i)
        text += (i ? ", " : "") + std::to_string(counts[i].label);
    if (counts.size() > 20) text += ", ...";
    return text.empty() ? "none" : text;
}

}  // namespace

MeshSummary summarizeMesh(const mesh::SurfaceMesh& m) {
    const mesh::MeshMeasures s = mesh::measureMesh(m);
    MeshSummary summary;
    summary.label = m.label;
    summary.name = m.name;
    summary.color = m.color;
    summary.vertices = s.vertices;
    summary.triangles = s.triangles;
    summary.areaMm2 = s.areaMm2;
    summary.volumeMl = s.volumeMl;
    summary.watertight = s.watertight();
    summary.boundsMin = s.boundsMin;
    summary.boundsMax = s.boundsMax;
    return summary;
}

MeshJobResult meshImage(const fs::path& in, const fs::path& out, const MeshJobOptions& options,
                        const core::Task& task) {
    validate(in, out, options);
    const mesh::LabelTable table = detail::readLabelTable(options.labelsTsv);
    io::ReadResult read = detail::readMeshInput(in, options.sliceSpacing, task.sub(0.0, 0.3));
    const core::Image& image = read.image;

    MeshJobResult result;
    result.input = in;
    result.output = out;
    result.warnings = std::move(read.warnings);
    std::vector<mesh::SurfaceMesh> meshes;
    const core::Task work = task.sub(0.3, 0.9);
    detail::namingPath(in, [&] {
        if (options.heightField) {
            result.mode = "height field";
            mesh::HeightFieldOptions h;
            h.heightScale = options.heightScale;
            h.step = options.heightStep;
            meshes.push_back(mesh::heightFieldSurface(image, h, work));
            meshes.back().name = "height field";
            return;
        }
        if (image.geometry().is2D())
            throw core::InvalidArgument(
                "a 2D image: use --heightfield for its intensity surface, or a folder of "
                "slices with --slice-spacing");
        const mesh::SurfaceOptions surface = surfaceOptions(options);
        if (options.iso) {
            result.mode = "iso";
            mesh::SurfaceMesh m = mesh::extractIsoSurface(image, *options.iso, surface, work);
            if (m.empty()) {
                const auto [lo, hi] = image.minMax();
                throw core::InvalidArgument("the iso value " + number(*options.iso) +
                                            " gives no surface (values run from " + number(lo) +
                                            " to " + number(hi) + ")");
            }
            m.name = "iso " + number(*options.iso);
            meshes.push_back(std::move(m));
            return;
        }
        result.mode = "labels";
        if (options.label) {
            const int which[] = {*options.label};
            meshes = mesh::extractLabelSurfaces(image, which, surface, work);
            if (meshes.empty())
                throw core::InvalidArgument("label " + std::to_string(*options.label) +
                                            " is not in the image (labels present: " +
                                            labelList(mesh::countLabels(image)) + ")");
        } else if (mesh::looksLikeLabelMap(image)) {
            meshes = mesh::extractLabelSurfaces(image, {}, surface, work);
        } else {
            throw core::InvalidArgument(
                "an intensity image, not a label map: give --iso VALUE (e.g. 300 for bone in "
                "CT) or --label N");
        }
        if (meshes.empty()) throw core::InvalidArgument("no labels > 0 in the image");
    });
    detail::applyLabelTable(meshes, table);
    result.written = mesh::writeMeshes(meshes, out, options.write, task.sub(0.9, 1.0));
    for (const mesh::SurfaceMesh& m : meshes) {
        result.meshes.push_back(summarizeMesh(m));
        result.meshes.back().files = result.written;
    }
    return result;
}

}  // namespace stratum::jobs
