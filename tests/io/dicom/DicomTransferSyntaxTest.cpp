// One Siemens MR slice saved in nine transfer syntaxes must decode to identical pixels.
#include <gtest/gtest.h>

#include <cstring>

#include "DicomTestSupport.h"
#include "stratum/core/Error.h"

using namespace stratum;
using stratum::test::transferSyntaxFile;

namespace {

const char* const kSyntaxes[10] = {"",
                                   "1.2.840.10008.1.2.1",     // explicit LE
                                   "1.2.840.10008.1.2",       // implicit LE
                                   "1.2.840.10008.1.2.2",     // explicit BE
                                   "1.2.840.10008.1.2.5",     // RLE
                                   "1.2.840.10008.1.2.4.70",  // JPEG lossless SV1
                                   "1.2.840.10008.1.2.4.70",
                                   "1.2.840.10008.1.2.4.80",  // JPEG-LS lossless
                                   "1.2.840.10008.1.2.4.80",
                                   "1.2.840.10008.1.2.4.90"};  // JPEG 2000 lossless

}  // namespace

TEST(DicomTransferSyntaxes, AllNineDecodeToIdenticalPixels) {
    for (int n = 1; n <= 9; ++n) STRATUM_REQUIRE_DATA(transferSyntaxFile(n));
    const core::Image reference = io::loadDicomFile(transferSyntaxFile(1));
    ASSERT_EQ(reference.size(), (core::Size3{384, 384, 1}));
    ASSERT_EQ(reference.pixelType(), core::PixelType::UInt16);  // unsigned 12-bit MR, no rescale
    for (int n = 2; n <= 9; ++n) {
        SCOPED_TRACE("file " + std::to_string(n) + ".dcm");
        core::Warnings warnings;
        const core::Image img = io::loadDicomFile(transferSyntaxFile(n), {}, {}, &warnings);
        EXPECT_TRUE(warnings.empty()) << test::joinWarnings(warnings);
        EXPECT_EQ(img.metadata().transferSyntaxUid, kSyntaxes[n]);
        ASSERT_EQ(img.size(), reference.size());
        ASSERT_EQ(img.pixelType(), reference.pixelType());
        const auto a = reference.pixels<std::uint16_t>();
        const auto b = img.pixels<std::uint16_t>();
        std::size_t differing = 0;
        for (std::size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
        EXPECT_EQ(differing, 0u);
        EXPECT_TRUE(img.geometry().approxEqual(reference.geometry(), 1e-9));
    }
}

TEST(DicomTransferSyntaxes, ValuesAndGeometryOfTheReference) {
    STRATUM_REQUIRE_DATA(transferSyntaxFile(1));
    const core::Image img = io::loadDicomFile(transferSyntaxFile(1));
    // Expected values from pydicom 2.3 (ds.pixel_array[j, i] of 1.dcm): min 0, max 2362,
    // sum 38036663; [250, 100] = 972, [150, 200] = 32.
    const auto [lo, hi] = img.minMax();
    EXPECT_EQ(lo, 0);
    EXPECT_EQ(hi, 2362);
    long long sum = 0;
    for (std::uint16_t v : img.pixels<std::uint16_t>()) sum += v;
    EXPECT_EQ(sum, 38036663);
    EXPECT_EQ(img.value(100, 250, 0), 972);
    EXPECT_EQ(img.value(200, 150, 0), 32);
    EXPECT_EQ(img.value(0, 0, 0), 0);

    const core::Geometry& g = img.geometry();
    EXPECT_NEAR(g.spacing[0], 3.25, 1e-12);
    EXPECT_NEAR(g.spacing[1], 3.25, 1e-12);
    EXPECT_NEAR(g.spacing[2], 3.6000000030835,
                1e-12);  // Spacing Between Slices, for a single slice
    EXPECT_NEAR(g.origin[0], -624.0, 1e-9);
    EXPECT_NEAR(g.origin[1], -661.82658862211, 1e-9);
    EXPECT_NEAR(g.origin[2], -6.5255017698948, 1e-9);
    // Row (1, -1e-16, 0), column (1e-16, 0.99415096409965, -0.1079993545339) normalised,
    // normal = row x column.
    EXPECT_NEAR(g.direction(0, 0), 1.0, 1e-12);
    EXPECT_NEAR(g.direction(1, 1), 0.99415096409965, 1e-9);
    EXPECT_NEAR(g.direction(2, 1), -0.1079993545339, 1e-9);
    EXPECT_NEAR(g.direction(1, 2), 0.1079993545339, 1e-9);
    EXPECT_NEAR(g.direction(2, 2), 0.99415096409965, 1e-9);
    EXPECT_TRUE(g.hasOrthonormalDirection(1e-9));

    const core::ImageMetadata& m = img.metadata();
    EXPECT_EQ(m.sourceFormat, "DICOM");
    EXPECT_EQ(m.sourcePath, transferSyntaxFile(1).string());
    EXPECT_EQ(m.series.modality, "MR");
    EXPECT_EQ(m.series.description, "ax_asc_35sl");
    EXPECT_EQ(m.series.number, "1");
    EXPECT_EQ(m.series.manufacturer, "SIEMENS");
    EXPECT_EQ(m.series.instanceUid, "1.3.12.2.1107.5.2.32.35131.2014031012481958900586557.0.0.0");
    EXPECT_EQ(m.series.frameOfReferenceUid, "1.3.12.2.1107.5.2.32.35131.1.20140310133834375.0.0.0");
    EXPECT_EQ(m.study.instanceUid, "1.3.12.2.1107.5.2.32.35131.30000014022817282751500000052");
    EXPECT_EQ(m.study.date, "20140310");
    EXPECT_EQ(m.patient.name, "stc_test");
    EXPECT_EQ(m.photometric, core::Photometric::Monochrome2);
    EXPECT_FALSE(m.invertedMonochrome1);
    ASSERT_EQ(m.windows.size(), 1u);
    EXPECT_EQ(m.windows[0].name, "Algo1");
    EXPECT_EQ(m.windows[0].center, 763);
    EXPECT_EQ(m.windows[0].width, 1639);
    EXPECT_TRUE(m.units.empty());
}

TEST(DicomTransferSyntaxes, FolderOfSameSliceKeepsOneAndWarns) {
    // The nine files share a Series Instance UID and the same position: one slice,
    // eight duplicates reported.
    const auto folder = transferSyntaxFile(1).parent_path();
    STRATUM_REQUIRE_DATA(folder);
    const io::DicomScan scan = io::scanDicom(folder);
    EXPECT_EQ(scan.dicomFiles, 9u);
    ASSERT_EQ(scan.allSeries().size(), 1u);
    const io::DicomSeries& s = *scan.allSeries().front();
    EXPECT_EQ(s.instances.size(), 9u);
    EXPECT_EQ(s.frameCount(), 1u);
    std::size_t duplicates = 0;
    for (const auto& w : s.warnings)
        duplicates += w.message.find("duplicates") != std::string::npos;
    EXPECT_EQ(duplicates, 8u) << test::joinWarnings(s.warnings);
}
