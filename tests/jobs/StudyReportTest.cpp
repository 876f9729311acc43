// describeStudy on files written by io, and on real data.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/Dicom.h"
#include "stratum/jobs/StudyReport.h"

using namespace stratum;
using nlohmann::json;

namespace {

core::Image phantom(core::Size3 size, core::Vec3 spacing, core::Vec3 origin, const std::string& modality,
                    const std::string& description) {
    core::Geometry g;
    g.size = size;
    g.spacing = spacing;
    g.origin = origin;
    core::Image image(core::PixelType::Int16, 1, g);
    auto pixels = image.pixels<std::int16_t>();
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::int16_t>(i % 1000 - 200);
    image.metadata().series.modality = modality;
    image.metadata().series.description = description;
    return image;
}

// Two series of one patient and study, in two subfolders of `root`.
void writeTwoSeries(const std::filesystem::path& root) {
    io::DicomWriteOptions options;
    options.patient.name = "Phantom^Two";
    options.patient.id = "PH-2";
    options.study.instanceUid = io::makeDicomUid();
    options.study.date = "20240229";
    options.study.description = "Two series";
    io::writeDicomSeries(phantom({32, 24, 5}, {0.5, 0.75, 2.5}, {-100.25, 50.5, 10}, "CT", "first"),
                         root / "a", options);
    io::writeDicomSeries(phantom({16, 20, 3}, {1.25, 1.25, 4}, {0, 0, -20}, "MR", "second"), root / "b",
                         options);
}

const jobs::SeriesSummary* findSeries(const jobs::StudyReport& r, const std::string& description) {
    for (const auto& p : r.patients)
        for (const auto& st : p.studies)
            for (const auto& s : st.series)
                if (s.description == description) return &s;
    return nullptr;
}

}  // namespace

TEST(StudyReport, DescribesBothSeriesOfAFolder) {
    test::TempDir dir;
    writeTwoSeries(dir.path());
    const jobs::StudyReport r = jobs::describeStudy(dir.path());

    EXPECT_EQ(r.path, dir.path().string());
    EXPECT_TRUE(r.images.empty());
    EXPECT_EQ(r.dicomFiles, 8u);
    ASSERT_EQ(r.patients.size(), 1u);
    EXPECT_EQ(r.patients[0].name, "Phantom^Two");
    EXPECT_EQ(r.patients[0].id, "PH-2");
    ASSERT_EQ(r.patients[0].studies.size(), 1u);
    EXPECT_EQ(r.patients[0].studies[0].date, "20240229");
    EXPECT_EQ(r.patients[0].studies[0].description, "Two series");
    EXPECT_EQ(r.seriesCount(), 2u);

    const jobs::SeriesSummary* first = findSeries(r, "first");
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->modality, "CT");
    EXPECT_EQ(first->files, 5u);
    EXPECT_EQ(first->frames, 5u);
    EXPECT_EQ(first->grid.size, (core::Size3{32, 24, 5}));
    EXPECT_NEAR(first->grid.spacing[0], 0.5, 1e-6);
    EXPECT_NEAR(first->grid.spacing[1], 0.75, 1e-6);
    EXPECT_NEAR(first->grid.spacing[2], 2.5, 1e-6);
    EXPECT_NEAR(first->grid.origin[0], -100.25, 1e-6);
    EXPECT_NEAR(first->grid.origin[1], 50.5, 1e-6);
    EXPECT_NEAR(first->grid.origin[2], 10, 1e-6);
    EXPECT_EQ(first->grid.orientation, "LPS");
    EXPECT_EQ(first->grid.plane, "axial");
    EXPECT_TRUE(first->hasPatientGeometry);
    EXPECT_TRUE(first->sortedByPosition);
    EXPECT_EQ(first->components, 1u);
    ASSERT_EQ(first->transferSyntaxes.size(), 1u);
    EXPECT_EQ(first->transferSyntaxes[0].uid, "1.2.840.10008.1.2.1");
    EXPECT_EQ(first->transferSyntaxes[0].name, "Explicit VR Little Endian");

    const jobs::SeriesSummary* second = findSeries(r, "second");
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->modality, "MR");
    EXPECT_EQ(second->files, 3u);
    EXPECT_EQ(second->frames, 3u);
    EXPECT_EQ(second->grid.size, (core::Size3{16, 20, 3}));
    EXPECT_NEAR(second->grid.spacing[0], 1.25, 1e-6);
    EXPECT_NEAR(second->grid.spacing[2], 4.0, 1e-6);
    EXPECT_NE(first->uid, second->uid);
}

TEST(StudyReport, JsonOfARealScanRoundTripsExactly) {
    test::TempDir dir;
    writeTwoSeries(dir.path());
    const jobs::StudyReport r = jobs::describeStudy(dir.path());
    const json j = json::parse(jobs::toJson(r));
    ASSERT_EQ(j["patients"].size(), 1u);
    const json& series = j["patients"][0]["studies"][0]["series"];
    ASSERT_EQ(series.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const jobs::SeriesSummary& want = r.patients[0].studies[0].series[i];
        EXPECT_EQ(series[i]["uid"], want.uid);
        EXPECT_EQ(series[i]["description"], want.description);
        EXPECT_EQ(series[i]["files"], want.files);
        EXPECT_EQ(series[i]["size"].get<std::vector<std::size_t>>(),
                  std::vector<std::size_t>(want.grid.size.begin(), want.grid.size.end()));
        for (int a = 0; a < 3; ++a) {
            EXPECT_EQ(series[i]["spacing"][a].get<double>(), want.grid.spacing[a]);
            EXPECT_EQ(series[i]["origin"][a].get<double>(), want.grid.origin[a]);
        }
    }
}

TEST(StudyReport, MissingPathIsAnIoErrorNamingIt) {
    const std::filesystem::path missing = "/nonexistent/stratum/study";
    try {
        jobs::describeStudy(missing);
        FAIL() << "no error";
    } catch (const core::IoError& e) {
        EXPECT_EQ(e.path(), missing.string());
        EXPECT_EQ(std::string(e.what()), missing.string() + ": does not exist");
    }
}

TEST(StudyReport, EmptyFolderGivesAnEmptyReport) {
    test::TempDir dir;
    const jobs::StudyReport r = jobs::describeStudy(dir.path());
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(r.dicomFiles, 0u);
}

TEST(StudyReport, DescribesANiftiVolume) {
    const auto file = test::mricron() / "ch2.nii.gz";
    STRATUM_REQUIRE_DATA(file);
    const jobs::StudyReport r = jobs::describeStudy(file);
    EXPECT_TRUE(r.patients.empty());
    ASSERT_EQ(r.images.size(), 1u);
    const jobs::ImageSummary& image = r.images[0];
    EXPECT_EQ(image.path, file.string());
    EXPECT_EQ(image.grid.size, (core::Size3{181, 217, 181}));
    EXPECT_NEAR(image.grid.spacing[0], 1.0, 1e-6);
    EXPECT_EQ(image.grid.plane, "axial");
    EXPECT_EQ(image.components, 1u);
    EXPECT_LT(image.minValue, image.maxValue);
}

TEST(StudyReport, TransferSyntaxFilesShareOneSeriesUid) {
    // Nine files: one MR slice saved in nine transfer syntaxes; same series UID,
    // different SOP instance UIDs, the same position.
    const auto folder = test::sharedData() / "dicom/transfer_syntaxes/In";
    STRATUM_REQUIRE_DATA(folder);
    const jobs::StudyReport r = jobs::describeStudy(folder);
    EXPECT_EQ(r.dicomFiles, 9u);
    ASSERT_EQ(r.patients.size(), 1u);
    EXPECT_EQ(r.patients[0].name, "stc_test");
    EXPECT_EQ(r.patients[0].id, "crlab");
    ASSERT_EQ(r.patients[0].studies.size(), 1u);
    std::size_t files = 0;
    std::vector<std::string> syntaxes;
    for (const auto& s : r.patients[0].studies[0].series) {
        EXPECT_EQ(s.uid, "1.3.12.2.1107.5.2.32.35131.2014031012481958900586557.0.0.0");
        EXPECT_EQ(s.modality, "MR");
        EXPECT_EQ(s.grid.size[0], 384u);
        EXPECT_EQ(s.grid.size[1], 384u);
        EXPECT_EQ(s.pixelType, "uint16");
        files += s.files;
        for (const auto& ts : s.transferSyntaxes) syntaxes.push_back(ts.uid);
    }
    EXPECT_EQ(files, 9u);
    std::sort(syntaxes.begin(), syntaxes.end());
    syntaxes.erase(std::unique(syntaxes.begin(), syntaxes.end()), syntaxes.end());
    EXPECT_EQ(syntaxes.size(), 7u);  // 5-6 and 7-8 share a syntax
}
