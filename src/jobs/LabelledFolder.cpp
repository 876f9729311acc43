// Folder-per-class image sets and patient identity from file names.
#include <algorithm>
#include <regex>
#include <set>

#include "Paths.h"
#include "stratum/core/Error.h"
#include "stratum/jobs/Classification.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;

bool isImageFile(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::set<std::string> known{".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".dcm"};
    return known.count(ext) > 0;
}

std::regex compile(const std::string& pattern) {
    try {
        return std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        throw core::InvalidArgument("group pattern '" + pattern + "' is not a valid regular expression: " + e.what());
    }
}

std::string patientWith(const fs::path& file, const std::regex& pattern) {
    const std::string name = file.filename().string();
    std::smatch match;
    if (std::regex_search(name, match, pattern) && match.size() > 1 && match[1].matched) return match[1].str();
    return file.stem().string();
}

}  // namespace

std::string patientOf(const fs::path& file, const std::string& groupPattern) {
    return patientWith(file, compile(groupPattern));
}

LabelledFolder listLabelledFolder(const fs::path& dir, const std::vector<std::string>& labels,
                                  const std::string& groupPattern) {
    detail::requireExists(dir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw core::IoError(dir.string(), "is not a folder (expected one sub-folder of images per class)");
    const std::regex pattern = compile(groupPattern);
    LabelledFolder folder;
    folder.labels = labels;
    if (folder.labels.empty()) {
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_directory() && entry.path().filename().string().rfind('.', 0) != 0)
                folder.labels.push_back(entry.path().filename().string());
        std::sort(folder.labels.begin(), folder.labels.end());
    }
    if (folder.labels.size() < 2)
        throw core::InvalidArgument(dir.string() + ": needs a sub-folder of images for each of at least 2 classes, found " +
                                    std::to_string(folder.labels.size()));
    for (std::size_t label = 0; label < folder.labels.size(); ++label) {
        const fs::path sub = dir / folder.labels[label];
        if (!fs::is_directory(sub, ec)) throw core::IoError(sub.string(), "class folder does not exist");
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(sub)) {
            if (!entry.is_regular_file()) continue;
            if (isImageFile(entry.path()))
                files.push_back(entry.path());
            else if (entry.path().filename().string().rfind('.', 0) != 0)
                folder.warnings.push_back({entry.path().string(), "not an image file name; skipped"});
        }
        std::sort(files.begin(), files.end());
        if (files.empty()) throw core::InvalidArgument(sub.string() + ": no images of class '" + folder.labels[label] + "'");
        for (const fs::path& f : files)
            folder.images.push_back({f, static_cast<int>(label), patientWith(f, pattern)});
    }
    return folder;
}

}  // namespace stratum::jobs
