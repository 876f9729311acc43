// More of the AI panels (issue 8) in the real workstation: training a segmentation
// model from the training dialog (`stratum-ai train-segmenter`), classification
// warnings, and Save as DICOM SEG from the segmentation panel.
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QProcess>
#include <QSignalSpy>
#include <QTextBrowser>

#include "AiGuiSupport.h"
#include "GuiTestSupport.h"
#include "stratum/ai/Segmenter.h"
#include "stratum/app/ai/ClassificationPanel.h"
#include "stratum/app/ai/ModelCatalog.h"
#include "stratum/app/ai/ModelManagerDialog.h"
#include "stratum/app/ai/SegmentationPanel.h"
#include "stratum/app/ai/TrainingCharts.h"
#include "stratum/app/ai/TrainingDialog.h"
#include "stratum/io/Dicom.h"
#include "stratum/io/DicomSeg.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

QString q(const fs::path& p) {
    return QString::fromStdString(p.string());
}

// Runs `stratum-ai args` (beside this test) to its end; returns stdout + stderr.
QString runAi(const QStringList& args, int* exitCode) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QDir(QCoreApplication::applicationDirPath()).filePath("stratum-ai"), args);
    p.waitForFinished(120000);
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return QString::fromUtf8(p.readAll());
}

}  // namespace

TEST(AiGui, TrainsASegmenterTwoEpochsWithLossAndDiceCurves) {
    test::TempDir dir;
    int code = 0;
    const QString made =
        runAi({"make-phantoms", q(dir / "set"), "--count", "3", "--size", "32"}, &code);
    ASSERT_EQ(code, 0) << made.toStdString();
    QSettings().clear();
    qputenv("STRATUM_THREADS", "1");
    test::Workstation ws;
    auto* panel = qobject_cast<app::ClassificationPanel*>(ws->dock("classification")->widget());
    ASSERT_NE(panel, nullptr);
    app::TrainingDialog* dialog = panel->trainingDialog();
    dialog->show();
    app::TrainingSettings s;
    s.task = app::TrainingSettings::Task::Segmentation;
    s.data = q(dir / "set" / "images");
    s.labels = q(dir / "set" / "labels");
    s.output = q(dir / "packages" / "tiny-unet");
    s.architecture = "unet";
    s.depth = 2;
    s.width = 4;
    s.patch = 16;
    s.iterations = 2;
    s.epochs = 2;
    s.batchSize = 2;
    s.learningRate = 0.001;
    s.validationFraction = 0.34;
    s.augmentation = false;
    s.device = "cpu";
    dialog->setSettings(s);
    // The dialog shows the segmentation choices and gives back what was set.
    EXPECT_EQ(dialog->findChild<QComboBox*>("trainingTask")->currentText(), "segmentation");
    const app::TrainingSettings back = dialog->settings();
    EXPECT_TRUE(back.segmentation());
    EXPECT_EQ(back.labels, s.labels);
    EXPECT_EQ(back.patch, 16);
    EXPECT_EQ(back.iterations, 2);
    EXPECT_EQ(back.architecture, "unet");
    const QStringList args = back.arguments();
    EXPECT_EQ(args.first(), "train-segmenter");
    EXPECT_TRUE(args.contains("--no-augmentation"));
    EXPECT_EQ(args.at(args.indexOf("--patch") + 1), "16,16,16");

    QSignalSpy written(dialog, &app::TrainingDialog::packageWritten);
    QSignalSpy failed(dialog, &app::TrainingDialog::failed);
    dialog->start();
    EXPECT_TRUE(dialog->running());
    ASSERT_TRUE(test::waitFor([&] { return written.count() + failed.count() > 0; }, 120000));
    ASSERT_EQ(failed.count(), 0) << failed.first().first().toString().toStdString();
    EXPECT_FALSE(dialog->running());
    // Two points per series (training loss, validation Dice), at epochs 1 and 2; the
    // values are the package's training log.
    QFile log(q(dir / "packages" / "tiny-unet" / "training-log.json"));
    ASSERT_TRUE(log.open(QIODevice::ReadOnly));
    const QJsonArray epochs =
        QJsonDocument::fromJson(log.readAll()).object().value("epochs").toArray();
    ASSERT_EQ(epochs.size(), 2);
    QLineSeries* loss = dialog->charts()->trainLoss();
    QLineSeries* dice = dialog->charts()->validationDice();
    ASSERT_EQ(loss->count(), 2);
    ASSERT_EQ(dice->count(), 2);
    EXPECT_EQ(dialog->charts()->validationAccuracy()->count(), 0);
    for (int e = 0; e < 2; ++e) {
        EXPECT_EQ(loss->at(e).x(), e + 1.0);
        EXPECT_EQ(dice->at(e).x(), e + 1.0);
        EXPECT_GT(loss->at(e).y(), 0.0);
        const QJsonObject logged = epochs.at(e).toObject();
        EXPECT_NEAR(loss->at(e).y(), logged.value("loss").toDouble(), 1e-5);
        EXPECT_GE(dice->at(e).y(), 0.0);
        EXPECT_LE(dice->at(e).y(), 1.0);
    }
    EXPECT_TRUE(dialog->status()->text().startsWith("wrote "))
        << dialog->status()->text().toStdString();
    QApplication::processEvents();
    test::saveShot(dialog->grab().toImage(), "ai-training-segmentation-dialog.png");
    // The package: offered in the model manager as a segmentation model, and in the
    // segmentation panel.
    const QString folder = QDir(q(dir / "packages" / "tiny-unet")).canonicalPath();
    EXPECT_TRUE(fs::exists(dir / "packages" / "tiny-unet" / "model.pt"));
    bool listed = false;
    for (const app::ModelPackage& p : app::ModelCatalog::all())
        listed = listed || (QDir(p.folder).canonicalPath() == folder && p.isSegmenter());
    EXPECT_TRUE(listed);
    app::ModelManagerDialog manager;
    ASSERT_TRUE(manager.select(q(dir / "packages" / "tiny-unet")));
    EXPECT_TRUE(manager.details()->toPlainText().contains("segmentation"));
    auto* segPanel = qobject_cast<app::SegmentationPanel*>(ws->dock("segmentation")->widget());
    ASSERT_NE(segPanel, nullptr);
    ws->dock("segmentation")->show();
    segPanel->refreshModels();
    EXPECT_TRUE(segPanel->selectModel(q(dir / "packages" / "tiny-unet")));
    qunsetenv("STRATUM_THREADS");
    QSettings().clear();
}

// The CLI refuses an input that fails the manifest's checks (here a colour image for
// the grey chest X-ray model) with a message and exit status 1; the panel shows that
// message as its warning, classifies nothing and adds no heatmap layer.
TEST(AiGui, AColourImageForAGreyModelIsShownAsTheCliWarning) {
    const fs::path model = test::resources().parent_path() / "models" / "chest-xray-pneumonia";
    STRATUM_REQUIRE_DATA(model / "manifest.json");
    test::TempDir dir;
    QImage rgb(96, 80, QImage::Format_RGB888);
    for (int y = 0; y < rgb.height(); ++y)
        for (int x = 0; x < rgb.width(); ++x) rgb.setPixel(x, y, qRgb(3 * x, 2 * y, 200 - x));
    ASSERT_TRUE(rgb.save(q(dir / "colour.png")));
    int code = 0;
    QProcess cli;
    cli.start(QDir(QCoreApplication::applicationDirPath()).filePath("stratum-ai"),
              {"classify", "--json", "--model", q(model), q(dir / "colour.png")});
    ASSERT_TRUE(cli.waitForFinished(60000));
    code = cli.exitCode();
    EXPECT_EQ(code, 1);
    EXPECT_TRUE(cli.readAllStandardOutput().isEmpty());
    QString cliMessage;
    for (const QString& line : QString::fromUtf8(cli.readAllStandardError()).split('\n'))
        if (line.startsWith("stratum: error: ")) cliMessage = line.mid(16);
    ASSERT_TRUE(cliMessage.contains("colour (RGB)")) << cliMessage.toStdString();

    QSettings().clear();
    test::Workstation ws(1260, 940, true);
    ASSERT_TRUE(ws.openAndWait(dir / "colour.png"));
    ASSERT_EQ(ws.workspace().current()->image.components(), 3);
    QDockWidget* dock = ws->dock("classification");
    dock->show();
    dock->raise();
    auto* panel = qobject_cast<app::ClassificationPanel*>(dock->widget());
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(panel->selectModel(q(model)));
    QSignalSpy failed(panel, &app::ClassificationPanel::failed);
    QSignalSpy classified(panel, &app::ClassificationPanel::classified);
    panel->classify();
    ASSERT_TRUE(test::waitFor([&] { return failed.count() + classified.count() > 0; }, 60000));
    ASSERT_EQ(classified.count(), 0);
    EXPECT_EQ(panel->warnings()->text(), "Not classified: " + cliMessage);
    EXPECT_EQ(panel->outcome(), nullptr);
    EXPECT_EQ(panel->heatmapLayer(), 0);
    ws.settle();
    test::saveShot(dock->grab().toImage(), "ai-classification-colour-warning.png");
    QSettings().clear();
}


// A series read from DICOM, segmented in the panel, saved as a DICOM SEG: the SEG read
// back with io::readDicomSeg has the panel's label map voxel for voxel on the series'
// grid, the manifest's label names and colours, and the model as the algorithm.
TEST(AiGui, SegmentationOfADicomSeriesIsSavedAsDicomSeg) {
    test::TempDir dir;
    fs::create_directories(dir / "models");
    test::writeSegmentationPackage(dir / "models" / "unet", "gui-seg-unet", "0.3.1");
    io::DicomWriteOptions dicom;
    dicom.modality = "CT";
    const auto files = io::writeDicomSeries(test::segmentationTestVolume(), dir / "dicom", dicom);
    ASSERT_EQ(files.size(), 12u);
    QSettings().clear();
    app::ModelCatalog::addUserFolder(q(dir / "models"));
    test::Workstation ws(1260, 940, true);
    ASSERT_TRUE(ws.openAndWait(dir / "dicom"));
    ASSERT_NE(ws.workspace().current(), nullptr);
    ASSERT_EQ(ws.workspace().current()->sliceFiles.size(), 12u);
    QDockWidget* dock = ws->dock("segmentation");
    dock->show();
    dock->raise();
    auto* panel = qobject_cast<app::SegmentationPanel*>(dock->widget());
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(panel->selectModel(q(dir / "models" / "unet")));
    EXPECT_FALSE(panel->canSaveDicomSeg());  // nothing segmented yet
    QSignalSpy done(panel, &app::SegmentationPanel::segmented);
    QSignalSpy failed(panel, &app::SegmentationPanel::failed);
    panel->segment();
    ASSERT_TRUE(test::waitFor([&] { return done.count() + failed.count() > 0; }, 120000));
    ASSERT_EQ(failed.count(), 0) << failed.first().first().toString().toStdString();
    ASSERT_TRUE(panel->canSaveDicomSeg());
    const core::Image labels = ws.workspace().currentLayers()->find(panel->labelLayer())->image;
    std::vector<std::size_t> counts(3, 0);
    for (std::size_t i = 0; i < labels.voxelCount(); ++i)
        ++counts.at(static_cast<std::size_t>(labels.value(i % 40, (i / 40) % 36, i / 1440)));
    ASSERT_GT(counts[1] + counts[2], 0u) << "the fresh network found no label";

    fs::create_directories(dir / "out");
    QSignalSpy written(panel, &app::SegmentationPanel::dicomSegWritten);
    panel->saveDicomSeg(q(dir / "out" / "seg.dcm"));
    ASSERT_TRUE(test::waitFor([&] { return written.count() + failed.count() > 0; }, 60000));
    ASSERT_EQ(failed.count(), 0) << failed.first().first().toString().toStdString();
    ws.settle();
    test::saveShot(dock->grab().toImage(), "ai-segmentation-dicom-seg.png");

    const io::DicomSegReadResult read = io::readDicomSeg(dir / "out" / "seg.dcm");
    EXPECT_TRUE(
        read.labels.geometry().approxEqual(ws.workspace().current()->image.geometry(), 1e-4));
    ASSERT_EQ(read.labels.size(), labels.size());
    // Segment numbers 1..N come back as the label values when labels 1..N are present.
    std::vector<int> present;
    for (int l = 1; l <= 2; ++l)
        if (counts[static_cast<std::size_t>(l)] > 0) present.push_back(l);
    ASSERT_EQ(read.segments.size(), present.size());
    const std::vector<std::string> names{"background", "organ a", "organ b"};
    const std::vector<std::array<std::uint8_t, 3>> colours{{0, 0, 0}, {255, 0, 0}, {0, 255, 0}};
    for (std::size_t s = 0; s < present.size(); ++s) {
        const auto l = static_cast<std::size_t>(present[s]);
        EXPECT_EQ(read.segments[s].name, names[l]);
        EXPECT_EQ(read.segments[s].colour, colours[l]);
        EXPECT_EQ(read.segments[s].algorithmName, "gui-seg-unet");
    }
    std::size_t mismatched = 0;
    for (int k = 0; k < 12; ++k)
        for (int j = 0; j < 36; ++j)
            for (int i = 0; i < 40; ++i) {
                const int expected = static_cast<int>(labels.value(i, j, k));
                // renumbered when only label 2 is present
                const int mapped =
                    expected == 0
                        ? 0
                        : static_cast<int>(std::find(present.begin(), present.end(), expected) -
                                           present.begin()) +
                              1;
                mismatched += static_cast<int>(read.labels.value(i, j, k)) != mapped;
            }
    EXPECT_EQ(mismatched, 0u);
    // The source files are referenced, one per slice.
    EXPECT_EQ(read.referencedSopInstanceUids.size(), 12u);
    QSettings().clear();
}
