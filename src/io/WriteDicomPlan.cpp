// The DICOM writer's decisions: IOD, pixel encoding, identity, UIDs.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>

#include "WriteDicomDataset.h"
#include "stratum/core/Error.h"

namespace stratum::io::detail {

std::string formatDecimalString(double v) {
    if (!std::isfinite(v)) throw core::InvalidArgument("cannot write a non-finite number in DICOM");
    if (v == 0.0) return "0";
    char buf[64];
    for (int precision = 16; precision >= 1; --precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::char_traits<char>::length(buf) <= 16) return buf;
    }
    return buf;
}

namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

const std::string& firstOf(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

std::pair<std::string, std::string> nowDateTime() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char date[16];
    char time[16];
    std::strftime(date, sizeof date, "%Y%m%d", &tm);
    std::strftime(time, sizeof time, "%H%M%S", &tm);
    return {date, time};
}

// Minimum and maximum of the finite values, and whether all finite values are integers.
struct FloatRange {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    bool integral = true;
    bool any = false;
};

FloatRange floatRange(const core::Image& image) {
    FloatRange r;
    for (const float f : image.pixels<float>()) {
        if (!std::isfinite(f)) continue;
        const double v = f;
        r.any = true;
        r.lo = std::min(r.lo, v);
        r.hi = std::max(r.hi, v);
        if (r.integral && std::nearbyint(v) != v) r.integral = false;
    }
    if (!r.any) r.lo = r.hi = 0.0;
    return r;
}

void setRescale(PixelEncoding& e, double slope, double intercept) {
    e.slopeText = formatDecimalString(slope);
    e.interceptText = formatDecimalString(intercept);
    e.slope = std::strtod(e.slopeText.c_str(), nullptr);
    e.intercept = std::strtod(e.interceptText.c_str(), nullptr);
}

PixelEncoding chooseEncoding(const core::Image& image, DicomIod iod) {
    PixelEncoding e;
    const auto& meta = image.metadata();
    switch (image.pixelType()) {
        case core::PixelType::UInt8:
            // CT and MR require 16 bits allocated; Secondary Capture keeps 8.
            e.bitsAllocated = iod == DicomIod::SecondaryCapture || image.components() == 3 ? 8 : 16;
            break;
        case core::PixelType::Int16: e.isSigned = true; break;
        case core::PixelType::UInt16: break;
        case core::PixelType::Float32: {
            const FloatRange r = floatRange(image);
            if (r.integral && r.lo >= -32768.0 && r.hi <= 32767.0) {
                e.isSigned = true;
            } else if (r.integral && r.lo >= 0.0 && r.hi <= 65535.0) {
            } else {
                // Unsigned 16 bits over [lo, hi]: quantisation step (hi - lo) / 65535.
                e.quantise = true;
                e.writeRescale = true;
                const double slope = r.hi > r.lo ? (r.hi - r.lo) / 65535.0 : 1.0;
                // Stored values are rounded and clamped to [0, 65535] with the slope and
                // intercept as written (their DS text), so loading undoes exactly this.
                setRescale(e, slope, r.lo);
            }
            break;
        }
    }
    // Integer voxels whose recorded rescale was not applied keep that rescale.
    const bool integerType = image.pixelType() != core::PixelType::Float32;
    if (integerType && !meta.rescaleApplied && (meta.rescaleSlope != 1.0 || meta.rescaleIntercept != 0.0) &&
        meta.rescaleSlope != 0.0 && std::isfinite(meta.rescaleSlope) && std::isfinite(meta.rescaleIntercept)) {
        e.writeRescale = true;
        setRescale(e, meta.rescaleSlope, meta.rescaleIntercept);
    }
    if (iod == DicomIod::Ct) {
        e.writeRescale = true;  // Type 1 in the CT Image module
        e.rescaleType = meta.units.empty() ? "HU" : upper(meta.units).substr(0, 16);
    } else if (e.writeRescale) {
        e.rescaleType = meta.units.empty() ? "US" : upper(meta.units).substr(0, 16);
    }
    return e;
}

std::vector<core::WindowPreset> chooseWindows(const core::Image& image, const PixelEncoding& e) {
    std::vector<core::WindowPreset> windows;
    for (const auto& w : image.metadata().windows)
        if (std::isfinite(w.center) && std::isfinite(w.width) && w.width > 0.0) windows.push_back(w);
    if (!windows.empty()) return windows;
    // None recorded: the full range of the values, in rescaled units.
    auto [lo, hi] = image.minMax();
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = 0.0;
    const auto& meta = image.metadata();
    if (!e.quantise && e.writeRescale && !meta.rescaleApplied && image.pixelType() != core::PixelType::Float32) {
        const double a = lo * e.slope + e.intercept;
        const double b = hi * e.slope + e.intercept;
        lo = std::min(a, b);
        hi = std::max(a, b);
    }
    windows.push_back({"FULL RANGE", (lo + hi) / 2.0, std::max(hi - lo, 1.0)});
    return windows;
}

}  // namespace

SeriesPlan planSeries(const core::Image& image, const DicomWriteOptions& options) {
    if (image.empty()) throw core::InvalidArgument("cannot write an empty image as DICOM");
    const auto& size = image.size();
    if (size[0] > 65535 || size[1] > 65535)
        throw core::InvalidArgument("DICOM images have at most 65535 rows and columns, this one is " +
                                    std::to_string(size[0]) + "x" + std::to_string(size[1]));
    const auto& meta = image.metadata();
    SeriesPlan plan;
    plan.modality = upper(firstOf(options.modality, meta.series.modality));
    if (plan.modality.size() > 16) plan.modality.resize(16);
    if (plan.modality == "CT") plan.iod = DicomIod::Ct;
    else if (plan.modality == "MR") plan.iod = DicomIod::Mr;
    else plan.iod = DicomIod::SecondaryCapture;
    if (plan.modality.empty()) plan.modality = "OT";

    if (image.components() == 3) {
        if (plan.iod != DicomIod::SecondaryCapture)
            throw core::InvalidArgument("a colour image cannot be written as " + plan.modality +
                                        " (grey only); write it as Secondary Capture (e.g. modality OT)");
        if (image.pixelType() != core::PixelType::UInt8 && image.pixelType() != core::PixelType::UInt16)
            throw core::InvalidArgument(std::string("colour DICOM images hold uint8 or uint16 values, not ") +
                                        core::pixelTypeName(image.pixelType()));
    }
    plan.sopClassUid = plan.iod == DicomIod::Ct   ? UID_CTImageStorage
                       : plan.iod == DicomIod::Mr ? UID_MRImageStorage
                                                  : UID_SecondaryCaptureImageStorage;
    plan.encoding = chooseEncoding(image, plan.iod);
    plan.windows = chooseWindows(image, plan.encoding);
    std::tie(plan.contentDate, plan.contentTime) = nowDateTime();

    const auto& p = options.patient;
    plan.patient = {firstOf(p.name, meta.patient.name), firstOf(p.id, meta.patient.id),
                    firstOf(p.birthDate, meta.patient.birthDate), firstOf(p.sex, meta.patient.sex)};

    const auto& s = options.study;
    plan.study = {firstOf(s.instanceUid, meta.study.instanceUid), firstOf(s.id, meta.study.id),
                  firstOf(s.date, meta.study.date), firstOf(s.time, meta.study.time),
                  firstOf(s.description, meta.study.description),
                  firstOf(s.accessionNumber, meta.study.accessionNumber)};
    if (plan.study.instanceUid.empty()) {
        plan.study.instanceUid = makeDicomUid();
        if (plan.study.date.empty()) plan.study.date = plan.contentDate;
        if (plan.study.time.empty()) plan.study.time = plan.contentTime;
    }

    const auto& r = options.series;
    plan.series.instanceUid = makeDicomUid();
    plan.series.number = firstOf(r.number, meta.series.number);
    plan.series.description = firstOf(r.description, meta.series.description);
    plan.series.modality = plan.modality;
    plan.series.bodyPart = upper(firstOf(r.bodyPart, meta.series.bodyPart));
    plan.series.date = firstOf(r.date, meta.series.date);
    plan.series.time = firstOf(r.time, meta.series.time);
    if (plan.series.date.empty()) plan.series.date = plan.contentDate;
    if (plan.series.time.empty()) plan.series.time = plan.contentTime;
    plan.series.frameOfReferenceUid = firstOf(r.frameOfReferenceUid, meta.series.frameOfReferenceUid);
    if (plan.series.frameOfReferenceUid.empty()) plan.series.frameOfReferenceUid = makeDicomUid();
    plan.series.manufacturer = firstOf(r.manufacturer, meta.series.manufacturer);
    return plan;
}

}  // namespace stratum::io::detail
