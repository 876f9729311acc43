// `stratum preprocess`, run as a subprocess: help, chains, output, errors.
#include <gtest/gtest.h>

#include <cstring>

#include "Subprocess.h"
#include "TestData.h"
#include "stratum/io/ImageIO.h"
#include "stratum/processing/Contrast.h"
#include "stratum/processing/Median.h"

using namespace stratum;
using namespace stratum::test;
namespace fs = std::filesystem;

namespace {

ProcessResult runStratum(const std::vector<std::string>& args) {
    return runProcess(STRATUM_CLI_PATH, args);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

fs::path chestXray() {
    return resources() / "samples" / "chest-xray" / "NORMAL" / "IM-0115-0001.jpeg";
}

}  // namespace

TEST(PreprocessCli, HelpListsEveryOperationWithItsParameters) {
    const ProcessResult r = runStratum({"preprocess", "--help"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty());
    for (const char* op :
         {"--median [radius]", "--close [radius[:shape]]", "--clahe [tiles[:clip[:bins]]]",
          "--threshold lower:upper[:inside[:outside]]", "--resample spacing[:interpolation]",
          "--fill-holes", "--zscore", "--otsu"})
        EXPECT_TRUE(contains(r.out, op)) << op;
    EXPECT_TRUE(contains(r.out, "shape (ball|box|cross, default ball)"));
    const ProcessResult main = runStratum({"--help"});
    EXPECT_TRUE(contains(main.out, "preprocess"));
}

TEST(PreprocessCli, AppliesTheChainInOrderAndPrintsWhatItDid) {
    STRATUM_REQUIRE_DATA(chestXray());
    TempDir dir;
    const fs::path out = dir / "out.png";
    const ProcessResult r = runStratum(
        {"preprocess", chestXray().string(), out.string(), "--median", "2,2,0", "--clahe=4:0.02"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_TRUE(contains(r.out, "1. median radius=2,2,0: 224x224x1 uint8")) << r.out;
    EXPECT_TRUE(contains(r.out, "2. clahe tiles=4,4 clip=0.02 bins=256: ")) << r.out;
    EXPECT_TRUE(contains(r.out, "wrote " + out.string())) << r.out;
    // The file holds what the library computes.
    const core::Image input = io::readImage(chestXray()).image;
    processing::ClaheOptions o;
    o.tilesX = o.tilesY = 4;
    o.clipLimit = 0.02;
    const core::Image expected = processing::clahe(processing::median(input, {2, 2, 0}), o);
    const core::Image written = io::readImage(out).image;
    ASSERT_EQ(written.byteSize(), expected.byteSize());
    EXPECT_EQ(std::memcmp(written.data(), expected.data(), expected.byteSize()), 0);
}

TEST(PreprocessCli, ErrorsAndExitCodes) {
    STRATUM_REQUIRE_DATA(chestXray());
    TempDir dir;
    const std::string in = chestXray().string();
    // Usage errors: exit 2, one message, the short usage.
    const ProcessResult badValue =
        runStratum({"preprocess", in, (dir / "o.png").string(), "--median", "-1"});
    EXPECT_EQ(badValue.exitCode, 2);
    EXPECT_EQ(badValue.err.rfind("stratum: --median: radius -1 is outside 0..255\n", 0), 0u)
        << badValue.err;
    EXPECT_TRUE(badValue.out.empty());
    EXPECT_EQ(runStratum({"preprocess", in, (dir / "o.png").string()}).exitCode,
              2);                                                       // no operation
    EXPECT_EQ(runStratum({"preprocess", in, "--median"}).exitCode, 2);  // no OUT
    EXPECT_EQ(runStratum({"preprocess", in, "a.png", "--median", "--bogus"}).exitCode,
              2);  // unknown option
    EXPECT_EQ(runStratum({"preprocess", in, "a.png", "--erode", "1:disc"}).exitCode,
              2);  // bad choice
    // Run-time errors: exit 1 naming the file; nothing written.
    const ProcessResult same = runStratum({"preprocess", in, in, "--median"});
    EXPECT_EQ(same.exitCode, 1);
    EXPECT_TRUE(contains(same.err, "the output would overwrite the input")) << same.err;
    const ProcessResult missing = runStratum(
        {"preprocess", (dir / "none.png").string(), (dir / "o.png").string(), "--median"});
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_TRUE(contains(missing.err, "none.png")) << missing.err;
    // A float result cannot be a PNG: the writer's error, and no file.
    const ProcessResult floatPng =
        runStratum({"preprocess", in, (dir / "f.png").string(), "--minmax"});
    EXPECT_EQ(floatPng.exitCode, 1);
    EXPECT_TRUE(contains(floatPng.err, "f.png")) << floatPng.err;
    EXPECT_FALSE(fs::exists(dir / "f.png"));
}
