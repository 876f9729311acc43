// dumpDicomTags: the tag viewer's rows, checked against what was written and against
// DCMTK's own reading of the same files.
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "DicomTestSupport.h"
#include "stratum/core/Error.h"
#include "stratum/io/DicomTags.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

const io::DicomTagEntry* findTag(const std::vector<io::DicomTagEntry>& tags, std::uint16_t group,
                                 std::uint16_t element, int depth = 0) {
    for (const auto& t : tags)
        if (t.group == group && t.element == element && t.depth == depth) return &t;
    return nullptr;
}

}  // namespace

TEST(DicomTags, WrittenSeriesFileShowsItsAttributes) {
    test::TempDir dir;
    core::Image phantom = test::makePhantom({16, 12, 3});
    io::DicomWriteOptions options;
    options.modality = "CT";
    options.patient.name = "Tag^Viewer";
    options.patient.id = "TV-42";
    options.series.description = "tags test";
    const auto files = io::writeDicomSeries(phantom, dir / "series", options);
    ASSERT_EQ(files.size(), 3u);

    const auto tags = io::dumpDicomTags(files[1]);
    ASSERT_FALSE(tags.empty());
    // Meta information first.
    EXPECT_EQ(tags.front().group, 0x0002);
    const auto* ts = findTag(tags, 0x0002, 0x0010);
    ASSERT_NE(ts, nullptr);
    EXPECT_EQ(ts->value, "1.2.840.10008.1.2.1");
    EXPECT_EQ(ts->vr, "UI");
    EXPECT_EQ(ts->name, "TransferSyntaxUID");

    const auto* name = findTag(tags, 0x0010, 0x0010);
    ASSERT_NE(name, nullptr);
    EXPECT_EQ(name->tag, "(0010,0010)");
    EXPECT_EQ(name->vr, "PN");
    EXPECT_EQ(name->name, "PatientName");
    EXPECT_EQ(name->value, "Tag^Viewer");
    EXPECT_EQ(findTag(tags, 0x0010, 0x0020)->value, "TV-42");
    EXPECT_EQ(findTag(tags, 0x0008, 0x0060)->value, "CT");
    EXPECT_EQ(findTag(tags, 0x0008, 0x103E)->value, "tags test");
    EXPECT_EQ(findTag(tags, 0x0028, 0x0010)->value, "12");  // Rows
    EXPECT_EQ(findTag(tags, 0x0028, 0x0011)->value, "16");  // Columns

    // Pixel data: not shown, its size named (16 x 12 x 2 bytes).
    const auto* pixels = findTag(tags, 0x7FE0, 0x0010);
    ASSERT_NE(pixels, nullptr);
    EXPECT_EQ(pixels->value, "(binary, 384 bytes)");

    // Every element of DCMTK's own reading appears, in order.
    DcmFileFormat ff;
    ASSERT_TRUE(ff.loadFile(files[1].c_str()).good());
    DcmDataset* ds = ff.getDataset();
    std::vector<std::pair<int, int>> expected;
    for (unsigned long i = 0; i < ds->card(); ++i)
        expected.emplace_back(ds->getElement(i)->getGTag(), ds->getElement(i)->getETag());
    std::vector<std::pair<int, int>> dataset;
    for (const auto& t : tags)
        if (t.group != 0x0002 && t.depth == 0) dataset.emplace_back(t.group, t.element);
    EXPECT_EQ(dataset, expected);
}

TEST(DicomTags, SequencesAreExpandedWithDepth) {
    const fs::path file =
        test::sharedData() / "dicom" / "ct3slice_seg" / "segmentations" / "liver.dcm";
    STRATUM_REQUIRE_DATA(file);

    const auto tags = io::dumpDicomTags(file);
    // A segmentation has a Segment Sequence (0062,0002) with at least one item whose
    // Segment Number (0062,0004) sits at depth 2.
    const auto* segments = findTag(tags, 0x0062, 0x0002);
    ASSERT_NE(segments, nullptr);
    EXPECT_EQ(segments->vr, "SQ");
    EXPECT_EQ(segments->value.rfind("(sequence, ", 0), 0u) << segments->value;
    EXPECT_NE(findTag(tags, 0xFFFE, 0xE000, 1), nullptr);
    const auto* number = findTag(tags, 0x0062, 0x0004, 2);
    ASSERT_NE(number, nullptr);
    EXPECT_EQ(number->value, "1");
    const auto* label = findTag(tags, 0x0062, 0x0005, 2);
    ASSERT_NE(label, nullptr);
    EXPECT_EQ(label->value, "Liver");
    // The nested code sequence's items are one level deeper.
    EXPECT_NE(findTag(tags, 0x0008, 0x0104, 4), nullptr);
}

TEST(DicomTags, NotDicomIsAFormatErrorNamingTheFile) {
    test::TempDir dir;
    const fs::path text = dir / "notes.txt";
    std::FILE* f = std::fopen(text.c_str(), "w");
    std::fputs("this is not a DICOM file, just some text that is long enough to sniff\n", f);
    std::fclose(f);
    try {
        io::dumpDicomTags(text);
        FAIL() << "expected a FormatError";
    } catch (const core::FormatError& e) {
        EXPECT_EQ(e.path(), text.string());
    }
    EXPECT_THROW(io::dumpDicomTags(dir / "missing.dcm"), core::IoError);
}
