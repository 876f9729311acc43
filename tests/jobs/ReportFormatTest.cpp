// toJson / toText on hand-built reports: no file reading involved.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stratum/jobs/StudyReport.h"

using namespace stratum;
using jobs::StudyReport;
using nlohmann::json;

namespace {

StudyReport sampleDicomReport() {
    StudyReport r;
    r.path = "/data/study";
    r.format = "DICOM folder";
    r.filesScanned = 12;
    r.dicomFiles = 10;
    jobs::SeriesSummary s;
    s.uid = "1.2.3.4.5";
    s.subSeries = 0;
    s.number = "7";
    s.modality = "CT";
    s.description = "Thorax 1.0 B31f";
    s.bodyPart = "CHEST";
    s.files = 10;
    s.frames = 9;
    s.grid.size = {512, 384, 10};
    s.grid.spacing = {0.1, 1.0 / 3.0, 2.5};  // not exact in binary: must still round-trip
    s.grid.origin = {-249.51171875, -0.0, 1e-300};
    s.grid.direction = core::Mat3::fromColumns({1, 0, 0}, {0, 0.6, 0.8}, {0, -0.8, 0.6});
    s.grid.orientation = "LSP";
    s.grid.plane = "oblique";
    s.hasPatientGeometry = true;
    s.sortedByPosition = true;
    s.pixelType = "int16";
    s.components = 1;
    s.bitsStored = 12;
    s.photometric = "MONOCHROME2";
    s.transferSyntaxes = {{"1.2.840.10008.1.2.1", "Explicit VR Little Endian"}, {"1.2.9", "1.2.9"}};
    s.warnings = {{"/data/study/IM5", "duplicate slice position; file ignored"}};
    jobs::StudySummary st;
    st.uid = "1.2.3";
    st.id = "S1";
    st.date = "20240131";
    st.time = "101500";
    st.description = "CT Thorax";
    st.accessionNumber = "A42";
    st.series.push_back(s);
    jobs::PatientSummary p;
    p.name = "Doe^Jane";
    p.id = "P-001";
    p.birthDate = "19700101";
    p.sex = "F";
    p.studies.push_back(st);
    r.patients.push_back(p);
    r.warnings = {{"/data/study/notes.txt", "not a DICOM file"}, {"", "no path"}, {"/data/study2/x", "elsewhere"}};
    return r;
}

StudyReport sampleImageReport() {
    StudyReport r;
    r.path = "/data/brain.nii.gz";
    r.format = "NIfTI";
    jobs::ImageSummary image;
    image.path = r.path;
    image.format = "NIfTI";
    image.grid.size = {181, 217, 181};
    image.grid.spacing = {1, 1, 1};
    image.grid.origin = {90, 126, -72};
    image.grid.direction = core::Mat3::fromColumns({-1, 0, 0}, {0, -1, 0}, {0, 0, 1});
    image.grid.orientation = "RAS";
    image.grid.plane = "axial";
    image.components = 1;
    image.pixelType = "uint8";
    image.minValue = 0;
    image.maxValue = 255;
    r.images.push_back(image);
    return r;
}

std::vector<double> doubles(const json& array) { return array.get<std::vector<double>>(); }

}  // namespace

TEST(ReportJson, DicomReportRoundTripsWithExactValues) {
    const StudyReport r = sampleDicomReport();
    const json j = json::parse(jobs::toJson(r));

    EXPECT_EQ(j["schemaVersion"], jobs::kStudyReportSchemaVersion);
    EXPECT_EQ(j["path"], "/data/study");
    EXPECT_EQ(j["format"], "DICOM folder");
    EXPECT_EQ(j["filesScanned"], 12);
    EXPECT_EQ(j["dicomFiles"], 10);
    ASSERT_TRUE(j["images"].is_array());
    EXPECT_TRUE(j["images"].empty());
    ASSERT_EQ(j["patients"].size(), 1u);

    const json& p = j["patients"][0];
    EXPECT_EQ(p["name"], "Doe^Jane");
    EXPECT_EQ(p["id"], "P-001");
    EXPECT_EQ(p["birthDate"], "19700101");
    EXPECT_EQ(p["sex"], "F");
    ASSERT_EQ(p["studies"].size(), 1u);
    const json& st = p["studies"][0];
    EXPECT_EQ(st["uid"], "1.2.3");
    EXPECT_EQ(st["id"], "S1");
    EXPECT_EQ(st["date"], "20240131");
    EXPECT_EQ(st["time"], "101500");
    EXPECT_EQ(st["description"], "CT Thorax");
    EXPECT_EQ(st["accessionNumber"], "A42");
    ASSERT_EQ(st["series"].size(), 1u);

    const json& s = st["series"][0];
    const jobs::SeriesSummary& want = r.patients[0].studies[0].series[0];
    EXPECT_EQ(s["uid"], "1.2.3.4.5");
    EXPECT_EQ(s["subSeries"], 0);
    EXPECT_EQ(s["number"], "7");
    EXPECT_EQ(s["modality"], "CT");
    EXPECT_EQ(s["description"], "Thorax 1.0 B31f");
    EXPECT_EQ(s["bodyPart"], "CHEST");
    EXPECT_EQ(s["files"], 10);
    EXPECT_EQ(s["frames"], 9);
    EXPECT_EQ(s["size"], json::array({512, 384, 10}));
    // Exact: the JSON text must parse back to the very same doubles.
    EXPECT_EQ(doubles(s["spacing"]), std::vector<double>(want.grid.spacing.begin(), want.grid.spacing.end()));
    EXPECT_EQ(doubles(s["origin"]), std::vector<double>(want.grid.origin.begin(), want.grid.origin.end()));
    ASSERT_EQ(s["direction"].size(), 3u);
    for (int c = 0; c < 3; ++c) {
        const core::Vec3 column = want.grid.direction.column(c);
        EXPECT_EQ(doubles(s["direction"][c]), std::vector<double>(column.begin(), column.end())) << c;
    }
    EXPECT_EQ(s["orientation"], "LSP");
    EXPECT_EQ(s["plane"], "oblique");
    EXPECT_EQ(s["hasPatientGeometry"], true);
    EXPECT_EQ(s["sortedByPosition"], true);
    EXPECT_EQ(s["pixelType"], "int16");
    EXPECT_EQ(s["components"], 1);
    EXPECT_EQ(s["bitsStored"], 12);
    EXPECT_EQ(s["photometric"], "MONOCHROME2");
    ASSERT_EQ(s["transferSyntaxes"].size(), 2u);
    EXPECT_EQ(s["transferSyntaxes"][0]["uid"], "1.2.840.10008.1.2.1");
    EXPECT_EQ(s["transferSyntaxes"][0]["name"], "Explicit VR Little Endian");
    ASSERT_EQ(s["warnings"].size(), 1u);
    EXPECT_EQ(s["warnings"][0]["path"], "/data/study/IM5");
    EXPECT_EQ(s["warnings"][0]["message"], "duplicate slice position; file ignored");

    ASSERT_EQ(j["warnings"].size(), 3u);
    EXPECT_EQ(j["warnings"][0]["path"], "/data/study/notes.txt");
    EXPECT_EQ(j["warnings"][0]["message"], "not a DICOM file");
    EXPECT_EQ(j["warnings"][1]["path"], "");
}

TEST(ReportJson, NumberArraysAreOnOneLine) {
    StudyReport r = sampleImageReport();
    r.images[0].path = "/data/[1,\n 2]\"x\".nii";  // brackets in strings stay as they are
    const std::string text = jobs::toJson(r);
    EXPECT_NE(text.find("\"size\": [181, 217, 181],"), std::string::npos) << text;
    EXPECT_NE(text.find("\"direction\": [\n"), std::string::npos) << text;
    EXPECT_NE(text.find("[-1.0, 0.0, 0.0],"), std::string::npos) << text;
    EXPECT_NE(text.find("\"patients\": [],"), std::string::npos) << text;
    EXPECT_EQ(json::parse(text)["images"][0]["path"], r.images[0].path);
}

TEST(ReportJson, ImageReportHasTheImageFields) {
    const json j = json::parse(jobs::toJson(sampleImageReport()));
    EXPECT_TRUE(j["patients"].empty());
    ASSERT_EQ(j["images"].size(), 1u);
    const json& image = j["images"][0];
    EXPECT_EQ(image["path"], "/data/brain.nii.gz");
    EXPECT_EQ(image["format"], "NIfTI");
    EXPECT_EQ(image["modality"], "");
    EXPECT_EQ(image["size"], json::array({181, 217, 181}));
    EXPECT_EQ(doubles(image["spacing"]), (std::vector<double>{1, 1, 1}));
    EXPECT_EQ(doubles(image["origin"]), (std::vector<double>{90, 126, -72}));
    EXPECT_EQ(doubles(image["direction"][0]), (std::vector<double>{-1, 0, 0}));
    EXPECT_EQ(image["orientation"], "RAS");
    EXPECT_EQ(image["plane"], "axial");
    EXPECT_EQ(image["components"], 1);
    EXPECT_EQ(image["pixelType"], "uint8");
    EXPECT_EQ(image["min"], 0.0);
    EXPECT_EQ(image["max"], 255.0);
    EXPECT_TRUE(j["warnings"].empty());
}

TEST(ReportJson, InvalidUtf8IsReplacedNotThrown) {
    StudyReport r = sampleDicomReport();
    r.patients[0].name = "M\xFCller^Hans";  // ISO-8859-1 bytes, as some files hold
    std::string text;
    ASSERT_NO_THROW(text = jobs::toJson(r));
    const json j = json::parse(text);
    EXPECT_EQ(j["patients"][0]["name"], "M\xEF\xBF\xBDller^Hans");  // U+FFFD
}

TEST(ReportText, ShowsTheSeriesFieldsAligned) {
    const std::string text = jobs::toText(sampleDicomReport());
    EXPECT_NE(text.find("/data/study: DICOM folder, 12 files (10 DICOM), 1 patient, 1 study, 1 series"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("Patient Doe^Jane  ID P-001"), std::string::npos) << text;
    EXPECT_NE(text.find("Study 2024-01-31  CT Thorax"), std::string::npos) << text;
    EXPECT_NE(text.find("Series 7  CT  Thorax 1.0 B31f"), std::string::npos) << text;
    EXPECT_NE(text.find("      Size             512 x 384 x 10 voxels\n"), std::string::npos) << text;
    EXPECT_NE(text.find("      Spacing          0.1 x 0.333333 x 2.5 mm\n"), std::string::npos) << text;
    EXPECT_NE(text.find("      Orientation      LSP (oblique)\n"), std::string::npos) << text;
    EXPECT_NE(text.find("      Files            10 (9 frames, sorted by position)\n"), std::string::npos) << text;
    EXPECT_NE(text.find("int16, 1 component, 12 bits stored, MONOCHROME2"), std::string::npos) << text;
    EXPECT_NE(text.find("Explicit VR Little Endian (1.2.840.10008.1.2.1)"), std::string::npos) << text;
    // Paths below the report's folder are shown relative to it.
    EXPECT_NE(text.find("      Warning          IM5: duplicate slice position"), std::string::npos) << text;
    EXPECT_NE(text.find("Warnings (3)\n  notes.txt: not a DICOM file\n  no path\n  /data/study2/x: elsewhere\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.back(), '\n');
}

TEST(ReportText, SaysWhenASeriesHasNoPatientGeometry) {
    StudyReport r = sampleDicomReport();
    r.patients[0].studies[0].series[0].hasPatientGeometry = false;
    const std::string text = jobs::toText(r);
    EXPECT_NE(text.find("      Geometry         none in the files"), std::string::npos) << text;
    EXPECT_EQ(text.find("Orientation"), std::string::npos) << text;
    EXPECT_EQ(text.find("Origin"), std::string::npos) << text;
}

TEST(ReportText, ShowsTheImageFields) {
    const std::string text = jobs::toText(sampleImageReport());
    EXPECT_NE(text.find("  Size             181 x 217 x 181 voxels\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  Orientation      RAS (axial)\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  Value range      0 .. 255\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("Modality"), std::string::npos) << text;  // empty fields are left out
}

TEST(ReportText, SaysWhenNothingWasFound) {
    StudyReport r;
    r.path = "/empty";
    r.format = "DICOM folder";
    EXPECT_TRUE(r.empty());
    EXPECT_NE(jobs::toText(r).find("No images found."), std::string::npos);
}
