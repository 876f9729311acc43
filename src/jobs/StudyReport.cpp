// describeStudy: DICOM scanned header-only, other formats read in full.
#include "stratum/jobs/StudyReport.h"

#include <algorithm>
#include <tuple>

#include "Paths.h"
#include "stratum/io/Dicom.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/TransferSyntaxes.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;

GridSummary summarizeGrid(const core::Geometry& g) {
    GridSummary grid;
    grid.size = g.size;
    grid.spacing = g.spacing;
    grid.origin = g.origin;
    grid.direction = g.direction;
    grid.orientation = g.orientationCode();
    grid.plane = g.planeName();
    return grid;
}

// The stored type the header announces, when it is one Stratum keeps as is.
std::string storedPixelType(const io::DicomInstance& instance) {
    if (instance.bitsAllocated == 8 && !instance.signedPixels)
        return core::pixelTypeName(core::PixelType::UInt8);
    if (instance.bitsAllocated == 16)
        return core::pixelTypeName(instance.signedPixels ? core::PixelType::Int16
                                                         : core::PixelType::UInt16);
    return {};
}

std::vector<TransferSyntax> distinctTransferSyntaxes(const std::vector<io::DicomInstance>& instances) {
    std::vector<TransferSyntax> syntaxes;
    for (const io::DicomInstance& instance : instances) {
        TransferSyntax ts{instance.transferSyntaxUid, transferSyntaxName(instance.transferSyntaxUid)};
        if (std::find(syntaxes.begin(), syntaxes.end(), ts) == syntaxes.end())
            syntaxes.push_back(std::move(ts));
    }
    return syntaxes;
}

SeriesSummary summarizeSeries(const io::DicomSeries& series) {
    SeriesSummary s;
    s.uid = series.series.instanceUid;
    s.subSeries = series.subSeries;
    s.number = series.series.number;
    s.modality = series.series.modality;
    s.description = series.series.description;
    s.bodyPart = series.series.bodyPart;
    s.files = series.instances.size();
    s.frames = series.frameCount();
    s.grid = summarizeGrid(series.geometry);
    s.hasPatientGeometry = !series.instances.empty() &&
                           std::all_of(series.instances.begin(), series.instances.end(), [](const io::DicomInstance& i) {
                               return i.position && i.rowDirection && i.columnDirection;
                           });
    s.sortedByPosition = series.sortedByPosition;
    if (!series.instances.empty()) {
        const io::DicomInstance& first = series.instances.front();
        s.pixelType = storedPixelType(first);
        s.components = first.samplesPerPixel;
        s.bitsStored = first.bitsStored;
        s.photometric = first.photometric;
    }
    s.transferSyntaxes = distinctTransferSyntaxes(series.instances);
    s.warnings = series.warnings;
    return s;
}

StudySummary summarizeStudy(const io::DicomStudy& study) {
    StudySummary s;
    s.uid = study.study.instanceUid;
    s.id = study.study.id;
    s.date = study.study.date;
    s.time = study.study.time;
    s.description = study.study.description;
    s.accessionNumber = study.study.accessionNumber;
    for (const io::DicomSeries& series : study.series) s.series.push_back(summarizeSeries(series));
    return s;
}

PatientSummary summarizePatient(const io::DicomPatient& patient) {
    PatientSummary p;
    p.name = patient.patient.name;
    p.id = patient.patient.id;
    p.birthDate = patient.patient.birthDate;
    p.sex = patient.patient.sex;
    for (const io::DicomStudy& study : patient.studies) p.studies.push_back(summarizeStudy(study));
    return p;
}

void describeDicom(StudyReport& report, const fs::path& path, const core::Task& task) {
    const io::DicomScan scan = io::scanDicom(path, {}, task);
    report.filesScanned = scan.filesSeen;
    report.dicomFiles = scan.dicomFiles;
    for (const io::DicomPatient& patient : scan.patients)
        report.patients.push_back(summarizePatient(patient));
    report.warnings = scan.warnings;
}

void describeImage(StudyReport& report, const fs::path& path, const core::Task& task) {
    io::ReadResult read = io::readImage(path, task);
    const core::Image& image = read.image;
    ImageSummary s;
    s.path = path.string();
    s.format = image.metadata().sourceFormat.empty() ? report.format : image.metadata().sourceFormat;
    s.grid = summarizeGrid(image.geometry());
    s.components = static_cast<unsigned>(image.components());
    s.pixelType = core::pixelTypeName(image.pixelType());
    if (!image.empty()) std::tie(s.minValue, s.maxValue) = image.minMax();
    s.modality = image.metadata().series.modality;
    report.images.push_back(std::move(s));
    report.warnings = std::move(read.warnings);
}

bool isDicom(io::FileFormat format) {
    return format == io::FileFormat::Dicom || format == io::FileFormat::DicomDir ||
           format == io::FileFormat::DicomFolder;
}

}  // namespace

StudyReport describeStudy(const std::filesystem::path& path, const core::Task& task) {
    detail::requireExists(path);
    StudyReport report;
    report.path = path.string();
    const io::FileFormat format = io::detectFormat(path);
    report.format = io::formatName(format);
    detail::namingPath(path, [&] {
        if (isDicom(format))
            describeDicom(report, path, task);
        else
            describeImage(report, path, task);
    });
    return report;
}

}  // namespace stratum::jobs
