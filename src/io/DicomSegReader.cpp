// readDicomSeg: a BINARY DICOM Segmentation into a label map, straight from the
// dataset (functional groups, segment sequence, bit-packed frames) through dcmdata.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmiod/cielabutil.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "DicomCodecs.h"
#include "stratum/core/Error.h"
#include "stratum/io/DicomSeg.h"

namespace fs = std::filesystem;

namespace stratum::io {
namespace {

using core::operator+;
using core::operator-;
using core::operator*;

constexpr const char* kSegmentationStorage = "1.2.840.10008.5.1.4.1.1.66.4";

std::string getString(DcmItem& item, const DcmTagKey& tag) {
    OFString v;
    if (item.findAndGetOFStringArray(tag, v).good()) return std::string(v.c_str());
    return {};
}

std::vector<double> getDoubles(DcmItem& item, const DcmTagKey& tag) {
    std::vector<double> out;
    DcmElement* e = nullptr;
    if (item.findAndGetElement(tag, e).bad() || !e) return out;
    for (unsigned long i = 0; i < e->getVM(); ++i) {
        Float64 v = 0;
        if (e->getFloat64(v, i).bad()) break;
        out.push_back(v);
    }
    return out;
}

// Item `index` of sequence `tag` in `item`, or null.
DcmItem* sequenceItem(DcmItem* item, const DcmTagKey& tag, unsigned long index = 0) {
    if (!item) return nullptr;
    DcmItem* found = nullptr;
    if (item->findAndGetSequenceItem(tag, found, static_cast<signed long>(index)).bad())
        return nullptr;
    return found;
}

// A functional group macro of one frame: the per-frame one when present, else the shared one.
DcmItem* group(DcmItem* perFrame, DcmItem* shared, const DcmTagKey& tag) {
    if (DcmItem* m = sequenceItem(perFrame, tag)) return m;
    return sequenceItem(shared, tag);
}

SegmentAlgorithmType algorithmTypeOf(const std::string& s) {
    if (s == "SEMIAUTOMATIC") return SegmentAlgorithmType::SemiAutomatic;
    if (s == "MANUAL") return SegmentAlgorithmType::Manual;
    return SegmentAlgorithmType::Automatic;
}

CodedConcept codedConcept(DcmItem* item, const DcmTagKey& sequence) {
    DcmItem* c = sequenceItem(item, sequence);
    if (!c) return {};
    return {getString(*c, DCM_CodeValue), getString(*c, DCM_CodingSchemeDesignator),
            getString(*c, DCM_CodeMeaning)};
}

struct Frame {
    unsigned segment = 0;
    core::Vec3 position{};
    std::string sourceSop;
    double along = 0.0;  // position along the slice normal
    std::size_t k = 0;
};

}  // namespace

DicomSegReadResult readDicomSeg(const fs::path& path, const core::Task& task) {
    task.progress(0.0, "Reading DICOM SEG");
    if (!fs::exists(path)) throw core::IoError(path.string(), "no such file");
    detail::ensureDicomCodecs();
    DcmFileFormat fileFormat;
    const OFCondition loaded = fileFormat.loadFile(path.c_str());
    if (loaded.bad()) {
        if (loaded == EC_InvalidStream || loaded == EC_StreamNotifyClient ||
            loaded == EC_FileMetaInfoHeaderMissing)
            throw core::FormatError(path.string(),
                                    std::string("not a DICOM file: ") + loaded.text());
        throw core::FormatError(path.string(), std::string("cannot read: ") + loaded.text());
    }
    DcmDataset& ds = *fileFormat.getDataset();
    const std::string sopClass = getString(ds, DCM_SOPClassUID);
    if (sopClass != kSegmentationStorage)
        throw core::FormatError(path.string(),
                                "not a DICOM Segmentation (SOP class " +
                                    (sopClass.empty() ? std::string("missing") : sopClass) + ")");
    const std::string type = getString(ds, DCM_SegmentationType);
    if (type == "FRACTIONAL")
        throw core::UnsupportedError(path.string(),
                                     "FRACTIONAL segmentations are not supported, only BINARY");
    if (type != "BINARY")
        throw core::FormatError(path.string(), "unknown Segmentation Type '" + type + "'");

    Uint16 rows = 0, columns = 0, bitsAllocated = 0;
    ds.findAndGetUint16(DCM_Rows, rows);
    ds.findAndGetUint16(DCM_Columns, columns);
    ds.findAndGetUint16(DCM_BitsAllocated, bitsAllocated);
    Sint32 frameCount = 0;
    ds.findAndGetSint32(DCM_NumberOfFrames, frameCount);
    if (rows == 0 || columns == 0 || frameCount <= 0)
        throw core::FormatError(path.string(), "missing Rows, Columns or Number of Frames");
    if (bitsAllocated != 1)
        throw core::FormatError(path.string(),
                                "a BINARY segmentation must have Bits Allocated 1, not " +
                                    std::to_string(bitsAllocated));

    DicomSegReadResult result;
    result.frames = static_cast<std::size_t>(frameCount);

    // Segments.
    std::map<unsigned, std::size_t> segmentIndex;
    for (unsigned long i = 0;; ++i) {
        DcmItem* s = sequenceItem(&ds, DCM_SegmentSequence, i);
        if (!s) break;
        Uint16 number = 0;
        if (s->findAndGetUint16(DCM_SegmentNumber, number).bad() || number == 0)
            throw core::FormatError(
                path.string(), "segment item " + std::to_string(i + 1) + " has no Segment Number");
        SegmentInfo info;
        info.labelValue = number;
        info.name = getString(*s, DCM_SegmentLabel);
        info.description = getString(*s, DCM_SegmentDescription);
        info.algorithmType = algorithmTypeOf(getString(*s, DCM_SegmentAlgorithmType));
        info.algorithmName = getString(*s, DCM_SegmentAlgorithmName);
        info.category = codedConcept(s, DCM_SegmentedPropertyCategoryCodeSequence);
        info.type = codedConcept(s, DCM_SegmentedPropertyTypeCodeSequence);
        Uint16 lab[3] = {0, 0, 0};
        bool hasLab = true;
        for (unsigned long c = 0; c < 3; ++c)
            hasLab =
                hasLab && s->findAndGetUint16(DCM_RecommendedDisplayCIELabValue, lab[c], c).good();
        if (hasLab) {
            double r = 0, g = 0, b = 0;
            IODCIELabUtil::dicomLab2RGB(r, g, b, lab[0], lab[1], lab[2]);
            const auto byte = [](double v) {
                return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
            };
            info.colour = {byte(r), byte(g), byte(b)};
        }
        segmentIndex[number] = result.segments.size();
        result.segments.push_back(info);
    }
    if (result.segments.empty())
        throw core::FormatError(path.string(), "the Segment Sequence is empty");

    // Pixel data: one bit per pixel, frames packed back to back, first pixel in bit 0.
    DcmXfer xfer(ds.getOriginalXfer());
    if (xfer.isEncapsulated())
        detail::throwIfBad(ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr), path,
                           "cannot decode the pixel data");
    DcmElement* pixelElement = nullptr;
    if (ds.findAndGetElement(DCM_PixelData, pixelElement).bad() || !pixelElement)
        throw core::FormatError(path.string(), "no Pixel Data");
    const Uint8* bits = nullptr;
    Uint16* words = nullptr;
    if (pixelElement->getVR() == EVR_OW) {
        if (pixelElement->getUint16Array(words).good())
            bits = reinterpret_cast<const Uint8*>(words);
    } else {
        Uint8* bytes = nullptr;
        if (pixelElement->getUint8Array(bytes).good()) bits = bytes;
    }
    const std::size_t pixelsPerFrame = static_cast<std::size_t>(rows) * columns;
    const std::size_t needed = (pixelsPerFrame * result.frames + 7) / 8;
    if (!bits || pixelElement->getLength() < needed)
        throw core::FormatError(path.string(),
                                "Pixel Data holds " + std::to_string(pixelElement->getLength()) +
                                    " bytes, the frames need " + std::to_string(needed));

    // Frames: segment, position, source image.
    DcmItem* shared = sequenceItem(&ds, DCM_SharedFunctionalGroupsSequence);
    std::vector<Frame> frames(result.frames);
    std::optional<core::Vec3> rowDir, colDir;
    std::vector<double> pixelSpacing;
    double sliceSpacing = 0.0;    // Spacing Between Slices when given
    double sliceThickness = 0.0;  // for a single slice without Spacing Between Slices
    for (std::size_t f = 0; f < frames.size(); ++f) {
        DcmItem* perFrame = sequenceItem(&ds, DCM_PerFrameFunctionalGroupsSequence, f);
        const std::string where = "frame " + std::to_string(f + 1) + ": ";
        DcmItem* segment = group(perFrame, shared, DCM_SegmentIdentificationSequence);
        Uint16 number = 0;
        if (!segment || segment->findAndGetUint16(DCM_ReferencedSegmentNumber, number).bad() ||
            !segmentIndex.count(number))
            throw core::FormatError(path.string(), where + "no valid Referenced Segment Number");
        frames[f].segment = number;
        DcmItem* position = group(perFrame, shared, DCM_PlanePositionSequence);
        const std::vector<double> p =
            position ? getDoubles(*position, DCM_ImagePositionPatient) : std::vector<double>{};
        if (p.size() != 3)
            throw core::FormatError(path.string(), where + "no Image Position (Patient)");
        frames[f].position = {p[0], p[1], p[2]};
        DcmItem* orientation = group(perFrame, shared, DCM_PlaneOrientationSequence);
        const std::vector<double> o = orientation
                                          ? getDoubles(*orientation, DCM_ImageOrientationPatient)
                                          : std::vector<double>{};
        if (o.size() != 6)
            throw core::FormatError(path.string(), where + "no Image Orientation (Patient)");
        const core::Vec3 r{o[0], o[1], o[2]}, c{o[3], o[4], o[5]};
        if (!rowDir) {
            rowDir = r;
            colDir = c;
        } else if (core::norm(r - *rowDir) > 1e-4 || core::norm(c - *colDir) > 1e-4) {
            throw core::UnsupportedError(path.string(),
                                         where + "frames with different orientations");
        }
        DcmItem* measures = group(perFrame, shared, DCM_PixelMeasuresSequence);
        if (f == 0 && measures) {
            pixelSpacing = getDoubles(*measures, DCM_PixelSpacing);
            const std::vector<double> between = getDoubles(*measures, DCM_SpacingBetweenSlices);
            if (!between.empty() && between[0] > 0 && std::isfinite(between[0]))
                sliceSpacing = between[0];
            const std::vector<double> thickness = getDoubles(*measures, DCM_SliceThickness);
            if (!thickness.empty() && thickness[0] > 0 && std::isfinite(thickness[0]))
                sliceThickness = thickness[0];
        }
        if (DcmItem* derivation = sequenceItem(perFrame, DCM_DerivationImageSequence))
            if (DcmItem* src = sequenceItem(derivation, DCM_SourceImageSequence))
                frames[f].sourceSop = getString(*src, DCM_ReferencedSOPInstanceUID);
    }
    if (pixelSpacing.size() != 2 || !(pixelSpacing[0] > 0) || !(pixelSpacing[1] > 0) ||
        !std::isfinite(pixelSpacing[0]) || !std::isfinite(pixelSpacing[1]))
        throw core::FormatError(path.string(), "no valid Pixel Spacing in the Pixel Measures");

    // The grid: slices along the normal of the plane.
    const core::Vec3 across = core::cross(*rowDir, *colDir);
    if (!(core::norm(across) > 1e-3))
        throw core::FormatError(path.string(),
                                "Image Orientation (Patient) has parallel or zero directions");
    const core::Vec3 normal = core::normalized(across);
    for (Frame& fr : frames) fr.along = core::dot(fr.position, normal);
    std::vector<double> along;
    for (const Frame& fr : frames) along.push_back(fr.along);
    std::sort(along.begin(), along.end());
    along.erase(std::unique(along.begin(), along.end(),
                            [](double a, double b) { return std::abs(a - b) < 1e-3; }),
                along.end());
    if (sliceSpacing <= 0.0) {
        double gap = 0.0;
        for (std::size_t i = 1; i < along.size(); ++i)
            if (gap == 0.0 || along[i] - along[i - 1] < gap) gap = along[i] - along[i - 1];
        sliceSpacing = gap > 0.0 ? gap : sliceThickness > 0.0 ? sliceThickness : 1.0;
    }
    const Frame* lowest =
        &*std::min_element(frames.begin(), frames.end(),
                           [](const Frame& a, const Frame& b) { return a.along < b.along; });
    const core::Vec3 origin = lowest->position;
    std::size_t slices = 1;
    for (Frame& fr : frames) {
        const double index = (fr.along - lowest->along) / sliceSpacing;
        if (!(index >= 0.0 && index < 1e6))
            throw core::FormatError(path.string(), "frame positions or slice spacing out of range");
        fr.k = static_cast<std::size_t>(std::lround(index));
        const core::Vec3 expected = origin + (static_cast<double>(fr.k) * sliceSpacing) * normal;
        if (!(std::abs(index - static_cast<double>(fr.k)) <= 0.01) ||
            !(core::norm(fr.position - expected) <= 1e-2))
            throw core::UnsupportedError(path.string(),
                                         "frame positions are not on one regular grid of slices");
        slices = std::max(slices, fr.k + 1);
    }

    if (pixelsPerFrame * slices > (std::size_t{1} << 31))
        throw core::FormatError(path.string(), "the frames span " + std::to_string(slices) +
                                                   " slices of " + std::to_string(columns) + "x" +
                                                   std::to_string(rows) +
                                                   ": too large a label map");
    core::Geometry geometry;
    geometry.size = {columns, rows, slices};
    geometry.spacing = {pixelSpacing[1], pixelSpacing[0], sliceSpacing};
    geometry.origin = origin;
    geometry.direction = core::Mat3::fromColumns(*rowDir, *colDir, normal);

    unsigned highestNumber = 0;
    for (const SegmentInfo& info : result.segments)
        highestNumber = std::max(highestNumber, info.labelValue);
    const bool wide = highestNumber > 255;
    result.labels =
        core::Image(wide ? core::PixelType::UInt16 : core::PixelType::UInt8, 1, geometry);
    std::vector<std::uint8_t> seen(geometry.voxelCount(), 0);
    result.referencedSopInstanceUids.assign(slices, std::string());
    core::ProgressCounter counter(task.sub(0.1, 1.0), frames.size(), "Reading DICOM SEG");
    for (std::size_t f = 0; f < frames.size(); ++f) {
        const Frame& fr = frames[f];
        if (!fr.sourceSop.empty()) result.referencedSopInstanceUids[fr.k] = fr.sourceSop;
        const std::size_t base = fr.k * pixelsPerFrame;
        const std::size_t firstBit = f * pixelsPerFrame;
        for (std::size_t p = 0; p < pixelsPerFrame; ++p) {
            const std::size_t bit = firstBit + p;
            if (!((bits[bit >> 3] >> (bit & 7)) & 1)) continue;
            const std::size_t voxel = base + p;
            if (seen[voxel]) ++result.overlappingVoxels;
            seen[voxel] = 1;
            if (wide) {
                auto* v = result.labels.data<std::uint16_t>();
                v[voxel] =
                    std::max<std::uint16_t>(v[voxel], static_cast<std::uint16_t>(fr.segment));
            } else {
                auto* v = result.labels.data<std::uint8_t>();
                v[voxel] = std::max<std::uint8_t>(v[voxel], static_cast<std::uint8_t>(fr.segment));
            }
        }
        counter.advance();
    }
    if (result.overlappingVoxels > 0)
        result.warnings.push_back(
            {path.string(), std::to_string(result.overlappingVoxels) +
                                " voxels belong to more than one segment; the label map "
                                "keeps the highest segment number"});

    if (DcmItem* series = sequenceItem(&ds, DCM_ReferencedSeriesSequence))
        result.sourceSeriesInstanceUid = getString(*series, DCM_SeriesInstanceUID);
    core::ImageMetadata& m = result.labels.metadata();
    m.patient = {getString(ds, DCM_PatientName), getString(ds, DCM_PatientID),
                 getString(ds, DCM_PatientBirthDate), getString(ds, DCM_PatientSex)};
    m.study.instanceUid = getString(ds, DCM_StudyInstanceUID);
    m.study.id = getString(ds, DCM_StudyID);
    m.study.date = getString(ds, DCM_StudyDate);
    m.study.time = getString(ds, DCM_StudyTime);
    m.study.description = getString(ds, DCM_StudyDescription);
    m.study.accessionNumber = getString(ds, DCM_AccessionNumber);
    m.series.instanceUid = getString(ds, DCM_SeriesInstanceUID);
    m.series.number = getString(ds, DCM_SeriesNumber);
    m.series.description = getString(ds, DCM_SeriesDescription);
    m.series.modality = getString(ds, DCM_Modality);
    m.series.frameOfReferenceUid = getString(ds, DCM_FrameOfReferenceUID);
    m.series.manufacturer = getString(ds, DCM_Manufacturer);
    m.sourcePath = path.string();
    m.sourceFormat = "DICOM SEG";
    m.sopClassUid = sopClass;
    m.transferSyntaxUid = xfer.getXferID();
    task.progress(1.0);
    return result;
}

}  // namespace stratum::io
