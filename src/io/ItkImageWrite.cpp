// Writing NIfTI, NRRD, MetaImage, PNG, JPEG, BMP and TIFF through ITK, sharing
// the image's buffer with ITK (no copy).
#include <itkBMPImageIO.h>
#include <itkImageFileWriter.h>
#include <itkJPEGImageIO.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>
#include <itkPNGImageIO.h>
#include <itkTIFFImageIO.h>

#include <cstdint>
#include <new>
#include <string>

#include "ItkImageIO.h"
#include "stratum/core/Error.h"
#include "stratum/io/ItkBridge.h"

namespace fs = std::filesystem;

namespace stratum::io::detail {
namespace {

bool is2DFormat(FileFormat f) {
    return f == FileFormat::Png || f == FileFormat::Jpeg || f == FileFormat::Bmp;
}

itk::ImageIOBase::Pointer makeWriterIO(FileFormat format) {
    switch (format) {
        case FileFormat::Nifti: return itk::NiftiImageIO::New().GetPointer();
        case FileFormat::Nrrd: return itk::NrrdImageIO::New().GetPointer();
        case FileFormat::MetaImage: return itk::MetaImageIO::New().GetPointer();
        case FileFormat::Png: return itk::PNGImageIO::New().GetPointer();
        case FileFormat::Jpeg: return itk::JPEGImageIO::New().GetPointer();
        case FileFormat::Bmp: return itk::BMPImageIO::New().GetPointer();
        case FileFormat::Tiff: return itk::TIFFImageIO::New().GetPointer();
        default: throw core::InvalidArgument(std::string("ITK does not write ") + formatName(format));
    }
}

template <class TPixel, unsigned D>
void writeAs(const core::Image& image, itk::ImageIOBase* io, const fs::path& file, const fs::path& target,
             bool compress) {
    using ImageType = itk::Image<TPixel, D>;
    typename ImageType::Pointer itkImage = toItkImage<TPixel, D>(image);
    auto writer = itk::ImageFileWriter<ImageType>::New();
    writer->SetImageIO(io);
    writer->SetFileName(file.string());
    writer->SetInput(itkImage);
    writer->SetUseCompression(compress);
    try {
        writer->Update();
    } catch (const itk::ExceptionObject& e) {
        throw core::IoError(target.string(), shortItkMessage(e, file.string()));
    } catch (const std::bad_alloc&) {
        throw core::IoError(target.string(), "out of memory while writing");
    }
}

template <class T, unsigned D>
void writeComponents(const core::Image& image, itk::ImageIOBase* io, const fs::path& file, const fs::path& target,
                     bool compress) {
    if (image.components() == 1) {
        writeAs<T, D>(image, io, file, target, compress);
        return;
    }
    if constexpr (std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::uint16_t>)
        writeAs<itk::RGBPixel<T>, D>(image, io, file, target, compress);
    else
        throw core::InvalidArgument("colour images are written with 8 or 16 bit unsigned components only");
}

}  // namespace

void checkItkWritable(const core::Image& image, FileFormat format, const fs::path& target) {
    const std::string name = target.string();
    if (image.empty()) throw core::InvalidArgument("cannot write an empty image to " + name);
    const core::PixelType t = image.pixelType();
    const bool colour = image.components() == 3;
    const bool small = t == core::PixelType::UInt8 || t == core::PixelType::UInt16;
    if (colour && !small)
        throw core::InvalidArgument("cannot write " + name + ": colour images are written with uint8 or uint16 "
                                    "components only, this one has " + core::pixelTypeName(t));
    const auto refuse = [&](const std::string& why) {
        throw core::InvalidArgument(std::string("cannot write ") + name + " as " + formatName(format) + ": " + why);
    };
    const bool is2D = image.size()[2] == 1;
    switch (format) {
        case FileFormat::Nifti:
        case FileFormat::Nrrd:
        case FileFormat::MetaImage: return;
        case FileFormat::Png:
            if (!is2D) refuse("it holds 2D images and this is a volume of " + std::to_string(image.size()[2]) + " slices");
            if (!small) refuse(std::string("it holds uint8 or uint16 pixels, not ") + core::pixelTypeName(t));
            return;
        case FileFormat::Jpeg:
        case FileFormat::Bmp:
            if (!is2D) refuse("it holds 2D images and this is a volume of " + std::to_string(image.size()[2]) + " slices");
            if (t != core::PixelType::UInt8) refuse(std::string("it holds uint8 pixels, not ") + core::pixelTypeName(t));
            return;
        case FileFormat::Tiff: return;
        default: refuse("not a format ITK writes for Stratum");
    }
}

void writeItkImage(const core::Image& image, const fs::path& file, FileFormat format, const fs::path& target) {
    checkItkWritable(image, format, target);
    itk::ImageIOBase::Pointer io = makeWriterIO(format);
    // NIfTI picks compression by extension (.nii.gz); NRRD and .mha are compressed
    // (zlib); .mhd keeps an uncompressed .raw companion.
    const std::string ext = file.extension().string();
    const bool compress = format == FileFormat::Nrrd || (format == FileFormat::MetaImage && ext != ".mhd");
    const bool as2D = is2DFormat(format) || (format == FileFormat::Tiff && image.size()[2] == 1);
    // 2D formats keep the spacing only; a shallow copy (same buffer) drops the
    // position and orientation, whose 2x2 part may be singular (e.g. a coronal slice).
    core::Image flat = image;
    if (as2D) {
        core::Geometry g = image.geometry();
        g.origin = {0, 0, 0};
        g.direction = core::Mat3::identity();
        flat.setGeometry(g);
    }
    core::dispatchPixelType(image.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        if (as2D) writeComponents<T, 2>(flat, io, file, target, compress);
        else writeComponents<T, 3>(image, io, file, target, compress);
    });
}

}  // namespace stratum::io::detail
