// Completeness checks before ITK reads the pixels: ITK 5.2's NIfTI, MetaImage, BMP
// and multi-page TIFF readers return partial (zero or garbage filled) images from
// truncated files without an error, and its NRRD reader leaks on them.
#include <itkImageIOBase.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "GzipSize.h"
#include "ItkImageIO.h"
#include "stratum/core/Error.h"

namespace fs = std::filesystem;

namespace stratum::io::detail {
namespace {

std::uint64_t fileSize(const fs::path& p) {
    std::error_code ec;
    const auto size = fs::file_size(p, ec);
    return ec ? 0 : static_cast<std::uint64_t>(size);
}

[[noreturn]] void truncated(const fs::path& path, std::uint64_t have, std::uint64_t needed) {
    throw core::FormatError(path.string(), "is truncated: it holds " + std::to_string(have) + " of the " +
                                               std::to_string(needed) + " bytes its header announces");
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

void checkMetaImage(const itk::ImageIOBase& io, const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::map<std::string, std::string> keys;
    std::uint64_t headerBytes = 0;
    std::string line;
    while (std::getline(in, line)) {
        headerBytes += line.size() + 1;
        if (headerBytes > (1u << 20)) return;  // not a plausible header; ITK has judged it
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = trim(line.substr(0, eq));
        keys[key] = trim(line.substr(eq + 1));
        if (key == "ElementDataFile") break;
    }
    const std::string data = keys["ElementDataFile"];
    if (data.empty() || data.rfind("LIST", 0) == 0 || data.find('%') != std::string::npos) return;
    std::uint64_t needed = io.GetImageSizeInBytes();
    if (lower(keys["CompressedData"]) == "true") {
        const std::string& size = keys["CompressedDataSize"];
        char* end = nullptr;
        needed = std::strtoull(size.c_str(), &end, 10);
        if (size.empty() || *end != '\0') return;
    }
    if (data == "LOCAL") {
        const std::uint64_t size = fileSize(path);
        const std::uint64_t have = size > headerBytes ? size - headerBytes : 0;
        if (have < needed) truncated(path, have, needed);
        return;
    }
    const fs::path dataPath = path.parent_path() / data;
    std::error_code ec;
    if (!fs::exists(dataPath, ec))
        throw core::FormatError(path.string(), "its data file " + dataPath.string() + " is missing");
    const std::string headerSize = keys["HeaderSize"];
    if (!headerSize.empty()) {
        const long long skip = std::strtoll(headerSize.c_str(), nullptr, 10);
        if (skip < 0) return;  // -1: data at the end of the file by definition
        needed += static_cast<std::uint64_t>(skip);
    }
    const std::uint64_t have = fileSize(dataPath);
    if (have < needed) truncated(dataPath, have, needed);
}

// NRRD with raw or gzip data, attached or in a detached data file.
void checkNrrd(const itk::ImageIOBase& io, const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::map<std::string, std::string> fields;
    std::uint64_t headerBytes = 0;
    std::string line;
    bool ended = false;
    while (std::getline(in, line)) {
        headerBytes += line.size() + 1;
        if (headerBytes > (1u << 20)) return;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
            ended = true;
            break;
        }
        const auto colon = line.find(": ");
        if (line[0] == '#' || colon == std::string::npos) continue;
        std::string key = lower(line.substr(0, colon));
        key.erase(std::remove(key.begin(), key.end(), ' '), key.end());  // "data file" = "datafile"
        fields[key] = trim(line.substr(colon + 2));
    }
    const std::string encoding = lower(fields["encoding"]);
    const bool gzip = encoding == "gzip" || encoding == "gz";
    if ((encoding != "raw" && !gzip) || !fields["lineskip"].empty()) return;
    const long long byteSkip = std::strtoll(fields["byteskip"].c_str(), nullptr, 10);
    if (byteSkip < 0) return;  // -1: data at the end of the file
    fs::path data = path;
    std::uint64_t offset = headerBytes;
    if (!fields["datafile"].empty()) {
        const std::string name = fields["datafile"];
        if (name.rfind("LIST", 0) == 0 || name.find('%') != std::string::npos || name.find(' ') != std::string::npos)
            return;
        data = path.parent_path() / name;
        offset = 0;
        std::error_code ec;
        if (!fs::exists(data, ec)) throw core::FormatError(path.string(), "its data file " + data.string() + " is missing");
    } else if (!ended) {
        truncated(path, 0, io.GetImageSizeInBytes());
    }
    const std::uint64_t needed = io.GetImageSizeInBytes() + static_cast<std::uint64_t>(byteSkip);
    const std::uint64_t size = fileSize(data);
    const std::uint64_t have = gzip ? gzipSizeUpTo(data, offset, needed) : (size > offset ? size - offset : 0);
    if (have < needed) truncated(data, have, needed);
}

std::uint32_t le32(const unsigned char* p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

void checkBmp(const fs::path& path) {
    unsigned char h[54] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(h), sizeof h);
    if (in.gcount() < 34) return;  // ITK reports what is wrong with it
    const std::uint32_t dib = le32(h + 14);
    if (dib < 40) return;  // OS/2 core header: rare, not checked
    const std::uint32_t offset = le32(h + 10);
    const auto width = static_cast<std::int32_t>(le32(h + 18));
    const auto height = static_cast<std::int32_t>(le32(h + 22));
    const unsigned bits = h[28] | (h[29] << 8);
    const std::uint32_t compression = le32(h + 30);
    if (compression != 0 && compression != 3) return;  // RLE: no fixed size
    const std::uint64_t stride = ((static_cast<std::uint64_t>(std::abs(width)) * bits + 31) / 32) * 4;
    const std::uint64_t needed = offset + stride * static_cast<std::uint64_t>(std::abs(static_cast<std::int64_t>(height)));
    const std::uint64_t have = fileSize(path);
    if (have < needed) truncated(path, have, needed);
}

// Walks the image file directories of a classic TIFF: every directory and every
// strip or tile must lie inside the file, and there must be as many pages as ITK
// announced slices.
class TiffWalker {
public:
    explicit TiffWalker(const fs::path& path) : path_(path), in_(path, std::ios::binary), size_(fileSize(path)) {}

    void check(std::uint64_t expectedPages) {
        unsigned char h[8] = {};
        if (!read(0, h, 8)) return;
        big_ = h[0] == 'M';
        if (u16(h + 2) != 42) return;  // BigTIFF: not checked
        std::uint64_t offset = u32(h + 4);
        std::set<std::uint64_t> seen;
        std::uint64_t pages = 0;
        while (offset != 0 && seen.insert(offset).second) {
            unsigned char c[2];
            if (!read(offset, c, 2)) fail("directory " + std::to_string(pages + 1) + " lies beyond the end of the file");
            const unsigned count = u16(c);
            std::vector<unsigned char> dir(static_cast<std::size_t>(count) * 12 + 4);
            if (!read(offset + 2, dir.data(), dir.size()))
                fail("directory " + std::to_string(pages + 1) + " is cut short");
            checkPage(dir.data(), count, pages + 1);
            ++pages;
            offset = u32(dir.data() + count * 12);
        }
        if (pages < expectedPages)
            fail("holds " + std::to_string(pages) + " pages, its first page announces " + std::to_string(expectedPages));
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw core::FormatError(path_.string(), what); }

    bool read(std::uint64_t at, unsigned char* out, std::size_t n) {
        if (at + n > size_) return false;
        in_.clear();
        in_.seekg(static_cast<std::streamoff>(at));
        in_.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
        return static_cast<std::size_t>(in_.gcount()) == n;
    }
    unsigned u16(const unsigned char* p) const { return big_ ? (p[0] << 8) | p[1] : p[0] | (p[1] << 8); }
    std::uint32_t u32(const unsigned char* p) const {
        return big_ ? (static_cast<std::uint32_t>(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3] : le32(p);
    }

    // Values of a SHORT or LONG array entry.
    std::vector<std::uint64_t> values(const unsigned char* entry) {
        const unsigned type = u16(entry + 2);
        const std::uint32_t n = u32(entry + 4);
        const unsigned width = type == 3 ? 2 : type == 4 ? 4 : 0;
        if (width == 0 || n > (1u << 24)) return {};
        std::vector<unsigned char> raw(static_cast<std::size_t>(n) * width);
        if (raw.size() <= 4) std::copy(entry + 8, entry + 8 + raw.size(), raw.begin());
        else if (!read(u32(entry + 8), raw.data(), raw.size())) fail("a strip table lies beyond the end of the file");
        std::vector<std::uint64_t> out(n);
        for (std::uint32_t i = 0; i < n; ++i) out[i] = width == 2 ? u16(&raw[i * 2]) : u32(&raw[i * 4]);
        return out;
    }

    void checkPage(const unsigned char* dir, unsigned count, std::uint64_t page) {
        std::vector<std::uint64_t> offsets;
        std::vector<std::uint64_t> counts;
        for (unsigned e = 0; e < count; ++e) {
            const unsigned char* entry = dir + e * 12;
            const unsigned tag = u16(entry);
            if (tag == 273 || tag == 324) offsets = values(entry);
            if (tag == 279 || tag == 325) counts = values(entry);
        }
        if (offsets.size() != counts.size()) return;
        for (std::size_t i = 0; i < offsets.size(); ++i)
            if (offsets[i] + counts[i] > size_)
                fail("is truncated: page " + std::to_string(page) + " ends beyond the end of the file (" +
                     std::to_string(size_) + " bytes)");
    }

    fs::path path_;
    std::ifstream in_;
    std::uint64_t size_;
    bool big_ = false;
};

}  // namespace

void checkComplete(const itk::ImageIOBase& io, const fs::path& path, FileFormat format) {
    switch (format) {
        case FileFormat::Nifti: checkNiftiComplete(io, path); break;
        case FileFormat::MetaImage: checkMetaImage(io, path); break;
        case FileFormat::Nrrd: checkNrrd(io, path); break;
        case FileFormat::Bmp: checkBmp(path); break;
        case FileFormat::Tiff:
            TiffWalker(path).check(io.GetNumberOfDimensions() >= 3 ? io.GetDimensions(2) : 1);
            break;
        default: break;  // the PNG reader reports truncation itself
    }
}

}  // namespace stratum::io::detail
