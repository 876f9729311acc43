#include "DicomCodecs.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/ofstd/ofcond.h>

#include <cstdlib>
#include <mutex>

#include "stratum/core/Error.h"

namespace stratum::io::detail {

void ensureDicomCodecs() {
    static std::once_flag once;
    static bool dictionaryLoaded = false;
    std::call_once(once, [] {
        // Decoders only; colour-space conversion as the photometric interpretation says,
        // never new UIDs (we never write back what we read).
        DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation, EUC_never);
        DJLSDecoderRegistration::registerCodecs(EJLSUC_never);
        DcmRLEDecoderRegistration::registerCodecs();
        // DCMTK's own console messages about odd files would repeat what our errors and
        // warnings say; STRATUM_DCMTK_LOG=1 keeps them for debugging.
        if (!std::getenv("STRATUM_DCMTK_LOG"))
            OFLog::getLogger("dcmtk").setLogLevel(OFLogger::FATAL_LOG_LEVEL);
        // Explicit VR files re-written by tools that did not know an attribute carry it as
        // UN; read known ones with their dictionary VR (e.g. Dose Grid Scaling as DS).
        dcmEnableUnknownVRConversion.set(OFTrue);
        dictionaryLoaded = dcmDataDict.isDictionaryLoaded();
    });
    if (!dictionaryLoaded)
        throw core::Error("the DCMTK data dictionary is not loaded (check DCMDICTPATH)");
}

bool isRawLittleEndian(std::string_view ts) {
    return ts == kExplicitLittleEndian || ts == kImplicitLittleEndian;
}

bool needsGdcm(std::string_view ts) {
    // 1.2.840.10008.1.2.4.90-93: JPEG 2000 (Part 1 and 2); .201-.203: High-Throughput JPEG 2000.
    constexpr std::string_view prefix = "1.2.840.10008.1.2.4.";
    if (ts.substr(0, prefix.size()) != prefix) return false;
    const std::string_view rest = ts.substr(prefix.size());
    return rest == "90" || rest == "91" || rest == "92" || rest == "93" || rest == "201" ||
           rest == "202" || rest == "203";
}

void throwIfBad(const OFCondition& status, const std::filesystem::path& path,
                const std::string& what) {
    if (status.good()) return;
    throw core::FormatError(path.string(), what + ": " + status.text());
}

}  // namespace stratum::io::detail
