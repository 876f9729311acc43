#pragma once
// Format-independent reading and writing of images and volumes.
// DICOM goes through Dicom.h; NIfTI, NRRD, MetaImage and 2D formats through ITK.
#include <filesystem>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/core/Warning.h"

namespace stratum::io {

enum class FileFormat {
    Unknown,
    Dicom,        // a single DICOM file
    DicomDir,     // a DICOMDIR file
    DicomFolder,  // a folder (scanned for DICOM)
    Nifti,        // .nii, .nii.gz, .hdr/.img
    Nrrd,         // .nrrd, .nhdr
    MetaImage,    // .mha, .mhd
    Png,
    Jpeg,
    Bmp,
    Tiff,
};

const char* formatName(FileFormat f);
// Decides by content where it can (DICM preamble, PNG/JPEG/BMP/TIFF magic, NIfTI
// header), else by extension. Folders are DicomFolder.
FileFormat detectFormat(const std::filesystem::path& path);

struct ReadResult {
    core::Image image;
    core::Warnings warnings;
};

// Reads any supported file or folder. A DICOM folder or DICOMDIR loads its largest
// series (the others are named in the warnings). 2D images become 1-slice volumes;
// colour images whose channels are all equal become grey.
// Errors: core::IoError (missing, unreadable), core::FormatError (corrupt/unknown),
// core::UnsupportedError, core::Cancelled.
ReadResult readImage(const std::filesystem::path& path, const core::Task& task = {});

// Writes by extension: .nii, .nii.gz, .nrrd, .mha, .mhd (+.raw), .png/.jpg/.bmp/.tif
// (2D, uint8/uint16), or a folder path ending in '/' or with no extension -> DICOM series
// (writeDicomSeries with default options). Atomic (temp file + rename); never
// overwrites `image`'s own source file. Throws core::InvalidArgument for a format that
// cannot hold the image (e.g. a 3D volume as PNG).
void writeImage(const core::Image& image, const std::filesystem::path& path,
                const core::Task& task = {});

// Numbered 2D images (e.g. slice_001.png ... slice_120.png) into one volume.
// `files` are sorted by the number in their names (natural order); all must have
// the same size and pixel type; the slice spacing is `sliceSpacing` (mm), in-plane
// spacing from the files (1 mm if they have none). Throws core::InvalidArgument on
// mismatched sizes.
ReadResult readImageStack(std::vector<std::filesystem::path> files, double sliceSpacing,
                          const core::Task& task = {});
// All 2D image files in `folder` in natural numeric order.
std::vector<std::filesystem::path> listImageStack(const std::filesystem::path& folder);

}  // namespace stratum::io
