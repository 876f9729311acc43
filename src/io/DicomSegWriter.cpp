// writeDicomSeg: a label map on the grid of a source DICOM series as a BINARY DICOM
// Segmentation through DCMTK's dcmseg, one segment per label value present.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmiod/cielabutil.h>
#include <dcmtk/dcmiod/iodreferences.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "DicomCodecs.h"
#include "WriteDicomDataset.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"
#include "stratum/io/DicomSeg.h"

#ifndef STRATUM_VERSION
#define STRATUM_VERSION "unknown"
#endif

namespace fs = std::filesystem;

namespace stratum::io {
namespace {

using core::operator+;
using core::operator-;
using core::operator*;

using detail::formatDecimalString;

void check(const OFCondition& status, const std::string& what) {
    if (status.bad()) throw core::Error("DICOM SEG writer: " + what + ": " + status.text());
}

std::string number(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

std::string describe(const core::Geometry& g) {
    return std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]) + "x" +
           std::to_string(g.size[2]) + ", spacing " + number(g.spacing[0]) + "x" +
           number(g.spacing[1]) + "x" + number(g.spacing[2]) + " mm, origin (" +
           number(g.origin[0]) + ", " + number(g.origin[1]) + ", " + number(g.origin[2]) + ")";
}

std::string seriesName(const DicomSeries& s) {
    if (!s.instances.empty()) return s.instances.front().path.parent_path().string();
    return s.series.instanceUid;
}

// A single DICOM value: no backslash, no control characters, at most maxLength characters.
std::string clean(std::string v, std::size_t maxLength) {
    std::replace(v.begin(), v.end(), '\\', '/');
    v.erase(std::remove_if(v.begin(), v.end(), [](unsigned char c) { return c < 0x20; }), v.end());
    if (v.size() > maxLength) v.resize(maxLength);
    return v;
}

// CS: upper case letters, digits, space and underscore, at most 16 characters.
std::string codeString(const std::string& v) {
    std::string out;
    for (const unsigned char c : v) {
        const unsigned char u = static_cast<unsigned char>(std::toupper(c));
        out += (std::isalnum(u) || u == ' ' || u == '_') ? static_cast<char>(u) : '_';
    }
    if (out.size() > 16) out.resize(16);
    return out.empty() ? "SEGMENTATION" : out;
}

// Label values present in the map (index = value).
std::vector<std::size_t> histogram(const core::Image& labels) {
    std::vector<std::size_t> counts;
    core::dispatchPixelType(labels.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_same_v<T, float>) {
            throw core::InvalidArgument(
                "a DICOM SEG needs an integer label map (uint8, uint16 or int16), not float32");
        } else {
            counts.assign(std::is_same_v<T, std::uint8_t> ? 256 : 65536, 0);
            for (const T v : labels.pixels<T>()) {
                if (v < 0)
                    throw core::InvalidArgument("the label map has a negative label value (" +
                                                std::to_string(v) + ")");
                ++counts[static_cast<std::size_t>(v)];
            }
        }
    });
    return counts;
}

// Where slice k of the source lies: the file, its frame and the frame's position.
struct SourceSlice {
    const DicomInstance* instance = nullptr;
    unsigned frame = 0;
};

core::Vec3 framePosition(const DicomInstance& in, unsigned frame) {
    if (frame < in.framePositions.size()) return in.framePositions[frame];
    return *in.position;
}

std::vector<SourceSlice> matchSlices(const core::Geometry& g, const DicomSeries& source) {
    std::vector<SourceSlice> slices(g.size[2]);
    const double tolerance = 1e-2 + 0.01 * g.spacing[2];
    for (const DicomSlice& s : source.slices) {
        const DicomInstance& in = source.instances.at(s.instance);
        if (s.sliceIndex >= slices.size() || !in.position) continue;
        const core::Vec3 expected = g.indexToPatient({0.0, 0.0, static_cast<double>(s.sliceIndex)});
        const core::Vec3 actual = framePosition(in, s.frame);
        if (core::norm(actual - expected) > tolerance)
            throw core::InvalidArgument(
                in.path.string() + ": the source image lies at (" + number(actual[0]) + ", " +
                number(actual[1]) + ", " + number(actual[2]) + ") mm but slice " +
                std::to_string(s.sliceIndex) + " of the label map at (" + number(expected[0]) +
                ", " + number(expected[1]) + ", " + number(expected[2]) + ") mm");
        slices[s.sliceIndex] = {&in, s.frame};
    }
    return slices;
}

// True when `inner` is `outer` or inside it.
bool isInside(const fs::path& inner, const fs::path& outer) {
    const fs::path a = fs::weakly_canonical(inner);
    const fs::path b = fs::weakly_canonical(outer);
    auto ia = a.begin();
    for (auto ib = b.begin(); ib != b.end(); ++ib, ++ia)
        if (ia == a.end() || *ia != *ib) return false;
    return true;
}

void checkOutput(const fs::path& out, const DicomSeries& source,
                 const DicomSegWriteOptions& options) {
    if (out.empty()) throw core::InvalidArgument("no output file given for the DICOM SEG");
    if (fs::is_directory(out))
        throw core::InvalidArgument(out.string() + ": is a folder, not a file name");
    if (options.allowInsideSourceFolder) return;
    const fs::path parent = fs::absolute(out).parent_path();
    for (const DicomInstance& in : source.instances) {
        const fs::path folder = fs::absolute(in.path).parent_path();
        if (isInside(parent, folder))
            throw core::InvalidArgument(
                out.string() + ": is inside the folder of the source series (" + folder.string() +
                "); write the DICOM SEG elsewhere (or allow it explicitly)");
    }
}

CodeSequenceMacro code(const CodedConcept& c, const std::string& which,
                       const std::string& segment) {
    if (c.value.empty() || c.scheme.empty() || c.meaning.empty())
        throw core::InvalidArgument("segment '" + segment + "': the " + which +
                                    " code needs a value, a coding scheme and a meaning");
    return CodeSequenceMacro(c.value.c_str(), c.scheme.c_str(), clean(c.meaning, 64).c_str());
}

DcmSegTypes::E_SegmentAlgoType algorithmType(SegmentAlgorithmType t) {
    switch (t) {
        case SegmentAlgorithmType::Automatic:
            return DcmSegTypes::SAT_AUTOMATIC;
        case SegmentAlgorithmType::SemiAutomatic:
            return DcmSegTypes::SAT_SEMIAUTOMATIC;
        case SegmentAlgorithmType::Manual:
            return DcmSegTypes::SAT_MANUAL;
    }
    return DcmSegTypes::SAT_UNKNOWN;
}

std::unique_ptr<DcmSegment> makeSegment(const SegmentInfo& info) {
    if (info.name.empty())
        throw core::InvalidArgument("segment for label " + std::to_string(info.labelValue) +
                                    " has no name");
    if (info.algorithmType != SegmentAlgorithmType::Manual && info.algorithmName.empty())
        throw core::InvalidArgument(
            "segment '" + info.name +
            "': an automatic or semi-automatic segment needs an algorithm name");
    DcmSegment* raw = nullptr;
    check(DcmSegment::create(raw, clean(info.name, 64).c_str(),
                             code(info.category, "category", info.name),
                             code(info.type, "type", info.name), algorithmType(info.algorithmType),
                             clean(info.algorithmName, 64).c_str()),
          "segment '" + info.name + "'");
    std::unique_ptr<DcmSegment> segment(raw);
    if (!info.description.empty())
        check(segment->setSegmentDescription(clean(info.description, 64).c_str()),
              "segment description");
    double L = 0, a = 0, b = 0;
    IODCIELabUtil::rgb2DicomLab(L, a, b, info.colour[0] / 255.0, info.colour[1] / 255.0,
                                info.colour[2] / 255.0);
    const auto u16 = [](double v) {
        return static_cast<Uint16>(std::clamp(std::lround(v), 0L, 65535L));
    };
    check(segment->setRecommendedDisplayCIELabValue(u16(L), u16(a), u16(b)), "segment colour");
    return segment;
}

}  // namespace

CodedConcept tissueConcept() {
    return {"85756007", "SCT", "Tissue"};
}

DicomSegWriteResult writeDicomSeg(const core::Image& labels,
                                  const std::vector<SegmentInfo>& segments,
                                  const DicomSeries& source, const fs::path& out,
                                  const DicomSegWriteOptions& options, const core::Task& task) {
    task.progress(0.0, "Writing DICOM SEG");
    if (labels.empty()) throw core::InvalidArgument("the label map is empty");
    if (labels.components() != 1)
        throw core::InvalidArgument("a DICOM SEG needs a one-component label map, not " +
                                    std::to_string(labels.components()) + " components");
    const core::Geometry& g = labels.geometry();
    if (g.size[0] > 65535 || g.size[1] > 65535)
        throw core::InvalidArgument("the label map slices are too large for DICOM (" + describe(g) +
                                    ")");
    if (source.instances.empty() || source.slices.empty())
        throw core::InvalidArgument("the source DICOM series has no images");
    const DicomInstance& first = source.instances.front();
    if (!first.position || !first.rowDirection || !first.columnDirection || !first.pixelSpacing)
        throw core::InvalidArgument(
            first.path.string() +
            ": the source image has no plane geometry (Image Position/Orientation "
            "(Patient), Pixel Spacing); a DICOM SEG needs it");
    if (g.size != source.geometry.size || !g.approxEqual(source.geometry, 1e-3))
        throw core::InvalidArgument(seriesName(source) + ": the label map (" + describe(g) +
                                    ") does not lie on the grid of the source series (" +
                                    describe(source.geometry) + ")");
    const std::vector<SourceSlice> sourceSlices = matchSlices(g, source);
    checkOutput(out, source, options);

    // Segments: label values present, ascending, each described.
    const std::vector<std::size_t> counts = histogram(labels);
    std::map<unsigned, const SegmentInfo*> byLabel;
    for (const SegmentInfo& s : segments) {
        if (s.labelValue == 0 || s.labelValue > 65535)
            throw core::InvalidArgument("segment '" + s.name + "': label value " +
                                        std::to_string(s.labelValue) + " is not in 1..65535");
        if (!byLabel.emplace(s.labelValue, &s).second)
            throw core::InvalidArgument("label value " + std::to_string(s.labelValue) +
                                        " is described by more than one segment");
    }
    DicomSegWriteResult result;
    for (std::size_t v = 1; v < counts.size(); ++v) {
        if (counts[v] == 0) continue;
        if (!byLabel.count(static_cast<unsigned>(v)))
            throw core::InvalidArgument("label value " + std::to_string(v) +
                                        " occurs in the label map but no segment describes it");
        result.segmentLabels.push_back(static_cast<unsigned>(v));
    }
    if (result.segmentLabels.empty())
        throw core::InvalidArgument(
            "the label map has no non-zero label: nothing to write as a DICOM SEG");

    // The document: equipment, content identification, patient/study/frame of reference.
    std::string algorithm;
    for (const unsigned v : result.segmentLabels)
        if (!byLabel[v]->algorithmName.empty()) algorithm = byLabel[v]->algorithmName;
    const std::string seriesDescription = !options.seriesDescription.empty()
                                              ? options.seriesDescription
                                          : algorithm.empty() ? std::string("Segmentation")
                                                              : "Segmentation (" + algorithm + ")";
    std::string contentDescription =
        options.contentDescription.empty() ? seriesDescription : options.contentDescription;
    if (!options.algorithmVersion.empty())
        contentDescription += ", version " + options.algorithmVersion;

    const IODGeneralEquipmentModule::EquipmentInfo equipment("Stratum", "Stratum", "0",
                                                             STRATUM_VERSION);
    const ContentIdentificationMacro identification("1", codeString(options.contentLabel).c_str(),
                                                    clean(contentDescription, 64).c_str(),
                                                    clean(options.contentCreator, 64).c_str());
    detail::ensureDicomCodecs();  // also quietens DCMTK's console logging
    DcmSegmentation* rawDocument = nullptr;
    check(DcmSegmentation::createBinarySegmentation(rawDocument, static_cast<Uint16>(g.size[1]),
                                                    static_cast<Uint16>(g.size[0]), equipment,
                                                    identification),
          "cannot create the segmentation");
    std::unique_ptr<DcmSegmentation> document(rawDocument);

    {
        DcmFileFormat sourceFile;
        const OFCondition status =
            sourceFile.loadFile(first.path.c_str(), EXS_Unknown, EGL_noChange, 4096);
        if (status.bad())
            throw core::IoError(first.path.string(), std::string("cannot read: ") + status.text());
        detail::throwIfBad(document->importFromSourceImage(*sourceFile.getDataset()), first.path,
                           "cannot take over patient, study and frame of reference");
    }
    check(document->getSeries().setSeriesInstanceUID(makeDicomUid().c_str()),
          "series instance UID");
    check(document->getSeries().setSeriesNumber(options.seriesNumber.c_str()), "series number");
    check(document->getSeries().setSeriesDescription(clean(seriesDescription, 64).c_str()),
          "series description");
    check(document->getSOPCommon().setSOPInstanceUID(makeDicomUid().c_str()), "SOP instance UID");

    // Every referenced source image, in the Common Instance Reference module.
    {
        IODReferences references;
        for (const SourceSlice& s : sourceSlices) {
            if (!s.instance) continue;
            references.add(new IODImageReference(
                first.patient.id.c_str(), s.instance->study.instanceUid.c_str(),
                s.instance->series.instanceUid.c_str(), s.instance->sopInstanceUid.c_str(),
                s.instance->sopClassUid.c_str()));
        }
        document->getCommonInstanceReference().addReferences(references,
                                                             first.study.instanceUid.c_str());
    }

    // Dimensions: segment, then position.
    const std::string dimensionUid = makeDicomUid();
    check(document->getDimensions().addDimensionIndex(
              DCM_ReferencedSegmentNumber, dimensionUid.c_str(), DCM_SegmentIdentificationSequence,
              "ReferencedSegmentNumber"),
          "dimension index");
    check(document->getDimensions().addDimensionIndex(
              DCM_ImagePositionPatient, dimensionUid.c_str(), DCM_PlanePositionSequence,
              "ImagePositionPatient"),
          "dimension index");

    // Shared functional groups: pixel measures and plane orientation.
    {
        FGPixelMeasures measures;
        check(measures.setPixelSpacing(
                  (formatDecimalString(g.spacing[1]) + "\\" + formatDecimalString(g.spacing[0]))
                      .c_str()),
              "pixel spacing");
        const double thickness = first.sliceThickness > 0 ? first.sliceThickness : g.spacing[2];
        check(measures.setSliceThickness(formatDecimalString(thickness).c_str()),
              "slice thickness");
        check(measures.setSpacingBetweenSlices(formatDecimalString(g.spacing[2]).c_str()),
              "spacing between slices");
        check(document->addForAllFrames(measures), "pixel measures");
        const core::Vec3 r = g.direction.column(0);
        const core::Vec3 c = g.direction.column(1);
        std::unique_ptr<FGPlaneOrientationPatient> orientation(
            FGPlaneOrientationPatient::createMinimal(
                formatDecimalString(r[0]).c_str(), formatDecimalString(r[1]).c_str(),
                formatDecimalString(r[2]).c_str(), formatDecimalString(c[0]).c_str(),
                formatDecimalString(c[1]).c_str(), formatDecimalString(c[2]).c_str()));
        if (!orientation) throw core::Error("DICOM SEG writer: cannot set the plane orientation");
        check(document->addForAllFrames(*orientation), "plane orientation");
    }

    // Per slice: position and derivation from the source image.
    const std::size_t nx = g.size[0], ny = g.size[1], nz = g.size[2];
    std::vector<std::unique_ptr<FGPlanePosPatient>> positions(nz);
    std::vector<std::unique_ptr<FGDerivationImage>> derivations(nz);
    const std::string derivationText =
        "Segmentation" + (algorithm.empty() ? std::string() : " by " + algorithm);
    for (std::size_t k = 0; k < nz; ++k) {
        const core::Vec3 p = g.indexToPatient({0.0, 0.0, static_cast<double>(k)});
        positions[k].reset(FGPlanePosPatient::createMinimal(formatDecimalString(p[0]).c_str(),
                                                            formatDecimalString(p[1]).c_str(),
                                                            formatDecimalString(p[2]).c_str()));
        if (!positions[k]) throw core::Error("DICOM SEG writer: cannot set the plane position");
        const SourceSlice& s = sourceSlices[k];
        if (!s.instance) continue;
        OFVector<ImageSOPInstanceReferenceMacro> refs(1);
        check(refs[0].setReferencedSOPClassUID(s.instance->sopClassUid.c_str()),
              "referenced SOP class");
        check(refs[0].setReferencedSOPInstanceUID(s.instance->sopInstanceUid.c_str()),
              "referenced SOP instance");
        if (s.instance->frames > 1) {
            OFVector<Uint16> frameNumbers(1, static_cast<Uint16>(s.frame + 1));
            check(refs[0].setReferencedFrameNumber(frameNumbers), "referenced frame number");
        }
        derivations[k].reset(
            DcmSegmentation::createDerivationImageFG(refs, clean(derivationText, 1024).c_str()));
        if (!derivations[k])
            throw core::Error("DICOM SEG writer: cannot reference the source image");
    }

    // Segments and their frames.
    core::ProgressCounter counter(task.sub(0.0, 0.8), result.segmentLabels.size() * nz,
                                  "Writing DICOM SEG");
    std::vector<Uint8> mask(nx * ny);
    for (const unsigned label : result.segmentLabels) {
        std::unique_ptr<DcmSegment> segment = makeSegment(*byLabel[label]);
        Uint16 segmentNumber = 0;
        check(document->addSegment(segment.get(), segmentNumber),
              "cannot add segment '" + byLabel[label]->name + "'");
        segment.release();  // owned by the document now
        for (std::size_t k = 0; k < nz; ++k) {
            bool any = false;
            core::dispatchPixelType(labels.pixelType(), [&](auto tag) {
                using T = decltype(tag);
                if constexpr (!std::is_same_v<T, float>) {
                    const T* slice = labels.data<T>() + k * nx * ny;
                    for (std::size_t i = 0; i < nx * ny; ++i) {
                        mask[i] = static_cast<unsigned>(slice[i]) == label ? 1 : 0;
                        any = any || mask[i];
                    }
                }
            });
            if (any || !options.skipEmptyFrames) {
                FGFrameContent content;
                check(content.setDimensionIndexValues(segmentNumber, 0), "dimension index value");
                check(content.setDimensionIndexValues(static_cast<Uint32>(k + 1), 1),
                      "dimension index value");
                OFVector<FGBase*> perFrame;
                perFrame.push_back(positions[k].get());
                perFrame.push_back(&content);
                if (derivations[k]) perFrame.push_back(derivations[k].get());
                check(document->addFrame(mask.data(), segmentNumber, perFrame),
                      "cannot add a frame");
                ++result.frames;
            }
            counter.advance();
        }
    }

    task.progress(0.8, "Saving DICOM SEG");
    core::AtomicFile file(out);
    const OFCondition saved = document->saveFile(file.tempPath().c_str());
    if (saved.bad())
        throw core::IoError(out.string(),
                            std::string("cannot write the DICOM SEG: ") + saved.text());
    file.commit();
    result.file = out;
    task.progress(1.0);
    return result;
}

DicomSegWriteResult writeDicomSeg(const core::Image& labels,
                                  const std::vector<SegmentInfo>& segments, const fs::path& source,
                                  const fs::path& out, const DicomSegWriteOptions& options,
                                  const core::Task& task) {
    DicomScan scan;
    try {
        scan = scanDicom(source, {}, task.sub(0.0, 0.2));
    } catch (const core::FormatError&) {
        throw core::FormatError(source.string(),
                                "not a DICOM file; a DICOM SEG needs the source DICOM series");
    }
    const std::vector<const DicomSeries*> all = scan.allSeries();
    if (all.empty())
        throw core::FormatError(source.string(),
                                "holds no DICOM image; a DICOM SEG needs the source DICOM series");
    for (const DicomSeries* s : all)
        if (s->geometry.size == labels.geometry().size &&
            s->geometry.approxEqual(labels.geometry(), 1e-3))
            return writeDicomSeg(labels, segments, *s, out, options, task.sub(0.2, 1.0));
    if (all.size() == 1)
        return writeDicomSeg(labels, segments, *all.front(), out, options, task.sub(0.2, 1.0));
    throw core::InvalidArgument(source.string() + ": none of its " + std::to_string(all.size()) +
                                " DICOM series has the grid of the label map (" +
                                describe(labels.geometry()) + ")");
}

}  // namespace stratum::io
