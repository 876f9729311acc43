#pragma once
// Internal: NIfTI, NRRD, MetaImage and 2D formats through ITK's ImageIO classes.
#include <filesystem>
#include <string>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/io/ImageIO.h"

namespace itk {
class ExceptionObject;
class ImageIOBase;
}  // namespace itk

namespace stratum::io::detail {

// True for the formats ITK reads and writes for us (not the DICOM ones).
bool isItkFormat(FileFormat format);
// Formats recognisable by their first bytes (DICM preamble, PNG/JPEG/TIFF/BMP/NRRD
// magic, NIfTI header, MetaImage keys), else Unknown. `weak` instead accepts a DICOM
// file without preamble (first element in group 0002 or 0008).
FileFormat formatFromContent(const std::filesystem::path& path, bool weak);

// Reads `path` as `format` without copying the pixels ITK decoded (the image keeps
// ITK's buffer). Pixel types outside core's are converted (with a warning), RGB
// images with equal channels become grey, RGBA loses alpha (with a warning).
ReadResult readItkImage(const std::filesystem::path& path, FileFormat format, const core::Task& task);

// Writes `image` to `file` (a temporary path chosen by the caller) as `format`;
// `target` names the final file in error messages. Checks that the format can hold
// the image first (core::InvalidArgument otherwise).
void writeItkImage(const core::Image& image, const std::filesystem::path& file, FileFormat format,
                   const std::filesystem::path& target);
// Throws core::InvalidArgument when `format` cannot hold `image` (3D as PNG, int16 as JPEG...).
void checkItkWritable(const core::Image& image, FileFormat format, const std::filesystem::path& target);

// The first line of an ITK exception's description, without ITK's class/address
// prefix and with `file` (named by our message already) replaced by "the file".
std::string shortItkMessage(const itk::ExceptionObject& e, const std::string& file = {});

// Throws core::FormatError when the file holds less data than its header (read by
// `io`) announces: NIfTI, NRRD, MetaImage, BMP and TIFF (ITK 5.2 silently returns
// partial images for most of those). The PNG reader reports truncation itself.
void checkComplete(const itk::ImageIOBase& io, const std::filesystem::path& path, FileFormat format);

// JPEG through libjpeg directly (ITK 5.2's reader crashes on some truncated files):
// 8-bit grey or RGB; core::FormatError on any error or corrupt-data warning.
core::Image readJpeg(const std::filesystem::path& path);

// NIfTI: throws core::FormatError when the file holds fewer voxel bytes than its
// header announces (ITK's NIfTI reader silently fills missing data with zeros).
void checkNiftiComplete(const itk::ImageIOBase& io, const std::filesystem::path& path);
// NIfTI: when the header's sform is rigid and disagrees with the geometry ITK chose
// (ITK 5.2 prefers the qform), use the sform, as FSL, nibabel and MRIcron do, and
// say so in a warning.
void preferNiftiSform(const itk::ImageIOBase& io, core::Image& image, const std::string& file,
                      core::Warnings& warnings);

}  // namespace stratum::io::detail
