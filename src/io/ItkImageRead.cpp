// Reading NIfTI, NRRD, MetaImage, PNG, BMP and TIFF through ITK (JPEG through
// libjpeg, JpegReader.cpp), taking over ITK's pixel buffers without copying.
#include <itkBMPImageIO.h>
#include <itkImageFileReader.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>
#include <itkPNGImageIO.h>
#include <itkTIFFImageIO.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ItkImageIO.h"
#include "stratum/core/Error.h"
#include "stratum/io/ItkBridge.h"

namespace fs = std::filesystem;

namespace stratum::io::detail {

bool isItkFormat(FileFormat format) {
    switch (format) {
        case FileFormat::Nifti:
        case FileFormat::Nrrd:
        case FileFormat::MetaImage:
        case FileFormat::Png:
        case FileFormat::Jpeg:
        case FileFormat::Bmp:
        case FileFormat::Tiff: return true;
        default: return false;
    }
}

std::string shortItkMessage(const itk::ExceptionObject& e, const std::string& file) {
    // Non-empty lines, trimmed.
    std::vector<std::string> lines;
    std::istringstream in(e.GetDescription() ? e.GetDescription() : "");
    for (std::string line; std::getline(in, line);) {
        const auto b = line.find_first_not_of(" \t\r");
        if (b != std::string::npos) lines.push_back(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
    }
    // The first line, and the next one when the first ends in ':' (NRRD, MetaImage).
    std::string text = lines.empty() ? std::string() : lines[0];
    if (lines.size() > 1 && !text.empty() && text.back() == ':') text += " " + lines[1];
    // Drop "ITK ERROR: NiftiImageIO(0x55d0c0): " and shorten the path (ours names it).
    for (const char* prefix : {"ITK ERROR: ", "itk::ERROR: "})
        if (text.rfind(prefix, 0) == 0) text.erase(0, std::char_traits<char>::length(prefix));
    const auto open = text.find("(0x");
    const auto close = text.find("): ");
    if (open != std::string::npos && close != std::string::npos && open < close &&
        std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(open),
                    [](unsigned char c) { return std::isalnum(c) || c == '_' || c == ':'; }))
        text.erase(0, close + 3);
    if (!file.empty()) {
        const std::string shortName = std::filesystem::path(file).filename().string();
        for (std::size_t at = text.find(file); at != std::string::npos; at = text.find(file, at + shortName.size()))
            text.replace(at, file.size(), shortName);
    }
    if (text.empty()) text = "ITK could not process the file";
    if (text.size() > 240) text = text.substr(0, 237) + "...";
    return text;
}

namespace {

itk::ImageIOBase::Pointer makeImageIO(FileFormat format) {
    switch (format) {
        case FileFormat::Nifti: return itk::NiftiImageIO::New().GetPointer();
        case FileFormat::Nrrd: return itk::NrrdImageIO::New().GetPointer();
        case FileFormat::MetaImage: return itk::MetaImageIO::New().GetPointer();
        case FileFormat::Png: return itk::PNGImageIO::New().GetPointer();
        case FileFormat::Bmp: return itk::BMPImageIO::New().GetPointer();
        case FileFormat::Tiff: return itk::TIFFImageIO::New().GetPointer();
        default: throw core::InvalidArgument(std::string("ITK does not handle ") + formatName(format));
    }
}

using IOComponent = itk::IOComponentEnum;

std::optional<core::PixelType> nativeType(IOComponent c) {
    switch (c) {
        case IOComponent::UCHAR: return core::PixelType::UInt8;
        case IOComponent::SHORT: return core::PixelType::Int16;
        case IOComponent::USHORT: return core::PixelType::UInt16;
        case IOComponent::FLOAT: return core::PixelType::Float32;
        default: return std::nullopt;
    }
}

bool isIntegerComponent(IOComponent c) {
    return c != IOComponent::FLOAT && c != IOComponent::DOUBLE && c != IOComponent::LDOUBLE &&
           c != IOComponent::UNKNOWNCOMPONENTTYPE;
}

template <class TPixel>
typename itk::Image<TPixel, 3>::Pointer readItk(itk::ImageIOBase* io, const std::string& file) {
    using ImageType = itk::Image<TPixel, 3>;
    auto reader = itk::ImageFileReader<ImageType>::New();
    reader->SetImageIO(io);
    reader->SetFileName(file);
    try {
        reader->Update();
    } catch (const itk::ExceptionObject& e) {
        throw core::FormatError(file, shortItkMessage(e, file));
    }
    typename ImageType::Pointer out = reader->GetOutput();
    out->DisconnectPipeline();
    return out;
}

// Values ITK converted to double (from a type core has no equivalent for) into the
// smallest core type that holds them exactly, or float32.
core::Image narrowFromDouble(const itk::Image<double, 3>* src, IOComponent source, const std::string& file,
                             core::Warnings& warnings) {
    const double* p = src->GetBufferPointer();
    const std::size_t n = src->GetLargestPossibleRegion().GetNumberOfPixels();
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(p[i])) continue;
        lo = std::min(lo, p[i]);
        hi = std::max(hi, p[i]);
    }
    core::PixelType out = core::PixelType::Float32;
    if (isIntegerComponent(source) && lo >= -32768.0 && hi <= 32767.0) out = core::PixelType::Int16;
    else if (isIntegerComponent(source) && lo >= 0.0 && hi <= 65535.0) out = core::PixelType::UInt16;

    core::Image image(out, 1, itk_bridge_detail::itkGeometry<3>(src), core::Image::Init::Uninitialized);
    core::dispatchPixelType(out, [&](auto tag) {
        using T = decltype(tag);
        T* q = image.data<T>();
        for (std::size_t i = 0; i < n; ++i) q[i] = static_cast<T>(p[i]);
    });
    std::string what = std::string(itk::ImageIOBase::GetComponentTypeAsString(source)) + " pixels stored as " +
                       core::pixelTypeName(out);
    if (out == core::PixelType::Float32 && isIntegerComponent(source) && std::max(-lo, hi) > 16777216.0)
        what += " (integers above 2^24 lose precision)";
    else if (out == core::PixelType::Float32 && !isIntegerComponent(source))
        what += " (rounded to single precision)";
    warnings.push_back({file, what});
    return image;
}

core::Image readScalar(itk::ImageIOBase* io, const std::string& file, core::Warnings& warnings) {
    const IOComponent component = io->GetComponentType();
    if (const auto t = nativeType(component)) {
        return core::dispatchPixelType(*t, [&](auto tag) {
            using T = decltype(tag);
            return fromItkImage(readItk<T>(io, file));
        });
    }
    auto doubles = readItk<double>(io, file);
    return narrowFromDouble(doubles.GetPointer(), component, file, warnings);
}

// A colour image whose channels are all equal (e.g. a grey X-ray saved as RGB JPEG)
// as a grey image; otherwise the image itself.
template <class T>
core::Image greyIfChannelsEqual(const core::Image& rgb) {
    const T* p = rgb.data<T>();
    const std::size_t n = rgb.voxelCount();
    for (std::size_t i = 0; i < n; ++i)
        if (p[3 * i] != p[3 * i + 1] || p[3 * i] != p[3 * i + 2]) return rgb;
    core::Image grey(rgb.pixelType(), 1, rgb.geometry(), core::Image::Init::Uninitialized);
    T* q = grey.data<T>();
    for (std::size_t i = 0; i < n; ++i) q[i] = p[3 * i];
    return grey;
}

core::Image readColour(itk::ImageIOBase* io, const std::string& file) {
    switch (io->GetComponentType()) {
        case IOComponent::UCHAR:
            return greyIfChannelsEqual<std::uint8_t>(fromItkImage(readItk<itk::RGBPixel<std::uint8_t>>(io, file)));
        case IOComponent::USHORT:
            return greyIfChannelsEqual<std::uint16_t>(
                fromItkImage(readItk<itk::RGBPixel<std::uint16_t>>(io, file)));
        default:
            throw core::UnsupportedError(file, std::string("colour images with ") +
                                                   itk::ImageIOBase::GetComponentTypeAsString(io->GetComponentType()) +
                                                   " components are not supported (8 or 16 bit unsigned only)");
    }
}

void checkDimensions(const itk::ImageIOBase* io, const std::string& file) {
    const unsigned dims = io->GetNumberOfDimensions();
    if (dims < 2) throw core::UnsupportedError(file, "is a " + std::to_string(dims) + "D image; 2D or 3D expected");
    std::size_t extra = 1;
    for (unsigned d = 3; d < dims; ++d) extra *= io->GetDimensions(d);
    if (extra > 1)
        throw core::UnsupportedError(file, "is a " + std::to_string(dims) + "D image holding " + std::to_string(extra) +
                                               " volumes; Stratum reads 2D images and 3D volumes");
}

core::Image readPixels(itk::ImageIOBase* io, const std::string& file, core::Warnings& warnings) {
    const unsigned components = io->GetNumberOfComponents();
    const auto pixel = io->GetPixelType();
    if (components == 1) return readScalar(io, file, warnings);
    if (components == 2) {
        warnings.push_back({file, "grey image with an alpha channel: the alpha channel was multiplied in"});
        return readScalar(io, file, warnings);
    }
    const bool integral = io->GetComponentType() == IOComponent::UCHAR || io->GetComponentType() == IOComponent::USHORT;
    if (components == 3 && (pixel == itk::IOPixelEnum::RGB || integral)) return readColour(io, file);
    if (components == 4 && (pixel == itk::IOPixelEnum::RGBA || integral)) {
        warnings.push_back({file, "RGBA image: the alpha channel was dropped"});
        return readColour(io, file);
    }
    throw core::UnsupportedError(file, std::string("images of ") + itk::ImageIOBase::GetPixelTypeAsString(pixel) +
                                           " pixels with " + std::to_string(components) +
                                           " components are not supported");
}

void finishMetadata(core::Image& image, const std::string& file, FileFormat format) {
    auto& meta = image.metadata();
    meta.sourcePath = file;
    meta.sourceFormat = formatName(format);
    meta.photometric = image.components() == 3 ? core::Photometric::Rgb : core::Photometric::Monochrome2;
}

}  // namespace

ReadResult readItkImage(const fs::path& path, FileFormat format, const core::Task& task) {
    const std::string file = path.string();
    task.progress(0.0, "Reading " + path.filename().string());
    ReadResult result;
    if (format == FileFormat::Jpeg) {
        core::Image jpeg = readJpeg(path);
        result.image = jpeg.components() == 3 ? greyIfChannelsEqual<std::uint8_t>(jpeg) : jpeg;
        finishMetadata(result.image, file, format);
        task.progress(1.0);
        return result;
    }
    itk::ImageIOBase::Pointer io = makeImageIO(format);
    try {
        // Some ITK readers insist on their extensions; content that is plainly the
        // format (a JPEG named "scan", a PNG named ".jpg") is read anyway.
        if (!io->CanReadFile(file.c_str()) && formatFromContent(path, false) != format)
            throw core::FormatError(file, std::string("is not a readable ") + formatName(format) + " file");
        io->SetFileName(file);
        io->ReadImageInformation();
        checkDimensions(io, file);
        checkComplete(*io, path, format);
        task.checkCancel();
        result.image = readPixels(io, file, result.warnings);
        if (format == FileFormat::Nifti) preferNiftiSform(*io, result.image, file, result.warnings);
    } catch (const itk::ExceptionObject& e) {
        throw core::FormatError(file, shortItkMessage(e, file));
    } catch (const std::bad_alloc&) {
        throw core::FormatError(file, "its header asks for more memory than is available (corrupt?)");
    } catch (const std::length_error&) {
        throw core::FormatError(file, "its header gives an impossible image size (corrupt?)");
    }
    finishMetadata(result.image, file, format);
    task.progress(1.0);
    return result;
}

}  // namespace stratum::io::detail
