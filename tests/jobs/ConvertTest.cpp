#include <gtest/gtest.h>

#include <fstream>

#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/Convert.h"
#include "stratum/jobs/StudyReport.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

core::Image smallVolume() {
    core::Geometry g;
    g.size = {12, 10, 4};
    g.spacing = {0.8, 0.8, 3.0};
    g.origin = {-5, 7.5, 30};
    core::Image image(core::PixelType::Int16, 1, g);
    auto pixels = image.pixels<std::int16_t>();
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::int16_t>(i * 7 % 3000 - 1000);
    return image;
}

}  // namespace

TEST(Convert, RefusesToWriteOverTheInput) {
    test::TempDir dir;
    const fs::path file = dir / "volume.nrrd";
    std::ofstream(file) << "not really an image";
    const std::string before = readAll(file);
    EXPECT_THROW(jobs::convertImage(file, file), core::InvalidArgument);
    EXPECT_THROW(jobs::convertImage(file, dir.path() / "." / "volume.nrrd"), core::InvalidArgument);
    EXPECT_THROW(jobs::convertImage(dir.path(), dir.path().string() + "/"), core::InvalidArgument);
    EXPECT_EQ(readAll(file), before);
    try {
        jobs::convertImage(file, file);
    } catch (const core::InvalidArgument& e) {
        EXPECT_EQ(std::string(e.what()), file.string() + ": the output would overwrite the input");
    }
}

TEST(Convert, RefusesDicomOptionsForOtherFormats) {
    test::TempDir dir;
    jobs::ConvertOptions options;
    options.modality = "CT";
    EXPECT_THROW(jobs::convertImage(dir / "in.nrrd", dir / "out.nii.gz", options), core::InvalidArgument);
    EXPECT_FALSE(fs::exists(dir / "out.nii.gz"));
}

TEST(Convert, RefusesUnknownTransferSyntaxAndModality) {
    test::TempDir dir;
    jobs::ConvertOptions options;
    options.transferSyntax = "jpeg2000";
    EXPECT_THROW(jobs::convertImage(dir / "in.nrrd", dir / "out", options), core::InvalidArgument);
    options = {};
    options.modality = "ct";
    EXPECT_THROW(jobs::convertImage(dir / "in.nrrd", dir / "out", options), core::InvalidArgument);
}

TEST(Convert, MissingInputIsAnIoErrorNamingIt) {
    test::TempDir dir;
    try {
        jobs::convertImage(dir / "missing.nii", dir / "out.nrrd");
        FAIL() << "no error";
    } catch (const core::IoError& e) {
        EXPECT_EQ(e.path(), (dir / "missing.nii").string());
    }
    EXPECT_FALSE(fs::exists(dir / "out.nrrd"));
}

TEST(Convert, ModalityCodes) {
    EXPECT_TRUE(jobs::isValidModalityCode("CT"));
    EXPECT_TRUE(jobs::isValidModalityCode("OT"));
    EXPECT_TRUE(jobs::isValidModalityCode("DX"));
    EXPECT_TRUE(jobs::isValidModalityCode("RTDOSE"));
    EXPECT_FALSE(jobs::isValidModalityCode(""));
    EXPECT_FALSE(jobs::isValidModalityCode("ct"));
    EXPECT_FALSE(jobs::isValidModalityCode("C T"));
    EXPECT_FALSE(jobs::isValidModalityCode("ABCDEFGHIJKLMNOPQ"));
}

TEST(Convert, DicomSeriesOutputIsAFolder) {
    test::TempDir dir;
    EXPECT_TRUE(jobs::isDicomSeriesOutput(dir / "series"));
    EXPECT_TRUE(jobs::isDicomSeriesOutput(dir.path().string() + "/series.v2/"));
    EXPECT_TRUE(jobs::isDicomSeriesOutput(dir.path()));
    EXPECT_FALSE(jobs::isDicomSeriesOutput(dir / "out.nii.gz"));
    EXPECT_FALSE(jobs::isDicomSeriesOutput(dir / "out.nrrd"));
}

TEST(Convert, NrrdToDicomFolderAppliesTheOptions) {
    test::TempDir dir;
    const core::Image volume = smallVolume();
    io::writeImage(volume, dir / "in.nrrd");

    jobs::ConvertOptions options;
    options.modality = "CT";
    options.seriesDescription = "converted";
    options.patientName = "Convert^Test";
    options.patientId = "CV-1";
    options.transferSyntax = "rle";
    const jobs::ConvertResult result = jobs::convertImage(dir / "in.nrrd", dir / "dicom", options);
    EXPECT_EQ(result.size, volume.size());
    EXPECT_EQ(result.pixelType, core::PixelType::Int16);
    EXPECT_EQ(result.written.size(), 4u);
    for (const fs::path& f : result.written) EXPECT_TRUE(fs::exists(f)) << f;

    const jobs::StudyReport r = jobs::describeStudy(dir / "dicom");
    ASSERT_EQ(r.patients.size(), 1u);
    EXPECT_EQ(r.patients[0].name, "Convert^Test");
    EXPECT_EQ(r.patients[0].id, "CV-1");
    ASSERT_EQ(r.seriesCount(), 1u);
    const jobs::SeriesSummary& s = r.patients[0].studies[0].series[0];
    EXPECT_EQ(s.modality, "CT");
    EXPECT_EQ(s.description, "converted");
    EXPECT_EQ(s.files, 4u);
    EXPECT_EQ(s.grid.size, volume.size());
    EXPECT_NEAR(s.grid.spacing[2], 3.0, 1e-6);
    EXPECT_NEAR(s.grid.origin[1], 7.5, 1e-6);
    ASSERT_EQ(s.transferSyntaxes.size(), 1u);
    EXPECT_EQ(s.transferSyntaxes[0].uid, "1.2.840.10008.1.2.5");
}

TEST(Convert, NrrdToNiftiKeepsTheGeometry) {
    test::TempDir dir;
    const core::Image volume = smallVolume();
    io::writeImage(volume, dir / "in.nrrd");
    const jobs::ConvertResult result = jobs::convertImage(dir / "in.nrrd", dir / "out.nii.gz");
    ASSERT_EQ(result.written.size(), 1u);
    EXPECT_EQ(result.written[0], dir / "out.nii.gz");
    const io::ReadResult back = io::readImage(dir / "out.nii.gz");
    EXPECT_TRUE(back.image.geometry().approxEqual(volume.geometry(), 1e-4));
    EXPECT_EQ(back.image.value(3, 2, 1), volume.value(3, 2, 1));
}

TEST(Convert, CancelledBeforeWritingLeavesNoOutput) {
    test::TempDir dir;
    io::writeImage(smallVolume(), dir / "in.nrrd");
    core::CancelToken token;
    token.cancel();
    EXPECT_THROW(jobs::convertImage(dir / "in.nrrd", dir / "out.nii", {}, core::Task(token)), core::Cancelled);
    EXPECT_FALSE(fs::exists(dir / "out.nii"));
}
