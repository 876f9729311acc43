#include "DicomLoadPlan.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "DicomHeaderParse.h"
#include "stratum/core/Error.h"

namespace stratum::io::detail {

namespace {

PixelKind kindOf(const DicomInstance& i) {
    if (i.samplesPerPixel == 3) return PixelKind::Colour;
    if (core::photometricFromDicom(i.photometric) == core::Photometric::Palette)
        return PixelKind::Palette;
    return PixelKind::Grey;
}

bool integral(double v) {
    return std::abs(v - std::round(v)) < 1e-9 * std::max(1.0, std::abs(v));
}

GreyTransform transformOf(const DicomInstance& i, bool applyRescale) {
    GreyTransform t;
    t.bitsAllocated = i.bitsAllocated;
    t.bitsStored = std::clamp(i.bitsStored, 1u, i.bitsAllocated);
    t.highBit =
        i.highBit + 1 >= t.bitsStored && i.highBit < i.bitsAllocated ? i.highBit : t.bitsStored - 1;
    t.signedStored = i.signedPixels;
    if (applyRescale) {
        t.slope = i.rescaleSlope;
        t.intercept = i.rescaleIntercept;
    }
    return t;
}

void validate(const DicomSeries& s) {
    if (s.slices.empty() || s.instances.empty())
        throw core::InvalidArgument("the DICOM series has no slices");
    const core::Size3& size = s.geometry.size;
    const DicomInstance& first = s.instances.at(s.slices.front().instance);
    for (const DicomSlice& slice : s.slices) {
        if (slice.instance >= s.instances.size() || slice.sliceIndex >= size[2])
            throw core::InvalidArgument("DICOM series slice out of range");
        const DicomInstance& i = s.instances[slice.instance];
        if (slice.frame >= i.frames)
            throw core::InvalidArgument(i.path.string() + ": frame out of range");
        if (i.columns != size[0] || i.rows != size[1])
            throw core::InvalidArgument(i.path.string() +
                                        ": image size differs from the series geometry");
        if (kindOf(i) != kindOf(first) || i.bitsAllocated != first.bitsAllocated)
            throw core::InvalidArgument(i.path.string() +
                                        ": pixel format differs from the rest of the series");
        if (i.bitsAllocated != 8 && i.bitsAllocated != 16 && i.bitsAllocated != 32)
            throw core::UnsupportedError(
                i.path.string(),
                std::to_string(i.bitsAllocated) + " bits allocated per sample is not supported");
        if (i.samplesPerPixel != 1 && i.samplesPerPixel != 3)
            throw core::UnsupportedError(
                i.path.string(),
                std::to_string(i.samplesPerPixel) + " samples per pixel is not supported");
    }
}

bool fits(double lo, double hi, double tmin, double tmax) {
    return lo >= tmin && hi <= tmax;
}

}  // namespace

LoadPlan planLoad(const DicomSeries& s, const DicomLoadOptions& options) {
    validate(s);
    LoadPlan plan;
    const DicomInstance& first = s.instances[s.slices.front().instance];
    plan.kind = kindOf(first);
    if (plan.kind == PixelKind::Colour) {
        if (first.bitsAllocated == 32)
            throw core::UnsupportedError(first.path.string(),
                                         "32-bit colour images are not supported");
        plan.components = 3;
        plan.type = first.bitsAllocated == 16 ? core::PixelType::UInt16 : core::PixelType::UInt8;
        return plan;
    }
    if (plan.kind == PixelKind::Palette) {
        if (first.bitsAllocated == 32)
            throw core::UnsupportedError(first.path.string(),
                                         "32-bit palette indices are not supported");
        plan.components = 3;
        plan.type = core::PixelType::UInt8;
        return plan;
    }

    plan.rescaleApplied = options.applyRescale;
    std::vector<bool> used(s.instances.size(), false);
    for (const DicomSlice& slice : s.slices) used[slice.instance] = true;
    plan.transforms.resize(s.instances.size());
    plan.frameTransforms.resize(s.instances.size());
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    bool allIntegral = true, allIdentity = true, allUnsigned = true, all8 = true, any32 = false;
    auto account = [&](const GreyTransform& t) {
        const auto [slo, shi] = t.storedRange();
        const auto [ylo, yhi] = t.outputRange(slo, shi);
        lo = std::min(lo, ylo);
        hi = std::max(hi, yhi);
        allIntegral = allIntegral && integral(t.slope) && integral(t.intercept);
        allIdentity = allIdentity && t.slope == 1.0 && t.intercept == 0.0;
        allUnsigned = allUnsigned && !t.signedStored;
        all8 = all8 && t.bitsAllocated == 8;
        any32 = any32 || t.bitsAllocated == 32;
    };
    for (std::size_t i = 0; i < s.instances.size(); ++i) {
        const DicomInstance& inst = s.instances[i];
        plan.transforms[i] = transformOf(inst, options.applyRescale);
        if (!used[i]) continue;
        account(plan.transforms[i]);
        if (options.applyRescale && inst.frames > 1) {
            // Enhanced multi-frame: frames may carry their own Pixel Value Transformation.
            std::vector<std::pair<double, double>> rescales;
            try {
                rescales = readFrameRescales(inst.path, inst.frames);
            } catch (const core::Error&) {
                // Unreadable now: decoding the frames will report it.
            }
            const bool differ = std::any_of(rescales.begin(), rescales.end(), [&](const auto& r) {
                return r.first != inst.rescaleSlope || r.second != inst.rescaleIntercept;
            });
            if (differ)
                for (const auto& [slope, intercept] : rescales) {
                    GreyTransform t = plan.transforms[i];
                    t.slope = slope;
                    t.intercept = intercept;
                    account(t);
                    plan.frameTransforms[i].push_back(t);
                }
        }
    }

    plan.inverted = options.invertMonochrome1 &&
                    core::photometricFromDicom(first.photometric) == core::Photometric::Monochrome1;
    if (plan.inverted) {
        plan.invertSum = lo + hi;
        auto invert = [&](GreyTransform& t) {
            t.invert = true;
            t.invertSum = plan.invertSum;
        };
        for (auto& t : plan.transforms) invert(t);
        for (auto& frames : plan.frameTransforms)
            for (auto& t : frames) invert(t);
    }

    if (any32 || !allIntegral)
        plan.type = core::PixelType::Float32;
    else if (all8 && fits(lo, hi, 0, 255))
        plan.type = core::PixelType::UInt8;
    else if (allIdentity && allUnsigned && fits(lo, hi, 0, 65535))
        plan.type = core::PixelType::UInt16;
    else if (fits(lo, hi, -32768, 32767))
        plan.type = core::PixelType::Int16;
    else if (fits(lo, hi, 0, 65535))
        plan.type = core::PixelType::UInt16;
    else {
        // E.g. 16-bit CT with intercept -1024: real values almost always fit int16.
        plan.type = core::PixelType::Int16;
        plan.checkEachSlice = true;
    }
    return plan;
}

void fillMetadata(core::ImageMetadata& meta, const DicomSeries& s, const LoadPlan& plan) {
    const DicomInstance& first = s.instances[s.slices.front().instance];
    meta.patient = s.patient;
    meta.study = s.study;
    meta.series = s.series;
    meta.photometric = core::photometricFromDicom(first.photometric);
    meta.invertedMonochrome1 = plan.inverted;
    meta.rescaleSlope = first.rescaleSlope;
    meta.rescaleIntercept = first.rescaleIntercept;
    meta.rescaleApplied = plan.kind == PixelKind::Grey && plan.rescaleApplied;
    if (meta.rescaleApplied) {
        const bool ct = s.series.modality == "CT";
        meta.units = ct && (first.rescaleType.empty() || first.rescaleType == "HU")
                         ? "HU"
                         : first.rescaleType;
    }

    // Window presets are in modality units (after rescale); map them like the pixels.
    meta.windows.clear();
    if (plan.kind == PixelKind::Grey) {
        for (core::WindowPreset w : first.windows) {
            if (!meta.rescaleApplied && first.rescaleSlope != 0) {
                w.center = (w.center - first.rescaleIntercept) / first.rescaleSlope;
                w.width = w.width / std::abs(first.rescaleSlope);
            }
            if (plan.inverted) w.center = plan.invertSum - w.center;
            meta.windows.push_back(std::move(w));
        }
    }

    // A file, or the folder holding the series' files.
    if (s.instances.size() == 1) {
        meta.sourcePath = first.path.string();
    } else {
        std::filesystem::path common = s.instances.front().path.parent_path();
        for (const auto& i : s.instances) {
            const std::filesystem::path dir = i.path.parent_path();
            while (!common.empty() &&
                   std::mismatch(common.begin(), common.end(), dir.begin(), dir.end()).first !=
                       common.end()) {
                const std::filesystem::path up = common.parent_path();
                if (up == common) break;
                common = up;
            }
        }
        meta.sourcePath = common.string();
    }
    meta.sourceFormat = "DICOM";
    meta.transferSyntaxUid = first.transferSyntaxUid;
    meta.sopClassUid = first.sopClassUid;
}

}  // namespace stratum::io::detail
