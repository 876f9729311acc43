#pragma once
// Shared helpers for the DICOM reading tests: data paths, a phantom volume with
// distinctive per-slice values, and DCMTK-built synthetic files for pixel formats
// the writer does not produce.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "TestData.h"
#include "stratum/core/Image.h"
#include "stratum/io/Dicom.h"

namespace stratum::test {

inline std::filesystem::path transferSyntaxFile(int n) {
    return sharedData() / "dicom" / "transfer_syntaxes" / "In" / (std::to_string(n) + ".dcm");
}
inline std::filesystem::path pydicomFile(const std::string& name) {
    return pydicomFiles() / name;
}

// int16 phantom: value(i, j, k) = 1000*k + 10*j + i - 500, so every voxel says where it is.
core::Image makePhantom(core::Size3 size = {16, 12, 8}, core::Vec3 spacing = {0.8, 0.9, 2.5},
                        core::Vec3 origin = {-10, 20, 30},
                        core::Mat3 direction = core::Mat3::identity());
inline int phantomValue(std::size_t i, std::size_t j, std::size_t k) {
    return static_cast<int>(1000 * k + 10 * j + i) - 500;
}

// Rotation by `degrees` about the unit axis `axis`.
core::Mat3 rotation(core::Vec3 axis, double degrees);

// Expects `image` to hold exactly the phantom's values (slice `skip` excepted when >= 0).
void expectPhantomValues(const core::Image& image, long skip = -1);

bool hasWarningContaining(const core::Warnings& warnings, const std::string& text);
std::string joinWarnings(const core::Warnings& warnings);

// A minimal Secondary Capture image dataset with the given pixel format; the caller
// adds attributes and pixels, then saves with saveSynthetic.
struct SyntheticFormat {
    unsigned rows = 4;
    unsigned columns = 5;
    unsigned frames = 1;
    unsigned samplesPerPixel = 1;
    unsigned bitsAllocated = 16;
    unsigned bitsStored = 16;
    unsigned highBit = 15;
    bool signedPixels = false;
    std::string photometric = "MONOCHROME2";
    unsigned planarConfiguration = 0;
    std::string modality = "OT";
};
void initSynthetic(DcmFileFormat& file, const SyntheticFormat& format);
void putPixels16(DcmFileFormat& file, const std::vector<std::uint16_t>& words);
void putPixels8(DcmFileFormat& file, const std::vector<std::uint8_t>& bytes);
void saveSynthetic(DcmFileFormat& file, const std::filesystem::path& path,
                   E_TransferSyntax syntax = EXS_LittleEndianExplicit);

std::vector<char> readBytes(const std::filesystem::path& path);
void writeBytes(const std::filesystem::path& path, const std::vector<char>& bytes);

}  // namespace stratum::test
