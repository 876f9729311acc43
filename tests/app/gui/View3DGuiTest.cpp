// The 3D view driven through the real main window under Xvfb: a sphere phantom's
// iso-surface, picking landmarks on it through synthetic clicks, the distance between
// them, undo/redo, the study file round trip and its restoration, standard views,
// screenshots, turntable, volume rendering, clipping and level of detail.
#include <vtkRenderer.h>
#include <QDockWidget>
#include <QPushButton>
#include <QUndoStack>
#include <cmath>
#include <filesystem>

#include "GuiTestSupport.h"
#include "stratum/app/CommandLineActions.h"
#include "stratum/app/model/View3DFile.h"
#include "stratum/app/view3d/ModelBuilder.h"
#include "stratum/app/view3d/Scene3D.h"
#include "stratum/app/view3d/View3D.h"
#include "stratum/app/view3d/View3DPanel.h"

namespace stratum::test {
namespace {

using app::View3D;

constexpr double kRadius = 20.0;
const core::Vec3 kCentre{10.3, -20.7, 35.2};
const core::Vec3 kSpacing{0.9, 0.8, 1.1};

// A signed distance phantom (mm): a sphere of radius 20 mm, plus a 12 mm cube up and to
// the patient's left of it (so that views differ), on an anisotropic grid. Its zero
// iso-surface is the union's surface.
app::LoadedSeries phantom() {
    core::Geometry g;
    g.size = {64, 72, 56};
    g.spacing = kSpacing;
    g.origin = {kCentre[0] - 31.5 * kSpacing[0], kCentre[1] - 35.5 * kSpacing[1],
                kCentre[2] - 27.5 * kSpacing[2]};
    core::Image image(core::PixelType::Float32, 1, g);
    float* v = image.data<float>();
    const core::Vec3 box{kCentre[0] + 16, kCentre[1], kCentre[2] + 16};
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i) {
                const core::Vec3 p = g.indexToPatient({double(i), double(j), double(k)});
                const double sphere = kRadius - core::norm(core::operator-(p, kCentre));
                double cube = 1e9;
                for (int a = 0; a < 3; ++a) cube = std::min(cube, 6.0 - std::abs(p[a] - box[a]));
                v[image.offset(i, j, k)] = static_cast<float>(std::max(sphere, cube));
            }
    image.metadata().study.instanceUid = "1.2.826.0.1.3680043.9.9999.3d";
    image.metadata().patient.id = "PHANTOM-3D";
    image.metadata().series.modality = "CT";
    app::LoadedSeries s;
    s.key = "phantom-3d";
    s.name = "Sphere phantom";
    s.image = std::move(image);
    return s;
}

std::filesystem::path storage() {
    const auto dir = std::filesystem::temp_directory_path() / "stratum-view3d-gui-test";
    return dir;
}

struct Scene {
    Workstation& w;
    app::View3DPanel* panel;
    app::Scene3D* scene;
    View3D* view;
};

Scene open3D(Workstation& w) {
    w.views().setViewLayout(app::ViewLayout::TwoByTwo);
    w.workspace().addSeries(phantom());
    EXPECT_TRUE(w.settle());
    auto* panel = qobject_cast<app::View3DPanel*>(w->dock("view3D")->widget());
    EXPECT_NE(panel, nullptr);
    return {w, panel, panel->scene(), panel->view()};
}

bool buildSphere(Scene& s) {
    s.panel->buildIsoSurface(0.0);
    const bool ok = waitFor([&] { return !s.w->tasks()->busy() && s.scene->models().size() == 1; });
    s.w.render();
    return ok;
}

// Widget point (logical pixels) of a display position of the render window.
QPointF widgetPoint(Workstation& w, const std::array<int, 2>& display) {
    const double dpr = w.gl().devicePixelRatioF();
    const int height = static_cast<int>(w.gl().height() * dpr + 0.5);
    return QPointF(display[0], height - 1 - display[1]) / dpr;
}

QRect viewport3D(Workstation& w, View3D* view) {
    const double* v = view->renderer()->GetViewport();
    const double dpr = w.gl().devicePixelRatioF();
    const int W = static_cast<int>(w.gl().width() * dpr + 0.5);
    const int H = static_cast<int>(w.gl().height() * dpr + 0.5);
    return QRect(QPoint(int(v[0] * W), int((1 - v[3]) * H)),
                 QPoint(int(v[2] * W) - 1, int((1 - v[1]) * H) - 1));
}

// Where the ray from the camera through the focal point (the viewport's centre) first
// meets the analytic sphere.
core::Vec3 sphereHit(const app::CameraPose& pose) {
    using core::operator-;
    using core::operator+;
    using core::operator*;
    const core::Vec3 dir = core::normalized(pose.focalPoint - pose.position);
    const core::Vec3 oc = pose.position - kCentre;
    const double b = core::dot(oc, dir), c = core::dot(oc, oc) - kRadius * kRadius;
    const double t = -b - std::sqrt(b * b - c);
    return pose.position + t * dir;
}

double meanAbsDifference(const QImage& a, const QImage& b) {
    double sum = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            sum += std::abs(grey(a.pixel(x, y)) - grey(b.pixel(x, y)));
    return sum / (a.width() * a.height());
}

class View3DGui : public ::testing::Test {
protected:
    void SetUp() override {
        std::filesystem::remove_all(storage());
        app::Scene3D::setStorageDirectory(QString::fromStdString(storage().string()));
    }
    void TearDown() override { std::filesystem::remove_all(storage()); }
};

TEST_F(View3DGui, PicksLandmarksOnTheSurfaceAndMeasuresTheirDistance) {
    Workstation w;
    Scene s = open3D(w);
    ASSERT_NE(s.view, nullptr);
    ASSERT_TRUE(buildSphere(s));

    // Anterior: the camera on the patient's anterior (-y) axis, head up.
    s.view->setStandardView(app::StandardView::Anterior);
    w.render();
    app::CameraPose pose = s.view->cameraPose();
    core::Vec3 d = core::normalized(core::operator-(pose.position, pose.focalPoint));
    EXPECT_NEAR(d[1], -1.0, 1e-9);
    EXPECT_NEAR(pose.viewUp[2], 1.0, 1e-9);

    // Distance mode: a click at the view's centre from the front, then from the left.
    s.scene->setPickMode(app::PickMode::Distance);
    w.click(widgetPoint(w, s.view->viewportCentre()));
    QApplication::processEvents();
    ASSERT_EQ(s.scene->annotations().all().size(), 1u) << "no surface picked at the centre";
    const core::Vec3 front = s.scene->annotations().all()[0].point;
    const core::Vec3 frontExpected = sphereHit(pose);
    const double voxel = std::min({kSpacing[0], kSpacing[1], kSpacing[2]});
    // On the sphere, where the centre ray meets it, within half a voxel.
    EXPECT_NEAR(core::norm(core::operator-(front, kCentre)), kRadius, voxel / 2);
    EXPECT_LT(core::norm(core::operator-(front, frontExpected)), voxel / 2);
    EXPECT_LT(front[1], kCentre[1] - 0.9 * kRadius);  // near the anterior pole

    s.view->setStandardView(app::StandardView::Left);
    w.render();
    pose = s.view->cameraPose();
    d = core::normalized(core::operator-(pose.position, pose.focalPoint));
    EXPECT_NEAR(d[0], 1.0, 1e-9);  // camera on the patient's left (+x)
    w.click(widgetPoint(w, s.view->viewportCentre()));
    QApplication::processEvents();
    const app::AnnotationStore& store = s.scene->annotations();
    ASSERT_EQ(store.all().size(), 3u);  // two landmarks and their distance
    const core::Vec3 left = store.all()[1].point;
    const core::Vec3 leftExpected = sphereHit(pose);
    EXPECT_NEAR(core::norm(core::operator-(left, kCentre)), kRadius, voxel / 2);
    EXPECT_LT(core::norm(core::operator-(left, leftExpected)), voxel / 2);
    EXPECT_GT(left[0], kCentre[0] + 0.9 * kRadius);  // near the left pole
    ASSERT_EQ(store.all()[2].kind, app::AnnotationKind::Distance);
    // The distance between the two picks equals the analytic one between the points where
    // the two centre rays meet the sphere.
    EXPECT_NEAR(*store.value(store.all()[2].id),
                core::norm(core::operator-(frontExpected, leftExpected)), voxel / 2);
    saveShot(w.grab(), "view3d-distance.png");

    // Undo/redo restores each state, with named steps.
    const app::AnnotationStore full = store;
    QUndoStack* undo = w.workspace().undoStack();
    EXPECT_TRUE(undo->undoText().startsWith("Add distance"));
    undo->undo();
    EXPECT_EQ(s.scene->annotations().all().size(), 2u);
    undo->undo();
    EXPECT_EQ(s.scene->annotations().all().size(), 1u);
    undo->redo();
    undo->redo();
    EXPECT_EQ(s.scene->annotations(), full);
    // Deleting a landmark takes its distance with it, in one step.
    s.scene->removeAnnotation(full.all()[0].id);
    EXPECT_EQ(s.scene->annotations().all().size(), 1u);
    undo->undo();
    EXPECT_EQ(s.scene->annotations(), full);

    // The 2D views draw the landmarks on their slices: the axial view through the
    // front landmark shows it.
    app::ViewerState* viewer = w.workspace().currentViewer();
    viewer->setCursor(front);
    std::vector<app::MeasurementGraphic> graphics;
    const app::SliceStack& axial = viewer->stack(app::ViewOrientation::Axial);
    s.view->sliceGraphics(axial, viewer->plane(app::ViewOrientation::Axial), 2.0, graphics);
    ASSERT_FALSE(graphics.empty());
    EXPECT_EQ(graphics[0].label, full.all()[0].name);
    graphics.clear();
    viewer->setCursor(core::operator+(front, core::Vec3{0, 0, 10}));
    s.view->sliceGraphics(axial, viewer->plane(app::ViewOrientation::Axial), 2.0, graphics);
    EXPECT_TRUE(graphics.empty());
}

TEST_F(View3DGui, AnnotationsRoundTripAndComeBackWithTheStudy) {
    app::View3DFile saved;
    {
        Workstation w;
        Scene s = open3D(w);
        ASSERT_TRUE(buildSphere(s));
        s.view->setStandardView(app::StandardView::Superior);
        w.render();
        s.scene->setPickMode(app::PickMode::Landmark);
        w.click(widgetPoint(w, s.view->viewportCentre()));
        s.scene->setPickMode(app::PickMode::Note);
        s.scene->setNoteText("Tumour margin: 5 mm");
        s.view->setStandardView(app::StandardView::Posterior);
        w.render();
        w.click(widgetPoint(w, s.view->viewportCentre()));
        ASSERT_EQ(s.scene->annotations().all().size(), 2u);
        const app::Annotation note = s.scene->annotations().all()[1];
        EXPECT_EQ(note.text, "Tumour margin: 5 mm");
        EXPECT_NEAR(note.point[1], kCentre[1] + kRadius, 0.5);  // posterior pole
        app::ModelDisplay look = s.scene->models()[0].display;
        look.color = {10, 200, 30};
        look.opacity = 0.5;
        s.scene->setModelDisplay(s.scene->models()[0].id, look, "Colour");
        s.scene->saveNow();
        saved = s.scene->snapshot();
        const auto path = app::Scene3D::studyFilePath(s.scene->currentStudy()).toStdString();
        EXPECT_EQ(app::readView3DFile(path), saved);  // exact, bit for bit
    }
    // The study opened again: annotations back, and the model rebuilt gets its look back.
    Workstation w;
    Scene s = open3D(w);
    EXPECT_EQ(s.scene->annotations(), saved.annotations);
    ASSERT_TRUE(buildSphere(s));
    EXPECT_EQ(s.scene->models()[0].display.color, (app::Rgb{10, 200, 30}));
    EXPECT_EQ(s.scene->models()[0].display.opacity, 0.5);
    // Export with the meshes: the surface file and the annotations beside it.
    const auto dir = storage() / "export";
    std::filesystem::create_directories(dir);
    const auto files = s.panel->exportMeshes(QString::fromStdString((dir / "model.stl").string()));
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(app::readView3DFile(dir / "model.annotations.json").annotations, saved.annotations);
}

TEST_F(View3DGui, StandardViewsScreenshotsAndTurntable) {
    Workstation w;
    Scene s = open3D(w);
    ASSERT_TRUE(buildSphere(s));
    const std::pair<app::StandardView, core::Vec3> axes[] = {
        {app::StandardView::Anterior, {0, -1, 0}}, {app::StandardView::Posterior, {0, 1, 0}},
        {app::StandardView::Left, {1, 0, 0}},      {app::StandardView::Right, {-1, 0, 0}},
        {app::StandardView::Superior, {0, 0, 1}},  {app::StandardView::Inferior, {0, 0, -1}}};
    for (const auto& [v, axis] : axes) {
        // Through the panel's button, as a user would.
        auto* b =
            s.panel->findChild<QPushButton*>(QString("view-%1").arg(app::standardViewName(v)));
        ASSERT_NE(b, nullptr);
        b->click();
        w.render();
        const app::CameraPose p = s.view->cameraPose();
        const core::Vec3 d = core::normalized(core::operator-(p.position, p.focalPoint));
        for (int i = 0; i < 3; ++i) EXPECT_NEAR(d[i], axis[i], 1e-9) << app::standardViewName(v);
    }
    s.view->setStandardView(app::StandardView::Anterior);
    w.render();
    const QImage onScreen = w.grab().copy(viewport3D(w, s.view));
    const PixelStats st = stats(onScreen, onScreen.rect(), 90);
    EXPECT_GT(st.bright, onScreen.width() * onScreen.height() / 20) << "3D view looks empty";
    saveShot(w.grab(), "view3d-anterior.png");

    const QImage front = s.view->renderImage(640, 480);
    ASSERT_EQ(front.size(), QSize(640, 480));
    EXPECT_GT(stats(front, front.rect(), 90).bright, 640 * 480 / 20);
    s.view->setStandardView(app::StandardView::Superior);
    const QImage top = s.view->renderImage(640, 480);
    EXPECT_GT(meanAbsDifference(front, top), 3.0) << "the image did not change when rotated";
    saveShot(front, "view3d-render-anterior.png");
    saveShot(top, "view3d-render-superior.png");
    EXPECT_THROW(s.view->renderImage(8, 8), core::InvalidArgument);

    s.view->setStandardView(app::StandardView::Anterior);
    std::filesystem::create_directories(storage());
    const auto frames = storage() / "turntable";
    const auto files = s.view->writeTurntable(frames, 4, 160, 120);
    ASSERT_EQ(files.size(), 4u);
    QImage f0(QString::fromStdString(files[0].string())),
        f1(QString::fromStdString(files[1].string()));
    ASSERT_EQ(f0.size(), QSize(160, 120));
    EXPECT_GT(meanAbsDifference(f0.convertToFormat(QImage::Format_RGB32),
                                f1.convertToFormat(QImage::Format_RGB32)),
              1.0);
    EXPECT_THROW(s.view->writeTurntable(frames, 4, 160, 120), core::Error);  // not empty
    w.render();  // the window still renders after off-screen work
    EXPECT_GT(stats(w.grab().copy(viewport3D(w, s.view)), onScreen.rect(), 90).bright, 0);
}

TEST_F(View3DGui, VolumeRenderingClippingAndLevelOfDetail) {
    Workstation w;
    Scene s = open3D(w);
    // Volume rendering of the phantom (values up to 20 inside): a custom transfer function.
    s.scene->setTransferFunction(
        app::TransferFunction({{-1, 0, 0, 0, 0}, {0, 1, 0.8, 0.6, 0.2}, {20, 1, 1, 1, 0.9}}),
        "custom");
    s.scene->setVolumeVisible(true);
    w.render();
    s.view->setStandardView(app::StandardView::Anterior);
    w.render();
    EXPECT_FALSE(s.view->volumeMapperName().isEmpty());
    const QImage volume = w.grab().copy(viewport3D(w, s.view));
    EXPECT_GT(stats(volume, volume.rect(), 90).bright, volume.width() * volume.height() / 20);
    saveShot(volume, "view3d-volume.png");
    s.scene->setVolumeVisible(false);

    // Clipping at the axial slice through the centre removes the upper half.
    ASSERT_TRUE(buildSphere(s));
    w.workspace().currentViewer()->setCursor(kCentre);
    w.workspace().notifyCursorChanged();
    s.view->setSlicePlanesVisible(false);
    w.render();
    const QImage whole = w.grab().copy(viewport3D(w, s.view));
    app::ClipSettings clip;
    clip.planeView = static_cast<int>(app::ViewOrientation::Axial);
    s.scene->setClip(clip);
    w.render();
    const QImage clipped = w.grab().copy(viewport3D(w, s.view));
    EXPECT_LT(stats(clipped, clipped.rect(), 90).bright,
              0.8 * stats(whole, whole.rect(), 90).bright);
    saveShot(clipped, "view3d-clipped.png");
    s.scene->setClip({});

    // Level of detail: a model with a thinned copy is drawn thin while the mouse drags.
    app::Model3D m = s.scene->models()[0];
    app::ModelBuildOptions options;
    options.budget.interactiveTriangles = 1000;
    options.budget.minTrianglesToThin = 100;
    std::vector<app::Model3D> models{m};
    models[0].lod.reset();
    app::addLevelsOfDetail(models, options);
    ASSERT_TRUE(models[0].lod);
    EXPECT_LT(models[0].lod->triangleCount(), m.mesh->triangleCount() / 4);
    s.scene->removeModel(m.id);
    s.scene->addModels(models, "LOD test");
    w.render();
    EXPECT_EQ(s.view->drawnTriangles(), m.mesh->triangleCount());
    int changes = 0;
    std::size_t duringDrag = 0;
    QObject::connect(s.view, &View3D::interactionChanged, [&](bool) { ++changes; });
    const QPointF c = widgetPoint(w, s.view->viewportCentre());
    w.mouse(QEvent::MouseButtonPress, c, Qt::LeftButton, Qt::LeftButton);
    for (int i = 1; i <= 5; ++i)
        w.mouse(QEvent::MouseMove, c + QPointF(8 * i, 3 * i), Qt::NoButton, Qt::LeftButton);
    w.render();
    duringDrag = s.view->drawnTriangles();
    w.mouse(QEvent::MouseButtonRelease, c + QPointF(40, 15), Qt::LeftButton, Qt::NoButton);
    w.render();
    EXPECT_EQ(changes, 2);
    EXPECT_EQ(duringDrag, models[0].lod->triangleCount());
    EXPECT_EQ(s.view->drawnTriangles(), m.mesh->triangleCount());
}

// `stratum-workstation PATH --mesh FILE --screenshot OUT`: the mesh opens in the 3D view
// once the series is shown, and the picture is taken when everything has loaded, with
// the surface drawn in the 3D viewport; an unwritable picture is a failure.
TEST_F(View3DGui, CommandLineOpensAMeshAndSavesAScreenshotWhenReady) {
    std::filesystem::create_directories(storage());
    const auto stl = storage() / "sphere.stl";
    {
        Workstation w0;
        Scene s0 = open3D(w0);
        ASSERT_TRUE(buildSphere(s0));
        s0.panel->exportMeshes(QString::fromStdString(stl.string()));
    }
    ASSERT_TRUE(std::filesystem::exists(stl));

    Workstation w;
    w.views().setViewLayout(app::ViewLayout::TwoByTwo);
    auto* panel = qobject_cast<app::View3DPanel*>(w->dock("view3D")->widget());
    ASSERT_NE(panel, nullptr);
    app::openMeshWhenShown(*w, QString::fromStdString(stl.string()));
    const auto png = storage() / "shot.png";
    bool done = false, ok = false;
    QString message;
    app::saveScreenshotWhenReady(*w, QString::fromStdString(png.string()),
                                 [&](bool o, const QString& m) {
                                     done = true;
                                     ok = o;
                                     message = m;
                                 });
    w.workspace().addSeries(phantom());
    ASSERT_TRUE(waitFor([&] { return done; }, 60000));
    ASSERT_TRUE(ok) << message.toStdString();
    EXPECT_EQ(panel->scene()->models().size(), 1u);

    const QImage shot = QImage(QString::fromStdString(png.string())).convertToFormat(QImage::Format_RGB32);
    ASSERT_FALSE(shot.isNull());
    EXPECT_EQ(shot.size(), w->grab().size());
    // The 3D viewport in window pixels: the lit surface is bright there.
    const double dpr = w.gl().devicePixelRatioF();
    const QPoint glOrigin = w.gl().mapTo(&*w, QPoint(0, 0)) * dpr;
    const QRect view = viewport3D(w, panel->view()).translated(glOrigin);
    EXPECT_GT(stats(shot, view, 90).bright, 100);

    bool failed = false;
    app::saveScreenshotWhenReady(*w, "/nonexistent-folder/shot.png", [&](bool o, const QString& m) {
        failed = !o;
        message = m;
        done = true;
    });
    done = false;
    ASSERT_TRUE(waitFor([&] { return done; }, 30000));
    EXPECT_TRUE(failed);
    EXPECT_TRUE(message.contains("/nonexistent-folder/shot.png")) << message.toStdString();
}

}  // namespace
}  // namespace stratum::test
