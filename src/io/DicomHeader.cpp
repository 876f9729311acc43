// readDicomHeader: one file's header (pixel data left on disk) as a DicomInstance.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>

#include "DicomAttributes.h"
#include "DicomCodecs.h"
#include "DicomHeaderParse.h"
#include "stratum/core/Error.h"

namespace stratum::io {

namespace detail {

namespace {

using core::operator+;
using core::operator*;

// Reads up to buffer.size() bytes from the start of `file`; returns the count.
std::size_t readPrefix(const std::filesystem::path& file, std::span<unsigned char> buffer) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw core::IoError(file.string(), std::string("cannot open: ") + std::strerror(errno));
    std::size_t got = 0;
    while (got < buffer.size()) {
        const ssize_t n = ::read(fd, buffer.data() + got, buffer.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            throw core::IoError(file.string(), std::string("cannot read: ") + std::strerror(err));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return got;
}

bool plausibleGroup(unsigned group) {
    return group == 0x0002 || group == 0x0008 || group == 0x0000;
}

core::Vec3 unit(const core::Vec3& v) {
    return core::normalized(v);
}

void readWindows(DcmItem& item, std::vector<core::WindowPreset>& out) {
    const std::vector<double> centers = getNumbers(item, DCM_WindowCenter);
    const std::vector<double> widths = getNumbers(item, DCM_WindowWidth);
    const std::vector<std::string> names = getStrings(item, DCM_WindowCenterWidthExplanation);
    const std::size_t n = std::min(centers.size(), widths.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (!(widths[i] > 0)) continue;
        core::WindowPreset w;
        w.name = i < names.size() && !names[i].empty() ? names[i]
                                                       : "File preset " + std::to_string(i + 1);
        w.center = centers[i];
        w.width = widths[i];
        out.push_back(std::move(w));
    }
}

void readRescale(DcmItem& item, DicomInstance& out) {
    if (const auto slope = getNumber(item, DCM_RescaleSlope); slope && *slope != 0)
        out.rescaleSlope = *slope;
    if (const auto intercept = getNumber(item, DCM_RescaleIntercept))
        out.rescaleIntercept = *intercept;
    const std::string type = getString(item, DCM_RescaleType);
    if (!type.empty()) out.rescaleType = type;
}

void readOrientation(DcmItem& item, DicomInstance& out) {
    const std::vector<double> o = getNumbers(item, DCM_ImageOrientationPatient);
    if (o.size() < 6) return;
    const core::Vec3 row{o[0], o[1], o[2]}, col{o[3], o[4], o[5]};
    const double nr = core::norm(row), nc = core::norm(col);
    if (!(nr > 1e-6) || !(nc > 1e-6)) return;
    const core::Vec3 r = unit(row), c = unit(col);
    if (core::norm(core::cross(r, c)) < 1e-3) return;  // parallel: unusable
    out.rowDirection = r;
    out.columnDirection = c;
}

bool readPixelMeasures(DcmItem& item, DicomInstance& out) {
    bool any = false;
    const std::vector<double> ps = getNumbers(item, DCM_PixelSpacing);
    if (ps.size() >= 2 && ps[0] > 0 && ps[1] > 0) {
        out.pixelSpacing = std::array<double, 2>{ps[0], ps[1]};
        any = true;
    }
    if (const auto t = getNumber(item, DCM_SliceThickness); t && *t > 0) out.sliceThickness = *t;
    if (const auto s = getNumber(item, DCM_SpacingBetweenSlices); s && *s > 0)
        out.spacingBetweenSlices = *s;
    return any;
}

// Enhanced multi-frame: shared and per-frame functional groups.
void readFunctionalGroups(DcmDataset& ds, DicomInstance& out) {
    DcmItem* shared = getItem(ds, DCM_SharedFunctionalGroupsSequence);
    DcmSequenceOfItems* perFrame = nullptr;
    if (ds.findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame).bad())
        perFrame = nullptr;
    if (!shared && !perFrame) return;
    DcmItem* first = perFrame && perFrame->card() > 0 ? perFrame->getItem(0) : nullptr;

    // Each macro: shared first, else the first frame's.
    auto macro = [&](const DcmTagKey& tag) -> DcmItem* {
        if (DcmItem* m = getNestedItem(shared, tag)) return m;
        return getNestedItem(first, tag);
    };
    if (!out.rowDirection)
        if (DcmItem* m = macro(DCM_PlaneOrientationSequence)) readOrientation(*m, out);
    if (!out.pixelSpacing)
        if (DcmItem* m = macro(DCM_PixelMeasuresSequence)) readPixelMeasures(*m, out);
    if (DcmItem* m = macro(DCM_PixelValueTransformationSequence)) readRescale(*m, out);
    if (out.windows.empty())
        if (DcmItem* m = macro(DCM_FrameVOILUTSequence)) readWindows(*m, out.windows);

    if (!perFrame) return;
    const unsigned long n = perFrame->card();
    std::vector<core::Vec3> positions;
    positions.reserve(n);
    for (unsigned long i = 0; i < n; ++i) {
        DcmItem* pos = getNestedItem(perFrame->getItem(i), DCM_PlanePositionSequence);
        if (!pos) pos = getNestedItem(shared, DCM_PlanePositionSequence);
        const auto p = pos ? getVec3(*pos, DCM_ImagePositionPatient) : std::nullopt;
        if (!p) return;  // positions for some frames only: unusable
        positions.push_back(*p);
    }
    if (positions.size() == out.frames) out.framePositions = std::move(positions);
}

// RT Dose and similar: frames at offsets along the normal from Image Position.
void readGridFrameOffsets(DcmDataset& ds, DicomInstance& out) {
    if (!out.framePositions.empty() || !out.position || !out.rowDirection || out.frames < 2) return;
    const std::vector<double> offsets = getNumbers(ds, DCM_GridFrameOffsetVector);
    if (offsets.size() != out.frames) return;
    const core::Vec3 normal = core::cross(*out.rowDirection, *out.columnDirection);
    for (double o : offsets)
        out.framePositions.push_back(*out.position + (o - offsets[0]) * normal);
}

}  // namespace

void checkLooksLikeDicom(const std::filesystem::path& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status))
        throw core::IoError(file.string(), "file not found");
    if (std::filesystem::is_directory(status))
        throw core::FormatError(file.string(), "is a folder, not a DICOM file");
    std::array<unsigned char, 132> head{};
    const std::size_t n = readPrefix(file, head);
    if (n == 0) throw core::FormatError(file.string(), "not a DICOM file (empty file)");
    if (n >= 132 && std::memcmp(head.data() + 128, "DICM", 4) == 0) return;
    if (n >= 8) {
        const unsigned le = head[0] | (head[1] << 8), be = (head[0] << 8) | head[1];
        if (plausibleGroup(le) || plausibleGroup(be)) return;
    }
    throw core::FormatError(
        file.string(), "not a DICOM file (no DICM prefix and no DICOM data elements at the start)");
}

void loadDicomFileLazily(DcmFileFormat& fileFormat, const std::filesystem::path& file) {
    ensureDicomCodecs();
    checkLooksLikeDicom(file);
    const OFCondition status = fileFormat.loadFile(
        OFFilename(file.c_str()), EXS_Unknown, EGL_noChange, kMaxHeaderValueLength, ERM_autoDetect);
    if (status.bad()) {
        // A file that vanished or became unreadable between the sniff and the load.
        if (::access(file.c_str(), R_OK) != 0)
            throw core::IoError(file.string(), std::string("cannot read: ") + std::strerror(errno));
        throw core::FormatError(file.string(),
                                std::string("not a readable DICOM file: ") + status.text());
    }
    DcmDataset* ds = fileFormat.getDataset();
    if (!ds || ds->card() == 0) throw core::FormatError(file.string(), "no DICOM data elements");
}

std::string transferSyntaxOf(DcmFileFormat& fileFormat) {
    if (DcmMetaInfo* meta = fileFormat.getMetaInfo()) {
        const std::string ts = getString(*meta, DCM_TransferSyntaxUID);
        if (!ts.empty()) return ts;
    }
    const DcmXfer xfer(fileFormat.getDataset()->getOriginalXfer());
    return xfer.getXferID() ? xfer.getXferID() : std::string();
}

DicomInstance instanceFromFile(DcmFileFormat& fileFormat, const std::filesystem::path& file) {
    DcmDataset& ds = *fileFormat.getDataset();
    DicomInstance out;
    out.path = file;
    out.sopInstanceUid = getString(ds, DCM_SOPInstanceUID);
    out.sopClassUid = getString(ds, DCM_SOPClassUID);
    if (out.sopClassUid.empty())
        if (DcmMetaInfo* meta = fileFormat.getMetaInfo())
            out.sopClassUid = getString(*meta, DCM_MediaStorageSOPClassUID);
    out.transferSyntaxUid = transferSyntaxOf(fileFormat);

    out.patient.name = getString(ds, DCM_PatientName);
    out.patient.id = getString(ds, DCM_PatientID);
    out.patient.birthDate = getString(ds, DCM_PatientBirthDate);
    out.patient.sex = getString(ds, DCM_PatientSex);

    out.study.instanceUid = getString(ds, DCM_StudyInstanceUID);
    out.study.id = getString(ds, DCM_StudyID);
    out.study.date = getString(ds, DCM_StudyDate);
    out.study.time = getString(ds, DCM_StudyTime);
    out.study.description = getString(ds, DCM_StudyDescription);
    out.study.accessionNumber = getString(ds, DCM_AccessionNumber);

    out.series.instanceUid = getString(ds, DCM_SeriesInstanceUID);
    out.series.number = getString(ds, DCM_SeriesNumber);
    out.series.description = getString(ds, DCM_SeriesDescription);
    out.series.modality = getString(ds, DCM_Modality);
    out.series.bodyPart = getString(ds, DCM_BodyPartExamined);
    out.series.date = getString(ds, DCM_SeriesDate);
    out.series.time = getString(ds, DCM_SeriesTime);
    out.series.frameOfReferenceUid = getString(ds, DCM_FrameOfReferenceUID);
    out.series.manufacturer = getString(ds, DCM_Manufacturer);

    if (const auto n = getNumber(ds, DCM_InstanceNumber)) out.instanceNumber = static_cast<int>(*n);
    out.imageType = getString(ds, DCM_ImageType);

    DcmElement* pixelData = nullptr;
    out.hasPixelData = ds.findAndGetElement(DCM_PixelData, pixelData).good() && pixelData;
    out.rows = getUnsigned(ds, DCM_Rows, 0);
    out.columns = getUnsigned(ds, DCM_Columns, 0);
    out.frames = std::max(1u, getUnsigned(ds, DCM_NumberOfFrames, 1));
    out.samplesPerPixel = getUnsigned(ds, DCM_SamplesPerPixel, 1);
    out.bitsAllocated = getUnsigned(ds, DCM_BitsAllocated, 0);
    out.bitsStored = getUnsigned(ds, DCM_BitsStored, out.bitsAllocated);
    out.highBit = getUnsigned(ds, DCM_HighBit, out.bitsStored > 0 ? out.bitsStored - 1 : 0);
    out.signedPixels = getUnsigned(ds, DCM_PixelRepresentation, 0) == 1;
    out.photometric = getString(ds, DCM_PhotometricInterpretation);
    if (out.photometric.empty()) out.photometric = out.samplesPerPixel == 3 ? "RGB" : "MONOCHROME2";
    out.planarConfiguration =
        out.samplesPerPixel > 1 && getUnsigned(ds, DCM_PlanarConfiguration, 0) == 1;

    out.position = getVec3(ds, DCM_ImagePositionPatient);
    readOrientation(ds, out);
    if (!readPixelMeasures(ds, out)) {
        // Projection radiography: spacing at the detector when the patient plane is unknown.
        const std::vector<double> ips = getNumbers(ds, DCM_ImagerPixelSpacing);
        if (ips.size() >= 2 && ips[0] > 0 && ips[1] > 0)
            out.pixelSpacing = std::array<double, 2>{ips[0], ips[1]};
    }
    readRescale(ds, out);
    if (!getNumber(ds, DCM_RescaleSlope))
        if (const auto scaling = getNumber(ds, DCM_DoseGridScaling); scaling && *scaling > 0) {
            out.rescaleSlope = *scaling;
            out.rescaleType = getString(ds, DCM_DoseUnits);
        }
    readWindows(ds, out.windows);
    readFunctionalGroups(ds, out);
    if (!out.position && !out.framePositions.empty()) out.position = out.framePositions.front();
    readGridFrameOffsets(ds, out);
    return out;
}

std::vector<std::pair<double, double>> readFrameRescales(const std::filesystem::path& file,
                                                         unsigned frames) {
    DcmFileFormat fileFormat;
    loadDicomFileLazily(fileFormat, file);
    DcmDataset& ds = *fileFormat.getDataset();
    DcmSequenceOfItems* perFrame = nullptr;
    if (ds.findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame).bad() || !perFrame ||
        perFrame->card() != frames)
        return {};
    std::vector<std::pair<double, double>> out;
    bool any = false;
    for (unsigned long f = 0; f < frames; ++f) {
        DcmItem* m = getNestedItem(perFrame->getItem(f), DCM_PixelValueTransformationSequence);
        DicomInstance values;
        if (m) {
            readRescale(*m, values);
            any = true;
        }
        out.emplace_back(values.rescaleSlope, values.rescaleIntercept);
    }
    if (!any) return {};
    return out;
}

std::optional<std::string> unsupportedReason(const DicomInstance& i) {
    if (i.bitsAllocated != 8 && i.bitsAllocated != 16 && i.bitsAllocated != 32)
        return std::to_string(i.bitsAllocated) + " bits allocated per sample is not supported";
    if (i.samplesPerPixel != 1 && i.samplesPerPixel != 3)
        return std::to_string(i.samplesPerPixel) + " samples per pixel is not supported";
    if (i.bitsStored == 0 || i.bitsStored > i.bitsAllocated)
        return "inconsistent Bits Stored (" + std::to_string(i.bitsStored) + ")";
    if (i.frames > 1000000)
        return "implausible number of frames (" + std::to_string(i.frames) + ")";
    if (double(i.rows) * i.columns * i.samplesPerPixel * (i.bitsAllocated / 8) * i.frames >
        1099511627776.0)
        return "implausible image size (" + std::to_string(i.columns) + "x" +
               std::to_string(i.rows) + "x" + std::to_string(i.frames) + ")";
    return std::nullopt;
}

}  // namespace detail

DicomInstance readDicomHeader(const std::filesystem::path& file) {
    DcmFileFormat fileFormat;
    detail::loadDicomFileLazily(fileFormat, file);
    return detail::instanceFromFile(fileFormat, file);
}

}  // namespace stratum::io
