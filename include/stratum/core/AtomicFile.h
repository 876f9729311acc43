#pragma once
// Atomic writes: write to a temporary path beside the target, then rename over it.
// If commit() is never called (error, exception, cancel), the temporary is removed
// and the target is untouched.
#include <filesystem>

namespace stratum::core {

class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Where to write. Same directory and same extension(s) as the target, so
    // writers that pick a format by extension behave the same.
    const std::filesystem::path& tempPath() const noexcept { return temp_; }
    const std::filesystem::path& target() const noexcept { return target_; }
    // Renames the temporary onto the target (throws IoError on failure).
    void commit();

private:
    std::filesystem::path target_;
    std::filesystem::path temp_;
    bool committed_ = false;
};

// The same for a directory of files (e.g. a DICOM series): fill tempPath(), then
// commit() renames the directory onto the target, which must not exist or be empty.
class AtomicDirectory {
public:
    explicit AtomicDirectory(std::filesystem::path target);
    ~AtomicDirectory();
    AtomicDirectory(const AtomicDirectory&) = delete;
    AtomicDirectory& operator=(const AtomicDirectory&) = delete;

    const std::filesystem::path& tempPath() const noexcept { return temp_; }
    const std::filesystem::path& target() const noexcept { return target_; }
    void commit();

private:
    std::filesystem::path target_;
    std::filesystem::path temp_;
    bool committed_ = false;
};

}  // namespace stratum::core
