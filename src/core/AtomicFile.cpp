#include "stratum/core/AtomicFile.h"

#include <atomic>
#include <chrono>
#include <string>
#include <system_error>
#include <unistd.h>

#include "stratum/core/Error.h"

namespace fs = std::filesystem;

namespace stratum::core {
namespace {

// ".<stem>.tmp<pid>-<n><ext...>" beside the target, keeping all extensions (".nii.gz").
fs::path makeTempPath(const fs::path& target) {
    static std::atomic<unsigned> counter{0};
    const std::string name = target.filename().string();
    const auto dot = name.find('.', 1);
    const std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
    const std::string ext = dot == std::string::npos ? std::string() : name.substr(dot);
    const auto tick = std::chrono::steady_clock::now().time_since_epoch().count() & 0xffffff;
    const std::string tmp = "." + stem + ".tmp" + std::to_string(::getpid()) + "-" +
                            std::to_string(counter++) + "-" + std::to_string(tick) + ext;
    return target.parent_path() / tmp;
}

void checkParent(const fs::path& target) {
    const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec))
        throw IoError(target.string(), "the folder " + parent.string() + " does not exist");
}

}  // namespace

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
    if (target_.filename().empty()) throw InvalidArgument("no output file name given");
    checkParent(target_);
    std::error_code ec;
    if (fs::is_directory(target_, ec))
        throw IoError(target_.string(), "is a folder, expected a file path");
    temp_ = makeTempPath(target_);
}

AtomicFile::~AtomicFile() {
    if (!committed_) {
        std::error_code ec;
        fs::remove(temp_, ec);
    }
}

void AtomicFile::commit() {
    std::error_code ec;
    if (!fs::exists(temp_, ec)) throw IoError(target_.string(), "nothing was written");
    fs::rename(temp_, target_, ec);
    if (ec) throw IoError(target_.string(), "cannot move the written file into place: " + ec.message());
    committed_ = true;
}

AtomicDirectory::AtomicDirectory(fs::path target) : target_(std::move(target)) {
    if (target_.filename().empty()) target_ = target_.parent_path();
    checkParent(target_);
    std::error_code ec;
    if (fs::exists(target_, ec) && !(fs::is_directory(target_, ec) && fs::is_empty(target_, ec)))
        throw IoError(target_.string(), "already exists and is not an empty folder");
    temp_ = makeTempPath(target_);
    fs::create_directory(temp_, ec);
    if (ec) throw IoError(temp_.string(), "cannot create folder: " + ec.message());
}

AtomicDirectory::~AtomicDirectory() {
    if (!committed_) {
        std::error_code ec;
        fs::remove_all(temp_, ec);
    }
}

void AtomicDirectory::commit() {
    std::error_code ec;
    if (fs::is_directory(target_, ec)) fs::remove(target_, ec);  // empty (checked)
    fs::rename(temp_, target_, ec);
    if (ec) throw IoError(target_.string(), "cannot move the written folder into place: " + ec.message());
    committed_ = true;
}

}  // namespace stratum::core
