// The `stratum` executable, run as a subprocess: exit codes, stdout, stderr.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "Subprocess.h"
#include "TestData.h"

using namespace stratum::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

ProcessResult runStratum(const std::vector<std::string>& args) { return runProcess(STRATUM_CLI_PATH, args); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Exit status 1 and exactly one line on stderr: "stratum: error: ...<mention>...".
void expectOneErrorLine(const ProcessResult& r, const std::string& mention) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    const std::vector<std::string> lines = r.errLines();
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(lines[0].rfind("stratum: error: ", 0), 0u) << lines[0];
    EXPECT_TRUE(contains(lines[0], mention)) << lines[0] << " does not name " << mention;
}

void expectUsageError(const ProcessResult& r, const std::string& message) {
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(r.err.rfind("stratum: " + message + "\n", 0), 0u) << r.err;
    EXPECT_TRUE(contains(r.err, "usage: stratum")) << r.err;
}

json infoJson(const fs::path& path) {
    const ProcessResult r = runStratum({"info", path.string(), "--json"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    return json::parse(r.out);
}

fs::path colin27() { return mricron() / "ch2.nii.gz"; }
fs::path transferSyntaxes() { return sharedData() / "dicom/transfer_syntaxes/In"; }

}  // namespace

TEST(Cli, Version) {
    const ProcessResult r = runStratum({"--version"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.out, "stratum " STRATUM_EXPECTED_VERSION "\n");
    EXPECT_TRUE(r.err.empty());
}

TEST(Cli, HelpGoesToStdout) {
    for (const std::string flag : {"--help", "-h", "help"}) {
        const ProcessResult r = runStratum({flag});
        EXPECT_EQ(r.exitCode, 0) << flag;
        EXPECT_TRUE(contains(r.out, "usage: stratum")) << flag;
        EXPECT_TRUE(contains(r.out, "info")) << flag;
        EXPECT_TRUE(contains(r.out, "convert")) << flag;
        EXPECT_TRUE(r.err.empty()) << flag;
    }
    const ProcessResult info = runStratum({"info", "--help"});
    EXPECT_EQ(info.exitCode, 0);
    EXPECT_EQ(info.out.rfind("usage: stratum info PATH [--json]", 0), 0u) << info.out;
    const ProcessResult convert = runStratum({"help", "convert"});
    EXPECT_EQ(convert.exitCode, 0);
    EXPECT_TRUE(contains(convert.out, "--transfer-syntax")) << convert.out;
}

TEST(Cli, UsageErrorsExitWithTwo) {
    expectUsageError(runStratum({}), "missing command");
    expectUsageError(runStratum({"frobnicate"}), "unknown command 'frobnicate'");
    expectUsageError(runStratum({"--frobnicate"}), "unknown option '--frobnicate'");
    expectUsageError(runStratum({"info"}), "info: missing PATH");
    expectUsageError(runStratum({"info", "a", "b"}), "info: unexpected argument 'b'");
    expectUsageError(runStratum({"info", "--bogus", "a"}), "unknown option '--bogus'");
    expectUsageError(runStratum({"convert", "in.nii"}), "convert: missing OUT");
    expectUsageError(runStratum({"convert", "in.nii", "out", "--modality"}), "option --modality needs a value");
    expectUsageError(runStratum({"convert", "in.nii", "out", "--modality", "ct"}),
                     "--modality: 'ct' is not a DICOM modality code (e.g. CT, MR, DX, OT)");
    expectUsageError(runStratum({"convert", "in.nii", "out", "--transfer-syntax", "jpeg2000"}),
                     "--transfer-syntax: unknown transfer syntax 'jpeg2000'");
}

TEST(Cli, MissingPathIsOneErrorLineNamingIt) {
    const std::string missing = "/nonexistent/stratum/volume.nii.gz";
    const ProcessResult info = runStratum({"info", missing});
    expectOneErrorLine(info, missing);
    EXPECT_EQ(info.err, "stratum: error: " + missing + ": does not exist\n");
    EXPECT_TRUE(info.out.empty());
    TempDir dir;
    expectOneErrorLine(runStratum({"convert", missing, (dir / "out.nrrd").string()}), missing);
    EXPECT_FALSE(fs::exists(dir / "out.nrrd"));
}

TEST(Cli, UnreadableFileIsOneErrorLineNamingIt) {
    TempDir dir;
    const fs::path notes = dir / "notes.txt";
    std::ofstream(notes) << "not an image\n";
    expectOneErrorLine(runStratum({"info", notes.string()}), notes.string());
}

TEST(Cli, EmptyFolderReportsNoImagesAndFails) {
    TempDir dir;
    const ProcessResult r = runStratum({"info", dir.path().string()});
    expectOneErrorLine(r, dir.path().string());
    EXPECT_TRUE(contains(r.err, "no images found")) << r.err;
    EXPECT_TRUE(contains(r.out, "No images found.")) << r.out;
}

TEST(Cli, InfoOnTheTransferSyntaxFiles) {
    STRATUM_REQUIRE_DATA(transferSyntaxes());
    const ProcessResult r = runStratum({"info", transferSyntaxes().string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;  // no progress line when stderr is not a terminal
    EXPECT_TRUE(contains(r.out, "9 files (9 DICOM), 1 patient, 1 study")) << r.out;
    EXPECT_TRUE(contains(r.out, "Patient stc_test  ID crlab")) << r.out;
    EXPECT_TRUE(contains(r.out, "Study 2014-03-10  Research^MCBI_TESTING")) << r.out;
    EXPECT_TRUE(contains(r.out, "MR  ax_asc_35sl")) << r.out;
    EXPECT_TRUE(contains(r.out, "384 x 384 x ")) << r.out;
    EXPECT_TRUE(contains(r.out, "3.25 x 3.25 x ")) << r.out;
    EXPECT_TRUE(contains(r.out, "RLE Lossless (1.2.840.10008.1.2.5)")) << r.out;
}

TEST(Cli, InfoJsonOnTheTransferSyntaxFiles) {
    STRATUM_REQUIRE_DATA(transferSyntaxes());
    const json j = infoJson(transferSyntaxes());
    EXPECT_EQ(j["path"], transferSyntaxes().string());
    EXPECT_EQ(j["dicomFiles"], 9);
    EXPECT_TRUE(j["images"].empty());
    ASSERT_EQ(j["patients"].size(), 1u);
    const json& patient = j["patients"][0];
    EXPECT_EQ(patient["name"], "stc_test");
    EXPECT_EQ(patient["id"], "crlab");
    ASSERT_EQ(patient["studies"].size(), 1u);
    const json& study = patient["studies"][0];
    EXPECT_EQ(study["uid"], "1.3.12.2.1107.5.2.32.35131.30000014022817282751500000052");
    EXPECT_EQ(study["date"], "20140310");
    EXPECT_EQ(study["description"], "Research^MCBI_TESTING");
    ASSERT_FALSE(study["series"].empty());
    int files = 0;
    for (const json& s : study["series"]) {
        // One slice saved nine times: every file carries the same series UID.
        EXPECT_EQ(s["uid"], "1.3.12.2.1107.5.2.32.35131.2014031012481958900586557.0.0.0");
        EXPECT_EQ(s["modality"], "MR");
        EXPECT_EQ(s["description"], "ax_asc_35sl");
        EXPECT_EQ(s["size"][0], 384);
        EXPECT_EQ(s["size"][1], 384);
        EXPECT_EQ(s["spacing"][0], 3.25);
        EXPECT_EQ(s["spacing"][1], 3.25);
        EXPECT_EQ(s["pixelType"], "uint16");
        files += s["files"].get<int>();
    }
    EXPECT_EQ(files, 9);
}

TEST(Cli, InfoOnANiftiVolume) {
    STRATUM_REQUIRE_DATA(colin27());
    const ProcessResult r = runStratum({"info", colin27().string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "181 x 217 x 181 voxels")) << r.out;
    EXPECT_TRUE(contains(r.out, "1 x 1 x 1 mm")) << r.out;
    const json j = infoJson(colin27());
    ASSERT_EQ(j["images"].size(), 1u);
    EXPECT_EQ(j["images"][0]["size"], json::array({181, 217, 181}));
    EXPECT_TRUE(j["patients"].empty());
}

TEST(Cli, ConvertNiftiToNrrdKeepsSizeAndSpacing) {
    STRATUM_REQUIRE_DATA(colin27());
    TempDir dir;
    const fs::path out = dir / "colin27.nrrd";
    const ProcessResult r = runStratum({"convert", colin27().string(), out.string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "wrote " + out.string())) << r.out;
    ASSERT_TRUE(fs::exists(out));

    const json before = infoJson(colin27())["images"][0];
    const json after = infoJson(out)["images"][0];
    EXPECT_EQ(after["size"], before["size"]);
    for (int a = 0; a < 3; ++a) {
        EXPECT_NEAR(after["spacing"][a].get<double>(), before["spacing"][a].get<double>(), 1e-6);
        EXPECT_NEAR(after["origin"][a].get<double>(), before["origin"][a].get<double>(), 1e-4);
    }
    EXPECT_EQ(after["orientation"], before["orientation"]);
    EXPECT_EQ(after["min"], before["min"]);
    EXPECT_EQ(after["max"], before["max"]);
}

TEST(Cli, ConvertNiftiToADicomSeries) {
    STRATUM_REQUIRE_DATA(colin27());
    TempDir dir;
    const fs::path out = dir / "colin27-dicom";
    const ProcessResult r = runStratum({"convert", colin27().string(), out.string(), "--modality", "MR",
                                     "--series-description", "Colin27 T1", "--patient-name", "Colin^Test",
                                     "--patient-id", "CLI-1"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "181 files")) << r.out;

    const json j = infoJson(out);
    ASSERT_EQ(j["patients"].size(), 1u);
    EXPECT_EQ(j["patients"][0]["name"], "Colin^Test");
    EXPECT_EQ(j["patients"][0]["id"], "CLI-1");
    ASSERT_EQ(j["patients"][0]["studies"].size(), 1u);
    const json& series = j["patients"][0]["studies"][0]["series"];
    ASSERT_EQ(series.size(), 1u);
    EXPECT_EQ(series[0]["modality"], "MR");
    EXPECT_EQ(series[0]["description"], "Colin27 T1");
    EXPECT_EQ(series[0]["files"], 181);
    EXPECT_EQ(series[0]["frames"], 181);
    EXPECT_EQ(series[0]["size"], json::array({181, 217, 181}));
    EXPECT_TRUE(series[0]["warnings"].empty()) << series[0]["warnings"].dump();
}

TEST(Cli, ConvertRefusesToOverwriteItsInput) {
    TempDir dir;
    const fs::path file = dir / "volume.nrrd";
    std::ofstream(file) << "content";
    expectOneErrorLine(runStratum({"convert", file.string(), file.string()}), file.string());
    std::ifstream in(file);
    std::string content;
    in >> content;
    EXPECT_EQ(content, "content");
}

TEST(Cli, ConvertVolumeToPngIsOneErrorLineNamingTheOutput) {
    STRATUM_REQUIRE_DATA(colin27());
    TempDir dir;
    const fs::path out = dir / "colin27.png";
    expectOneErrorLine(runStratum({"convert", colin27().string(), out.string()}), out.string());
    EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, DicomOptionsForANonDicomOutputAreAnError) {
    STRATUM_REQUIRE_DATA(colin27());
    TempDir dir;
    const fs::path out = dir / "colin27.nii";
    expectOneErrorLine(runStratum({"convert", colin27().string(), out.string(), "--modality", "MR"}),
                       out.string());
    EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, TruncatedDicomIsOneErrorLineNamingTheFile) {
    const fs::path truncated = pydicomFiles() / "MR_truncated.dcm";
    STRATUM_REQUIRE_DATA(truncated);
    TempDir dir;
    const ProcessResult r = runStratum({"convert", truncated.string(), (dir / "out.nrrd").string()});
    expectOneErrorLine(r, truncated.string());
    EXPECT_FALSE(fs::exists(dir / "out.nrrd"));
}

TEST(Cli, CtrlCCancelsAConversionCleanly) {
    STRATUM_REQUIRE_DATA(colin27());
    TempDir dir;
    const fs::path out = dir / "series";
    const pid_t pid = startProcess(STRATUM_CLI_PATH, {"convert", colin27().string(), out.string()},
                                   dir / "stdout", dir / "stderr");
    // Interrupt once writing has begun (the atomic writer's temporary folder appears).
    const auto writing = [&] {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++n;
        return n > 2;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!writing() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    ::kill(pid, SIGINT);
    const int status = waitProcess(pid);
    if (status == 0) GTEST_SKIP() << "the conversion finished before the interrupt";
    EXPECT_EQ(status, 130);
    std::ifstream err(dir / "stderr");
    std::string line;
    std::getline(err, line);
    EXPECT_EQ(line, "stratum: cancelled");
    EXPECT_FALSE(fs::exists(out));
    // Atomic writing leaves nothing behind: only the captured stdout and stderr remain.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
    EXPECT_EQ(entries, 2u);
}

TEST(Cli, InfoOnTheBundledDemoStudy) {
    const fs::path demo = buildDir() / "demo";
    STRATUM_REQUIRE_DATA(demo / "colin27-t1");
    const json j = infoJson(demo);
    EXPECT_EQ(j["patients"].size(), 2u);
    EXPECT_TRUE(j["warnings"].empty()) << j["warnings"].dump();
}
