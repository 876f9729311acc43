// The segmentation panel (issue 8) in the real workstation: a U-Net package made with
// the ai library (fresh weights: the point is the plumbing, not the anatomy), run from
// the panel through `stratum-ai segment`; the label table must equal what
// `stratum segment` prints for the same volume, and the label layer is on the series.
#include <QDockWidget>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableWidget>

#include "AiGuiSupport.h"
#include "GuiTestSupport.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/app/ai/ModelCatalog.h"
#include "stratum/app/ai/SegmentationPanel.h"
#include "stratum/io/ImageIO.h"
#ifdef STRATUM_HAVE_MESH
#include <QListWidget>

#include "stratum/app/view3d/View3DPanel.h"
#endif

using namespace stratum;
namespace fs = std::filesystem;

namespace {

QString q(const fs::path& p) {
    return QString::fromStdString(p.string());
}

}  // namespace

TEST(AiGui, SegmentationTableEqualsTheCli) {
    test::TempDir dir;
    fs::create_directories(dir / "models");
    test::writeSegmentationPackage(dir / "models" / "unet", "gui-test-unet");
    io::writeImage(test::segmentationTestVolume(), dir / "volume.nii.gz");
    QSettings().clear();
    app::ModelCatalog::addUserFolder(q(dir / "models"));
    test::Workstation ws(1260, 940, true);
    ASSERT_TRUE(ws.openAndWait(dir / "volume.nii.gz"));
    QDockWidget* dock = ws->dock("segmentation");
    ASSERT_NE(dock, nullptr);
    dock->show();
    dock->raise();
    auto* panel = qobject_cast<app::SegmentationPanel*>(dock->widget());
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(panel->selectModel(q(dir / "models" / "unet")));
    QSignalSpy done(panel, &app::SegmentationPanel::segmented);
    QSignalSpy failed(panel, &app::SegmentationPanel::failed);
    panel->segment();
    ASSERT_TRUE(test::waitFor([&] { return done.count() + failed.count() > 0; }, 120000));
    ASSERT_EQ(failed.count(), 0) << failed.first().first().toString().toStdString();

    // The CLI on the same file.
    QProcess cli;
    cli.start(QDir(QCoreApplication::applicationDirPath()).filePath("stratum"),
              {"segment", "--model", q(dir / "models" / "unet"), "--device", "cpu",
               q(dir / "volume.nii.gz"), q(dir / "cli-labels.nii.gz")});
    ASSERT_TRUE(cli.waitForFinished(120000));
    ASSERT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
    const QString text = QString::fromUtf8(cli.readAllStandardOutput());
    QMap<int, qulonglong> cliVoxels;
    const QRegularExpression line(R"(^\s+(\d+) (.+): (\d+) voxels$)",
                                  QRegularExpression::MultilineOption);
    for (auto m = line.globalMatch(text); m.hasNext();) {
        const auto match = m.next();
        cliVoxels[match.captured(1).toInt()] = match.captured(3).toULongLong();
    }
    ASSERT_EQ(cliVoxels.size(), 3) << text.toStdString();

    // The table: labels 1 and 2, the CLI's voxel counts, volumes in mL.
    QTableWidget* table = panel->table();
    ASSERT_EQ(table->rowCount(), 2);
    const double voxelMl = 0.8 * 0.8 * 2.5 / 1000.0;
    qulonglong foreground = 0;
    for (int row = 0; row < 2; ++row) {
        const int label = row + 1;
        EXPECT_TRUE(table->item(row, app::SegmentationPanel::NameColumn)
                        ->text()
                        .startsWith(QString::number(label)));
        const qulonglong n =
            table->item(row, app::SegmentationPanel::VoxelsColumn)->text().toULongLong();
        EXPECT_EQ(n, cliVoxels[label]) << "label " << label;
        EXPECT_EQ(table->item(row, app::SegmentationPanel::VolumeColumn)->text(),
                  QString::number(double(n) * voxelMl, 'f', 2));
        foreground += n;
    }
    EXPECT_EQ(foreground + cliVoxels[0], 40u * 36u * 12u);
    // The label layer: the CLI's label map, on the series.
    const app::OverlayLayer* layer = ws.workspace().currentLayers()->find(panel->labelLayer());
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(layer->kind, app::LayerKind::LabelMap);
    const core::Image cliLabels = io::readImage(dir / "cli-labels.nii.gz").image;
    ASSERT_EQ(layer->image.size(), cliLabels.size());
    for (std::size_t i = 0; i < cliLabels.voxelCount(); i += 7)
        ASSERT_EQ(layer->image.value(i % 40, (i / 40) % 36, i / 1440),
                  cliLabels.value(i % 40, (i / 40) % 36, i / 1440));
    ws.settle();
    test::saveShot(ws->grab().toImage(), "ai-segmentation-window.png");
    // Hiding a label removes it from the layer (and keeps the table).
    const int hide = cliVoxels[1] > 0 ? 1 : 2;
    panel->setLabelVisible(hide, false);
    const core::Image& shown = ws.workspace().currentLayers()->find(panel->labelLayer())->image;
    bool any = false;
    for (std::size_t i = 0; i < shown.voxelCount(); ++i)
        any = any || shown.value(i % 40, (i / 40) % 36, i / 1440) == hide;
    EXPECT_FALSE(any);
#ifdef STRATUM_HAVE_MESH
    // Handed to the 3D view: surfaces of the visible labels.
    auto* view3D = ws->findChild<app::View3DPanel*>();
    ASSERT_NE(view3D, nullptr);
    const int modelsBefore = view3D->models()->count();
    ASSERT_TRUE(panel->showIn3D());
    EXPECT_TRUE(test::waitFor([&] { return !ws->tasks()->busy() && view3D->models()->count() > modelsBefore; }, 60000));
    EXPECT_EQ(view3D->models()->count(), modelsBefore + 1);  // one label left visible
#endif
    // Save writes the unmodified label map.
    panel->saveLabelMap(q(dir / "saved.nrrd"));
    const core::Image saved = io::readImage(dir / "saved.nrrd").image;
    EXPECT_EQ(saved.size(), cliLabels.size());
    QSettings().clear();
}

// The issue's check on real data: the demo study's head MRI segmented from the panel
// with the shipped brain-mask model (models/brain-mask-t1) gives the label table the CLI
// gives for the same series (voxels, and mL from the series' 1 mm voxels).
TEST(AiGui, DemoStudyBrainMaskTableEqualsTheCli) {
    const fs::path demo = test::buildDir() / "demo";
    STRATUM_REQUIRE_DATA(demo / "colin27-t1");
    const fs::path model = test::resources().parent_path() / "models" / "brain-mask-t1";
    QSettings().clear();
    test::Workstation ws(1260, 940, true);
    ASSERT_TRUE(ws.openAndWait(demo));
    ASSERT_EQ(ws.workspace().current()->image.size(), (core::Size3{181, 217, 181}));
    QDockWidget* dock = ws->dock("segmentation");
    ASSERT_NE(dock, nullptr);
    dock->show();
    dock->raise();
    auto* panel = qobject_cast<app::SegmentationPanel*>(dock->widget());
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(panel->selectModel(q(model)));
    QSignalSpy done(panel, &app::SegmentationPanel::segmented);
    QSignalSpy failed(panel, &app::SegmentationPanel::failed);
    panel->segment();
    ASSERT_TRUE(test::waitFor([&] { return done.count() + failed.count() > 0; }, 240000));
    ASSERT_EQ(failed.count(), 0) << failed.first().first().toString().toStdString();

    test::TempDir dir;
    QProcess cli;
    cli.start(QDir(QCoreApplication::applicationDirPath()).filePath("stratum"),
              {"segment", "--model", q(model), q(demo / "colin27-t1"), q(dir / "brain.nii.gz")});
    ASSERT_TRUE(cli.waitForFinished(240000));
    ASSERT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
    const QString text = QString::fromUtf8(cli.readAllStandardOutput());
    const QRegularExpression line(R"(^\s+1 brain: (\d+) voxels$)", QRegularExpression::MultilineOption);
    const auto match = line.match(text);
    ASSERT_TRUE(match.hasMatch()) << text.toStdString();
    const qulonglong cliVoxels = match.captured(1).toULongLong();
    EXPECT_GT(cliVoxels, 1000000u);  // a whole brain (about 1.7 L at 1 mm)

    QTableWidget* table = panel->table();
    ASSERT_EQ(table->rowCount(), 1);
    EXPECT_TRUE(table->item(0, app::SegmentationPanel::NameColumn)->text().contains("brain"));
    EXPECT_EQ(table->item(0, app::SegmentationPanel::VoxelsColumn)->text().toULongLong(), cliVoxels);
    // mL with two decimals (1 mm^3 voxels).
    EXPECT_NEAR(table->item(0, app::SegmentationPanel::VolumeColumn)->text().toDouble(),
                double(cliVoxels) / 1000.0, 0.0051);
    ws.settle();
    test::saveShot(ws->grab().toImage(), "ai-segmentation-demo-brain.png");
    QSettings().clear();
}
