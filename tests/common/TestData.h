#pragma once
// Where the tests find real data, and a skip helper for data that is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdlib.h>

#include <string>

namespace stratum::test {

inline std::filesystem::path sharedData() { return STRATUM_SHARED_DATA_DIR; }
inline std::filesystem::path resources() { return STRATUM_RESOURCES_DIR; }
inline std::filesystem::path pydicomFiles() { return STRATUM_PYDICOM_DIR; }
inline std::filesystem::path mricron() { return STRATUM_MRICRON_DIR; }
inline std::filesystem::path buildDir() { return STRATUM_BUILD_DIR; }

// A fresh, empty temporary folder removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

inline TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "stratum-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

inline TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace stratum::test

// Skips the current test when `path` does not exist, naming it.
#define STRATUM_REQUIRE_DATA(path)                                                   \
    do {                                                                             \
        if (!std::filesystem::exists(path))                                          \
            GTEST_SKIP() << "test data not found: " << (path).string();              \
    } while (0)
