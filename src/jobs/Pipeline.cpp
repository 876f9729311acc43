#include "stratum/jobs/Pipeline.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "MeshInput.h"
#include "Paths.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/mesh/SurfaceExtraction.h"
#ifdef STRATUM_HAVE_PROCESSING
#include "stratum/processing/Smoothing.h"
#include "stratum/processing/Threshold.h"
#endif

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string number(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

json vec(const core::Vec3& v) {
    return json::array({v[0], v[1], v[2]});
}

bool isCt(const core::Image& image) {
    return image.metadata().series.modality == "CT" || image.metadata().units == "HU";
}

// uint8 mask: 1 where value >= threshold (inclusive) or > threshold (strict).
core::Image thresholdMask(const core::Image& image, double threshold, bool strict,
                          const core::Task& task) {
    core::Image mask(core::PixelType::UInt8, 1, image.geometry());
    mask.metadata() = image.metadata();
    std::uint8_t* out = mask.data<std::uint8_t>();
    const std::size_t slice = image.size()[0] * image.size()[1];
    core::ProgressCounter progress(task, image.size()[2], "thresholding");
    core::dispatchPixelType(image.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        const T* in = image.data<T>();
        core::parallelFor(0, image.size()[2], [&](std::size_t k) {
            for (std::size_t i = k * slice; i < (k + 1) * slice; ++i)
                out[i] = strict ? double(in[i]) > threshold : double(in[i]) >= threshold;
            progress.advance();
        });
    });
    return mask;
}

void validate(const fs::path& in, const fs::path& outDir, const PipelineOptions& o) {
    if (detail::samePath(in, outDir))
        throw core::InvalidArgument(outDir.string() + ": the output would overwrite the input");
    std::error_code ec;
    if (fs::exists(outDir, ec)) {
        if (!fs::is_directory(outDir, ec))
            throw core::InvalidArgument(outDir.string() + ": exists and is not a folder");
        if (!fs::is_empty(outDir, ec))
            throw core::InvalidArgument(outDir.string() +
                                        ": the output folder exists and is not empty");
    }
    if (o.formats.empty()) throw core::InvalidArgument("no output format");
    if (o.iso && !std::isfinite(*o.iso))
        throw core::InvalidArgument("the iso value must be a finite number");
    if (!(o.sigmaMm >= 0.0)) throw core::InvalidArgument("smoothing sigma must be >= 0 mm");
#ifndef STRATUM_HAVE_PROCESSING
    if (o.sigmaMm > 0.0)
        throw core::InvalidArgument(
            "Gaussian preprocessing needs the processing library, which this build lacks");
#endif
}

}  // namespace

bool pipelineHasProcessing() {
#ifdef STRATUM_HAVE_PROCESSING
    return true;
#else
    return false;
#endif
}

PipelineResult runPipeline(const fs::path& in, const fs::path& outDir,
                           const PipelineOptions& options, const core::Task& task) {
    validate(in, outDir, options);
    mesh::SurfaceOptions surface;
    surface.cleanup.smoothingIterations = options.smoothIterations;
    surface.cleanup.decimateReduction = options.decimate;
    surface.cleanup.decimateMaxErrorMm = options.maxErrorMm;
    surface.cleanup.keepLargestComponent = options.largest;
    surface.cleanup.minComponentVolumeMl = options.minComponentMl;
    surface.validate();
    const mesh::LabelTable table = detail::readLabelTable(options.labelsTsv);

    PipelineResult result;
    result.input = in;
    result.outputFolder = outDir;

    // 1. Load.
    task.progress(0.0, "loading");
    io::ReadResult read = detail::readMeshInput(in, options.sliceSpacing, task.sub(0.0, 0.2));
    core::Image image = read.image;
    result.warnings = std::move(read.warnings);
    const core::Geometry& g = image.geometry();
    std::ostringstream loaded;
    loaded << "load: " << in.string() << " ("
           << (image.metadata().sourceFormat.empty() ? "image" : image.metadata().sourceFormat)
           << ", " << g.size[0] << "x" << g.size[1] << "x" << g.size[2] << " voxels of "
           << g.spacing[0] << " x " << g.spacing[1] << " x " << g.spacing[2] << " mm, "
           << core::pixelTypeName(image.pixelType()) << ")";
    result.steps.push_back(loaded.str());

    core::Image labels;
    std::string segmentedName;
    detail::namingPath(in, [&] {
        if (g.is2D())
            throw core::InvalidArgument(
                "the pipeline needs a volume (a folder of slices needs --slice-spacing)");
        if (image.components() != 1)
            throw core::InvalidArgument("the pipeline needs a grey volume, not RGB");
        const bool labelMap = !options.iso && mesh::looksLikeLabelMap(image);
        result.inputKind = labelMap ? "label map" : "intensity";

        // 2. Preprocess (intensity volumes).
        if (!labelMap && options.sigmaMm > 0.0) {
#ifdef STRATUM_HAVE_PROCESSING
            image = processing::gaussian(image, {options.sigmaMm, options.sigmaMm, options.sigmaMm},
                                         task.sub(0.2, 0.3));
            result.steps.push_back("preprocess: Gaussian smoothing, sigma " +
                                   number(options.sigmaMm) + " mm");
#endif
        } else {
            result.steps.push_back(labelMap ? "preprocess: none (label map)" : "preprocess: none");
        }

        // 3. Segment.
        const core::Task segmentTask = task.sub(0.3, 0.4);
        if (labelMap) {
            labels = image;
            result.steps.push_back("segment: the input is a label map (" +
                                   std::to_string(mesh::countLabels(image).size()) + " labels)");
            return;
        }
        if (options.iso) {
            labels = thresholdMask(image, *options.iso, false, segmentTask);
            segmentedName = "threshold " + number(*options.iso);
            result.steps.push_back("segment: threshold >= " + number(*options.iso) + " (given)");
            return;
        }
#ifdef STRATUM_HAVE_PROCESSING
        const double t = processing::otsuThreshold(image, 256, segmentTask);
        labels = thresholdMask(image, t, true, segmentTask);
        segmentedName = "otsu " + number(t);
        result.steps.push_back("segment: threshold > " + number(t) + " (Otsu, processing library)");
#else
        if (!isCt(image))
            throw core::InvalidArgument("an intensity volume: give --iso VALUE to segment it (this build has no "
                                        "processing library for Otsu's threshold)");
        labels = thresholdMask(image, 300.0, false, segmentTask);
        segmentedName = "bone";
        result.steps.push_back("segment: threshold >= 300 HU (CT bone; give --iso to change)");
#endif
    });

    // 4. Mesh.
    const std::vector<mesh::LabelCount> counts = mesh::countLabels(labels);
    if (counts.empty())
        throw core::InvalidArgument(in.string() +
                                    ": the segmentation is empty (no voxel selected)");
    std::vector<mesh::SurfaceMesh> meshes =
        mesh::extractLabelSurfaces(labels, {}, surface, task.sub(0.4, 0.9));
    if (!segmentedName.empty())
        for (mesh::SurfaceMesh& m : meshes) m.name = segmentedName;
    detail::applyLabelTable(meshes, table);
    std::ostringstream meshed;
    meshed << "mesh: discrete flying edges per label";
    if (options.smoothIterations > 0)
        meshed << ", windowed-sinc smoothing " << options.smoothIterations << " iterations";
    if (options.decimate > 0) meshed << ", decimation " << options.decimate;
    if (options.largest) meshed << ", largest piece kept";
    if (options.minComponentMl > 0)
        meshed << ", pieces under " << options.minComponentMl << " mL removed";
    result.steps.push_back(meshed.str());

    // 5. Export, all files or none.
    core::AtomicDirectory folder(outDir);
    mesh::MeshWriteOptions write;
    write.coordinates = options.coordinates;
    json files = json::array();
    const double voxelMl = g.spacing[0] * g.spacing[1] * g.spacing[2] / 1000.0;
    const core::Task exportTask = task.sub(0.9, 1.0);
    auto record = [&](const fs::path& file, mesh::MeshFormat format,
                      std::span<const mesh::SurfaceMesh> which) {
        json entry = {{"file", file.filename().string()}, {"format", mesh::meshFormatName(format)}};
        json labelsJson = json::array(), names = json::array();
        std::size_t triangles = 0;
        double area = 0, volume = 0;
        for (const mesh::SurfaceMesh& m : which) {
            const MeshSummary s = summarizeMesh(m);
            labelsJson.push_back(m.label);
            names.push_back(m.name);
            triangles += s.triangles;
            area += s.areaMm2;
            volume += s.volumeMl;
        }
        entry["labels"] = labelsJson;
        entry["names"] = names;
        entry["triangles"] = triangles;
        entry["areaMm2"] = area;
        entry["volumeMl"] = volume;
        files.push_back(entry);
        result.written.push_back(outDir / file.filename());
    };
    for (std::size_t i = 0; i < meshes.size(); ++i) {
        result.meshes.push_back(summarizeMesh(meshes[i]));
        const std::string base =
            "label_" + std::to_string(meshes[i].label) + "_" + detail::safeFileName(meshes[i].name);
        for (mesh::MeshFormat format : options.formats) {
            const fs::path file = folder.tempPath() / (base + mesh::meshFormatExtension(format));
            for (const fs::path& written :
                 mesh::writeMeshes({&meshes[i], 1}, file, write, exportTask)) {
                if (written.extension() == ".mtl") {
                    result.written.push_back(outDir / written.filename());
                    continue;
                }
                record(written, format, {&meshes[i], 1});
                result.meshes.back().files.push_back(outDir / written.filename());
            }
        }
    }
    if (meshes.size() > 1)
        for (mesh::MeshFormat format : options.formats) {
            const fs::path file =
                folder.tempPath() / (std::string("all_labels") + mesh::meshFormatExtension(format));
            for (const fs::path& written : mesh::writeMeshes(meshes, file, write, exportTask)) {
                if (written.extension() == ".mtl")
                    result.written.push_back(outDir / written.filename());
                else
                    record(written, format, meshes);
            }
        }

    json summary;
    summary["stratum"] = "pipeline summary";
    summary["version"] = 1;
    summary["input"] = in.string();
    summary["inputFormat"] = image.metadata().sourceFormat;
    summary["inputKind"] = result.inputKind;
    summary["size"] = {g.size[0], g.size[1], g.size[2]};
    summary["spacingMm"] = vec(g.spacing);
    summary["coordinateSystem"] = mesh::coordinateSystemName(options.coordinates);
    summary["units"] = "mm";
    summary["steps"] = result.steps;
    json meshesJson = json::array();
    for (std::size_t i = 0; i < result.meshes.size(); ++i) {
        const MeshSummary& s = result.meshes[i];
        json fileNames = json::array();
        for (const fs::path& f : s.files) fileNames.push_back(f.filename().string());
        std::size_t voxels = 0;
        for (const mesh::LabelCount& c : counts)
            if (c.label == s.label) voxels = c.voxels;
        meshesJson.push_back({{"label", s.label},
                              {"name", s.name},
                              {"color", {s.color[0], s.color[1], s.color[2]}},
                              {"files", fileNames},
                              {"vertices", s.vertices},
                              {"triangles", s.triangles},
                              {"areaMm2", s.areaMm2},
                              {"volumeMl", s.volumeMl},
                              {"voxelVolumeMl", double(voxels) * voxelMl},
                              {"watertight", s.watertight},
                              {"boundsMinMm", vec(s.boundsMin)},
                              {"boundsMaxMm", vec(s.boundsMax)}});
    }
    summary["meshes"] = meshesJson;
    summary["files"] = files;
    json warnings = json::array();
    for (const core::Warning& w : result.warnings) warnings.push_back(w.text());
    summary["warnings"] = warnings;
    {
        const fs::path file = folder.tempPath() / "summary.json";
        std::ofstream out(file);
        out << summary.dump(2) << '\n';
        out.flush();
        if (!out) throw core::IoError((outDir / "summary.json").string(), "write failed");
    }
    exportTask.checkCancel();
    folder.commit();
    result.summary = outDir / "summary.json";
    result.written.push_back(result.summary);
    task.progress(1.0);
    return result;
}

}  // namespace stratum::jobs
