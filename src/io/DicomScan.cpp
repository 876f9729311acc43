// scanDicom: files, folders and DICOMDIRs into patients, studies and series.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>
#include <unordered_map>

#include "DicomAttributes.h"
#include "DicomCodecs.h"
#include "DicomHeaderParse.h"
#include "DicomSeriesBuilder.h"
#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/io/Dicom.h"

namespace fs = std::filesystem;

namespace stratum::io {

namespace {

constexpr const char* kMediaStorageDirectory = "1.2.840.10008.1.3.10";

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

bool isDicomDirFile(DcmFileFormat& ff) {
    if (DcmMetaInfo* meta = ff.getMetaInfo())
        if (detail::getString(*meta, DCM_MediaStorageSOPClassUID) == kMediaStorageDirectory)
            return true;
    DcmSequenceOfItems* records = nullptr;
    return ff.getDataset()->findAndGetSequence(DCM_DirectoryRecordSequence, records).good() &&
           records;
}

std::string problemOf(const core::Error& e) {
    if (const auto* fe = dynamic_cast<const core::FileError*>(&e)) return fe->problem();
    return e.what();
}

// `dir/component` with the component matched case-insensitively when the exact name
// is absent (DICOMDIRs name files in upper case; copies may have changed the case).
std::optional<fs::path> resolveComponent(const fs::path& dir, const std::string& component) {
    std::error_code ec;
    if (fs::exists(dir / component, ec)) return dir / component;
    const std::string want = upper(component);
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (upper(it->path().filename().string()) == want) return it->path();
    return std::nullopt;
}

std::vector<fs::path> referencedFiles(DcmFileFormat& ff, const fs::path& dicomdir,
                                      core::Warnings& warnings) {
    DcmSequenceOfItems* records = nullptr;
    if (ff.getDataset()->findAndGetSequence(DCM_DirectoryRecordSequence, records).bad() || !records)
        throw core::FormatError(dicomdir.string(), "DICOMDIR without a Directory Record Sequence");
    const fs::path base = dicomdir.parent_path();
    std::vector<fs::path> files;
    std::set<fs::path> seen;
    for (unsigned long i = 0; i < records->card(); ++i) {
        DcmItem* record = records->getItem(i);
        if (!record) continue;
        const std::vector<std::string> parts = detail::getStrings(*record, DCM_ReferencedFileID);
        if (parts.empty()) continue;
        std::optional<fs::path> p = base;
        std::string relative;
        bool valid = true;
        for (const auto& part : parts) {
            relative += (relative.empty() ? "" : "/") + part;
            if (part.empty() || part == "." || part == ".." || part.find('/') != std::string::npos)
                valid = false;
            if (valid && p) p = resolveComponent(*p, part);
        }
        if (!valid) {
            warnings.push_back(
                {dicomdir.string(), "invalid referenced file ID \"" + relative + "\"; ignored"});
            continue;
        }
        if (!p) {
            warnings.push_back(
                {(base / relative).string(), "referenced by the DICOMDIR but missing"});
            continue;
        }
        if (seen.insert(*p).second) files.push_back(*p);
    }
    return files;
}

std::vector<fs::path> listFolder(const fs::path& folder, bool recursive, const core::Task& task,
                                 core::Warnings& warnings) {
    std::vector<fs::path> files;
    std::error_code ec;
    std::size_t visited = 0;
    auto consider = [&](const fs::directory_entry& e) {
        if ((++visited & 255) == 0) task.checkCancel();
        std::error_code fec;
        if (e.is_regular_file(fec)) files.push_back(e.path());
    };
    if (recursive) {
        fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied,
                                            ec),
            end;
        for (; !ec && it != end; it.increment(ec)) consider(*it);
    } else {
        fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end; it.increment(ec)) consider(*it);
    }
    if (ec)
        warnings.push_back({folder.string(), "could not list the whole folder: " + ec.message()});
    std::sort(files.begin(), files.end());
    return files;
}

// What one file turned out to be.
struct FileResult {
    std::optional<DicomInstance> instance;
    std::optional<core::Warning> warning;
    bool directory = false;  // a DICOMDIR met inside a folder: skipped silently
};

FileResult scanOne(const fs::path& file) {
    FileResult r;
    try {
        DcmFileFormat ff;
        detail::loadDicomFileLazily(ff, file);
        if (isDicomDirFile(ff)) {
            r.directory = true;
            return r;
        }
        DicomInstance inst = detail::instanceFromFile(ff, file);
        if (!inst.hasPixelData || inst.rows == 0 || inst.columns == 0) {
            r.warning = core::Warning{
                file.string(), "no image pixel data (SOP Class " +
                                   (inst.sopClassUid.empty() ? "unknown" : inst.sopClassUid) +
                                   "); skipped"};
        } else if (const auto why = detail::unsupportedReason(inst)) {
            r.warning = core::Warning{file.string(), *why + "; skipped"};
        } else {
            r.instance = std::move(inst);
        }
    } catch (const core::Cancelled&) {
        throw;
    } catch (const core::Error& e) {
        r.warning = core::Warning{file.string(), problemOf(e)};
    } catch (const std::exception& e) {
        r.warning = core::Warning{file.string(), std::string("cannot read: ") + e.what()};
    }
    return r;
}

double seriesNumber(const DicomSeries& s) {
    char* end = nullptr;
    const double v = std::strtod(s.series.number.c_str(), &end);
    return end == s.series.number.c_str() ? 1e300 : v;
}

void groupIntoPatients(DicomScan& scan, std::vector<DicomSeries> series) {
    std::unordered_map<std::string, std::size_t> patientIndex;
    for (auto& s : series) {
        const std::string pkey = s.patient.id + '\x1f' + s.patient.name;
        auto [pit, pnew] = patientIndex.emplace(pkey, scan.patients.size());
        if (pnew) scan.patients.push_back({s.patient, {}});
        DicomPatient& patient = scan.patients[pit->second];
        auto sit = std::find_if(
            patient.studies.begin(), patient.studies.end(),
            [&](const DicomStudy& st) { return st.study.instanceUid == s.study.instanceUid; });
        if (sit == patient.studies.end()) {
            patient.studies.push_back({s.study, {}});
            sit = patient.studies.end() - 1;
        }
        sit->series.push_back(std::move(s));
    }
    for (auto& p : scan.patients)
        for (auto& st : p.studies)
            std::stable_sort(st.series.begin(), st.series.end(),
                             [](const DicomSeries& a, const DicomSeries& b) {
                                 const double na = seriesNumber(a), nb = seriesNumber(b);
                                 if (na != nb) return na < nb;
                                 return a.subSeries < b.subSeries;
                             });
}

}  // namespace

DicomScan scanDicom(const fs::path& path, const DicomScanOptions& options, const core::Task& task) {
    detail::ensureDicomCodecs();
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) throw core::IoError(path.string(), "not found");
    task.checkCancel();

    DicomScan scan;
    std::vector<fs::path> files;
    if (fs::is_directory(st)) {
        files = listFolder(path, options.recursive, task, scan.warnings);
    } else {
        DcmFileFormat ff;
        detail::loadDicomFileLazily(ff, path);  // a single file must be DICOM: throws otherwise
        if (isDicomDirFile(ff)) {
            files = referencedFiles(ff, path, scan.warnings);
        } else {
            files = {path};
        }
    }

    std::vector<FileResult> results(files.size());
    {
        core::ProgressCounter counter(task, files.size(),
                                      "Scanning " + std::to_string(files.size()) + " files");
        core::parallelFor(
            0, files.size(),
            [&](std::size_t i) {
                task.checkCancel();
                results[i] = scanOne(files[i]);
                counter.advance();
            },
            options.threads);
    }

    task.progress(1.0);
    std::vector<DicomInstance> instances;
    for (auto& r : results) {
        if (r.directory) continue;
        ++scan.filesSeen;
        if (r.warning) scan.warnings.push_back(std::move(*r.warning));
        if (r.instance) {
            ++scan.dicomFiles;
            instances.push_back(std::move(*r.instance));
        }
    }
    groupIntoPatients(scan, detail::buildSeries(std::move(instances)));
    return scan;
}

std::vector<const DicomSeries*> DicomScan::allSeries() const {
    std::vector<const DicomSeries*> out;
    for (const auto& p : patients)
        for (const auto& st : p.studies)
            for (const auto& s : st.series) out.push_back(&s);
    return out;
}

const DicomSeries* DicomScan::largestSeries() const {
    const DicomSeries* best = nullptr;
    for (const DicomSeries* s : allSeries())
        if (!best || s->frameCount() > best->frameCount()) best = s;
    return best;
}

std::string DicomSeries::summary() const {
    std::string out = series.modality.empty() ? "??" : series.modality;
    if (!series.description.empty()) out += "  " + series.description;
    if (subSeries > 0) out += " (part " + std::to_string(subSeries) + ")";
    try {
        out += "  " + geometry.planeName();
    } catch (const std::exception&) {
    }
    out += "  " + std::to_string(geometry.size[0]) + "x" + std::to_string(geometry.size[1]) + "x" +
           std::to_string(geometry.size[2]);
    const std::size_t files = instances.size();
    out += "  (" + std::to_string(files) + (files == 1 ? " file" : " files");
    if (files == 1 && !instances.empty() && instances.front().frames > 1)
        out += ", " + std::to_string(instances.front().frames) + " frames";
    out += ")";
    return out;
}

}  // namespace stratum::io
