// stratum classify: per-class probabilities and Grad-CAM overlays for images.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "Paths.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/Classification.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::string percent(double p) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", 100.0 * p);
    return buffer;
}

ModelSummary summaryOf(const ai::Classifier& c) {
    const ai::ModelManifest& m = c.manifest();
    return {m.name, m.version, c.packagePath(), m.labelNames(), c.device().name(), m.disclaimer};
}

ordered_json modelJson(const ModelSummary& m) {
    return {{"name", m.name},       {"version", m.version}, {"package", m.package.string()},
            {"labels", m.labels},   {"device", m.device},   {"disclaimer", m.disclaimer}};
}

ordered_json warningsJson(const core::Warnings& warnings) {
    ordered_json a = ordered_json::array();
    for (const core::Warning& w : warnings) a.push_back({{"path", w.path}, {"message", w.message}});
    return a;
}

// Where image `index` of `count` writes its overlay.
fs::path overlayPath(const fs::path& option, const fs::path& input, std::size_t count) {
    if (count == 1 && option.has_extension()) return option;
    return option / (input.stem().string() + "_gradcam.png");
}

}  // namespace

ClassifyResult classifyImages(const std::vector<fs::path>& images, const ClassifyOptions& options,
                              const core::Task& task) {
    if (images.empty()) throw core::InvalidArgument("no images to classify");
    const bool dataOut = !options.heatmapOut.empty() || !options.modelInputOut.empty();
    if (dataOut && images.size() != 1)
        throw core::InvalidArgument("the heatmap and model input files are written for one image only, not " +
                                    std::to_string(images.size()));
    for (const fs::path* out : {&options.heatmapOut, &options.modelInputOut})
        if (!out->empty() && detail::samePath(*out, images[0]))
            throw core::InvalidArgument(images[0].string() + ": " + out->string() + " would overwrite the input");
    if (!options.gradCam.empty()) {
        // Never write over an input.
        for (const fs::path& in : images)
            if (detail::samePath(overlayPath(options.gradCam, in, images.size()), in))
                throw core::InvalidArgument(in.string() + ": the Grad-CAM overlay would overwrite the input");
        if (images.size() > 1) {
            std::set<fs::path> names;
            for (const fs::path& in : images)
                if (!names.insert(overlayPath(options.gradCam, in, images.size())).second)
                    throw core::InvalidArgument(in.string() + ": two inputs named '" + in.stem().string() +
                                                "' would write the same Grad-CAM overlay");
        }
    }
    ai::Classifier classifier = ai::Classifier::load(options.model, {options.device});
    ClassifyResult result;
    result.model = summaryOf(classifier);
    int camClass = -1;
    if (!options.gradCamLabel.empty()) {
        camClass = classifier.manifest().labelIndex(options.gradCamLabel);
        if (camClass < 0)
            throw core::InvalidArgument("Grad-CAM class '" + options.gradCamLabel + "' is not a label of the model '" +
                                        classifier.manifest().name + "'");
    }
    if (!options.gradCam.empty() && images.size() > 1) fs::create_directories(options.gradCam);

    const double share = 1.0 / static_cast<double>(images.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
        const core::Task step = task.sub(share * static_cast<double>(i), share * static_cast<double>(i + 1));
        step.progress(0.0, "classifying " + images[i].filename().string());
        detail::requireExists(images[i]);
        io::ReadResult read;
        detail::namingPath(images[i], [&] { read = io::readImage(images[i], step.sub(0.0, 0.3)); });
        for (const core::Warning& w : read.warnings) result.warnings.push_back(w);
        if (read.image.metadata().sourcePath.empty()) read.image.metadata().sourcePath = images[i].string();
        classifier.checkInput(read.image);
        ImageClassification item;
        item.input = images[i];
        if (options.gradCam.empty() && !dataOut) {
            item.classification = classifier.classify(read.image);
        } else {
            const ai::GradCamResult cam = classifier.gradCam(read.image, camClass);
            item.classification = cam.classification;
            item.gradCamClass = cam.targetClass;
            if (!options.heatmapOut.empty()) {
                io::writeImage(cam.heatmap, options.heatmapOut);
                item.heatmapFile = options.heatmapOut;
            }
            if (!options.modelInputOut.empty()) {
                io::writeImage(modelInputPicture(cam.modelInput), options.modelInputOut);
                item.modelInputFile = options.modelInputOut;
            }
            if (options.gradCam.empty()) {
                result.images.push_back(std::move(item));
                step.progress(1.0);
                continue;
            }
            const std::string label = classifier.manifest().labels[static_cast<std::size_t>(cam.targetClass)].name;
            const std::string title = "GRAD-CAM " + label + "  P=" +
                                      percent(cam.classification.probabilities[static_cast<std::size_t>(cam.targetClass)]);
            item.gradCamPng = overlayPath(options.gradCam, images[i], images.size());
            io::writeImage(gradCamOverlay(read.image, cam.heatmap, title), item.gradCamPng);
        }
        result.images.push_back(std::move(item));
        step.progress(1.0);
    }
    for (const core::Warning& w : classifier.warnings()) result.warnings.push_back(w);
    return result;
}

std::string toJson(const ClassifyResult& r) {
    ordered_json j;
    j["model"] = modelJson(r.model);
    ordered_json images = ordered_json::array();
    for (const ImageClassification& i : r.images) {
        ordered_json item;
        item["input"] = i.input.string();
        item["predicted"] = i.classification.label;
        item["predicted_index"] = i.classification.predicted;
        ordered_json probabilities;
        for (std::size_t k = 0; k < r.model.labels.size(); ++k)
            probabilities[r.model.labels[k]] = i.classification.probabilities[k];
        item["probabilities"] = probabilities;
        item["logits"] = i.classification.logits;
        if (i.gradCamClass >= 0) {
            ordered_json cam = {{"label", r.model.labels[static_cast<std::size_t>(i.gradCamClass)]}};
            if (!i.gradCamPng.empty()) cam["png"] = i.gradCamPng.string();
            if (!i.heatmapFile.empty()) cam["heatmap"] = i.heatmapFile.string();
            if (!i.modelInputFile.empty()) cam["model_input"] = i.modelInputFile.string();
            item["gradcam"] = cam;
        }
        images.push_back(item);
    }
    j["images"] = images;
    j["warnings"] = warningsJson(r.warnings);
    return j.dump(2) + "\n";
}

core::Image modelInputPicture(const core::Image& modelInput) {
    if (modelInput.pixelType() != core::PixelType::Float32)
        throw core::InvalidArgument("the model input must be float32");
    const core::Image& input = modelInput;
    core::Image picture(core::PixelType::UInt8, input.components(), input.geometry(), core::Image::Init::Uninitialized);
    const auto [low, high] = input.minMax();
    const double scale = high > low ? 255.0 / (high - low) : 0.0;
    const std::span<const float> in = input.pixels<float>();
    const std::span<std::uint8_t> out = picture.pixels<std::uint8_t>();
    for (std::size_t i = 0; i < in.size(); ++i)
        out[i] = static_cast<std::uint8_t>(std::lround(std::clamp((in[i] - low) * scale, 0.0, 255.0)));
    return picture;
}

std::string toText(const ClassifyResult& r) {
    std::string text = "model " + r.model.name + " " + r.model.version + " (" + r.model.device + ")\n";
    for (const ImageClassification& i : r.images) {
        text += i.input.string() + ": " + i.classification.label + " (";
        for (std::size_t k = 0; k < r.model.labels.size(); ++k)
            text += (k ? ", " : "") + r.model.labels[k] + " " + percent(i.classification.probabilities[k]);
        text += ")\n";
        if (!i.gradCamPng.empty())
            text += "  Grad-CAM (" + r.model.labels[static_cast<std::size_t>(i.gradCamClass)] + "): " +
                    i.gradCamPng.string() + "\n";
    }
    if (!r.model.disclaimer.empty()) text += r.model.disclaimer + "\n";
    return text;
}

}  // namespace stratum::jobs
