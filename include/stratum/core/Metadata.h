#pragma once
// What an image is: patient, study, series, display and provenance facts.
#include <string>
#include <vector>

namespace stratum::core {

// Window centre/width in the image's stored units (HU for CT after rescale).
struct WindowPreset {
    std::string name;  // from the file's Window Center & Width Explanation, or ours
    double center = 0.0;
    double width = 1.0;
    bool operator==(const WindowPreset&) const = default;
};

// Photometric interpretation as found in the file.
enum class Photometric { Unknown, Monochrome1, Monochrome2, Rgb, YbrFull, YbrFull422, YbrOther, Palette };
const char* photometricName(Photometric p);
Photometric photometricFromDicom(const std::string& dicomString);

struct PatientInfo {
    std::string name;
    std::string id;
    std::string birthDate;  // DICOM DA: YYYYMMDD
    std::string sex;
    bool operator==(const PatientInfo&) const = default;
};

struct StudyInfo {
    std::string instanceUid;
    std::string id;
    std::string date;  // YYYYMMDD
    std::string time;
    std::string description;
    std::string accessionNumber;
    bool operator==(const StudyInfo&) const = default;
};

struct SeriesInfo {
    std::string instanceUid;
    std::string number;
    std::string description;
    std::string modality;  // DICOM code: CT, MR, CR, DX, US, OT ...
    std::string bodyPart;
    std::string date;
    std::string time;
    std::string frameOfReferenceUid;
    std::string manufacturer;
    bool operator==(const SeriesInfo&) const = default;
};

struct ImageMetadata {
    PatientInfo patient;
    StudyInfo study;
    SeriesInfo series;

    std::vector<WindowPreset> windows;  // the file's presets first

    // Modality LUT (rescale). When rescaleApplied, pixel values are already
    // slope*stored+intercept (CT: Hounsfield units) and slope/intercept record what was done.
    double rescaleSlope = 1.0;
    double rescaleIntercept = 0.0;
    bool rescaleApplied = false;
    std::string units;  // "HU" for CT after rescale, otherwise the file's Rescale Type or empty

    // Photometric interpretation in the file. Pixels in memory are always grey with
    // "higher = brighter" (MONOCHROME1 is inverted on load, invertedMonochrome1 says so)
    // or RGB (YBR and palette converted on load).
    Photometric photometric = Photometric::Unknown;
    bool invertedMonochrome1 = false;

    std::string sourcePath;         // file or folder the image came from
    std::string sourceFormat;       // "DICOM", "NIfTI", "NRRD", "MetaImage", "PNG", ...
    std::string transferSyntaxUid;  // DICOM only
    std::string sopClassUid;        // DICOM only
};

}  // namespace stratum::core
