#include "Paths.h"

#include <string>
#include <system_error>

#include "stratum/core/Error.h"

namespace stratum::jobs::detail {
namespace {

namespace fs = std::filesystem;

fs::path comparable(const fs::path& p) {
    std::error_code ec;
    fs::path q = fs::weakly_canonical(p, ec);
    if (ec) q = fs::absolute(p, ec).lexically_normal();
    if (!q.has_filename() && q.has_parent_path()) q = q.parent_path();  // "dir/" -> "dir"
    return q;
}

}  // namespace

void requireExists(const fs::path& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (fs::exists(status)) return;
    const bool missing = !ec || ec == std::errc::no_such_file_or_directory;
    throw core::IoError(path.string(), missing ? "does not exist" : ec.message());
}

bool samePath(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) {
        const bool same = fs::equivalent(a, b, ec);
        if (!ec) return same;
    }
    return comparable(a) == comparable(b);
}

void namingPath(const fs::path& path, const std::function<void()>& work) {
    try {
        work();
    } catch (const core::InvalidArgument& e) {
        const std::string name = path.string();
        if (std::string(e.what()).find(name) != std::string::npos) throw;
        throw core::InvalidArgument(name + ": " + e.what());
    }
}

}  // namespace stratum::jobs::detail
