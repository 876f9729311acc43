// The attributes of one written DICOM file: SOP common, patient, general study,
// general series, frame of reference, general equipment, general image, image
// plane, image pixel, VOI LUT and the CT Image / MR Image / SC modules.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <vector>

#include "WriteDicomDataset.h"
#include "stratum/core/Error.h"

namespace stratum::io::detail {
namespace {

void check(const OFCondition& status, const DcmTagKey& tag) {
    if (status.bad())
        throw core::Error("DICOM writer: cannot set " + std::string(DcmTag(tag).getTagName()) + ": " +
                          status.text());
}

// A single value without DICOM's value separator, at most maxLength characters.
std::string clean(std::string v, std::size_t maxLength) {
    std::replace(v.begin(), v.end(), '\\', '/');
    v.erase(std::remove_if(v.begin(), v.end(), [](unsigned char c) { return c < 0x20 && c != 0x1b; }), v.end());
    if (v.size() > maxLength) v.resize(maxLength);
    return v;
}

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
    check(item.putAndInsertString(tag, value.c_str()), tag);
}

void putUs(DcmItem& item, const DcmTagKey& tag, unsigned value) {
    check(item.putAndInsertUint16(tag, static_cast<Uint16>(value)), tag);
}

// DA: eight digits, otherwise empty.
std::string cleanDate(const std::string& d) {
    const bool ok = d.size() == 8 && std::all_of(d.begin(), d.end(), [](unsigned char c) { return std::isdigit(c); });
    return ok ? d : std::string();
}

// TM: HHMMSS[.FFFFFF], otherwise empty.
std::string cleanTime(const std::string& t) {
    const bool ok = !t.empty() && t.size() <= 16 && std::isdigit(static_cast<unsigned char>(t[0])) &&
                    std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c) || c == '.'; });
    return ok ? t : std::string();
}

std::string cleanInteger(const std::string& s, const std::string& fallback) {
    const bool ok = !s.empty() && s.size() <= 12 &&
                    std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
    return ok ? s : fallback;
}

std::string cleanSex(const std::string& s) { return s == "M" || s == "F" || s == "O" ? s : std::string(); }

std::string decimals(std::initializer_list<double> values) {
    std::string s;
    for (const double v : values) {
        if (!s.empty()) s += '\\';
        s += formatDecimalString(v);
    }
    return s;
}

// Patient Orientation letters of a direction, most significant axis first ("L", "LP", ...).
std::string orientationLetters(const core::Vec3& d) {
    static const char pos[3] = {'L', 'P', 'H'};
    static const char neg[3] = {'R', 'A', 'F'};
    int order[3] = {0, 1, 2};
    std::sort(order, order + 3, [&](int a, int b) { return std::abs(d[a]) > std::abs(d[b]); });
    std::string s;
    for (const int a : order)
        if (std::abs(d[a]) > 1e-4) s += d[a] > 0 ? pos[a] : neg[a];
    return s;
}

void fillIdentity(DcmItem& item, const SeriesPlan& plan, const std::string& sopInstanceUid) {
    // SOP Common
    put(item, DCM_SpecificCharacterSet, "ISO_IR 192");
    put(item, DCM_SOPClassUID, plan.sopClassUid);
    put(item, DCM_SOPInstanceUID, sopInstanceUid);
    put(item, DCM_InstanceCreationDate, plan.contentDate);
    put(item, DCM_InstanceCreationTime, plan.contentTime);
    // Patient
    put(item, DCM_PatientName, clean(plan.patient.name, 64));
    put(item, DCM_PatientID, clean(plan.patient.id, 64));
    put(item, DCM_PatientBirthDate, cleanDate(plan.patient.birthDate));
    put(item, DCM_PatientSex, cleanSex(plan.patient.sex));
    // General Study
    put(item, DCM_StudyInstanceUID, plan.study.instanceUid);
    put(item, DCM_StudyDate, cleanDate(plan.study.date));
    put(item, DCM_StudyTime, cleanTime(plan.study.time));
    put(item, DCM_ReferringPhysicianName, "");
    put(item, DCM_StudyID, clean(plan.study.id, 16));
    put(item, DCM_AccessionNumber, clean(plan.study.accessionNumber, 16));
    if (!plan.study.description.empty()) put(item, DCM_StudyDescription, clean(plan.study.description, 64));
    // General Series
    put(item, DCM_Modality, plan.modality);
    put(item, DCM_SeriesInstanceUID, plan.series.instanceUid);
    put(item, DCM_SeriesNumber, cleanInteger(plan.series.number, "1"));
    put(item, DCM_SeriesDate, cleanDate(plan.series.date));
    put(item, DCM_SeriesTime, cleanTime(plan.series.time));
    if (!plan.series.description.empty()) put(item, DCM_SeriesDescription, clean(plan.series.description, 64));
    if (!plan.series.bodyPart.empty()) put(item, DCM_BodyPartExamined, clean(plan.series.bodyPart, 16));
    put(item, DCM_Laterality, "");  // Type 2C: unknown whether the body part is paired
    if (plan.iod != DicomIod::SecondaryCapture) put(item, DCM_PatientPosition, "");
    // Frame of Reference
    put(item, DCM_FrameOfReferenceUID, plan.series.frameOfReferenceUid);
    put(item, DCM_PositionReferenceIndicator, "");
    // General Equipment
    put(item, DCM_Manufacturer, clean(plan.series.manufacturer.empty() ? "Stratum" : plan.series.manufacturer, 64));
    put(item, DCM_SoftwareVersions, "Stratum");
}

void fillModalityModule(DcmItem& item, const SeriesPlan& plan) {
    switch (plan.iod) {
        case DicomIod::Ct:
            put(item, DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
            put(item, DCM_KVP, "");
            put(item, DCM_AcquisitionNumber, "");
            break;
        case DicomIod::Mr:
            put(item, DCM_ImageType, "ORIGINAL\\PRIMARY\\OTHER");
            put(item, DCM_ScanningSequence, "RM");  // research mode: the sequence is not known
            put(item, DCM_SequenceVariant, "NONE");
            put(item, DCM_ScanOptions, "");
            put(item, DCM_MRAcquisitionType, "");
            put(item, DCM_RepetitionTime, "");
            put(item, DCM_EchoTime, "");
            put(item, DCM_EchoTrainLength, "");
            break;
        case DicomIod::SecondaryCapture:
            put(item, DCM_ImageType, "DERIVED\\SECONDARY");
            put(item, DCM_ConversionType, "WSD");
            put(item, DCM_DateOfSecondaryCapture, plan.contentDate);
            put(item, DCM_TimeOfSecondaryCapture, plan.contentTime);
            break;
    }
}

void fillGeometry(DcmItem& item, const core::Geometry& g, std::size_t k) {
    const core::Vec3 row = g.direction.column(0);
    const core::Vec3 col = g.direction.column(1);
    const core::Vec3 pos = g.indexToPatient({0.0, 0.0, static_cast<double>(k)});
    core::Vec3 normal{0, 0, 0};
    const core::Vec3 c = core::cross(row, col);
    if (core::norm(c) > 1e-12) normal = core::normalized(c);
    put(item, DCM_PatientOrientation, orientationLetters(row) + "\\" + orientationLetters(col));
    put(item, DCM_PixelSpacing, decimals({g.spacing[1], g.spacing[0]}));
    put(item, DCM_ImageOrientationPatient, decimals({row[0], row[1], row[2], col[0], col[1], col[2]}));
    put(item, DCM_ImagePositionPatient, decimals({pos[0], pos[1], pos[2]}));
    put(item, DCM_SliceThickness, formatDecimalString(g.spacing[2]));
    put(item, DCM_SpacingBetweenSlices, formatDecimalString(g.spacing[2]));
    put(item, DCM_SliceLocation, formatDecimalString(core::dot(pos, normal)));
}

void fillPixelModule(DcmItem& item, const core::Image& image, const SeriesPlan& plan) {
    const PixelEncoding& e = plan.encoding;
    const bool colour = image.components() == 3;
    const unsigned bits = colour ? static_cast<unsigned>(core::bytesPerComponent(image.pixelType()) * 8) : e.bitsAllocated;
    putUs(item, DCM_SamplesPerPixel, colour ? 3 : 1);
    put(item, DCM_PhotometricInterpretation, colour ? "RGB" : "MONOCHROME2");
    putUs(item, DCM_Rows, static_cast<unsigned>(image.size()[1]));
    putUs(item, DCM_Columns, static_cast<unsigned>(image.size()[0]));
    putUs(item, DCM_BitsAllocated, bits);
    putUs(item, DCM_BitsStored, bits);
    putUs(item, DCM_HighBit, bits - 1);
    putUs(item, DCM_PixelRepresentation, e.isSigned ? 1 : 0);
    if (colour) putUs(item, DCM_PlanarConfiguration, 0);
    if (e.writeRescale) {
        put(item, DCM_RescaleIntercept, e.interceptText);
        put(item, DCM_RescaleSlope, e.slopeText);
        if (!e.rescaleType.empty()) put(item, DCM_RescaleType, e.rescaleType);
    }
    if (colour || plan.windows.empty()) return;
    std::string centers;
    std::string widths;
    std::string names;
    for (const auto& w : plan.windows) {
        if (!centers.empty()) {
            centers += '\\';
            widths += '\\';
            names += '\\';
        }
        centers += formatDecimalString(w.center);
        widths += formatDecimalString(w.width);
        names += clean(w.name, 64);
    }
    put(item, DCM_WindowCenter, centers);
    put(item, DCM_WindowWidth, widths);
    put(item, DCM_WindowCenterWidthExplanation, names);
}

template <class TStored>
TStored quantise(double v, const PixelEncoding& e) {
    constexpr double lo = static_cast<double>(std::numeric_limits<TStored>::min());
    constexpr double hi = static_cast<double>(std::numeric_limits<TStored>::max());
    if (!std::isfinite(v)) return static_cast<TStored>(std::clamp(std::nearbyint(-e.intercept / e.slope), lo, hi));
    return static_cast<TStored>(std::clamp(std::nearbyint((v - e.intercept) / e.slope), lo, hi));
}

void fillPixelData(DcmItem& item, const core::Image& image, const PixelEncoding& e, std::size_t k) {
    const std::size_t count = image.size()[0] * image.size()[1] * static_cast<std::size_t>(image.components());
    const std::size_t first = k * count;
    const bool wide = image.components() == 3 ? image.pixelType() == core::PixelType::UInt16 : e.bitsAllocated == 16;
    if (!wide) {
        const auto* p = static_cast<const Uint8*>(image.data()) + first;
        check(item.putAndInsertUint8Array(DCM_PixelData, p, static_cast<unsigned long>(count)), DCM_PixelData);
        return;
    }
    std::vector<Uint16> stored(count);
    core::dispatchPixelType(image.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        const T* p = image.data<T>() + first;
        if constexpr (std::is_same_v<T, float>) {
            for (std::size_t i = 0; i < count; ++i)
                stored[i] = e.isSigned ? static_cast<Uint16>(quantise<std::int16_t>(p[i], e))
                                       : quantise<std::uint16_t>(p[i], e);
        } else {
            for (std::size_t i = 0; i < count; ++i) stored[i] = static_cast<Uint16>(p[i]);
        }
    });
    check(item.putAndInsertUint16Array(DCM_PixelData, stored.data(), static_cast<unsigned long>(count)), DCM_PixelData);
}

}  // namespace

void fillSliceDataset(DcmItem& item, const core::Image& image, const SeriesPlan& plan, std::size_t k,
                      const std::string& sopInstanceUid) {
    fillIdentity(item, plan, sopInstanceUid);
    fillModalityModule(item, plan);
    // General Image
    put(item, DCM_InstanceNumber, std::to_string(k + 1));
    put(item, DCM_ContentDate, plan.contentDate);
    put(item, DCM_ContentTime, plan.contentTime);
    fillGeometry(item, image.geometry(), k);
    fillPixelModule(item, image, plan);
    fillPixelData(item, image, plan.encoding, k);
}

}  // namespace stratum::io::detail
