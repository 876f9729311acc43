// Format detection and the readImage/writeImage dispatch.
#include "stratum/io/ImageIO.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>
#include <unistd.h>

#include "ItkImageIO.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"
#include "stratum/io/Dicom.h"

namespace fs = std::filesystem;

namespace stratum::io {

const char* formatName(FileFormat f) {
    switch (f) {
        case FileFormat::Unknown: return "unknown";
        case FileFormat::Dicom: return "DICOM";
        case FileFormat::DicomDir: return "DICOMDIR";
        case FileFormat::DicomFolder: return "DICOM folder";
        case FileFormat::Nifti: return "NIfTI";
        case FileFormat::Nrrd: return "NRRD";
        case FileFormat::MetaImage: return "MetaImage";
        case FileFormat::Png: return "PNG";
        case FileFormat::Jpeg: return "JPEG";
        case FileFormat::Bmp: return "BMP";
        case FileFormat::Tiff: return "TIFF";
    }
    return "unknown";
}

namespace detail {

// Formats recognisable by their first bytes. `weak` also accepts a DICOM file
// without preamble (first element in group 0002 or 0008), tried after the extension.
FileFormat formatFromContent(const fs::path& path, bool weak) {
    std::ifstream in(path, std::ios::binary);
    std::array<unsigned char, 512> b{};
    in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
    const std::size_t n = static_cast<std::size_t>(in.gcount());
    const auto starts = [&](std::size_t at, const char* magic, std::size_t len) {
        return n >= at + len && std::memcmp(b.data() + at, magic, len) == 0;
    };
    if (weak) {
        const bool dicomGroup = n >= 8 && (b[0] == 0x02 || b[0] == 0x08) && b[1] == 0 && b[3] == 0;
        return dicomGroup ? FileFormat::Dicom : FileFormat::Unknown;
    }
    if (starts(128, "DICM", 4)) {
        // A DICOMDIR's Media Storage SOP Class is 1.2.840.10008.1.3.10.
        const std::string head(reinterpret_cast<const char*>(b.data()), n);
        return head.find("1.2.840.10008.1.3.10") != std::string::npos ? FileFormat::DicomDir : FileFormat::Dicom;
    }
    if (starts(0, "\x89PNG\r\n\x1a\n", 8)) return FileFormat::Png;
    if (starts(0, "\xff\xd8\xff", 3)) return FileFormat::Jpeg;
    if (starts(0, "II*\0", 4) || starts(0, "MM\0*", 4)) return FileFormat::Tiff;
    if (starts(0, "NRRD000", 7)) return FileFormat::Nrrd;
    if (starts(344, "n+1\0", 4) || starts(344, "ni1\0", 4) || starts(4, "n+2\0", 4) || starts(4, "ni2\0", 4))
        return FileFormat::Nifti;
    if (starts(0, "BM", 2) && n >= 18) {
        const unsigned dib = b[14] | (b[15] << 8) | (b[16] << 16) | (static_cast<unsigned>(b[17]) << 24);
        if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124)
            return FileFormat::Bmp;
    }
    if (starts(0, "ObjectType", 10) || starts(0, "NDims", 5)) return FileFormat::MetaImage;
    return FileFormat::Unknown;
}

}  // namespace detail

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

FileFormat formatFromExtension(const fs::path& path) {
    const std::string name = lower(path.filename().string());
    if (name == "dicomdir") return FileFormat::DicomDir;
    struct Ext {
        const char* suffix;
        FileFormat format;
    };
    static const Ext table[] = {
        {".nii.gz", FileFormat::Nifti}, {".nii", FileFormat::Nifti},    {".hdr", FileFormat::Nifti},
        {".img", FileFormat::Nifti},    {".img.gz", FileFormat::Nifti}, {".hdr.gz", FileFormat::Nifti},
        {".nrrd", FileFormat::Nrrd},    {".nhdr", FileFormat::Nrrd},    {".mha", FileFormat::MetaImage},
        {".mhd", FileFormat::MetaImage}, {".png", FileFormat::Png},     {".jpg", FileFormat::Jpeg},
        {".jpeg", FileFormat::Jpeg},    {".bmp", FileFormat::Bmp},      {".tif", FileFormat::Tiff},
        {".tiff", FileFormat::Tiff},    {".dcm", FileFormat::Dicom},    {".dicom", FileFormat::Dicom},
        {".ima", FileFormat::Dicom},
    };
    for (const auto& e : table)
        if (endsWith(name, e.suffix)) return e.format;
    return FileFormat::Unknown;
}

bool sameFile(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
    return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

ReadResult readDicomFolder(const fs::path& path, const core::Task& task) {
    DicomScan scan = scanDicom(path, {}, task.sub(0.0, 0.2));
    const DicomSeries* series = scan.largestSeries();
    if (!series) {
        std::string problem = "no DICOM images found";
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            const auto images = listImageStack(path);
            if (!images.empty())
                problem += "; it holds " + std::to_string(images.size()) + " 2D image files, open them as an image stack";
        }
        throw core::FormatError(path.string(), problem);
    }
    ReadResult result;
    result.image = loadDicomSeries(*series, {}, task.sub(0.2, 1.0), &result.warnings);
    for (const DicomSeries* other : scan.allSeries())
        if (other != series)
            result.warnings.push_back({path.string(), "also holds the series " + other->summary() + " (not loaded)"});
    result.warnings.insert(result.warnings.end(), scan.warnings.begin(), scan.warnings.end());
    return result;
}

void checkReadable(const fs::path& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (!fs::exists(status)) throw core::IoError(path.string(), "does not exist");
    if (fs::is_directory(status)) {
        if (::access(path.c_str(), R_OK | X_OK) != 0)
            throw core::IoError(path.string(), std::string("cannot open the folder: ") + std::strerror(errno));
        return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw core::IoError(path.string(), std::string("cannot be opened: ") + std::strerror(errno));
}

// Writes a .mhd header with its .raw companion: both are written into a staging
// folder beside the target under their final names (the header names the data file),
// then moved into place, data first and header last.
void writeMetaHeaderPair(const core::Image& image, const fs::path& path, const core::Task& task) {
    const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec))
        throw core::IoError(path.string(), "the folder " + parent.string() + " does not exist");
    std::string tmpl = (parent / ".stratum-mhd-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
        throw core::IoError(path.string(), std::string("cannot create a temporary folder: ") + std::strerror(errno));
    const fs::path staging = tmpl;
    struct Cleanup {
        fs::path dir;
        ~Cleanup() {
            std::error_code e;
            fs::remove_all(dir, e);
        }
    } cleanup{staging};
    const fs::path header = staging / path.filename();
    detail::writeItkImage(image, header, FileFormat::MetaImage, path);
    task.checkCancel();
    for (const auto& entry : fs::directory_iterator(staging)) {
        if (entry.path() == header) continue;
        fs::rename(entry.path(), parent / entry.path().filename(), ec);
        if (ec) throw core::IoError(path.string(), "cannot move " + entry.path().filename().string() + " into place: " + ec.message());
    }
    fs::rename(header, path, ec);
    if (ec) throw core::IoError(path.string(), "cannot move the written file into place: " + ec.message());
}

bool looksLikeFolder(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return true;
    const std::string s = path.string();
    if (!s.empty() && s.back() == '/') return true;
    return !path.has_extension();
}

}  // namespace

FileFormat detectFormat(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return FileFormat::DicomFolder;
    const bool isFile = fs::is_regular_file(path, ec);
    if (isFile) {
        const FileFormat byContent = detail::formatFromContent(path, false);
        if (byContent != FileFormat::Unknown) return byContent;
    }
    const FileFormat byName = formatFromExtension(path);
    if (byName != FileFormat::Unknown || !isFile) return byName;
    return detail::formatFromContent(path, true);
}

ReadResult readImage(const fs::path& path, const core::Task& task) {
    checkReadable(path);
    const FileFormat format = detectFormat(path);
    ReadResult result;
    switch (format) {
        case FileFormat::Dicom:
            result.image = loadDicomFile(path, {}, task, &result.warnings);
            break;
        case FileFormat::DicomDir:
        case FileFormat::DicomFolder: result = readDicomFolder(path, task); break;
        case FileFormat::Unknown:
            throw core::FormatError(path.string(),
                                    "unknown file format (not DICOM, NIfTI, NRRD, MetaImage, PNG, JPEG, BMP or TIFF)");
        default: result = detail::readItkImage(path, format, task); break;
    }
    auto& meta = result.image.metadata();
    if (meta.sourcePath.empty()) meta.sourcePath = path.string();
    if (meta.sourceFormat.empty()) meta.sourceFormat = "DICOM";
    return result;
}

void writeImage(const core::Image& image, const fs::path& path, const core::Task& task) {
    if (image.empty()) throw core::InvalidArgument("cannot write an empty image to " + path.string());
    const std::string& source = image.metadata().sourcePath;
    if (!source.empty() && sameFile(path, source))
        throw core::InvalidArgument("refusing to overwrite " + path.string() +
                                    ": it is the file the image was read from; choose another output path");
    if (looksLikeFolder(path)) {
        writeDicomSeries(image, path, {}, task);
        return;
    }
    const FileFormat format = formatFromExtension(path);
    const std::string name = lower(path.filename().string());
    const bool writable = format == FileFormat::Nifti ? (endsWith(name, ".nii") || endsWith(name, ".nii.gz"))
                          : format == FileFormat::Nrrd ? endsWith(name, ".nrrd")
                                                       : detail::isItkFormat(format);
    if (!writable)
        throw core::InvalidArgument("cannot tell how to write " + path.string() +
                                    ": use .nii, .nii.gz, .nrrd, .mha, .mhd, .png, .jpg, .bmp, .tif or a folder "
                                    "(DICOM series)");
    detail::checkItkWritable(image, format, path);
    task.progress(0.0, "Writing " + path.filename().string());
    if (format == FileFormat::MetaImage && endsWith(name, ".mhd")) {
        writeMetaHeaderPair(image, path, task);
    } else {
        core::AtomicFile file(path);
        detail::writeItkImage(image, file.tempPath(), format, path);
        task.checkCancel();
        file.commit();
    }
    task.progress(1.0);
}

}  // namespace stratum::io
