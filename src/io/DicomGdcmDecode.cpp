// GDCM fallback: decodes what DCMTK cannot (JPEG 2000 and friends).
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmPhotometricInterpretation.h>
#include <gdcmTrace.h>

#include <cstdlib>
#include <mutex>

#include "DicomFrameReader.h"
#include "stratum/core/Error.h"

namespace stratum::io::detail {

std::vector<char> decodeWithGdcm(const std::filesystem::path& file, FrameLayout& layout,
                                 unsigned& bitsAllocated, unsigned& samplesPerPixel) {
    static std::once_flag quiet;
    std::call_once(quiet, [] {
        // Problems come back as our errors; keep GDCM off the console (as DCMTK).
        if (!std::getenv("STRATUM_DCMTK_LOG")) {
            gdcm::Trace::WarningOff();
            gdcm::Trace::ErrorOff();
        }
    });
    gdcm::ImageReader reader;
    reader.SetFileName(file.c_str());
    if (!reader.Read()) throw core::FormatError(file.string(), "GDCM cannot read the image");
    const gdcm::Image& image = reader.GetImage();
    const unsigned long length = image.GetBufferLength();
    if (length == 0) throw core::FormatError(file.string(), "GDCM found no pixel data");
    std::vector<char> out(length);
    if (!image.GetBuffer(out.data()))
        throw core::FormatError(file.string(), "GDCM cannot decode the pixel data");
    const gdcm::PixelFormat& pf = image.GetPixelFormat();
    bitsAllocated = pf.GetBitsAllocated();
    samplesPerPixel = pf.GetSamplesPerPixel();
    const char* pi =
        gdcm::PhotometricInterpretation::GetPIString(image.GetPhotometricInterpretation());
    layout.colourModel = pi ? pi : "";
    layout.planar = samplesPerPixel > 1 && image.GetPlanarConfiguration() == 1;
    layout.subsampled422 = false;
    return out;
}

}  // namespace stratum::io::detail
