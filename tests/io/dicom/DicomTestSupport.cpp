#include "DicomTestSupport.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cmath>
#include <fstream>
#include <iterator>

namespace stratum::test {

core::Image makePhantom(core::Size3 size, core::Vec3 spacing, core::Vec3 origin,
                        core::Mat3 direction) {
    core::Geometry g;
    g.size = size;
    g.spacing = spacing;
    g.origin = origin;
    g.direction = direction;
    core::Image img(core::PixelType::Int16, 1, g);
    img.metadata().series.modality = "CT";
    img.metadata().series.description = "Phantom";
    img.metadata().patient.name = "Test^Phantom";
    img.metadata().patient.id = "PHANTOM1";
    for (std::size_t k = 0; k < size[2]; ++k)
        for (std::size_t j = 0; j < size[1]; ++j)
            for (std::size_t i = 0; i < size[0]; ++i)
                img.data<std::int16_t>()[img.offset(i, j, k)] =
                    static_cast<std::int16_t>(phantomValue(i, j, k));
    return img;
}

core::Mat3 rotation(core::Vec3 axis, double degrees) {
    const core::Vec3 u = core::normalized(axis);
    const double a = degrees * M_PI / 180.0, c = std::cos(a), s = std::sin(a), t = 1 - c;
    core::Mat3 r;
    r.m = {t * u[0] * u[0] + c,        t * u[0] * u[1] - s * u[2], t * u[0] * u[2] + s * u[1],
           t * u[0] * u[1] + s * u[2], t * u[1] * u[1] + c,        t * u[1] * u[2] - s * u[0],
           t * u[0] * u[2] - s * u[1], t * u[1] * u[2] + s * u[0], t * u[2] * u[2] + c};
    return r;
}

void expectPhantomValues(const core::Image& image, long skip) {
    ASSERT_EQ(image.pixelType(), core::PixelType::Int16);
    const auto& size = image.size();
    std::size_t mismatches = 0;
    for (std::size_t k = 0; k < size[2]; ++k) {
        if (static_cast<long>(k) == skip) continue;
        for (std::size_t j = 0; j < size[1]; ++j)
            for (std::size_t i = 0; i < size[0]; ++i)
                if (image.data<std::int16_t>()[image.offset(i, j, k)] != phantomValue(i, j, k))
                    ++mismatches;
    }
    EXPECT_EQ(mismatches, 0u);
}

bool hasWarningContaining(const core::Warnings& warnings, const std::string& text) {
    for (const auto& w : warnings)
        if (w.text().find(text) != std::string::npos) return true;
    return false;
}

std::string joinWarnings(const core::Warnings& warnings) {
    std::string out;
    for (const auto& w : warnings) out += w.text() + "\n";
    return out;
}

void initSynthetic(DcmFileFormat& file, const SyntheticFormat& f) {
    DcmDataset* ds = file.getDataset();
    char uid[100];
    ds->putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
    ds->putAndInsertString(DCM_SOPInstanceUID,
                           dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
    ds->putAndInsertString(DCM_StudyInstanceUID,
                           dcmGenerateUniqueIdentifier(uid, SITE_STUDY_UID_ROOT));
    ds->putAndInsertString(DCM_SeriesInstanceUID,
                           dcmGenerateUniqueIdentifier(uid, SITE_SERIES_UID_ROOT));
    ds->putAndInsertString(DCM_PatientName, "Synthetic^Test");
    ds->putAndInsertString(DCM_PatientID, "SYN1");
    ds->putAndInsertString(DCM_Modality, f.modality.c_str());
    ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(f.rows));
    ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(f.columns));
    if (f.frames > 1) ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(f.frames).c_str());
    ds->putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(f.samplesPerPixel));
    ds->putAndInsertString(DCM_PhotometricInterpretation, f.photometric.c_str());
    if (f.samplesPerPixel > 1)
        ds->putAndInsertUint16(DCM_PlanarConfiguration, static_cast<Uint16>(f.planarConfiguration));
    ds->putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(f.bitsAllocated));
    ds->putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(f.bitsStored));
    ds->putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(f.highBit));
    ds->putAndInsertUint16(DCM_PixelRepresentation, f.signedPixels ? 1 : 0);
}

void putPixels16(DcmFileFormat& file, const std::vector<std::uint16_t>& words) {
    file.getDataset()->putAndInsertUint16Array(DCM_PixelData, words.data(),
                                               static_cast<unsigned long>(words.size()));
}

void putPixels8(DcmFileFormat& file, const std::vector<std::uint8_t>& bytes) {
    file.getDataset()->putAndInsertUint8Array(DCM_PixelData, bytes.data(),
                                              static_cast<unsigned long>(bytes.size()));
}

void saveSynthetic(DcmFileFormat& file, const std::filesystem::path& path,
                   E_TransferSyntax syntax) {
    const OFCondition status = file.saveFile(path.c_str(), syntax);
    ASSERT_TRUE(status.good()) << path << ": " << status.text();
}

std::vector<char> readBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::filesystem::path& path, const std::vector<char>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace stratum::test
