// stratum evaluate-segmentation: predicted label maps (or intensity images) against the
// truth, file by file or folder against folder matched by file name.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "Paths.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/SegmentationTraining.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::string fixed(double v, int digits) {
    if (std::isinf(v)) return "inf";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
    return buffer;
}

ordered_json number(double v) {
    return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr);
}

std::string geometryText(const core::Geometry& g) {
    std::ostringstream out;
    out << g.size[0] << "x" << g.size[1] << "x" << g.size[2] << " voxels of " << g.spacing[0]
        << " x " << g.spacing[1] << " x " << g.spacing[2] << " mm at (" << g.origin[0] << ", "
        << g.origin[1] << ", " << g.origin[2] << ")";
    return out.str();
}

}  // namespace

EvaluateSegmentationResult evaluateSegmentationFiles(const EvaluateSegmentationOptions& o,
                                                     const core::Task& task) {
    detail::requireExists(o.predicted);
    detail::requireExists(o.truth);
    EvaluateSegmentationResult result;
    result.intensity = o.intensity;
    std::vector<std::pair<fs::path, fs::path>> pairs;
    if (fs::is_directory(o.predicted) != fs::is_directory(o.truth))
        throw core::InvalidArgument(o.predicted.string() + " and " + o.truth.string() +
                                    ": give two files or two folders");
    if (fs::is_directory(o.predicted)) {
        for (const auto& entry : fs::directory_iterator(o.truth)) {
            if (!entry.is_regular_file()) continue;
            const fs::path predicted = o.predicted / entry.path().filename();
            if (!fs::exists(predicted))
                throw core::InvalidArgument(entry.path().string() +
                                            ": no prediction of that name in " +
                                            o.predicted.string());
            pairs.emplace_back(predicted, entry.path());
        }
        std::sort(pairs.begin(), pairs.end());
        if (pairs.empty()) throw core::InvalidArgument(o.truth.string() + ": no files");
    } else {
        pairs.emplace_back(o.predicted, o.truth);
    }
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const auto& [p, t] = pairs[i];
        const core::Task sub = task.sub(static_cast<double>(i) / pairs.size(),
                                        static_cast<double>(i + 1) / pairs.size());
        sub.progress(0.0, p.filename().string());
        const core::Image predicted = io::readImage(p).image;
        const core::Image truth = io::readImage(t).image;
        if (predicted.size() != truth.size() || !predicted.geometry().approxEqual(truth.geometry()))
            throw core::InvalidArgument(p.string() + " (" + geometryText(predicted.geometry()) +
                                        ") and " + t.string() + " (" +
                                        geometryText(truth.geometry()) + ") differ in geometry");
        EvaluatedPair e;
        e.predicted = p;
        e.truth = t;
        try {
            if (o.intensity)
                e.intensity = ai::compareIntensities(predicted, truth, sub);
            else
                e.labels = ai::evaluateSegmentation(predicted, truth, {}, sub);
        } catch (const core::InvalidArgument& error) {
            throw core::InvalidArgument(p.string() + " vs " + t.string() + ": " + error.what());
        }
        result.pairs.push_back(std::move(e));
    }
    task.progress(1.0);
    return result;
}

std::string toText(const EvaluateSegmentationResult& r) {
    std::ostringstream out;
    for (const EvaluatedPair& e : r.pairs) {
        out << e.predicted.string() << " vs " << e.truth.string() << '\n';
        if (r.intensity) {
            out << "  MSE " << e.intensity.mse << ", SSIM " << fixed(e.intensity.ssim, 6) << '\n';
            continue;
        }
        out << "  voxel accuracy " << fixed(e.labels.voxelAccuracy, 6) << '\n';
        for (const ai::LabelMetrics& m : e.labels.labels)
            out << "  label " << m.label << ": Dice " << fixed(m.dice, 6) << ", IoU "
                << fixed(m.iou, 6) << ", HD95 " << fixed(m.hd95Mm, 3)
                << " mm, mean surface distance " << fixed(m.meanSurfaceDistanceMm, 3) << " mm ("
                << m.predictedVoxels << " predicted, " << m.truthVoxels << " true voxels)\n";
    }
    return out.str();
}

std::string toJson(const EvaluateSegmentationResult& r) {
    ordered_json pairs = ordered_json::array();
    for (const EvaluatedPair& e : r.pairs) {
        ordered_json j{{"predicted", e.predicted.string()}, {"truth", e.truth.string()}};
        if (r.intensity) {
            j["mse"] = e.intensity.mse;
            j["ssim"] = e.intensity.ssim;
        } else {
            j["voxel_accuracy"] = e.labels.voxelAccuracy;
            ordered_json labels = ordered_json::array();
            for (const ai::LabelMetrics& m : e.labels.labels)
                labels.push_back({{"label", m.label},
                                  {"dice", m.dice},
                                  {"iou", m.iou},
                                  {"hd95_mm", number(m.hd95Mm)},
                                  {"mean_surface_distance_mm", number(m.meanSurfaceDistanceMm)},
                                  {"predicted_voxels", m.predictedVoxels},
                                  {"truth_voxels", m.truthVoxels},
                                  {"intersection", m.intersection}});
            j["labels"] = labels;
        }
        pairs.push_back(j);
    }
    return ordered_json{{"mode", r.intensity ? "intensity" : "labels"}, {"pairs", pairs}}.dump(2) +
           "\n";
}

}  // namespace stratum::jobs
