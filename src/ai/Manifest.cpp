#include "stratum/ai/Manifest.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "Json.h"
#include "stratum/core/Error.h"

namespace stratum::ai {
namespace {

using detail::Json;

constexpr const char* kFormatTag = "stratum-model-package";
constexpr int kFormatVersion = 1;

// Reads fields of the manifest's JSON, throwing FormatError(source, "field 'a.b' ...").
class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw core::FormatError(source_, "field '" + field + "' " + problem);
    }

    const Json& require(const Json& object, const std::string& prefix, std::string_view key) const {
        const Json* v = object.find(key);
        if (!v) fail(join(prefix, key), "is missing");
        return *v;
    }

    std::string string(const Json& object, const std::string& prefix, std::string_view key,
                       const std::string* fallback = nullptr) const {
        const Json* v = object.find(key);
        if (!v || v->isNull()) {
            if (fallback) return *fallback;
            fail(join(prefix, key), "is missing");
        }
        if (!v->isString()) fail(join(prefix, key), std::string("must be a string, not ") + typeOf(*v));
        return v->string();
    }

    std::string optionalString(const Json& object, const std::string& prefix, std::string_view key) const {
        static const std::string empty;
        return string(object, prefix, key, &empty);
    }

    double number(const Json& object, const std::string& prefix, std::string_view key,
                  const double* fallback = nullptr) const {
        const Json* v = object.find(key);
        if (!v || v->isNull()) {
            if (fallback) return *fallback;
            fail(join(prefix, key), "is missing");
        }
        if (!v->isNumber()) fail(join(prefix, key), std::string("must be a number, not ") + typeOf(*v));
        return v->number();
    }

    int integer(const Json& object, const std::string& prefix, std::string_view key,
                const int* fallback = nullptr) const {
        const double* fb = nullptr;
        double fbValue = 0.0;
        if (fallback) {
            fbValue = *fallback;
            fb = &fbValue;
        }
        const double d = number(object, prefix, key, fb);
        if (d != std::floor(d) || std::abs(d) > 1e9) fail(join(prefix, key), "must be an integer");
        return static_cast<int>(d);
    }

    const Json& object(const Json& parent, const std::string& prefix, std::string_view key) const {
        const Json& v = require(parent, prefix, key);
        if (!v.isObject()) fail(join(prefix, key), std::string("must be an object, not ") + typeOf(v));
        return v;
    }

    const Json::Array& array(const Json& parent, const std::string& prefix, std::string_view key) const {
        const Json& v = require(parent, prefix, key);
        if (!v.isArray()) fail(join(prefix, key), std::string("must be an array, not ") + typeOf(v));
        return v.items();
    }

    std::vector<double> numbers(const Json& parent, const std::string& prefix, std::string_view key,
                                bool optional = false) const {
        const Json* v = parent.find(key);
        if (optional && (!v || v->isNull())) return {};
        const Json::Array& items = array(parent, prefix, key);
        std::vector<double> out;
        for (const Json& item : items) {
            if (!item.isNumber()) fail(join(prefix, key), "must hold numbers only");
            out.push_back(item.number());
        }
        return out;
    }

    std::vector<int> integers(const Json& parent, const std::string& prefix, std::string_view key) const {
        std::vector<int> out;
        for (const double d : numbers(parent, prefix, key)) {
            if (d != std::floor(d) || std::abs(d) > 1e9) fail(join(prefix, key), "must hold integers only");
            out.push_back(static_cast<int>(d));
        }
        return out;
    }

    std::vector<std::string> strings(const Json& parent, const std::string& prefix, std::string_view key) const {
        const Json* v = parent.find(key);
        if (!v || v->isNull()) return {};
        std::vector<std::string> out;
        for (const Json& item : array(parent, prefix, key)) {
            if (!item.isString()) fail(join(prefix, key), "must hold strings only");
            out.push_back(item.string());
        }
        return out;
    }

    // A JSON object member kept as text ("{}" when absent).
    std::string objectText(const Json& parent, std::string_view key) const {
        const Json* v = parent.find(key);
        if (!v || v->isNull()) return "{}";
        if (!v->isObject()) fail(std::string(key), std::string("must be an object, not ") + typeOf(*v));
        return v->dump(2);
    }

    static std::string join(const std::string& prefix, std::string_view key) {
        return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
    }
    static const char* typeOf(const Json& v) { return detail::jsonTypeName(v.type()); }

    const std::string& source() const { return source_; }

private:
    std::string source_;
};

template <class Enum, std::size_t N>
Enum parseEnum(const Reader& r, const std::string& field, const std::string& text,
               const std::array<std::pair<const char*, Enum>, N>& table) {
    std::string known;
    for (const auto& [name, value] : table) {
        if (text == name) return value;
        known += (known.empty() ? "" : ", ") + std::string(name);
    }
    r.fail(field, "has unknown value '" + text + "' (known: " + known + ")");
}

constexpr std::array<std::pair<const char*, ModelTask>, 2> kTasks{
    {{"classification", ModelTask::Classification}, {"segmentation", ModelTask::Segmentation}}};
constexpr std::array<std::pair<const char*, ResizePolicy>, 2> kResize{
    {{"stretch", ResizePolicy::Stretch}, {"letterbox", ResizePolicy::Letterbox}}};
constexpr std::array<std::pair<const char*, IntensityMethod>, 4> kIntensity{
    {{"percentile", IntensityMethod::Percentile},
     {"range", IntensityMethod::Range},
     {"zscore", IntensityMethod::ZScore},
     {"none", IntensityMethod::None}}};

// Methods that use low and high.
bool hasRange(IntensityMethod m) { return m == IntensityMethod::Percentile || m == IntensityMethod::Range; }
constexpr std::array<std::pair<const char*, WeightsFormat>, 2> kWeights{
    {{"stratum-builtin", WeightsFormat::BuiltIn}, {"torchscript", WeightsFormat::TorchScript}}};

Json numberArray(const std::vector<double>& values) {
    Json a = Json::array();
    for (const double v : values) a.push(Json(v));
    return a;
}

Json intArray(const std::vector<int>& values) {
    Json a = Json::array();
    for (const int v : values) a.push(Json(v));
    return a;
}

Json stringArray(const std::vector<std::string>& values) {
    Json a = Json::array();
    for (const std::string& v : values) a.push(Json(v));
    return a;
}

Json parseObjectText(const std::string& text, const std::string& field) {
    try {
        Json v = Json::parse(text);
        if (!v.isObject()) throw core::InvalidArgument("manifest " + field + " must be a JSON object");
        return v;
    } catch (const detail::JsonParseError& e) {
        throw core::InvalidArgument("manifest " + field + " is not valid JSON: " + e.what());
    }
}

Json architectureJson(const ArchitectureSpec& a) {
    Json j = Json::object();
    j["name"] = a.name;
    j["in_channels"] = a.inChannels;
    j["num_classes"] = a.numClasses;
    j["width"] = a.width;
    if (a.isSegmentation()) {
        j["dimensions"] = a.dimensions;
        j["depth"] = a.depth;
        j["norm"] = a.norm;
        return j;
    }
    j["blocks"] = intArray(a.blocks);
    if (a.name == "densenet") j["growth_rate"] = a.growthRate;
    j["dropout"] = a.dropout;
    return j;
}

ArchitectureSpec readArchitecture(const Reader& r, const Json& j, const std::string& prefix) {
    ArchitectureSpec a;
    a.name = r.string(j, prefix, "name");
    a.inChannels = r.integer(j, prefix, "in_channels");
    a.numClasses = r.integer(j, prefix, "num_classes");
    a.width = r.integer(j, prefix, "width");
    if (a.isSegmentation()) {
        a.blocks.clear();
        a.dimensions = r.integer(j, prefix, "dimensions");
        a.depth = r.integer(j, prefix, "depth");
        a.norm = r.string(j, prefix, "norm");
        return a;
    }
    a.blocks = r.integers(j, prefix, "blocks");
    const int growth = 32;
    a.growthRate = r.integer(j, prefix, "growth_rate", &growth);
    const double noDropout = 0.0;
    a.dropout = r.number(j, prefix, "dropout", &noDropout);
    return a;
}

}  // namespace

const char* modelTaskName(ModelTask task) {
    return task == ModelTask::Classification ? "classification" : "segmentation";
}
const char* resizePolicyName(ResizePolicy policy) {
    return policy == ResizePolicy::Stretch ? "stretch" : "letterbox";
}
const char* intensityMethodName(IntensityMethod method) {
    switch (method) {
        case IntensityMethod::Percentile: return "percentile";
        case IntensityMethod::Range: return "range";
        case IntensityMethod::ZScore: return "zscore";
        case IntensityMethod::None: return "none";
    }
    return "unknown";
}
const char* weightsFormatName(WeightsFormat format) {
    return format == WeightsFormat::BuiltIn ? "stratum-builtin" : "torchscript";
}

int ModelManifest::labelIndex(std::string_view label) const {
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i].name == label) return static_cast<int>(i);
    return -1;
}

std::vector<std::string> ModelManifest::labelNames() const {
    std::vector<std::string> names;
    for (const LabelInfo& l : labels) names.push_back(l.name);
    return names;
}

void ModelManifest::validate() const {
    auto bad = [](const std::string& field, const std::string& problem) {
        throw core::InvalidArgument("manifest field '" + field + "' " + problem);
    };
    if (name.empty()) bad("name", "is empty");
    if (labels.empty()) bad("labels", "is empty");
    if (task == ModelTask::Classification && labels.size() < 2) bad("labels", "needs at least 2 classes");
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i].name.empty()) bad("labels", "has an empty name");
        for (std::size_t j = 0; j < i; ++j)
            if (labels[j].name == labels[i].name) bad("labels", "names '" + labels[i].name + "' twice");
    }
    if (positiveLabel < -1 || positiveLabel >= static_cast<int>(labels.size()))
        bad("positive_label", "is not one of the labels");
    if (task == ModelTask::Classification && input.channels != 1 && input.channels != 3)
        bad("input.channels", "must be 1 or 3");
    if (task == ModelTask::Segmentation && (input.channels < 1 || input.channels > 16))
        bad("input.channels", "must be 1..16");
    if (input.dimensions != 2 && input.dimensions != 3) bad("input.dimensions", "must be 2 or 3");
    if (static_cast<int>(input.size.size()) != input.dimensions)
        bad("input.size", "must have " + std::to_string(input.dimensions) + " values (x, y" +
                              (input.dimensions == 3 ? ", z)" : ")"));
    for (const int s : input.size)
        if (s < 8 || s > 4096) bad("input.size", "must be between 8 and 4096 pixels");
    if (!input.spacing.empty() && static_cast<int>(input.spacing.size()) != input.dimensions)
        bad("input.spacing", "must be empty or have one value per dimension");
    for (const double s : input.spacing)
        if (!(s > 0.0)) bad("input.spacing", "must be positive");
    if (preprocessing.medianRadius < 0 || preprocessing.medianRadius > 5)
        bad("preprocessing.median_radius", "must be between 0 and 5");
    if (task == ModelTask::Classification && preprocessing.intensity == IntensityMethod::None)
        bad("preprocessing.intensity", "'none' is for segmentation models only");
    if (hasRange(preprocessing.intensity)) {
        if (!(preprocessing.high > preprocessing.low))
            bad("preprocessing.intensity", "needs high > low");
        if (preprocessing.intensity == IntensityMethod::Percentile &&
            (preprocessing.low < 0.0 || preprocessing.high > 100.0))
            bad("preprocessing.intensity", "percentiles must lie in [0, 100]");
    }
    const std::size_t c = static_cast<std::size_t>(input.channels);
    if (preprocessing.mean.size() != c) bad("preprocessing.mean", "must have one value per input channel");
    if (preprocessing.std.size() != c) bad("preprocessing.std", "must have one value per input channel");
    for (const double s : preprocessing.std)
        if (!(s > 0.0)) bad("preprocessing.std", "must be positive");
    if (weights.file.empty()) bad("weights.file", "is empty");
    if (weights.file.find("..") != std::string::npos || std::filesystem::path(weights.file).is_absolute())
        bad("weights.file", "must name a file inside the package folder");
    if (weights.sha256.size() != 64 ||
        !std::all_of(weights.sha256.begin(), weights.sha256.end(),
                     [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); }))
        bad("weights.sha256", "must be 64 lower-case hex digits");
    if (weights.format == WeightsFormat::BuiltIn) {
        try {
            weights.architecture.validate();
        } catch (const core::InvalidArgument& e) {
            bad("weights.architecture", std::string("is invalid: ") + e.what());
        }
        if (task == ModelTask::Classification && weights.architecture.isSegmentation())
            bad("weights.architecture.name", "'" + weights.architecture.name +
                                                 "' is a segmentation network, not a classifier");
        if (weights.architecture.inChannels != input.channels)
            bad("weights.architecture.in_channels", "differs from input.channels");
        if (task == ModelTask::Classification &&
            weights.architecture.numClasses != static_cast<int>(labels.size()))
            bad("weights.architecture.num_classes", "differs from the number of labels (" +
                                                        std::to_string(labels.size()) + ")");
        if (weights.dtype != "float16" && weights.dtype != "float32")
            bad("weights.dtype", "must be float16 or float32");
    } else if (gradCam.contract != "split" && gradCam.contract != "tuple") {
        bad("gradcam.contract", "must be 'split' or 'tuple'");
    }
    if (!(calibration.temperature > 0.0) || !std::isfinite(calibration.temperature))
        bad("calibration.temperature", "must be positive");
    if (!calibration.logitOffsets.empty() && calibration.logitOffsets.size() != labels.size())
        bad("calibration.logit_offsets", "must be empty or have one value per label");
    parseObjectText(trainingJson, "training");
    parseObjectText(validationJson, "validation");
}

std::string ModelManifest::toJson() const {
    Json j = Json::object();
    j["format"] = kFormatTag;
    j["format_version"] = kFormatVersion;
    j["name"] = name;
    j["version"] = version;
    j["description"] = description;
    j["task"] = modelTaskName(task);
    Json labelArray = Json::array();
    for (const LabelInfo& l : labels) {
        Json lj = Json::object();
        lj["name"] = l.name;
        lj["colour"] = intArray({l.colour[0], l.colour[1], l.colour[2]});
        labelArray.push(std::move(lj));
    }
    j["labels"] = std::move(labelArray);
    j["positive_label"] = positiveLabel >= 0 ? Json(labels.at(static_cast<std::size_t>(positiveLabel)).name)
                                             : Json(nullptr);
    Json in = Json::object();
    in["channels"] = input.channels;
    in["dimensions"] = input.dimensions;
    in["size"] = intArray(input.size);
    in["spacing"] = input.spacing.empty() ? Json(nullptr) : numberArray(input.spacing);
    in["modalities"] = stringArray(input.modalities);
    j["input"] = std::move(in);
    Json pre = Json::object();
    pre["resize"] = resizePolicyName(preprocessing.resize);
    pre["median_radius"] = preprocessing.medianRadius;
    Json intensity = Json::object();
    intensity["method"] = intensityMethodName(preprocessing.intensity);
    if (hasRange(preprocessing.intensity)) {
        intensity["low"] = preprocessing.low;
        intensity["high"] = preprocessing.high;
    }
    pre["intensity"] = std::move(intensity);
    pre["mean"] = numberArray(preprocessing.mean);
    pre["std"] = numberArray(preprocessing.std);
    j["preprocessing"] = std::move(pre);
    Json w = Json::object();
    w["format"] = weightsFormatName(weights.format);
    w["file"] = weights.file;
    w["sha256"] = weights.sha256;
    if (weights.format == WeightsFormat::BuiltIn) {
        w["dtype"] = weights.dtype;
        w["architecture"] = architectureJson(weights.architecture);
    }
    j["weights"] = std::move(w);
    Json cam = Json::object();
    cam["target"] = gradCam.target;
    if (weights.format == WeightsFormat::TorchScript) cam["contract"] = gradCam.contract;
    j["gradcam"] = std::move(cam);
    Json cal = Json::object();
    cal["temperature"] = calibration.temperature;
    cal["logit_offsets"] = numberArray(calibration.logitOffsets);
    cal["method"] = calibration.method;
    j["calibration"] = std::move(cal);
    j["training"] = parseObjectText(trainingJson, "training");
    j["validation"] = parseObjectText(validationJson, "validation");
    j["intended_use"] = intendedUse;
    j["disclaimer"] = disclaimer;
    j["license"] = license;
    j["authors"] = authors;
    return j.dump(2) + "\n";
}

ModelManifest ModelManifest::fromJson(std::string_view text, const std::string& source) {
    Json j;
    try {
        j = Json::parse(text);
    } catch (const detail::JsonParseError& e) {
        throw core::FormatError(source, std::string("not valid JSON: ") + e.what());
    }
    if (!j.isObject()) throw core::FormatError(source, "not a model manifest (the JSON is not an object)");
    const Reader r(source);
    const std::string format = r.optionalString(j, "", "format");
    if (format != kFormatTag)
        throw core::FormatError(source, "not a Stratum model manifest (field 'format' must be \"" +
                                            std::string(kFormatTag) + "\")");
    const int version = r.integer(j, "", "format_version");
    if (version > kFormatVersion)
        throw core::FormatError(source, "manifest format version " + std::to_string(version) +
                                            " is newer than this Stratum reads (" +
                                            std::to_string(kFormatVersion) + ")");

    ModelManifest m;
    m.name = r.string(j, "", "name");
    m.version = r.optionalString(j, "", "version");
    m.description = r.optionalString(j, "", "description");
    m.task = parseEnum(r, "task", r.string(j, "", "task"), kTasks);
    const Json::Array& labels = r.array(j, "", "labels");
    for (const Json& l : labels) {
        LabelInfo info;
        if (l.isString()) {
            info.name = l.string();
        } else if (l.isObject()) {
            info.name = r.string(l, "labels[]", "name");
            if (l.find("colour")) {
                const std::vector<int> c = r.integers(l, "labels[]", "colour");
                if (c.size() != 3 || std::any_of(c.begin(), c.end(), [](int v) { return v < 0 || v > 255; }))
                    r.fail("labels[].colour", "must be 3 values in 0..255");
                info.colour = {static_cast<std::uint8_t>(c[0]), static_cast<std::uint8_t>(c[1]),
                               static_cast<std::uint8_t>(c[2])};
            }
        } else {
            r.fail("labels", "must hold label names or {\"name\": ...} objects");
        }
        m.labels.push_back(std::move(info));
    }
    const std::string positive = r.optionalString(j, "", "positive_label");
    if (!positive.empty()) {
        m.positiveLabel = m.labelIndex(positive);
        if (m.positiveLabel < 0) r.fail("positive_label", "names '" + positive + "', which is not a label");
    }

    const Json& in = r.object(j, "", "input");
    m.input.channels = r.integer(in, "input", "channels");
    const int two = 2;
    m.input.dimensions = r.integer(in, "input", "dimensions", &two);
    m.input.size = r.integers(in, "input", "size");
    m.input.spacing = r.numbers(in, "input", "spacing", true);
    m.input.modalities = r.strings(in, "input", "modalities");

    const Json& pre = r.object(j, "", "preprocessing");
    m.preprocessing.resize = parseEnum(r, "preprocessing.resize", r.string(pre, "preprocessing", "resize"), kResize);
    const int zero = 0;
    m.preprocessing.medianRadius = r.integer(pre, "preprocessing", "median_radius", &zero);
    const Json& intensity = r.object(pre, "preprocessing", "intensity");
    m.preprocessing.intensity = parseEnum(r, "preprocessing.intensity.method",
                                          r.string(intensity, "preprocessing.intensity", "method"), kIntensity);
    if (hasRange(m.preprocessing.intensity)) {
        m.preprocessing.low = r.number(intensity, "preprocessing.intensity", "low");
        m.preprocessing.high = r.number(intensity, "preprocessing.intensity", "high");
    }
    m.preprocessing.mean = r.numbers(pre, "preprocessing", "mean");
    m.preprocessing.std = r.numbers(pre, "preprocessing", "std");

    const Json& w = r.object(j, "", "weights");
    m.weights.format = parseEnum(r, "weights.format", r.string(w, "weights", "format"), kWeights);
    m.weights.file = r.string(w, "weights", "file");
    m.weights.sha256 = r.string(w, "weights", "sha256");
    if (m.weights.format == WeightsFormat::BuiltIn) {
        m.weights.dtype = r.string(w, "weights", "dtype");
        m.weights.architecture = readArchitecture(r, r.object(w, "weights", "architecture"), "weights.architecture");
    } else {
        m.weights.dtype.clear();
        m.weights.architecture = ArchitectureSpec{};
    }

    if (const Json* cam = j.find("gradcam"); cam && cam->isObject()) {
        m.gradCam.target = r.optionalString(*cam, "gradcam", "target");
        const std::string split = "split";
        m.gradCam.contract = r.string(*cam, "gradcam", "contract", &split);
    }
    if (const Json* cal = j.find("calibration"); cal && cal->isObject()) {
        const double one = 1.0;
        m.calibration.temperature = r.number(*cal, "calibration", "temperature", &one);
        m.calibration.logitOffsets = r.numbers(*cal, "calibration", "logit_offsets", true);
        m.calibration.method = r.optionalString(*cal, "calibration", "method");
    }
    m.trainingJson = r.objectText(j, "training");
    m.validationJson = r.objectText(j, "validation");
    m.intendedUse = r.optionalString(j, "", "intended_use");
    m.disclaimer = r.optionalString(j, "", "disclaimer");
    m.license = r.optionalString(j, "", "license");
    m.authors = r.optionalString(j, "", "authors");
    try {
        m.validate();
    } catch (const core::InvalidArgument& e) {
        throw core::FormatError(source, e.what());
    }
    return m;
}

ModelManifest ModelManifest::readFile(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw core::IoError(path.string(), "does not exist");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw core::IoError(path.string(), "cannot open for reading");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw core::IoError(path.string(), "read error");
    return fromJson(text.str(), path.string());
}

}  // namespace stratum::ai
