#include <gtest/gtest.h>

#include <fstream>

#include "TestData.h"
#include "stratum/core/AtomicFile.h"
#include "stratum/core/Error.h"

using namespace stratum::core;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}
}  // namespace

TEST(AtomicFile, CommitReplacesTargetAndKeepsExtension) {
    stratum::test::TempDir dir;
    const fs::path target = dir / "out.nii.gz";
    { std::ofstream(target) << "old"; }
    AtomicFile f(target);
    EXPECT_EQ(f.tempPath().parent_path(), dir.path());
    EXPECT_TRUE(f.tempPath().string().ends_with(".nii.gz"));
    { std::ofstream(f.tempPath()) << "new"; }
    EXPECT_EQ(slurp(target), "old");  // untouched until commit
    f.commit();
    EXPECT_EQ(slurp(target), "new");
    EXPECT_FALSE(fs::exists(f.tempPath()));
}

TEST(AtomicFile, AbandonedWriteLeavesNothing) {
    stratum::test::TempDir dir;
    const fs::path target = dir / "out.mha";
    fs::path temp;
    {
        AtomicFile f(target);
        temp = f.tempPath();
        std::ofstream(temp) << "half";
    }
    EXPECT_FALSE(fs::exists(temp));
    EXPECT_FALSE(fs::exists(target));
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(AtomicFile, MissingFolderIsAClearError) {
    stratum::test::TempDir dir;
    try {
        AtomicFile f(dir / "nope" / "out.nii");
        FAIL() << "expected IoError";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
    }
}

TEST(AtomicDirectory, CommitMovesFolderIntoPlace) {
    stratum::test::TempDir dir;
    const fs::path target = dir / "series";
    {
        AtomicDirectory d(target);
        std::ofstream(d.tempPath() / "IM-0001.dcm") << "x";
        EXPECT_FALSE(fs::exists(target));
        d.commit();
    }
    EXPECT_TRUE(fs::exists(target / "IM-0001.dcm"));
    {
        AtomicDirectory d(dir / "other");
        std::ofstream(d.tempPath() / "a") << "x";
    }
    EXPECT_FALSE(fs::exists(dir / "other"));
    EXPECT_THROW(AtomicDirectory d(target), IoError);  // exists and not empty
}
