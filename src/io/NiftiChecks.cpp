// NIfTI specifics on top of ITK's NiftiImageIO: truncated data and qform/sform choice.
#include <itkImageIOBase.h>
#include <itkMetaDataObject.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "GzipSize.h"
#include "ItkImageIO.h"
#include "stratum/core/Error.h"

namespace fs = std::filesystem;

namespace stratum::io::detail {
namespace {

std::string dictionaryString(const itk::ImageIOBase& io, const std::string& key) {
    std::string value;
    itk::ExposeMetaData<std::string>(io.GetMetaDataDictionary(), key, value);
    return value;
}

double dictionaryNumber(const itk::ImageIOBase& io, const std::string& key, double fallback) {
    const std::string s = dictionaryString(io, key);
    if (s.empty()) return fallback;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    return end == s.c_str() ? fallback : v;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The file holding the voxels: the .nii itself, or the .img beside a .hdr.
fs::path dataFile(const fs::path& path) {
    std::string s = path.string();
    for (const auto& [hdr, img] : {std::pair{".hdr", ".img"}, std::pair{".hdr.gz", ".img.gz"},
                                   std::pair{".HDR", ".IMG"}, std::pair{".HDR.GZ", ".IMG.GZ"}})
        if (endsWith(s, hdr)) return s.substr(0, s.size() - std::string(hdr).size()) + img;
    return path;
}

std::array<double, 4> parseRow(const std::string& s) {
    std::array<double, 4> row{0, 0, 0, 0};
    std::istringstream in(s);
    for (double& v : row) in >> v;
    return row;
}

}  // namespace

void checkNiftiComplete(const itk::ImageIOBase& io, const fs::path& path) {
    const fs::path data = dataFile(path);
    const bool single = data == path;
    const double voxOffset = single ? std::max(dictionaryNumber(io, "vox_offset", 352.0), 0.0) : 0.0;
    const std::uint64_t needed = static_cast<std::uint64_t>(voxOffset) + io.GetImageSizeInBytes();
    std::error_code ec;
    if (!fs::exists(data, ec)) throw core::IoError(data.string(), "the NIfTI data file is missing");
    const std::uint64_t have = isGzipAt(data) ? gzipSizeUpTo(data, 0, needed) : fs::file_size(data, ec);
    if (have < needed)
        throw core::FormatError(path.string(), "is truncated: it holds " + std::to_string(have) + " of the " +
                                                   std::to_string(needed) + " bytes its header announces");
}

void preferNiftiSform(const itk::ImageIOBase& io, core::Image& image, const std::string& file,
                      core::Warnings& warnings) {
    if (dictionaryNumber(io, "sform_code", 0) <= 0) return;
    const auto x = parseRow(dictionaryString(io, "srow_x"));
    const auto y = parseRow(dictionaryString(io, "srow_y"));
    const auto z = parseRow(dictionaryString(io, "srow_z"));
    // RAS -> LPS: negate the x and y rows.
    const std::array<std::array<double, 4>, 3> lps{{{-x[0], -x[1], -x[2], -x[3]},
                                                    {-y[0], -y[1], -y[2], -y[3]},
                                                    {z[0], z[1], z[2], z[3]}}};
    core::Geometry g = image.geometry();
    for (int c = 0; c < 3; ++c) {
        const core::Vec3 column{lps[0][c], lps[1][c], lps[2][c]};
        const double length = core::norm(column);
        if (!(length > 0.0) || !std::isfinite(length)) return;
        g.spacing[c] = length;
        for (int r = 0; r < 3; ++r) g.direction(r, c) = column[r] / length;
    }
    g.origin = {lps[0][3], lps[1][3], lps[2][3]};
    if (!g.hasOrthonormalDirection(1e-4)) return;  // a sheared sform: keep ITK's rigid qform
    if (g.approxEqual(image.geometry(), 1e-3)) return;
    image.setGeometry(g);
    warnings.push_back({file, "its qform and sform give different positions; the sform was used"});
}

}  // namespace stratum::io::detail
