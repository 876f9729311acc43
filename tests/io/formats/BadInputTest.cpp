// Typed errors for missing, corrupt and impossible input; atomic output; inputs untouched.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "Phantom.h"
#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"

using namespace stratum;
namespace fs = std::filesystem;
using test::TempDir;

namespace {

// Runs f, expects exception E whose path() is `file` and whose message names it.
template <class E, class F>
void expectFileError(F&& f, const fs::path& file) {
    try {
        f();
        ADD_FAILURE() << "no exception for " << file;
    } catch (const E& e) {
        EXPECT_EQ(e.path(), file.string());
        EXPECT_NE(std::string(e.what()).find(file.filename().string()), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "multi-line message: " << e.what();
        EXPECT_FALSE(e.problem().empty());
        EXPECT_EQ(e.problem().find("ITK ERROR"), std::string::npos) << e.problem();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type for " << file << ": " << e.what();
    }
}

}  // namespace

TEST(BadInput, MissingFileIsAnIoErrorNamingIt) {
    TempDir dir;
    const fs::path missing = dir / "nothing-here.nii.gz";
    expectFileError<core::IoError>([&] { io::readImage(missing); }, missing);
}

TEST(BadInput, TruncatedCompressedNiftiIsAFormatError) {
    TempDir dir;
    const fs::path good = dir / "good.nii.gz";
    io::writeImage(test::makePhantom(core::PixelType::Float32), good);
    const std::string bytes = test::fileBytes(good);
    const fs::path cut = dir / "cut.nii.gz";
    test::writeBytes(cut, bytes.substr(0, bytes.size() / 2));
    expectFileError<core::FormatError>([&] { io::readImage(cut); }, cut);
}

TEST(BadInput, TruncatedNiftiIsAFormatError) {
    TempDir dir;
    const fs::path good = dir / "good.nii";
    io::writeImage(test::makePhantom(core::PixelType::Int16), good);
    const std::string bytes = test::fileBytes(good);
    const fs::path cut = dir / "cut.nii";
    test::writeBytes(cut, bytes.substr(0, 352 + 100));
    expectFileError<core::FormatError>([&] { io::readImage(cut); }, cut);
    const fs::path header = dir / "header-only.nii";
    test::writeBytes(header, bytes.substr(0, 200));
    expectFileError<core::FormatError>([&] { io::readImage(header); }, header);
}

TEST(BadInput, GarbageFilesAreFormatErrors) {
    TempDir dir;
    const std::string garbage = "this is not an image at all\n\x01\x02\x03 just some bytes";
    for (const char* name : {"garbage.nrrd", "garbage.png", "garbage.nii", "garbage.mha", "garbage.jpg",
                             "garbage.tif", "garbage.xyz", "empty.nii.gz"}) {
        const fs::path file = dir / name;
        test::writeBytes(file, std::string(name) == "empty.nii.gz" ? std::string() : garbage);
        expectFileError<core::FormatError>([&] { io::readImage(file); }, file);
    }
}

TEST(BadInput, TruncatedPngIsAFormatError) {
    TempDir dir;
    core::Geometry g;
    g.size = {64, 48, 1};
    const fs::path good = dir / "good.png";
    io::writeImage(test::makePhantom(core::PixelType::UInt16, 1, g), good);
    const std::string bytes = test::fileBytes(good);
    const fs::path cut = dir / "cut.png";
    test::writeBytes(cut, bytes.substr(0, bytes.size() / 2));
    expectFileError<core::FormatError>([&] { io::readImage(cut); }, cut);
}

// Every format cut to two thirds of its size: ITK 5.2 alone returns partial images
// for several of them (or crashes, for JPEG).
TEST(BadInput, TruncatedFilesOfEveryFormatAreFormatErrors) {
    TempDir dir;
    core::Geometry flat;
    flat.size = {64, 48, 1};
    core::Image slice(core::PixelType::UInt8, 1, flat);
    std::size_t n = 0;
    for (auto& v : slice.pixels<std::uint8_t>()) v = static_cast<std::uint8_t>((n++ * 7) % 251);
    const core::Image volume = test::makePhantom(core::PixelType::Int16, 1, test::phantomGeometry({64, 48, 20}));
    for (const char* name : {"t.bmp", "t.jpg", "t.png", "t.tif", "v.tif", "v.mha", "v.nrrd", "v.nii", "v.nii.gz"}) {
        const fs::path file = dir / name;
        io::writeImage(name[0] == 'v' ? volume : slice, file);
        const std::string bytes = test::fileBytes(file);
        test::writeBytes(file, bytes.substr(0, bytes.size() * 2 / 3));
        expectFileError<core::FormatError>([&] { io::readImage(file); }, file);
    }
    // A .mhd whose .raw companion is cut: the error names the .raw file.
    io::writeImage(volume, dir / "pair.mhd");
    const std::string raw = test::fileBytes(dir / "pair.raw");
    test::writeBytes(dir / "pair.raw", raw.substr(0, raw.size() / 2));
    expectFileError<core::FormatError>([&] { io::readImage(dir / "pair.mhd"); }, dir / "pair.raw");
}

TEST(BadInput, FourDimensionalNrrdIsUnsupported) {
    TempDir dir;
    const fs::path file = dir / "4d.nrrd";
    test::writeBytes(file, "NRRD0004\ntype: uchar\ndimension: 4\nsizes: 2 1 1 2\nencoding: ascii\n\n1 2 3 4");
    expectFileError<core::UnsupportedError>([&] { io::readImage(file); }, file);
}

TEST(WriteImage, ImpossibleCombinationsAreInvalidArguments) {
    TempDir dir;
    const core::Image volume = test::makePhantom(core::PixelType::UInt8);
    EXPECT_THROW(io::writeImage(volume, dir / "v.png"), core::InvalidArgument);
    EXPECT_THROW(io::writeImage(volume, dir / "v.jpg"), core::InvalidArgument);
    core::Geometry g;
    g.size = {8, 8, 1};
    EXPECT_THROW(io::writeImage(test::makePhantom(core::PixelType::Int16, 1, g), dir / "s.png"), core::InvalidArgument);
    EXPECT_THROW(io::writeImage(test::makePhantom(core::PixelType::UInt16, 1, g), dir / "s.jpg"), core::InvalidArgument);
    EXPECT_THROW(io::writeImage(test::makePhantom(core::PixelType::Float32, 1, g), dir / "s.bmp"), core::InvalidArgument);
    EXPECT_THROW(io::writeImage(volume, dir / "v.xyz"), core::InvalidArgument);
    EXPECT_THROW(io::writeImage(volume, dir / "v.nhdr"), core::InvalidArgument);
    EXPECT_THROW(io::writeImage(core::Image{}, dir / "e.nii"), core::InvalidArgument);
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(WriteImage, MissingOutputFolderIsAnIoError) {
    TempDir dir;
    EXPECT_THROW(io::writeImage(test::makePhantom(core::PixelType::UInt8), dir / "no" / "such" / "v.nii"),
                 core::IoError);
}

TEST(WriteImage, NeverOverwritesTheImagesOwnSource) {
    TempDir dir;
    const fs::path file = dir / "source.nii.gz";
    io::writeImage(test::makePhantom(core::PixelType::Int16), file);
    const std::string before = test::fileBytes(file);
    const auto mtime = fs::last_write_time(file);

    io::ReadResult read = io::readImage(file);
    EXPECT_THROW(io::writeImage(read.image, file), core::InvalidArgument);
    // The same file under another spelling of its path.
    EXPECT_THROW(io::writeImage(read.image, dir.path() / "." / "source.nii.gz"), core::InvalidArgument);
    EXPECT_EQ(test::fileBytes(file), before);
    EXPECT_EQ(fs::last_write_time(file), mtime);

    // Writing somewhere else works and leaves the source untouched.
    io::writeImage(read.image, dir / "copy.nrrd");
    EXPECT_EQ(test::fileBytes(file), before);
    EXPECT_EQ(fs::last_write_time(file), mtime);
}

TEST(WriteImage, ReplacesAnExistingFileAtomically) {
    TempDir dir;
    const fs::path file = dir / "out.mha";
    io::writeImage(test::makePhantom(core::PixelType::UInt8), file);
    const core::Image second = test::makePhantom(core::PixelType::Float32);
    io::writeImage(second, file);
    const core::Image back = io::readImage(file).image;
    EXPECT_EQ(back.pixelType(), core::PixelType::Float32);
    EXPECT_EQ(test::countDifferences(back, second), 0u);
    // A refused write leaves the previous file as it was.
    const std::string before = test::fileBytes(file);
    core::Geometry g;
    g.size = {4, 4, 1};
    EXPECT_THROW(io::writeImage(test::makePhantom(core::PixelType::Float32, 3, g), file), core::InvalidArgument);
    EXPECT_EQ(test::fileBytes(file), before);
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(dir.path())) {
        (void)e;
        ++entries;
    }
    EXPECT_EQ(entries, 1u);
}

TEST(WriteImage, CancelledWriteLeavesNothing) {
    TempDir dir;
    core::CancelToken token;
    token.cancel();
    const core::Task task(token);
    EXPECT_THROW(io::writeImage(test::makePhantom(core::PixelType::Int16), dir / "c.nii.gz", task), core::Cancelled);
    EXPECT_THROW(io::writeImage(test::makePhantom(core::PixelType::Int16), dir / "c.mhd", task), core::Cancelled);
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(WriteImage, MetaHeaderWithRawCompanion) {
    TempDir dir;
    const core::Image img = test::makePhantom(core::PixelType::UInt16);
    io::writeImage(img, dir / "pair.mhd");
    EXPECT_TRUE(fs::exists(dir / "pair.mhd"));
    EXPECT_TRUE(fs::exists(dir / "pair.raw"));
    EXPECT_EQ(fs::file_size(dir / "pair.raw"), img.byteSize());
    EXPECT_NE(test::fileBytes(dir / "pair.mhd").find("ElementDataFile = pair.raw"), std::string::npos);
    EXPECT_EQ(test::countDifferences(io::readImage(dir / "pair.mhd").image, img), 0u);
}

TEST(DetectFormat, ByContentThenByExtension) {
    TempDir dir;
    core::Geometry g;
    g.size = {4, 4, 1};
    const core::Image flat = test::makePhantom(core::PixelType::UInt8, 1, g);
    io::writeImage(flat, dir / "a.png");
    fs::copy_file(dir / "a.png", dir / "png-without-extension");
    fs::copy_file(dir / "a.png", dir / "png-named.jpg");
    EXPECT_EQ(io::detectFormat(dir / "a.png"), io::FileFormat::Png);
    EXPECT_EQ(io::detectFormat(dir / "png-without-extension"), io::FileFormat::Png);
    EXPECT_EQ(io::detectFormat(dir / "png-named.jpg"), io::FileFormat::Png);
    EXPECT_EQ(io::readImage(dir / "png-named.jpg").image.metadata().sourceFormat, "PNG");
    EXPECT_EQ(test::countDifferences(io::readImage(dir / "png-without-extension").image, flat), 0u);
    io::writeImage(flat, dir / "a.nii");
    fs::copy_file(dir / "a.nii", dir / "nifti.bin");
    EXPECT_EQ(io::detectFormat(dir / "nifti.bin"), io::FileFormat::Nifti);
    EXPECT_EQ(io::detectFormat(dir.path()), io::FileFormat::DicomFolder);
    EXPECT_EQ(io::detectFormat(dir / "missing.nii.gz"), io::FileFormat::Nifti);
    EXPECT_EQ(io::detectFormat(dir / "missing.TIFF"), io::FileFormat::Tiff);
    EXPECT_EQ(io::detectFormat(dir / "DICOMDIR"), io::FileFormat::DicomDir);
    EXPECT_EQ(io::detectFormat(dir / "missing.xyz"), io::FileFormat::Unknown);
}
