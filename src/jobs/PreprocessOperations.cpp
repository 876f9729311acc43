// The registry of preprocessing operations: each wraps a stratum::processing function.
#include <memory>

#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/Preprocess.h"
#include "stratum/processing/Components.h"
#include "stratum/processing/Contrast.h"
#include "stratum/processing/Median.h"
#include "stratum/processing/Morphology.h"
#include "stratum/processing/Normalize.h"
#include "stratum/processing/Resample.h"
#include "stratum/processing/Smoothing.h"
#include "stratum/processing/Threshold.h"

namespace stratum::jobs {
namespace {

namespace pr = stratum::processing;

constexpr double kMaxRadius = 255;

ParamSpec radiusParam(const std::string& def) {
    ParamSpec p;
    p.name = "radius";
    p.kind = ParamKind::Integers;
    p.count = 3;
    p.min = 0;
    p.max = kMaxRadius;
    p.defaultValue = def;
    p.help = "voxels per axis x,y,z (one number: all axes); the window is 2r+1 wide";
    return p;
}

ParamSpec shapeParam() {
    ParamSpec p;
    p.name = "shape";
    p.kind = ParamKind::Choice;
    p.choices = {"ball", "box", "cross"};
    p.defaultValue = "ball";
    p.help = "structuring element (ITK's definitions)";
    return p;
}

ParamSpec valueParam(const std::string& name, const std::string& def, const std::string& help) {
    ParamSpec p;
    p.name = name;
    p.kind = ParamKind::Number;
    p.defaultValue = def;
    p.help = help;
    return p;
}

ParamSpec requiredNumber(const std::string& name, const std::string& help, double min = -1e300,
                         double max = 1e300) {
    ParamSpec p;
    p.name = name;
    p.kind = ParamKind::Number;
    p.required = true;
    p.min = min;
    p.max = max;
    p.help = help;
    return p;
}

ParamSpec intParam(const std::string& name, const std::string& def, double min, double max,
                   const std::string& help) {
    ParamSpec p;
    p.name = name;
    p.kind = ParamKind::Integer;
    p.defaultValue = def;
    p.min = min;
    p.max = max;
    p.help = help;
    return p;
}

ParamSpec connectivityParam() {
    ParamSpec p;
    p.name = "connectivity";
    p.kind = ParamKind::Choice;
    p.choices = {"face", "full"};
    p.defaultValue = "face";
    p.help = "face: 6 neighbours (4 in 2D); full: 26 (8 in 2D)";
    return p;
}

pr::Radius radiusOf(const StepArgs& a) {
    const auto& v = a.vector("radius");
    return {static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2])};
}

pr::StructuringElement elementOf(const StepArgs& a) {
    return pr::StructuringElement(pr::shapeFromName(a.choice("shape")), radiusOf(a));
}

pr::BinaryValues valuesOf(const StepArgs& a) {
    return {a.number("foreground"), a.number("background")};
}

bool fullOf(const StepArgs& a) {
    return a.choice("connectivity") == "full";
}

using Fn = std::function<core::Image(const core::Image&, const StepArgs&, const core::Task&)>;

OperationSpec op(std::string name, std::string group, std::string summary,
                 std::vector<ParamSpec> params, std::string example, Fn run) {
    return {std::move(name),   std::move(group),   std::move(summary),
            std::move(params), std::move(example), std::move(run)};
}

std::vector<OperationSpec> makeOperations() {
    std::vector<OperationSpec> ops;
    ops.push_back(op("median", "Denoising",
                     "median filter over a (2r+1) box; edges repeat (ITK's MedianImageFilter)",
                     {radiusParam("1")}, "--median 2,2,0",
                     [](const core::Image& im, const StepArgs& a, const core::Task& t) {
                         return pr::median(im, radiusOf(a), t);
                     }));
    ParamSpec sigma;
    sigma.name = "sigma";
    sigma.kind = ParamKind::Numbers;
    sigma.count = 3;
    sigma.min = 0;
    sigma.max = 1000;
    sigma.required = true;
    sigma.help = "standard deviation in mm per axis (one number: all axes; 0 leaves an axis alone)";
    ops.push_back(op("gaussian", "Denoising",
                     "Gaussian smoothing (sampled kernel to 4 sigma, edges repeated)", {sigma},
                     "--gaussian 1.5",
                     [](const core::Image& im, const StepArgs& a, const core::Task& t) {
                         const auto& s = a.vector("sigma");
                         return pr::gaussian(im, {s[0], s[1], s[2]}, t);
                     }));
    struct Gray {
        const char* name;
        const char* summary;
        core::Image (*fn)(const core::Image&, const pr::StructuringElement&, const core::Task&);
    };
    for (const Gray& g :
         {Gray{"erode", "grayscale erosion: minimum over the element", &pr::erode},
          Gray{"dilate", "grayscale dilation: maximum over the element", &pr::dilate},
          Gray{"open", "grayscale opening: dilate(erode) (removes bright details)", &pr::open},
          Gray{"close", "grayscale closing: erode(dilate) (removes dark details)", &pr::close},
          Gray{"gradient", "morphological gradient: dilate - erode", &pr::gradient}}) {
        auto fn = g.fn;
        ops.push_back(op(g.name, "Morphology (grayscale)", g.summary,
                         {radiusParam("1"), shapeParam()}, std::string("--") + g.name + " 2:box",
                         [fn](const core::Image& im, const StepArgs& a, const core::Task& t) {
                             return fn(im, elementOf(a), t);
                         }));
    }
    struct Binary {
        const char* name;
        const char* summary;
        core::Image (*fn)(const core::Image&, const pr::StructuringElement&,
                          const pr::BinaryValues&, const core::Task&);
    };
    for (const Binary& b :
         {Binary{"binary-erode",
                 "binary erosion of the voxels equal to foreground (outside counts as object)",
                 &pr::binaryErode},
          Binary{"binary-dilate", "binary dilation of the voxels equal to foreground",
                 &pr::binaryDilate},
          Binary{"binary-open", "binary opening: dilate(erode)", &pr::binaryOpen},
          Binary{"binary-close", "binary closing: erode(dilate) on an unbounded background",
                 &pr::binaryClose}}) {
        auto fn = b.fn;
        ops.push_back(op(
            b.name, "Morphology (binary)", b.summary,
            {radiusParam("1"), shapeParam(), valueParam("foreground", "1", "value of the object"),
             valueParam("background", "0", "value given to removed object voxels")},
            std::string("--") + b.name + " 2:ball:foreground=255",
            [fn](const core::Image& im, const StepArgs& a, const core::Task& t) {
                return fn(im, elementOf(a), valuesOf(a), t);
            }));
    }
    ops.push_back(op("fill-holes", "Morphology (binary)",
                     "fill background regions that do not touch the border (ITK's BinaryFillhole)",
                     {valueParam("foreground", "1", "value of the object"), connectivityParam()},
                     "--fill-holes",
                     [](const core::Image& im, const StepArgs& a, const core::Task& t) {
                         return pr::fillHoles(im, a.number("foreground"), fullOf(a), t);
                     }));
    ops.push_back(op(
        "keep-largest", "Morphology (binary)", "keep the largest connected component of the object",
        {valueParam("foreground", "1", "value of the object"),
         valueParam("background", "0", "value given to removed voxels"), connectivityParam()},
        "--keep-largest", [](const core::Image& im, const StepArgs& a, const core::Task& t) {
            return pr::keepLargestComponent(im, a.number("foreground"), a.number("background"),
                                            fullOf(a), t);
        }));
    ParamSpec minSize =
        intParam("min-size", "", 1, 1e300, "components of fewer voxels are removed");
    minSize.required = true;
    ops.push_back(op(
        "remove-islands", "Morphology (binary)", "remove connected components below a size",
        {minSize, valueParam("foreground", "1", "value of the object"),
         valueParam("background", "0", "value given to removed voxels"), connectivityParam()},
        "--remove-islands 50", [](const core::Image& im, const StepArgs& a, const core::Task& t) {
            return pr::removeSmallComponents(im, static_cast<std::size_t>(a.integer("min-size")),
                                             a.number("foreground"), a.number("background"),
                                             fullOf(a), t);
        }));
    ops.push_back(
        op("components", "Morphology (binary)",
           "label connected components (uint16: 1 = largest, 2 = next...)",
           {valueParam("foreground", "1", "value of the object"), connectivityParam()},
           "--components", [](const core::Image& im, const StepArgs& a, const core::Task& t) {
               return pr::connectedComponents(im, a.number("foreground"), fullOf(a), t).labels;
           }));
    ops.push_back(op(
        "threshold", "Thresholding", "uint8 mask: inside where lower <= value <= upper",
        {requiredNumber("lower", "lowest value inside"),
         requiredNumber("upper", "highest value inside"),
         intParam("inside", "1", 0, 255, "value inside"),
         intParam("outside", "0", 0, 255, "value outside")},
        "--threshold 200:3000", [](const core::Image& im, const StepArgs& a, const core::Task& t) {
            return pr::threshold(im, a.number("lower"), a.number("upper"),
                                 static_cast<int>(a.integer("inside")),
                                 static_cast<int>(a.integer("outside")), t);
        }));
    ops.push_back(op("otsu", "Thresholding", "uint8 mask: 1 above Otsu's threshold",
                     {intParam("bins", "256", 2, 65536, "histogram bins")}, "--otsu",
                     [](const core::Image& im, const StepArgs& a, const core::Task& t) {
                         return pr::otsu(im, static_cast<int>(a.integer("bins")), t);
                     }));
    ops.push_back(op(
        "window", "Intensity", "float32: [lower, upper] onto [out-lower, out-upper], clamped",
        {requiredNumber("lower", "value mapped to out-lower"),
         requiredNumber("upper", "value mapped to out-upper"),
         valueParam("out-lower", "0", "output low"), valueParam("out-upper", "1", "output high")},
        "--window 0:4095", [](const core::Image& im, const StepArgs& a, const core::Task& t) {
            return pr::intensityWindow(im, a.number("lower"), a.number("upper"),
                                       a.number("out-lower"), a.number("out-upper"), t);
        }));
    ops.push_back(op(
        "ct-window", "Intensity", "float32: a CT window (centre, width in HU) onto [0, 1]",
        {valueParam("center", "40", "window centre"),
         valueParam("width", "400", "window width (> 0)")},
        "--ct-window -600:1500", [](const core::Image& im, const StepArgs& a, const core::Task& t) {
            return pr::ctWindow(im, a.number("center"), a.number("width"), t);
        }));
    ops.push_back(op(
        "minmax", "Normalisation", "float32: min..max onto [out-lower, out-upper]",
        {valueParam("out-lower", "0", "output low"), valueParam("out-upper", "1", "output high")},
        "--minmax", [](const core::Image& im, const StepArgs& a, const core::Task& t) {
            return pr::minMaxNormalize(im, a.number("out-lower"), a.number("out-upper"), t);
        }));
    ParamSpec mask;
    mask.name = "mask";
    mask.kind = ParamKind::Path;
    mask.help = "optional mask image (same size): statistics from its non-zero voxels";
    ops.push_back(op("zscore", "Normalisation", "float32: (value - mean) / sd (population sd)",
                     {mask}, "--zscore mask=brain-mask.nii.gz",
                     [](const core::Image& im, const StepArgs& a, const core::Task& t) {
                         const std::string& path = a.text.at("mask");
                         if (path.empty()) return pr::zScore(im, nullptr, t);
                         const core::Image m = io::readImage(path, t.sub(0.0, 0.3)).image;
                         return pr::zScore(im, &m, t.sub(0.3, 1.0));
                     }));
    ops.push_back(op("percentile-clip", "Normalisation",
                     "clamp values to the [lower, upper] percentiles",
                     {[] {
                          ParamSpec p = valueParam("lower", "1", "lower percentile (0-100)");
                          p.min = 0;
                          p.max = 100;
                          return p;
                      }(),
                      [] {
                          ParamSpec p = valueParam("upper", "99", "upper percentile (0-100)");
                          p.min = 0;
                          p.max = 100;
                          return p;
                      }()},
                     "--percentile-clip 0.5:99.5",
                     [](const core::Image& im, const StepArgs& a, const core::Task& t) {
                         return pr::percentileClip(im, a.number("lower"), a.number("upper"), t);
                     }));
    ops.push_back(op("histeq", "Contrast", "global histogram equalisation (same range and type)",
                     {intParam("bins", "256", 2, 65536, "histogram bins")}, "--histeq",
                     [](const core::Image& im, const StepArgs& a, const core::Task& t) {
                         return pr::histogramEqualize(im, static_cast<int>(a.integer("bins")), t);
                     }));
    ParamSpec tiles;
    tiles.name = "tiles";
    tiles.kind = ParamKind::Integers;
    tiles.count = 2;
    tiles.min = 1;
    tiles.max = 1024;
    tiles.defaultValue = "8";
    tiles.help = "tiles across x,y of each slice";
    ParamSpec clip = valueParam("clip", "0.01",
                                "clip limit: fraction of a tile's voxels per bin (0 = no limit)");
    clip.min = 0;
    clip.max = 1;
    ops.push_back(
        op("clahe", "Contrast", "contrast-limited adaptive histogram equalisation, slice by slice",
           {tiles, clip, intParam("bins", "256", 2, 65536, "histogram bins")}, "--clahe 8:0.02",
           [](const core::Image& im, const StepArgs& a, const core::Task& t) {
               pr::ClaheOptions o;
               o.tilesX = static_cast<int>(a.vector("tiles")[0]);
               o.tilesY = static_cast<int>(a.vector("tiles")[1]);
               o.clipLimit = a.number("clip");
               o.bins = static_cast<int>(a.integer("bins"));
               return pr::clahe(im, o, t);
           }));
    ParamSpec interp;
    interp.name = "interpolation";
    interp.kind = ParamKind::Choice;
    interp.choices = {"linear", "nearest", "bspline"};
    interp.defaultValue = "linear";
    interp.help = "nearest (labels), linear, or cubic bspline";
    ParamSpec spacing;
    spacing.name = "spacing";
    spacing.kind = ParamKind::Numbers;
    spacing.count = 3;
    spacing.min = 1e-6;
    spacing.max = 1e300;
    spacing.required = true;
    spacing.help = "target spacing in mm x,y,z (one number: all axes)";
    ops.push_back(op("resample", "Geometry",
                     "resample to a spacing over the same field of view (patient positions kept)",
                     {spacing, interp}, "--resample 1:bspline",
                     [](const core::Image& im, const StepArgs& a, const core::Task& t) {
                         const auto& s = a.vector("spacing");
                         return pr::resampleToSpacing(
                             im, {s[0], s[1], s[2]},
                             pr::interpolationFromName(a.choice("interpolation")), t);
                     }));
    ParamSpec size;
    size.name = "size";
    size.kind = ParamKind::Integers;
    size.count = 3;
    size.min = 1;
    size.max = 1e300;
    size.required = true;
    size.help = "target size in voxels x,y,z";
    ops.push_back(op("resample-size", "Geometry", "resample to a size over the same field of view",
                     {size, interp}, "--resample-size 128,128,64",
                     [](const core::Image& im, const StepArgs& a, const core::Task& t) {
                         const auto& s = a.vector("size");
                         return pr::resampleToSize(
                             im,
                             {static_cast<std::size_t>(s[0]), static_cast<std::size_t>(s[1]),
                              static_cast<std::size_t>(s[2])},
                             pr::interpolationFromName(a.choice("interpolation")), t);
                     }));
    return ops;
}

}  // namespace

const std::vector<OperationSpec>& preprocessOperations() {
    static const std::vector<OperationSpec> ops = makeOperations();
    return ops;
}

}  // namespace stratum::jobs
