// The real workstation under Xvfb: open the demo study and synthetic series, browse,
// scroll, window/level, layouts, measure, overlays, errors. Assertions are on the
// application state and on the rendered pictures (saved under
// <build>/test-screenshots for a human to look at).
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>
#include <atomic>
#include <cstring>
#include <fstream>
#include <thread>

#include "GuiTestSupport.h"
#include "stratum/app/CommandLineActions.h"
#include "stratum/app/MessageLog.h"
#include "stratum/app/TaskProgressWidget.h"
#include "stratum/app/panels/LogPanel.h"
#include "stratum/app/panels/MeasurementPanel.h"
#include "stratum/app/panels/StudyBrowser.h"
#include "stratum/app/panels/TagViewer.h"
#include "stratum/io/Dicom.h"
#include "stratum/io/ImageIO.h"
#ifdef STRATUM_HAVE_PROCESSING
#include "stratum/app/panels/ProcessingPanel.h"
#include "stratum/jobs/Preprocess.h"
#endif

using namespace stratum;
using app::ViewOrientation;
using core::operator+;
using core::operator-;
using core::operator*;
namespace fs = std::filesystem;

namespace {

fs::path demoDir() {
    return test::buildDir() / "demo";
}

#define REQUIRE_DEMO() STRATUM_REQUIRE_DATA(demoDir() / "colin27-t1")

// A 64 x 64 x 40 CT-like phantom (1 x 1 x 2 mm): a body of 100 and a marker cube of
// 1000 towards the patient's left, anterior and superior, whatever the direction.
struct Phantom {
    core::Image image;
    core::Vec3 marker;  // patient position of the marker's centre
    core::Vec3 centre;
};

Phantom makePhantom(const core::Mat3& direction) {
    core::Geometry g;
    g.size = {64, 64, 40};
    g.spacing = {1, 1, 2};
    g.origin = {-32, -32, -40};
    g.direction = direction;
    core::Image img(core::PixelType::Int16, 1, g);
    auto px = img.pixels<std::int16_t>();
    for (std::size_t k = 0; k < 40; ++k)
        for (std::size_t j = 0; j < 64; ++j)
            for (std::size_t i = 0; i < 64; ++i) {
                const double dx = (i - 31.5) / 28.0, dy = (j - 31.5) / 24.0;
                std::int16_t v = dx * dx + dy * dy < 1.0 ? 100 : 0;
                if (i >= 48 && i <= 57 && j >= 6 && j <= 15 && k >= 28 && k <= 35) v = 1000;
                px[img.offset(i, j, k)] = v;
            }
    img.metadata().series.modality = "CT";
    return {img, g.indexToPatient({52.5, 10.5, 31.5}), g.indexToPatient({31.5, 31.5, 19.5})};
}

fs::path writePhantom(const Phantom& p, const fs::path& folder) {
    io::DicomWriteOptions o;
    o.modality = "CT";
    o.patient.name = "Phantom^Marker";
    o.patient.id = "PH-1";
    o.series.description = "marker phantom";
    io::writeDicomSeries(p.image, folder, o);
    return folder;
}

QPointF centroid(const QImage& image, const QRect& rect, int threshold) {
    double sx = 0, sy = 0;
    int n = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x)
            if (test::grey(image.pixel(x, y)) > threshold) sx += x, sy += y, ++n;
    return n ? QPointF(sx / n, sy / n) : QPointF(-1, -1);
}

double spreadFromMidGrey(const QImage& image, const QRect& rect) {
    double sum = 0;
    int n = 0;
    for (int y = rect.top() + 4; y <= rect.bottom() - 4; ++y)
        for (int x = rect.left() + 4; x <= rect.right() - 4; ++x, ++n)
            sum += std::abs(test::grey(image.pixel(x, y)) - 128);
    return n ? sum / n : 0;
}

void hideOverlays(test::Workstation& ws) {
    ws->action("overlayText")->setChecked(false);
    ws->action("crosshair")->setChecked(false);
}

}  // namespace

TEST(WorkstationGui, OpensTheDemoStudyWithItsSeriesTreeAndAnatomyInPlace) {
    REQUIRE_DEMO();
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(demoDir()));
    // The largest series (Colin27, 181 slices) is loaded and shown.
    const app::LoadedSeries* s = ws.workspace().current();
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->image.size(), (core::Size3{181, 217, 181}));
    EXPECT_EQ(s->image.metadata().series.modality, "MR");

    // Series tree: two patients, each with one study and one series.
    auto* browser = qobject_cast<app::StudyBrowser*>(ws->dock("studyBrowser")->widget());
    ASSERT_NE(browser, nullptr);
    QTreeWidget* tree = browser->tree();
    ASSERT_EQ(tree->topLevelItemCount(), 2);
    QStringList seen;
    for (int p = 0; p < 2; ++p) {
        QTreeWidgetItem* patient = tree->topLevelItem(p);
        ASSERT_EQ(patient->childCount(), 1);
        QTreeWidgetItem* series = patient->child(0)->child(0);
        ASSERT_NE(series, nullptr);
        seen << QString("%1|%2|%3|%4")
                    .arg(patient->text(0), series->text(1), series->text(2),
                         series->icon(0).isNull() ? "no icon" : "icon");
    }
    seen.sort();
    EXPECT_EQ(seen, (QStringList{"ChestXray Demo (STRATUM-DEMO-2)|DX|1|icon",
                                 "Colin27 Demo (STRATUM-DEMO-1)|MR|181|icon"}));

    ws->grab().save(QString::fromStdString((test::screenshotDir() / "window-demo.png").string()));
    hideOverlays(ws);
    const QImage shot = ws.grab();
    test::saveShot(shot, "demo-1x3.png");
    for (ViewOrientation o : app::kAllOrientations) {
        const QRect view = ws.rect(o);
        EXPECT_GT(test::stats(shot, view).sd, 20.0)
            << app::viewOrientationName(o) << " looks blank";
        // The head fills most of its image and sits where the geometry puts it.
        const app::ViewerState& state = *ws.workspace().currentViewer();
        const app::SlicePlane plane = state.plane(o);
        const QPointF a = ws.views().patientToWidget(o, plane.pixelToPatient(0, 0));
        const QPointF b =
            ws.views().patientToWidget(o, plane.pixelToPatient(plane.width - 1, plane.height - 1));
        const QRectF expected = QRectF(a, b).normalized();
        const QRect box = test::brightBox(shot, view, 40, 4);
        ASSERT_FALSE(box.isNull()) << app::viewOrientationName(o);
        EXPECT_GE(box.left(), expected.left() - 2) << app::viewOrientationName(o);
        EXPECT_LE(box.right(), expected.right() + 2) << app::viewOrientationName(o);
        EXPECT_GE(box.top(), expected.top() - 2) << app::viewOrientationName(o);
        EXPECT_LE(box.bottom(), expected.bottom() + 2) << app::viewOrientationName(o);
        EXPECT_GT(box.width(), 0.7 * expected.width()) << app::viewOrientationName(o);
        EXPECT_GT(box.height(), 0.6 * expected.height()) << app::viewOrientationName(o);
    }
}

TEST(WorkstationGui, ViewsFollowPatientOrientationForStraightAndObliqueSeries) {
    test::TempDir dir;
    for (double degrees : {0.0, 25.0}) {
        SCOPED_TRACE(degrees);
        const double t = degrees * 3.14159265358979 / 180;
        const core::Mat3 r = core::Mat3::fromColumns({std::cos(t), std::sin(t), 0},
                                                     {-std::sin(t), std::cos(t), 0}, {0, 0, 1});
        const Phantom p = makePhantom(r);
        const fs::path folder = writePhantom(p, dir / ("phantom" + std::to_string(int(degrees))));
        test::Workstation ws(1300, 800);
        ASSERT_TRUE(ws.openAndWait(folder));
        hideOverlays(ws);
        ws.workspace().currentViewer()->setCursor(p.marker);
        ws.workspace().notifyCursorChanged();
        ws.settle();
        const QImage shot = ws.grab();
        test::saveShot(shot, "phantom-" + std::to_string(int(degrees)) + ".png");
        for (ViewOrientation o : app::kAllOrientations) {
            const QRect view = ws.rect(o);
            const QPointF c = centroid(shot, view.adjusted(4, 4, -4, -4), 200);
            ASSERT_GE(c.x(), 0) << app::viewOrientationName(o) << ": marker not visible";
            const QPointF expected = ws.views().patientToWidget(o, p.marker);
            EXPECT_NEAR(c.x(), expected.x(), 3.0) << app::viewOrientationName(o);
            EXPECT_NEAR(c.y(), expected.y(), 3.0) << app::viewOrientationName(o);
            // Radiological conventions: the marker is left, anterior and superior of the centre.
            const QPointF centre = ws.views().patientToWidget(o, p.centre);
            EXPECT_LT(c.y(), centre.y())
                << app::viewOrientationName(o) << ": superior/anterior is up";
            if (o == ViewOrientation::Sagittal)
                EXPECT_LT(c.x(), centre.x()) << "sagittal: anterior on the left";
            else
                EXPECT_GT(c.x(), centre.x())
                    << app::viewOrientationName(o) << ": patient's left on the right";
        }
    }
}

TEST(WorkstationGui, ScrollingWindowLevelAndLayouts) {
    REQUIRE_DEMO();
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(demoDir() / "colin27-t1"));
    hideOverlays(ws);
    app::ViewerState& state = *ws.workspace().currentViewer();
    const QImage before = ws.grab();
    const QRect axial = ws.rect(ViewOrientation::Axial);

    // Wheel and keys scroll the view under the mouse / the active view.
    const int k0 = state.sliceIndex(ViewOrientation::Axial);
    ws.wheel(ws.centre(ViewOrientation::Axial), 3);
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Axial), k0 + 3);
    ws.key(Qt::Key_Down);
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Axial), k0 + 2);
    ws.key(Qt::Key_PageUp);
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Axial), k0 + 12);
    ws.settle();
    const QImage scrolled = ws.grab();
    int changed = 0;
    for (int y = axial.top(); y <= axial.bottom(); y += 2)
        for (int x = axial.left(); x <= axial.right(); x += 2)
            if (std::abs(test::grey(before.pixel(x, y)) - test::grey(scrolled.pixel(x, y))) > 10)
                ++changed;
    EXPECT_GT(changed, 500) << "the axial picture did not change with the slice";
    // The slider follows the active view, and moves it.
    QSlider* slider = ws.views().sliceSlider();
    EXPECT_EQ(slider->value(), state.sliceIndex(ViewOrientation::Axial));
    EXPECT_EQ(slider->maximum(), 180);
    slider->setValue(k0 + 12);  // the same slice: nothing changes
    slider->setValue(40);
    EXPECT_EQ(state.sliceIndex(ViewOrientation::Axial), 40);
    slider->setValue(k0 + 12);
    // The coronal and sagittal slices did not move.
    EXPECT_NEAR(test::stats(before, ws.rect(ViewOrientation::Coronal)).mean,
                test::stats(scrolled, ws.rect(ViewOrientation::Coronal)).mean, 0.5);

    // Right drag left narrows the window: more contrast; right drag down raises the
    // level: darker.
    const app::WindowLevel w0 = state.display().window;
    ws.drag(ws.centre(ViewOrientation::Axial), ws.centre(ViewOrientation::Axial) + QPointF(-300, 0),
            Qt::RightButton);
    EXPECT_LT(state.display().window.width, w0.width);
    EXPECT_EQ(state.display().window.center, w0.center);
    ws.settle();
    const QImage narrow = ws.grab();

    const test::PixelStats s1 = test::stats(narrow, axial);
    // Every grey moves away from mid-grey (or stays clipped) when the window narrows.
    EXPECT_GT(spreadFromMidGrey(narrow, axial), spreadFromMidGrey(scrolled, axial) + 3)
        << "a narrower window must raise the contrast";
    ws.drag(ws.centre(ViewOrientation::Axial), ws.centre(ViewOrientation::Axial) + QPointF(0, 60),
            Qt::RightButton);
    EXPECT_GT(state.display().window.center, w0.center);
    ws.settle();
    const test::PixelStats s2 = test::stats(ws.grab(), axial);
    EXPECT_LT(s2.mean, s1.mean - 5) << "raising the level must darken the picture";
    EXPECT_TRUE(ws->windowLabel()->text().startsWith("W "));
    // Presets: the file's own first, then Auto and Full range; choosing one applies it.
    QComboBox* presets = ws->windowPresets();
    const int n = presets->count();
    ASSERT_GE(n, 3);
    EXPECT_TRUE(presets->itemText(n - 2).startsWith("Auto"));
    EXPECT_TRUE(presets->itemText(n - 1).startsWith("Full range"));
    presets->setCurrentIndex(n - 1);
    Q_EMIT presets->activated(n - 1);
    EXPECT_EQ(state.display().window, app::fullRangeWindow(state.stats()));
    ws->action("invert")->trigger();
    EXPECT_TRUE(state.display().invert);

    // Layouts: one-up, 2x2 (with the 3D slot), 1x3.
    ws->action("layout-one-up")->trigger();
    ws.settle();
    EXPECT_EQ(ws.rect(ViewOrientation::Axial).size(), QSize(ws.gl().width(), ws.gl().height()));
    EXPECT_TRUE(ws.rect(ViewOrientation::Coronal).isEmpty());
    const QImage one = ws.grab();
    test::saveShot(one, "layout-one-up.png");
    EXPECT_GT(test::stats(one, ws.rect(ViewOrientation::Axial)).sd, 20.0);
    ws->action("layout-2x2")->trigger();
    ws.settle();
    const QImage four = ws.grab();
    test::saveShot(four, "layout-2x2.png");
    for (ViewOrientation o : app::kAllOrientations) {
        const QRect r = ws.rect(o);
        EXPECT_NEAR(r.width(), ws.gl().width() / 2, 3);
        EXPECT_NEAR(r.height(), ws.gl().height() / 2, 3);
        EXPECT_GT(test::stats(four, r).sd, 20.0) << app::viewOrientationName(o);
    }
    // Double-click: one-up on that view, and back.
    ws.mouse(QEvent::MouseButtonDblClick, ws.centre(ViewOrientation::Sagittal), Qt::LeftButton,
             Qt::LeftButton);
    EXPECT_EQ(ws.views().viewLayout(), app::ViewLayout::OneUp);
    EXPECT_EQ(ws.views().activeView(), ViewOrientation::Sagittal);
    ws->action("layout-1x3")->trigger();
    EXPECT_EQ(ws.views().viewLayout(), app::ViewLayout::OneByThree);
}

TEST(WorkstationGui, DistanceMeasurementInMillimetresWithUndo) {
    REQUIRE_DEMO();
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(demoDir() / "colin27-t1"));
    app::ViewerState& state = *ws.workspace().currentViewer();
    const core::Geometry& g = state.volume().geometry();
    // Two voxel centres of the current axial slice, 60 voxels (1 mm) apart along i
    // and 25 along j: 65 mm.
    const double k = g.patientToIndex(state.cursor())[2];
    const core::Vec3 p0 = g.indexToPatient({60, 80, k}), p1 = g.indexToPatient({120, 105, k});
    ws->action("tool-distance")->trigger();
    EXPECT_EQ(ws.views().tool(), app::Tool::Distance);
    ws.drag(ws.views().patientToWidget(ViewOrientation::Axial, p0),
            ws.views().patientToWidget(ViewOrientation::Axial, p1), Qt::LeftButton);
    const auto& list =
        ws.workspace().measurements().list(ws.workspace().currentKey().toStdString());
    ASSERT_EQ(list.size(), 1u);
    // Within a screen pixel of the exact distance (about 0.5 mm at this zoom).
    const double mmPerPixel =
        1.0 / ws.views().viewport(ViewOrientation::Axial).camera().pixelsPerMm();
    EXPECT_NEAR(app::distanceMm(list[0].points[0], list[0].points[1]), 65.0, 1.5 * mmPerPixel);
    EXPECT_EQ(list[0].kind, app::MeasurementKind::Distance);
    auto* panel = qobject_cast<app::MeasurementPanel*>(ws->dock("measurements")->widget());
    ASSERT_EQ(panel->table()->topLevelItemCount(), 1);
    EXPECT_TRUE(panel->table()->topLevelItem(0)->text(2).endsWith(" mm"));
    ws.settle();
    test::saveShot(ws.grab(), "distance.png");

    // An ROI: statistics computed from the voxels.
    ws->action("tool-rectangle")->trigger();
    ws.drag(ws.views().patientToWidget(ViewOrientation::Axial, g.indexToPatient({70, 90, k})),
            ws.views().patientToWidget(ViewOrientation::Axial, g.indexToPatient({100, 120, k})),
            Qt::LeftButton);
    ASSERT_EQ(list.size(), 2u);
    ASSERT_TRUE(list[1].roi.has_value());
    EXPECT_GT(list[1].roi->pixels, 700u);
    EXPECT_NEAR(list[1].roi->areaMm2, 900.0, 60.0);

    ws->dock("measurements")->raise();
    ws.settle();
    ws->grab().save(
        QString::fromStdString((test::screenshotDir() / "window-measurements.png").string()));

    // Undo, redo, delete.
    ws->action("undo")->trigger();
    EXPECT_EQ(list.size(), 1u);
    ws->action("redo")->trigger();
    EXPECT_EQ(list.size(), 2u);
    panel->table()->setCurrentItem(panel->table()->topLevelItem(0));
    panel->deleteSelected();
    EXPECT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].kind, app::MeasurementKind::Rectangle);
    // A click without a drag adds nothing.
    ws->action("tool-distance")->trigger();
    ws.click(ws.centre(ViewOrientation::Axial));
    EXPECT_EQ(list.size(), 1u);
}

TEST(WorkstationGui, TagViewerIsSearchableAndReadoutShowsValues) {
    REQUIRE_DEMO();
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(demoDir() / "colin27-t1"));
    QDockWidget* dock = ws->dock("tags");
    dock->show();
    dock->raise();
    auto* tags = qobject_cast<app::TagViewer*>(dock->widget());
    ASSERT_TRUE(test::waitFor([&] { return !tags->file().isEmpty(); }, 5000));
    EXPECT_TRUE(tags->file().endsWith(".dcm"));
    EXPECT_GT(tags->visibleRows(), 40);
    tags->filter()->setText("patientname");
    ASSERT_EQ(tags->visibleRows(), 1);
    EXPECT_EQ(tags->proxy()->index(0, 3).data().toString(), "Colin27^Demo");
    tags->filter()->setText("(0028,0010)");
    ASSERT_EQ(tags->visibleRows(), 1);
    EXPECT_EQ(tags->proxy()->index(0, 3).data().toString(), "217");
    // Scrolling changes the file shown.
    const QString before = tags->file();
    ws.wheel(ws.centre(ViewOrientation::Axial), 5);
    ASSERT_TRUE(test::waitFor([&] { return tags->file() != before; }, 5000));

    // Moving the mouse over a view reports position and value.
    ws.mouse(QEvent::MouseMove, ws.centre(ViewOrientation::Axial), Qt::NoButton, Qt::NoButton);
    const QString readout = ws->readoutLabel()->text();
    EXPECT_TRUE(readout.contains(" mm")) << readout.toStdString();
    EXPECT_TRUE(readout.contains("voxel (")) << readout.toStdString();
    EXPECT_TRUE(readout.contains("value ")) << readout.toStdString();
}

TEST(WorkstationGui, FirstSliceAppearsBeforeTheWholeSeries) {
    REQUIRE_DEMO();
    test::Workstation ws;
    std::vector<std::size_t> addedSlices, replacedSlices;
    QObject::connect(&ws.workspace(), &app::Workspace::seriesAdded, [&](int id) {
        addedSlices.push_back(ws.workspace().find(id)->image.size()[2]);
    });
    QObject::connect(&ws.workspace(), &app::Workspace::imageReplaced, [&](int id) {
        replacedSlices.push_back(ws.workspace().find(id)->image.size()[2]);
    });
    ASSERT_TRUE(ws.openAndWait(demoDir() / "colin27-t1"));
    EXPECT_EQ(addedSlices, std::vector<std::size_t>{1});
    EXPECT_EQ(replacedSlices, std::vector<std::size_t>{181});
    // The middle slice is where the cursor stays.
    EXPECT_EQ(ws.workspace().currentViewer()->sliceIndex(ViewOrientation::Axial), 90);
}

TEST(WorkstationGui, OverlayLayersAreDrawnAndToggled) {
    REQUIRE_DEMO();
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(demoDir() / "colin27-t1"));
    hideOverlays(ws);
    const core::Image& volume = ws.workspace().current()->image;
    // A label map of the brighter voxels (label 1) in the same grid.
    core::Image labels(core::PixelType::UInt8, 1, volume.geometry());
    const app::IntensityStats st = app::intensityStats(volume);
    const double threshold = 0.5 * (st.p01 + st.p99);
    core::dispatchPixelType(volume.pixelType(), [&](auto tag) {
        const auto* v = volume.data<decltype(tag)>();
        for (std::size_t i = 0; i < volume.voxelCount(); ++i)
            labels.pixels<std::uint8_t>()[i] = v[i] > threshold ? 1 : 0;
    });
    app::LabelColorTable colors;
    colors.setColor(1, {255, 0, 0});
    const int layer = ws.workspace().addLabelMap("bright", labels, colors);
    ws.settle();
    const QImage shot = ws.grab();
    test::saveShot(shot, "label-overlay.png");
    // Red dominates where the labels are.
    const QRect axial = ws.rect(ViewOrientation::Axial).adjusted(4, 4, -4, -4);  // inside the frame
    int reddish = 0;
    for (int y = axial.top(); y <= axial.bottom(); ++y)
        for (int x = axial.left(); x <= axial.right(); ++x) {
            const QRgb c = shot.pixel(x, y);
            if (qRed(c) > qGreen(c) + 60 && qRed(c) > qBlue(c) + 60) ++reddish;
        }
    EXPECT_GT(reddish, 2000);
    // The layer list shows it; unchecking hides it.
    auto* list = ws->dock("layers")->findChild<QListWidget*>("layerList");
    ASSERT_EQ(list->count(), 1);
    list->item(0)->setCheckState(Qt::Unchecked);
    EXPECT_FALSE(ws.workspace().currentLayers()->find(layer)->visible);
    ws.settle();
    const QImage hidden = ws.grab();
    int stillRed = 0;
    for (int y = axial.top(); y <= axial.bottom(); ++y)
        for (int x = axial.left(); x <= axial.right(); ++x) {
            const QRgb c = hidden.pixel(x, y);
            if (qRed(c) > qGreen(c) + 60 && qRed(c) > qBlue(c) + 60) ++stillRed;
        }
    EXPECT_EQ(stillRed, 0);
    // A heatmap with a colour map.
    core::Image heat(core::PixelType::Float32, 1, volume.geometry());
    for (std::size_t i = 0; i < heat.voxelCount(); ++i)
        heat.pixels<float>()[i] = float(i % 181) / 180.0f;
    ws.workspace().addHeatmap("ramp", heat, app::ColorMap::Jet);
    EXPECT_EQ(list->count(), 2);
    ws.settle();
    const QImage heatShot = ws.grab();
    test::saveShot(heatShot, "heatmap-overlay.png");
    int coloured = 0;
    for (int y = axial.top(); y <= axial.bottom(); ++y)
        for (int x = axial.left(); x <= axial.right(); ++x) {
            const QRgb c = heatShot.pixel(x, y);
            if (std::abs(qRed(c) - qGreen(c)) > 40 || std::abs(qGreen(c) - qBlue(c)) > 40)
                ++coloured;
        }
    EXPECT_GT(coloured, 5000) << "the heatmap is not drawn";
    // Adding a layer leaves the others as they were.
    EXPECT_FALSE(ws.workspace().currentLayers()->find(layer)->visible);
}

TEST(WorkstationGui, XrayOpensAsOneImageWithoutOrientationLabels) {
    REQUIRE_DEMO();
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(demoDir() / "chest-xray"));
    EXPECT_EQ(ws.workspace().current()->image.size()[2], 1u);
    EXPECT_EQ(ws.views().effectiveLayout(), app::ViewLayout::OneUp);
    const QImage shot = ws.grab();
    test::saveShot(shot, "xray.png");
    EXPECT_GT(test::stats(shot, ws.rect(ViewOrientation::Axial)).sd, 20.0);
}

TEST(WorkstationGui, OpensADicomdirIntoTheBrowser) {
    const fs::path dicomdir = test::pydicomFiles() / "dicomdirtests" / "DICOMDIR";
    STRATUM_REQUIRE_DATA(dicomdir);
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(dicomdir));
    auto* browser = qobject_cast<app::StudyBrowser*>(ws->dock("studyBrowser")->widget());
    QTreeWidget* tree = browser->tree();
    ASSERT_EQ(tree->topLevelItemCount(), 2);  // Doe^Archibald and Doe^Peter
    int series = 0;
    for (int p = 0; p < tree->topLevelItemCount(); ++p)
        for (int st = 0; st < tree->topLevelItem(p)->childCount(); ++st)
            series += tree->topLevelItem(p)->child(st)->childCount();
    EXPECT_EQ(series, 24);
    // The largest series is loaded; double-clicking another loads it.
    ASSERT_NE(ws.workspace().current(), nullptr);
    QTreeWidgetItem* first = tree->topLevelItem(0)->child(0)->child(0);
    const std::string key = app::StudyLoader::seriesKey(*browser->seriesOf(first).series);
    Q_EMIT tree->itemDoubleClicked(first, 0);
    ASSERT_TRUE(ws.settle());
    EXPECT_EQ(ws.workspace().current()->key, key);
}

TEST(WorkstationGui, BadFilesGiveAnErrorDialogAndALogEntry) {
    test::TempDir dir;
    const fs::path bad = dir / "broken.dcm";
    {
        std::FILE* f = std::fopen(bad.c_str(), "wb");
        std::string junk(200, '\0');
        std::memcpy(junk.data() + 128, "DICM", 4);
        std::fwrite(junk.data(), 1, junk.size(), f);
        std::fclose(f);
    }
    test::Workstation ws;
    ws->open(QString::fromStdString(bad.string()));
    QMessageBox* box = nullptr;
    ASSERT_TRUE(test::waitFor(
        [&] { return (box = ws->findChild<QMessageBox*>("errorDialog")) != nullptr; }, 10000));
    EXPECT_TRUE(box->text().contains("broken.dcm")) << box->text().toStdString();
    box->close();
    auto* log = qobject_cast<app::LogPanel*>(ws->dock("log")->widget());
    EXPECT_TRUE(log->text().contains("broken.dcm"));
    EXPECT_TRUE(log->text().contains("error"));
    EXPECT_EQ(ws.workspace().currentId(), 0);
    // A missing path too.
    ws->open(QString::fromStdString((dir / "nothing-here").string()));
    ASSERT_TRUE(test::waitFor([&] { return ws->findChild<QMessageBox*>("errorDialog") != nullptr; },
                              10000));
    // The window still works: open a good series afterwards.
    const Phantom p = makePhantom(core::Mat3::identity());
    ASSERT_TRUE(ws.openAndWait(writePhantom(p, dir / "good")));
    EXPECT_EQ(ws.workspace().current()->image.size()[2], 40u);
}

TEST(WorkstationGui, LongWorkRunsOffTheGuiThreadAndCancels) {
    test::Workstation ws;
    // Nothing open yet: the views invite to open a study.
    ws.render();
    ws->grab().save(QString::fromStdString((test::screenshotDir() / "window-empty.png").string()));
    app::TaskRunner& runner = *ws->tasks();
    // A job that only ends when cancelled, reporting progress meanwhile.
    std::atomic<bool> started{false};
    bool failedWithCancel = false, succeeded = false;
    std::vector<double> progress;
    QObject::connect(&runner, &app::TaskRunner::progress,
                     [&](int, double f, const QString&) { progress.push_back(f); });
    const int id = runner.start(
        "endless",
        [&](const core::Task& task) {
            started = true;
            for (int i = 0;; ++i) {
                task.progress(std::min(0.99, i / 1000.0), "waiting");
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        },
        [&] { succeeded = true; },
        [&](std::exception_ptr e) {
            try {
                std::rethrow_exception(e);
            } catch (const core::Cancelled&) {
                failedWithCancel = true;
            } catch (...) {
            }
        });
    ASSERT_TRUE(test::waitFor([&] { return started.load(); }, 5000));
    // The GUI thread keeps running: a timer fires and progress arrives while the job runs.
    bool ticked = false;
    QTimer::singleShot(20, [&] { ticked = true; });
    ASSERT_TRUE(test::waitFor([&] { return ticked && progress.size() > 3; }, 5000));
    // The status bar shows it (after a quarter second) with a Cancel button that stops it.
    ASSERT_TRUE(test::waitFor([&] { return ws->progress()->isVisible(); }, 5000));
    ws->progress()->cancelButton()->click();
    ASSERT_TRUE(test::waitFor([&] { return !runner.busy(); }, 5000));
    EXPECT_TRUE(failedWithCancel);
    EXPECT_FALSE(succeeded);
    EXPECT_FALSE(ws->progress()->isVisible());
    (void)id;
}

TEST(WorkstationGui, DropRecentFilesAndRestoredSettings) {
    test::TempDir dir;
    const Phantom p = makePhantom(core::Mat3::identity());
    const fs::path folder = writePhantom(p, dir / "dropped");
    {
        test::Workstation ws;
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(folder.string()))});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(ws.operator->(), &enter);
        EXPECT_TRUE(enter.isAccepted());
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(ws.operator->(), &drop);
        ASSERT_TRUE(ws.settle());
        ASSERT_NE(ws.workspace().current(), nullptr);
        EXPECT_EQ(ws->recentFiles().value(0), QString::fromStdString(folder.string()));
        ws->action("layout-2x2")->trigger();
    }
    test::Workstation again(1260, 940, true);
    EXPECT_EQ(again.views().viewLayout(), app::ViewLayout::TwoByTwo);
    EXPECT_EQ(again->recentFiles().value(0), QString::fromStdString(folder.string()));
}

// `stratum-workstation PATH --labels FILE`: the label map becomes an overlay layer of
// the series once it is shown, voxel for voxel; one that cannot be read is reported,
// naming the file, and the viewer stays open without a layer.
TEST(WorkstationGui, CommandLineLabelsBecomeAnOverlayLayer) {
    test::TempDir dir;
    const Phantom p = makePhantom(core::Mat3::identity());
    core::Image labels(core::PixelType::UInt8, 1, p.image.geometry());
    const auto in = p.image.pixels<std::int16_t>();
    auto out = labels.pixels<std::uint8_t>();
    for (std::size_t v = 0; v < in.size(); ++v) out[v] = in[v] == 1000 ? 2 : in[v] == 100 ? 1 : 0;
    const fs::path file = dir / "labels.nii.gz";
    io::writeImage(labels, file);
    {
        test::Workstation ws;
        QString failure;
        app::openLabelsWhenShown(*ws, QString::fromStdString(file.string()),
                                 [&](const QString& m) { failure = m; });
        ASSERT_TRUE(ws.openAndWait(writePhantom(p, dir / "phantom")));
        app::LayerStack* layers = ws.workspace().currentLayers();
        ASSERT_NE(layers, nullptr);
        ASSERT_TRUE(test::waitFor([&] { return layers->size() == 1 || !failure.isEmpty(); }, 20000));
        ASSERT_TRUE(failure.isEmpty()) << failure.toStdString();
        const app::OverlayLayer& layer = layers->layers().front();
        EXPECT_EQ(layer.kind, app::LayerKind::LabelMap);
        EXPECT_EQ(layer.name, "labels.nii.gz");
        ASSERT_EQ(layer.image.size(), labels.size());
        const auto shown = layer.image.pixels<std::uint8_t>();
        EXPECT_TRUE(std::equal(shown.begin(), shown.end(), out.begin()));
    }
    const fs::path wrong = dir / "wrong.nii.gz";
    { std::ofstream(wrong) << "not a NIfTI file"; }
    test::Workstation ws;
    QString failure;
    app::openLabelsWhenShown(*ws, QString::fromStdString(wrong.string()),
                             [&](const QString& m) { failure = m; });
    ASSERT_TRUE(ws.openAndWait(dir / "phantom"));
    ASSERT_TRUE(test::waitFor([&] { return !failure.isEmpty(); }, 20000));
    EXPECT_TRUE(failure.contains("wrong.nii.gz")) << failure.toStdString();
    EXPECT_EQ(ws.workspace().currentLayers()->size(), 0u);
    EXPECT_TRUE(ws->isVisible());
}

#ifdef STRATUM_HAVE_PROCESSING
TEST(WorkstationGui, ProcessingPanelPreviewsAndAddsAnUndoableSeries) {
    test::TempDir dir;
    const Phantom p = makePhantom(core::Mat3::identity());
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(writePhantom(p, dir / "phantom")));
    const int source = ws.workspace().currentId();
    QDockWidget* dock = ws->dock("processing");
    ASSERT_NE(dock, nullptr);
    dock->show();
    dock->raise();
    auto* panel = qobject_cast<app::ProcessingPanel*>(dock->widget());
    ASSERT_NE(panel, nullptr);
    // The form comes from the registry: every operation is offered.
    int offered = 0;
    for (int i = 0; i < panel->operations()->count(); ++i)
        if (!panel->operations()->itemData(i).toString().isEmpty()) ++offered;
    EXPECT_EQ(offered, static_cast<int>(jobs::preprocessOperations().size()));

    // A bad value is refused with a message naming the parameter.
    ASSERT_TRUE(panel->selectOperation("gaussian"));
    ASSERT_TRUE(panel->setParameter("sigma", "-2"));
    panel->apply();
    EXPECT_TRUE(panel->message()->text().contains("sigma"))
        << panel->message()->text().toStdString();
    EXPECT_EQ(ws.workspace().series().all().size(), 1u);

    ASSERT_TRUE(panel->setParameter("sigma", "2"));
    bool previewed = false;
    QObject::connect(panel, &app::ProcessingPanel::previewShown, [&] { previewed = true; });
    panel->runPreview();
    ASSERT_TRUE(test::waitFor([&] { return previewed; }, 20000));
    ASSERT_NE(panel->previewImage()->pixmap().isNull(), true);

    int added = 0;
    QObject::connect(panel, &app::ProcessingPanel::applied, [&](int id) { added = id; });
    panel->apply();
    ASSERT_TRUE(test::waitFor([&] { return added != 0; }, 30000));
    const app::LoadedSeries* result = ws.workspace().find(added);
    ASSERT_NE(result, nullptr);
    EXPECT_EQ(result->parentId, source);
    EXPECT_EQ(ws.workspace().currentId(), added);
    EXPECT_EQ(result->image.size(), p.image.size());
    // Smoothing spreads the marker's edge: a voxel just outside it is no longer 100.
    EXPECT_EQ(p.image.value(47, 14, 31), 100.0);
    EXPECT_GT(result->image.value(47, 14, 31), 110.0);
    ws.settle();
    test::saveShot(ws.grab(), "processing-gaussian.png");
    ws->grab().save(
        QString::fromStdString((test::screenshotDir() / "window-processing.png").string()));

    // Undoable: the derived series goes, the source is shown again; redo brings it back.
    ws->action("undo")->trigger();
    EXPECT_EQ(ws.workspace().series().all().size(), 1u);
    EXPECT_EQ(ws.workspace().currentId(), source);
    ws->action("redo")->trigger();
    EXPECT_EQ(ws.workspace().series().all().size(), 2u);
    EXPECT_NE(ws.workspace().currentId(), source);
}
#endif
