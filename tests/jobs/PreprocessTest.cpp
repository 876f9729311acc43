// The preprocessing registry, the chain parser, applyChain and preprocessFile.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "TestData.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/Preprocess.h"
#include "stratum/processing/Median.h"
#include "stratum/processing/Morphology.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

core::Image volume() {
    core::Geometry g;
    g.size = {20, 16, 6};
    g.spacing = {0.8, 0.8, 2.5};
    g.origin = {-3, 4, 10};
    core::Image image(core::PixelType::Int16, 1, g);
    auto p = image.pixels<std::int16_t>();
    for (std::size_t i = 0; i < p.size(); ++i)
        p[i] = static_cast<std::int16_t>((i * 7919) % 2000 - 500);
    return image;
}

std::vector<std::string> argv(std::initializer_list<const char*> a) {
    return {a.begin(), a.end()};
}

}  // namespace

TEST(PreprocessRegistry, EveryOperationDescribesItself) {
    std::set<std::string> names;
    for (const jobs::OperationSpec& op : jobs::preprocessOperations()) {
        EXPECT_TRUE(names.insert(op.name).second) << "duplicate " << op.name;
        EXPECT_FALSE(op.summary.empty()) << op.name;
        EXPECT_FALSE(op.group.empty()) << op.name;
        EXPECT_TRUE(op.run) << op.name;
        EXPECT_EQ(op.example.rfind("--" + op.name, 0), 0u) << op.name << ": " << op.example;
        for (const jobs::ParamSpec& p : op.params) {
            EXPECT_FALSE(p.help.empty()) << op.name << " " << p.name;
            EXPECT_TRUE(p.required || !p.defaultValue.empty() || p.kind == jobs::ParamKind::Path)
                << op.name << " " << p.name << " has neither a default nor required";
            if (p.kind == jobs::ParamKind::Choice) {
                EXPECT_FALSE(p.choices.empty());
                EXPECT_NE(std::find(p.choices.begin(), p.choices.end(), p.defaultValue),
                          p.choices.end());
            }
        }
        // Each example parses, and every default is valid.
        const std::string value =
            op.example.size() > op.name.size() + 3 ? op.example.substr(op.name.size() + 3) : "";
        EXPECT_NO_THROW(jobs::parseStep(op.name, value)) << op.example;
    }
    for (const char* expected : {"median",       "erode",          "dilate",          "open",
                                 "close",        "binary-erode",   "binary-dilate",   "fill-holes",
                                 "keep-largest", "remove-islands", "components",      "threshold",
                                 "otsu",         "window",         "clahe",           "histeq",
                                 "minmax",       "zscore",         "percentile-clip", "ct-window",
                                 "gaussian",     "resample",       "resample-size",   "gradient"})
        EXPECT_TRUE(names.count(expected)) << expected;
    const std::string help = jobs::preprocessHelp();
    for (const std::string& n : names) EXPECT_NE(help.find("--" + n), std::string::npos) << n;
}

TEST(PreprocessParser, PositionalNamedAndDefaults) {
    const jobs::PreprocessStep a = jobs::parseStep("median", "2");
    EXPECT_EQ(a.args.vector("radius"), (std::vector<double>{2, 2, 2}));
    const jobs::PreprocessStep b = jobs::parseStep("median", "2,1,0");
    EXPECT_EQ(b.args.vector("radius"), (std::vector<double>{2, 1, 0}));
    const jobs::PreprocessStep c = jobs::parseStep("binary-erode", "3:cross:foreground=255");
    EXPECT_EQ(c.args.choice("shape"), "cross");
    EXPECT_EQ(c.args.number("foreground"), 255.0);
    EXPECT_EQ(c.args.number("background"), 0.0);  // default
    const jobs::PreprocessStep d = jobs::parseStep("close", "shape=box:2");
    EXPECT_EQ(d.args.choice("shape"), "box");
    EXPECT_EQ(d.args.vector("radius"), (std::vector<double>{2, 2, 2}));
    const jobs::PreprocessStep e = jobs::parseStep("erode", "");
    EXPECT_EQ(e.text(), "erode radius=1,1,1 shape=ball");
    EXPECT_EQ(jobs::parseStep("ct-window", "-600:1500").args.number("center"), -600.0);
}

TEST(PreprocessParser, BadValuesNameTheOperationAndParameter) {
    auto message = [](const std::string& op, const std::string& value) {
        try {
            jobs::parseStep(op, value);
        } catch (const core::InvalidArgument& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(message("median", "-1"), "--median: radius -1 is outside 0..255");
    EXPECT_EQ(message("median", "1,2"),
              "--median: radius needs 1 or 3 comma-separated numbers, not '1,2'");
    EXPECT_EQ(message("median", "1.5"), "--median: radius '1.5' is not a whole number");
    EXPECT_EQ(message("erode", "1:disc"), "--erode: shape 'disc' is not one of ball, box, cross");
    EXPECT_EQ(message("threshold", "5"),
              "--threshold: upper is required (e.g. --threshold 200:3000)");
    EXPECT_EQ(message("gaussian", "abc"), "--gaussian: sigma 'abc' is not a number");
    EXPECT_EQ(message("clahe", "8:0.01:256:9"), "--clahe: too many parameters in '8:0.01:256:9'");
    EXPECT_EQ(message("clahe", "size=3"), "--clahe: no parameter 'size'");
    EXPECT_EQ(message("frobnicate", ""),
              "unknown operation 'frobnicate' (stratum preprocess --help lists them)");
}

TEST(PreprocessParser, ChainKeepsOrderAndLeavesTheRest) {
    std::vector<std::string> rest;
    const auto args = argv({"in.nii", "--median", "1", "--close=2:box", "--fill-holes", "out.nii",
                            "--otsu", "--resample", "1", "--verbose"});
    const jobs::PreprocessChain chain = jobs::parseChain(args, &rest);
    ASSERT_EQ(chain.size(), 5u);
    EXPECT_EQ(chain[0].operation->name, "median");
    EXPECT_EQ(chain[1].text(), "close radius=2,2,2 shape=box");
    EXPECT_EQ(chain[2].operation->name, "fill-holes");  // "out.nii" is not a value
    EXPECT_EQ(chain[3].operation->name, "otsu");
    EXPECT_EQ(chain[4].args.vector("spacing"), (std::vector<double>{1, 1, 1}));
    EXPECT_EQ(rest, argv({"in.nii", "out.nii", "--verbose"}));
    EXPECT_THROW(jobs::parseChain(argv({"--median", "1", "stray"})), core::InvalidArgument);
}

TEST(PreprocessChain, RunsStepsInOrderAsTheLibraryDoes) {
    const core::Image img = volume();
    const jobs::PreprocessChain chain =
        jobs::parseChain(argv({"--median", "1,1,0", "--dilate", "1:box"}));
    core::RecordingProgressSink sink;
    const jobs::ChainResult r =
        jobs::applyChain(img, chain, core::Task(&sink, core::CancelToken{}));
    const core::Image expected = processing::dilate(processing::median(img, {1, 1, 0}),
                                                    processing::StructuringElement::box({1, 1, 1}));
    ASSERT_EQ(r.image.byteSize(), expected.byteSize());
    EXPECT_EQ(std::memcmp(r.image.data(), expected.data(), expected.byteSize()), 0);
    ASSERT_EQ(r.log.size(), 2u);
    EXPECT_EQ(r.log[0].rfind("median radius=1,1,0: 20x16x6 int16, values ", 0), 0u) << r.log[0];
    EXPECT_EQ(r.log[1].rfind("dilate radius=1,1,1 shape=box: ", 0), 0u) << r.log[1];
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 1.0);
    // The input is untouched.
    EXPECT_EQ(std::memcmp(img.data(), volume().data(), img.byteSize()), 0);
}

TEST(PreprocessChain, CancelStopsTheChain) {
    core::CancelToken token;
    token.cancel();
    const jobs::PreprocessChain chain = jobs::parseChain(argv({"--median", "1"}));
    EXPECT_THROW(jobs::applyChain(volume(), chain, core::Task(token)), core::Cancelled);
}

TEST(PreprocessFile, WritesTheResultAndRefusesToOverwriteTheInput) {
    test::TempDir dir;
    const fs::path in = dir / "in.nrrd", out = dir / "out.nii.gz";
    io::writeImage(volume(), in);
    const jobs::PreprocessChain chain = jobs::parseChain(argv({"--threshold", "0:2000:255"}));
    const jobs::PreprocessResult r = jobs::preprocessFile(in, out, chain);
    const core::Image back = io::readImage(out).image;
    EXPECT_EQ(back.pixelType(), core::PixelType::UInt8);
    EXPECT_TRUE(back.geometry().approxEqual(volume().geometry()));
    for (std::size_t i = 0; i < back.voxelCount(); ++i)
        ASSERT_EQ(back.data<std::uint8_t>()[i], volume().data<std::int16_t>()[i] >= 0 ? 255 : 0);
    EXPECT_THROW(jobs::preprocessFile(in, in, chain), core::InvalidArgument);
    EXPECT_THROW(jobs::preprocessFile(in, out, {}), core::InvalidArgument);
    EXPECT_THROW(jobs::preprocessFile(dir / "missing.nrrd", out, chain), core::IoError);
    // A failed step leaves no output behind.
    const fs::path never = dir / "never.nrrd";
    EXPECT_THROW(jobs::preprocessFile(in, never, jobs::parseChain(argv({"--clahe", "100"}))),
                 core::InvalidArgument);
    EXPECT_FALSE(fs::exists(never));
}
