// DICOMDIR scanning with pydicom's dicomdirtests (31 referenced images, 2 patients,
// 6 studies, 13 Series Instance UIDs; localizers with several orientations split).
#include <gtest/gtest.h>

#include <set>

#include "DicomTestSupport.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

std::filesystem::path dicomdirTests() {
    return test::pydicomFiles() / "dicomdirtests";
}

}  // namespace

TEST(DicomDir, ScansTheReferencedFiles) {
    // Expected counts from pydicom 2.3: reading DICOMDIR's records and every referenced
    // file; 24 groups of (Series Instance UID, size, orientation rounded to 1e-3).
    for (const char* name :
         {"DICOMDIR", "DICOMDIR-implicit", "DICOMDIR-bigEnd", "DICOMDIR-reordered"}) {
        SCOPED_TRACE(name);
        const auto file = dicomdirTests() / name;
        STRATUM_REQUIRE_DATA(file);
        const io::DicomScan scan = io::scanDicom(file);
        EXPECT_EQ(scan.filesSeen, 31u);
        EXPECT_EQ(scan.dicomFiles, 31u);
        EXPECT_TRUE(scan.warnings.empty()) << test::joinWarnings(scan.warnings);
        EXPECT_EQ(scan.patients.size(), 2u);
        std::size_t studies = 0;
        for (const auto& p : scan.patients) studies += p.studies.size();
        EXPECT_EQ(studies, 6u);
        const auto all = scan.allSeries();
        std::set<std::string> uids;
        std::size_t frames = 0;
        for (const auto* s : all) {
            uids.insert(s->series.instanceUid);
            frames += s->frameCount();
        }
        EXPECT_EQ(uids.size(), 13u);
        EXPECT_EQ(all.size(), 24u);
        EXPECT_EQ(frames, 31u);
        // The largest is the 5-slice axial CT.
        ASSERT_NE(scan.largestSeries(), nullptr);
        EXPECT_EQ(scan.largestSeries()->frameCount(), 5u);
        EXPECT_EQ(scan.largestSeries()->series.modality, "CT");
    }
}

TEST(DicomDir, FolderScanSkipsTheDicomDirFiles) {
    const auto folder = dicomdirTests() / "77654033";
    STRATUM_REQUIRE_DATA(folder);
    const io::DicomScan scan = io::scanDicom(folder);
    EXPECT_EQ(scan.dicomFiles, 7u);
    EXPECT_TRUE(scan.warnings.empty()) << test::joinWarnings(scan.warnings);
}

TEST(DicomDir, LargestSeriesLoads) {
    const auto file = dicomdirTests() / "DICOMDIR";
    STRATUM_REQUIRE_DATA(file);
    const io::DicomScan scan = io::scanDicom(file);
    const io::DicomSeries* s = scan.largestSeries();
    ASSERT_NE(s, nullptr);
    core::Warnings warnings;
    const core::Image img = io::loadDicomSeries(*s, {}, {}, &warnings);
    EXPECT_EQ(img.size(), (core::Size3{16, 16, 5}));
    EXPECT_NEAR(img.geometry().spacing[2], 2.5, 1e-6);
    EXPECT_EQ(img.metadata().units, "HU");
}

TEST(DicomDir, MissingReferencedFilesAreWarnings) {
    const auto source = dicomdirTests();
    STRATUM_REQUIRE_DATA(source / "DICOMDIR");
    test::TempDir dir;
    std::filesystem::copy(source, dir.path(), std::filesystem::copy_options::recursive);
    std::filesystem::remove_all(dir / "98892001");
    const io::DicomScan scan = io::scanDicom(dir / "DICOMDIR");
    EXPECT_LT(scan.dicomFiles, 31u);
    EXPECT_FALSE(scan.warnings.empty());
    EXPECT_TRUE(
        test::hasWarningContaining(scan.warnings, "referenced by the DICOMDIR but missing"));
}
