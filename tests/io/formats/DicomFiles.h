#pragma once
// Reading written DICOM files back with DCMTK directly (independently of Stratum's
// DICOM reader), for checking the writer.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace stratum::test {

struct DicomFile {
    std::unique_ptr<DcmFileFormat> file = std::make_unique<DcmFileFormat>();
    DcmDataset* dataset() const { return file->getDataset(); }

    std::string get(const DcmTagKey& tag) const {
        OFString v;
        if (dataset()->findAndGetOFStringArray(tag, v).bad()) return "<missing>";
        return v.c_str();
    }
    bool has(const DcmTagKey& tag) const { return dataset()->tagExists(tag); }
    std::vector<double> numbers(const DcmTagKey& tag) const {
        std::vector<double> out;
        std::stringstream s(get(tag));
        std::string part;
        while (std::getline(s, part, '\\')) out.push_back(std::strtod(part.c_str(), nullptr));
        return out;
    }
    std::string transferSyntax() const {
        OFString v;
        file->getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, v);
        return v.c_str();
    }

    // Stored pixel values with the rescale applied, decoding compressed data with DCMTK.
    std::vector<double> values() const {
        static std::once_flag once;
        std::call_once(once, [] {
            DJDecoderRegistration::registerCodecs();
            DJLSDecoderRegistration::registerCodecs();
            DcmRLEDecoderRegistration::registerCodecs();
        });
        DcmDataset* ds = dataset();
        if (ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr).bad()) return {};
        Uint16 bits = 0, representation = 0;
        ds->findAndGetUint16(DCM_BitsAllocated, bits);
        ds->findAndGetUint16(DCM_PixelRepresentation, representation);
        // (DCMTK's findAndGet* set the value to 0 when the attribute is absent.)
        double slope = 1, intercept = 0, number = 0;
        if (ds->findAndGetFloat64(DCM_RescaleSlope, number).good()) slope = number;
        if (ds->findAndGetFloat64(DCM_RescaleIntercept, number).good()) intercept = number;
        std::vector<double> out;
        if (bits == 8) {
            const Uint8* p = nullptr;
            unsigned long n = 0;
            ds->findAndGetUint8Array(DCM_PixelData, p, &n);
            for (unsigned long i = 0; i < n; ++i) out.push_back(p[i] * slope + intercept);
        } else {
            const Uint16* p = nullptr;
            unsigned long n = 0;
            ds->findAndGetUint16Array(DCM_PixelData, p, &n);
            for (unsigned long i = 0; i < n; ++i) {
                const double v = representation ? static_cast<double>(static_cast<Sint16>(p[i])) : p[i];
                out.push_back(v * slope + intercept);
            }
        }
        return out;
    }
};

inline DicomFile loadDicom(const std::filesystem::path& p) {
    DicomFile f;
    if (f.file->loadFile(p.c_str()).bad()) throw std::runtime_error("DCMTK cannot read " + p.string());
    return f;
}

}  // namespace stratum::test
