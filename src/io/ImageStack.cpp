// Numbered 2D images into one volume.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <mutex>
#include <string>
#include <system_error>

#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/io/ImageIO.h"

namespace fs = std::filesystem;

namespace stratum::io {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Natural order: runs of digits compare by value ("2" < "10"), the rest by character.
bool naturalLess(const std::string& a, const std::string& b) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (isDigit(a[i]) && isDigit(b[j])) {
            std::size_t ei = i;
            std::size_t ej = j;
            while (ei < a.size() && isDigit(a[ei])) ++ei;
            while (ej < b.size() && isDigit(b[ej])) ++ej;
            std::size_t si = i;
            std::size_t sj = j;
            while (si + 1 < ei && a[si] == '0') ++si;  // leading zeros do not count
            while (sj + 1 < ej && b[sj] == '0') ++sj;
            if (ei - si != ej - sj) return ei - si < ej - sj;
            const int c = a.compare(si, ei - si, b, sj, ej - sj);
            if (c != 0) return c < 0;
            i = ei;
            j = ej;
        } else {
            if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
            ++i;
            ++j;
        }
    }
    if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
    return a < b;  // equal up to leading zeros: any fixed order
}

bool naturalPathLess(const fs::path& a, const fs::path& b) {
    const std::string fa = a.filename().string();
    const std::string fb = b.filename().string();
    if (fa != fb) return naturalLess(fa, fb);
    return naturalLess(a.string(), b.string());
}

bool is2DImageName(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tif" || ext == ".tiff";
}

std::string sizeText(const core::Image& img) {
    return std::to_string(img.size()[0]) + "x" + std::to_string(img.size()[1]);
}

std::string kindText(const core::Image& img) {
    return std::to_string(img.components()) + "-component " + core::pixelTypeName(img.pixelType());
}

}  // namespace

std::vector<fs::path> listImageStack(const fs::path& folder) {
    std::error_code ec;
    if (!fs::exists(folder, ec)) throw core::IoError(folder.string(), "does not exist");
    if (!fs::is_directory(folder, ec)) throw core::IoError(folder.string(), "is not a folder");
    std::vector<fs::path> files;
    fs::directory_iterator it(folder, ec);
    if (ec) throw core::IoError(folder.string(), "cannot list the folder: " + ec.message());
    for (const auto& entry : it) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        if (entry.is_regular_file(ec) && is2DImageName(entry.path())) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end(), naturalPathLess);
    return files;
}

ReadResult readImageStack(std::vector<fs::path> files, double sliceSpacing, const core::Task& task) {
    if (files.empty()) throw core::InvalidArgument("an image stack needs at least one file");
    if (!(sliceSpacing > 0.0) || !std::isfinite(sliceSpacing))
        throw core::InvalidArgument("the slice spacing of an image stack must be positive, got " +
                                    std::to_string(sliceSpacing));
    std::sort(files.begin(), files.end(), naturalPathLess);
    const std::size_t n = files.size();

    ReadResult first = readImage(files[0], task.sub(0.0, 1.0 / static_cast<double>(n)));
    const core::Image& ref = first.image;
    const auto checkSlice = [&](const core::Image& img, const fs::path& file) {
        if (img.size()[2] != 1)
            throw core::InvalidArgument(file.string() + ": is a volume of " + std::to_string(img.size()[2]) +
                                        " slices, not a 2D image");
        if (img.size()[0] != ref.size()[0] || img.size()[1] != ref.size()[1])
            throw core::InvalidArgument(file.string() + ": its size " + sizeText(img) + " differs from " +
                                        sizeText(ref) + " of " + files[0].filename().string());
        if (img.pixelType() != ref.pixelType() || img.components() != ref.components())
            throw core::InvalidArgument(file.string() + ": holds " + kindText(img) + " pixels, " +
                                        files[0].filename().string() + " holds " + kindText(ref));
    };
    checkSlice(ref, files[0]);

    core::Geometry g = ref.geometry();
    g.size[2] = n;
    g.spacing[2] = sliceSpacing;
    core::Image volume(ref.pixelType(), ref.components(), g, core::Image::Init::Uninitialized);
    const std::size_t sliceBytes = ref.byteSize();
    auto* out = static_cast<unsigned char*>(volume.data());
    std::memcpy(out, ref.data(), sliceBytes);

    ReadResult result;
    result.warnings = first.warnings;
    std::mutex mutex;
    const core::Task rest = task.sub(1.0 / static_cast<double>(n), 1.0);
    core::ProgressCounter counter(rest, n - 1, "Reading image stack");
    core::parallelFor(1, n, [&](std::size_t k) {
        ReadResult slice = readImage(files[k]);
        checkSlice(slice.image, files[k]);
        std::memcpy(out + k * sliceBytes, slice.image.data(), sliceBytes);
        if (!slice.warnings.empty()) {
            std::lock_guard lock(mutex);
            result.warnings.insert(result.warnings.end(), slice.warnings.begin(), slice.warnings.end());
        }
        counter.advance();
    });

    volume.metadata() = ref.metadata();
    const fs::path folder = files[0].parent_path();
    const bool oneFolder = std::all_of(files.begin(), files.end(), [&](const fs::path& f) { return f.parent_path() == folder; });
    volume.metadata().sourcePath = oneFolder && !folder.empty() ? folder.string() : files[0].string();
    result.image = std::move(volume);
    return result;
}

}  // namespace stratum::io
