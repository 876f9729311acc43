// Truncated and bit-flipped copies of real files must load or raise core::Error, never
// crash or hang.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "DicomTestSupport.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

// Returns true when it loaded, false when it raised a core::Error (anything else fails).
bool loadsOrThrowsError(const std::filesystem::path& file) {
    try {
        const core::Image img = io::loadDicomFile(file);
        EXPECT_FALSE(img.empty());
        return true;
    } catch (const core::Error&) {
        return false;
    }
}

std::vector<std::filesystem::path> fuzzSources() {
    std::vector<std::filesystem::path> out;
    for (const auto& p :
         {test::transferSyntaxFile(1), test::transferSyntaxFile(7),
          test::pydicomFile("CT_small.dcm"), test::pydicomFile("MR_small_RLE.dcm"),
          test::pydicomFile("MR_small_jpeg_ls_lossless.dcm"),
          test::pydicomFile("SC_rgb_jpeg_dcmtk.dcm"), test::pydicomFile("rtdose.dcm")})
        if (std::filesystem::exists(p)) out.push_back(p);
    return out;
}

}  // namespace

TEST(DicomRobustness, TruncatedFilesNeverCrash) {
    const auto sources = fuzzSources();
    if (sources.empty()) GTEST_SKIP() << "no DICOM test files found";
    test::TempDir dir;
    int loaded = 0, rejected = 0;
    for (const auto& src : sources) {
        const std::vector<char> bytes = test::readBytes(src);
        // Cut points through the preamble, the header and the pixel data.
        std::vector<std::size_t> cuts = {0,   1,   100, 128, 131,  132, 140,
                                         200, 300, 500, 800, 1200, 2000};
        for (int n = 1; n < 24; ++n) cuts.push_back(bytes.size() * n / 24);
        cuts.push_back(bytes.size() - 1);
        for (std::size_t cut : cuts) {
            if (cut >= bytes.size()) continue;
            SCOPED_TRACE(src.filename().string() + " cut at " + std::to_string(cut));
            const auto file = dir / "cut.dcm";
            test::writeBytes(
                file,
                std::vector<char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)));
            (loadsOrThrowsError(file) ? loaded : rejected)++;
            try {
                io::scanDicom(dir.path());
            } catch (const core::Error&) {
            }
        }
    }
    EXPECT_GT(rejected, 0);
}

TEST(DicomRobustness, BitFlippedFilesNeverCrash) {
    const auto sources = fuzzSources();
    if (sources.empty()) GTEST_SKIP() << "no DICOM test files found";
    test::TempDir dir;
    std::mt19937 rng(20240501);
    const auto start = std::chrono::steady_clock::now();
    int variants = 0;
    for (const auto& src : sources) {
        const std::vector<char> original = test::readBytes(src);
        for (int v = 0; v < 50; ++v, ++variants) {
            std::vector<char> bytes = original;
            // Flip a few bits, mostly in the header where the structure lives.
            const int flips = 1 + static_cast<int>(rng() % 8);
            for (int f = 0; f < flips; ++f) {
                const std::size_t limit =
                    rng() % 4 == 0 ? bytes.size() : std::min<std::size_t>(bytes.size(), 2048);
                bytes[rng() % limit] ^= static_cast<char>(1u << (rng() % 8));
            }
            SCOPED_TRACE(src.filename().string() + " variant " + std::to_string(v));
            const auto file = dir / "flipped.dcm";
            test::writeBytes(file, bytes);
            loadsOrThrowsError(file);
        }
    }
    EXPECT_GE(variants, 200);
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              20.0);
}

TEST(DicomRobustness, InputFilesAreNotModified) {
    const auto src = test::pydicomFile("CT_small.dcm");
    STRATUM_REQUIRE_DATA(src);
    const auto before = std::filesystem::last_write_time(src);
    const std::vector<char> bytes = test::readBytes(src);
    io::loadDicomFile(src);
    io::scanDicom(src);
    EXPECT_EQ(std::filesystem::last_write_time(src), before);
    EXPECT_EQ(test::readBytes(src), bytes);
}
