// The 3D view's display-free logic: annotations and their values, the study file's
// exact JSON round trip, standard camera views, transfer functions, level of detail.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>

#include "stratum/app/model/AnnotationStore.h"
#include "stratum/app/model/LevelOfDetail.h"
#include "stratum/app/model/StandardView.h"
#include "stratum/app/model/TransferFunction.h"
#include "stratum/app/model/View3DFile.h"
#include "stratum/core/Error.h"

namespace stratum::app {
namespace {

Annotation landmark(core::Vec3 p, std::string name = "L") {
    Annotation a;
    a.kind = AnnotationKind::Landmark;
    a.name = std::move(name);
    a.point = p;
    return a;
}

Annotation between(AnnotationKind kind, std::vector<int> ids) {
    Annotation a;
    a.kind = kind;
    a.name = annotationKindName(kind);
    a.landmarks = std::move(ids);
    return a;
}

TEST(AnnotationStore, DistanceAndAngleFollowTheirLandmarks) {
    AnnotationStore s;
    const int a = s.add(landmark({10, 0, 0}));
    const int v = s.add(landmark({0, 0, 0}));
    const int b = s.add(landmark({0, 20, 0}));
    const int d = s.add(between(AnnotationKind::Distance, {a, b}));
    const int g = s.add(between(AnnotationKind::Angle, {a, v, b}));
    EXPECT_DOUBLE_EQ(*s.value(d), std::sqrt(500.0));
    EXPECT_DOUBLE_EQ(*s.value(g), 90.0);
    Annotation moved = *s.find(b);
    moved.point = {-10, 0, 0};  // straight angle, distance 20
    s.replace(moved);
    EXPECT_DOUBLE_EQ(*s.value(d), 20.0);
    EXPECT_NEAR(*s.value(g), 180.0, 1e-12);
    EXPECT_FALSE(s.value(a).has_value());  // a landmark has no value
}

TEST(AnnotationStore, RefusesBadReferencesAndKeepsUsedLandmarks) {
    AnnotationStore s;
    const int a = s.add(landmark({0, 0, 0}));
    const int b = s.add(landmark({1, 0, 0}));
    EXPECT_THROW(s.add(between(AnnotationKind::Distance, {a})), core::InvalidArgument);
    EXPECT_THROW(s.add(between(AnnotationKind::Distance, {a, 99})), core::InvalidArgument);
    const int d = s.add(between(AnnotationKind::Distance, {a, b}));
    EXPECT_THROW(s.add(between(AnnotationKind::Angle, {a, d, b})), core::InvalidArgument);
    EXPECT_EQ(s.dependents(a), std::vector<int>{d});
    EXPECT_THROW(s.remove(a), core::InvalidArgument);
    EXPECT_TRUE(s.remove(d));
    EXPECT_TRUE(s.remove(a));
    EXPECT_FALSE(s.remove(a));
    Annotation nan = landmark({NAN, 0, 0});
    EXPECT_THROW(s.add(nan), core::InvalidArgument);
}

TEST(AnnotationStore, PutBackKeepsIdAndOrder) {
    AnnotationStore s;
    s.add(landmark({0, 0, 0}, "L1"));
    const int two = s.add(landmark({1, 0, 0}, "L2"));
    s.add(landmark({2, 0, 0}, "L3"));
    const Annotation removed = *s.find(two);
    const AnnotationStore before = s;
    ASSERT_TRUE(s.remove(two));
    EXPECT_EQ(s.nextName(AnnotationKind::Landmark), "L2");
    s.add(removed);  // as an undo does
    EXPECT_EQ(s, before);
    EXPECT_EQ(s.nextId(), 4);
    EXPECT_THROW(s.add(removed), core::InvalidArgument);  // id in use
    EXPECT_EQ(s.nextName(AnnotationKind::Landmark), "L4");
    EXPECT_EQ(s.nextName(AnnotationKind::Note), "Note 1");
}

TEST(AnnotationStore, OnPlaneSelectsWhatLiesOnTheSlice) {
    AnnotationStore s;
    const int a = s.add(landmark({0, 0, 10.0}));
    const int b = s.add(landmark({5, 5, 10.4}));
    const int c = s.add(landmark({5, 5, 12.0}));
    const int ab = s.add(between(AnnotationKind::Distance, {a, b}));
    s.add(between(AnnotationKind::Distance, {a, c}));
    SlicePlane axial;
    axial.origin = {0, 0, 10};
    axial.normal = {0, 0, 1};
    std::vector<int> ids;
    for (const Annotation* x : s.onPlane(axial, 0.5)) ids.push_back(x->id);
    EXPECT_EQ(ids, (std::vector<int>{a, b, ab}));
    Annotation hidden = *s.find(b);
    hidden.visible = false;
    s.replace(hidden);
    EXPECT_EQ(s.onPlane(axial, 0.5).size(), 2u);  // a and the distance a-b
}

View3DFile sampleFile() {
    View3DFile f;
    f.studyKey = "1.2.840.113619.2.55.3";
    f.patientId = "P-01";
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(-300.0, 300.0);
    std::vector<int> ids;
    for (int i = 0; i < 20; ++i) {
        Annotation a = landmark({u(rng), u(rng), u(rng)}, "L" + std::to_string(i + 1));
        a.color = {static_cast<std::uint8_t>(i * 12), 7, 255};
        ids.push_back(f.annotations.add(a));
    }
    f.annotations.add(between(AnnotationKind::Distance, {ids[0], ids[5]}));
    f.annotations.add(between(AnnotationKind::Angle, {ids[1], ids[2], ids[3]}));
    Annotation note;
    note.kind = AnnotationKind::Note;
    note.name = "Note 1";
    note.text = "Resect 5 mm margin here.\n\"quoted\", ünïcode";
    note.point = {0.1, 1.0 / 3.0, -std::numbers::pi};
    note.visible = false;
    f.annotations.add(note);
    f.models.push_back({"liver", 5, "labels: seg", {200, 100, 50}, 0.35, true});
    f.models.push_back({"iso 300", 0, "iso 300", {255, 255, 255}, 1.0, false});
    f.transfer = TransferFunction::preset(VolumePreset::CtBone);
    f.transfer->shift(1.0 / 7.0);
    f.volumePreset = "CT bone";
    return f;
}

TEST(View3DFile, JsonRoundTripIsExact) {
    const View3DFile f = sampleFile();
    const View3DFile back = view3DFileFromJson(toJson(f));
    EXPECT_EQ(back, f);  // every double bit for bit, every string, id and reference
    EXPECT_EQ(*back.annotations.value(21), *f.annotations.value(21));
    const auto path = std::filesystem::temp_directory_path() / "stratum-view3d-roundtrip.json";
    writeView3DFile(f, path);
    EXPECT_EQ(readView3DFile(path), f);
    std::filesystem::remove(path);
}

TEST(View3DFile, BadFilesNameTheFileAndProblem) {
    const auto path = std::filesystem::temp_directory_path() / "stratum-view3d-bad.json";
    const auto expectFormatError = [&](const std::string& text, const std::string& part) {
        std::ofstream(path) << text;
        try {
            readView3DFile(path);
            ADD_FAILURE() << "no error for " << text;
        } catch (const core::FormatError& e) {
            EXPECT_EQ(e.path(), path.string());
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
        }
    };
    expectFormatError("{", "invalid 3D view JSON");
    expectFormatError(R"({"format":"other"})", "not a Stratum 3D view file");
    expectFormatError(R"({"format":"stratum-view3d","version":99,"annotations":[]})", "newer");
    expectFormatError(
        R"({"format":"stratum-view3d","version":1,"annotations":[{"id":1,"kind":"distance","name":"d","landmarks":[4,5]}]})",
        "is not a landmark");
    expectFormatError(
        R"({"format":"stratum-view3d","version":1,"annotations":[{"id":1,"kind":"blob","name":"x"}]})",
        "unknown annotation kind");
    expectFormatError(
        R"({"format":"stratum-view3d","version":1,"coordinates":"RAS","annotations":[]})", "RAS");
    std::filesystem::remove(path);
    EXPECT_THROW(readView3DFile(path), core::IoError);
}

TEST(StandardView, PutsTheCameraOnThePatientAxis) {
    const std::array<double, 6> bounds{-10, 30, 0, 20, 100, 160};
    const core::Vec3 centre{10, 10, 130};
    const struct {
        StandardView view;
        core::Vec3 side;  // where the camera stands, from the centre
        core::Vec3 up;
    } cases[] = {{StandardView::Anterior, {0, -1, 0}, {0, 0, 1}},
                 {StandardView::Posterior, {0, 1, 0}, {0, 0, 1}},
                 {StandardView::Left, {1, 0, 0}, {0, 0, 1}},
                 {StandardView::Right, {-1, 0, 0}, {0, 0, 1}},
                 {StandardView::Superior, {0, 0, 1}, {0, -1, 0}},
                 {StandardView::Inferior, {0, 0, -1}, {0, -1, 0}}};
    for (const auto& c : cases) {
        const CameraPose p = standardViewPose(c.view, bounds, 30.0);
        EXPECT_EQ(p.focalPoint, centre);
        const core::Vec3 d = core::operator-(p.position, p.focalPoint);
        const double dist = core::norm(d);
        // The bounding sphere (radius = half the diagonal) fits the 30 degree view angle.
        const double radius = 0.5 * std::sqrt(40.0 * 40 + 20 * 20 + 60 * 60);
        EXPECT_NEAR(dist, radius / std::sin(15.0 * std::numbers::pi / 180.0), 1e-9);
        for (int i = 0; i < 3; ++i) EXPECT_NEAR(d[i] / dist, c.side[i], 1e-15);
        EXPECT_EQ(p.viewUp, c.up);
        EXPECT_EQ(matchStandardView(p), c.view);
    }
    EXPECT_THROW(standardViewPose(StandardView::Left, {1, 0, 0, 1, 0, 1}), core::InvalidArgument);
}

TEST(StandardView, TurntableRotationReturnsAfterAFullTurn) {
    const CameraPose start = standardViewPose(StandardView::Anterior, {-50, 50, -50, 50, -50, 50});
    const CameraPose quarter = rotatePose(start, {0, 0, 1}, 90.0);
    // Anterior turned 90 degrees about superior (right-handed): the camera moves from
    // -y to +x, the patient's left.
    EXPECT_EQ(matchStandardView(quarter, 1e-6), StandardView::Left);
    CameraPose p = start;
    for (int i = 0; i < 36; ++i) p = rotatePose(p, {0, 0, 1}, 10.0);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(p.position[i], start.position[i], 1e-9);
    EXPECT_FALSE(matchStandardView(rotatePose(start, {0, 0, 1}, 30.0)).has_value());
}

TEST(TransferFunction, PresetsAndEditing) {
    const TransferFunction bone = TransferFunction::preset(VolumePreset::CtBone);
    EXPECT_EQ(bone.evaluate(-2000).opacity, 0.0);  // air: transparent
    EXPECT_EQ(bone.evaluate(100).opacity, 0.0);    // soft tissue: transparent for bone
    EXPECT_GT(bone.evaluate(1000).opacity, 0.5);   // cortical bone: opaque
    // Linear between points: halfway from (300, 0.15) to (700, 0.6).
    EXPECT_DOUBLE_EQ(bone.evaluate(500).opacity, 0.375);
    const TransferFunction angio = TransferFunction::preset(VolumePreset::CtAngiography);
    EXPECT_GT(angio.evaluate(300).opacity, bone.evaluate(300).opacity);  // contrast vessels
    IntensityStats mr;
    mr.p01 = 100;
    mr.p99 = 1100;
    const TransferFunction m = TransferFunction::preset(VolumePreset::Mr, mr);
    EXPECT_EQ(m.points().front().value, 100.0);
    EXPECT_EQ(m.points().back().value, 1100.0);
    for (VolumePreset p : kAllVolumePresets)
        EXPECT_EQ(volumePresetFromName(volumePresetName(p)), p);
    EXPECT_THROW(volumePresetFromName("PET"), core::InvalidArgument);

    TransferFunction t = bone;
    t.shift(100);
    EXPECT_DOUBLE_EQ(t.evaluate(600).opacity, 0.375);
    t.insert({2000, 1, 1, 1, 1.0});
    EXPECT_EQ(t.points().back().value, 2000.0);
    t.setPoint(0, {3000, 0, 0, 0, 0});  // re-sorted
    EXPECT_EQ(t.points().back().value, 3000.0);
    EXPECT_THROW(t.insert({3000, 0, 0, 0, 0}), core::InvalidArgument);
    EXPECT_THROW(t.insert({5, 0, 0, 0, 1.5}), core::InvalidArgument);
    t.scaleOpacity(10);
    for (const TransferPoint& p : t.points()) EXPECT_LE(p.opacity, 1.0);
}

TEST(LevelOfDetail, ThinsLargeScenesToTheBudget) {
    const LodBudget budget;  // 60,000 triangles while interacting
    EXPECT_EQ(interactiveReduction(50'000, 50'000, budget), 0.0);
    EXPECT_EQ(interactiveReduction(10'000, 1'000'000, budget), 0.0);  // small surface kept
    EXPECT_DOUBLE_EQ(interactiveReduction(1'000'000, 1'000'000, budget), 0.94);
    EXPECT_DOUBLE_EQ(interactiveReduction(1'000'000'000, 1'000'000'000, budget), 0.98);
    EXPECT_EQ(interactiveImageSampleDistance(50, 100), 1.0);
    EXPECT_DOUBLE_EQ(interactiveImageSampleDistance(400, 100), 2.0);
    EXPECT_EQ(interactiveImageSampleDistance(10000, 100), 4.0);
}

}  // namespace
}  // namespace stratum::app
