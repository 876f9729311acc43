#pragma once
// Path checks shared by the jobs (internal).
#include <filesystem>
#include <functional>

namespace stratum::jobs::detail {

// Throws core::IoError "<path>: does not exist" (or the system's reason).
void requireExists(const std::filesystem::path& path);

// True when a and b name the same file or folder (existing or not).
bool samePath(const std::filesystem::path& a, const std::filesystem::path& b);

// Runs `work`; a core::InvalidArgument from it (which names no file) is rethrown
// with "<path>: " in front, so every error the user sees names its file.
void namingPath(const std::filesystem::path& path, const std::function<void()>& work);

}  // namespace stratum::jobs::detail
