// The AI panels (issue 8) driven in the real workstation: the model manager, the
// classification panel on the bundled chest X-ray (against `stratum classify --json`),
// its Grad-CAM layer and report. The panels run the real `stratum-ai` beside this test.
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
#include <QListWidget>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTextBrowser>

#include "GuiTestSupport.h"
#include "stratum/app/ai/AiProcess.h"
#include "stratum/app/ai/ClassificationOutcome.h"
#include "stratum/app/ai/ClassificationPanel.h"
#include "stratum/app/ai/ModelCatalog.h"
#include "stratum/app/ai/ModelManagerDialog.h"
#include "stratum/app/ai/ProbabilityBars.h"
#include "stratum/app/ai/TrainingCharts.h"
#include "stratum/app/ai/TrainingDialog.h"
#include "stratum/app/ai/TrainingResultView.h"
#include "stratum/core/Error.h"

using namespace stratum;
namespace fs = std::filesystem;

namespace {

fs::path repoModels() {
    return test::resources().parent_path() / "models";
}
fs::path shippedModel() {
    return repoModels() / "chest-xray-pneumonia";
}
fs::path demoXray() {
    return test::buildDir() / "demo" / "chest-xray";
}
QString q(const fs::path& p) {
    return QString::fromStdString(p.string());
}

// Runs a program to its end (tests only; the panels never block like this).
QByteArray runToEnd(const QString& program, const QStringList& args, int* exitCode) {
    QProcess p;
    p.start(program, args);
    p.waitForFinished(120000);
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return p.readAllStandardOutput();
}

// Pixels whose channels differ clearly (colour-mapped heatmap), in `rect`.
int colouredPixels(const QImage& image, const QRect& rect) {
    int n = 0;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) {
            const QRgb c = image.pixel(x, y);
            if (std::abs(qRed(c) - qGreen(c)) > 40 || std::abs(qGreen(c) - qBlue(c)) > 40) ++n;
        }
    return n;
}

}  // namespace

TEST(AiGui, ModelManagerShowsTheShippedManifestAndUserFolders) {
    STRATUM_REQUIRE_DATA(shippedModel() / "manifest.json");
    QSettings().clear();
    // Found relative to the executable (build/<dir>/bin -> <repo>/models).
    const QStringList defaults = app::ModelCatalog::defaultFolders();
    ASSERT_FALSE(defaults.isEmpty());
    EXPECT_EQ(QDir(defaults.first()).canonicalPath(), QDir(q(repoModels())).canonicalPath());

    app::ModelManagerDialog dialog;
    dialog.show();
    ASSERT_TRUE(dialog.select(q(shippedModel())));
    const QString html = dialog.details()->toPlainText();
    for (const char* part :
         {"chest-xray-pneumonia 1.0.0", "classification", "NORMAL, PNEUMONIA",
          "77311e9cb4d349b37f2a3684c7e306bb337564e85f8d0c9be1fee78c79898ad5", "Intended use",
          "Kermany", "Training data", "NORMAL: 1140 train, 201 validation", "accuracy", "0.9706",
          "roc_auc", "0.9979", "Confusion matrix", "563"})
        EXPECT_TRUE(html.contains(part)) << part << "\n" << html.toStdString();
    QApplication::processEvents();
    test::saveShot(dialog.grab().toImage(), "ai-model-manager.png");

    // A user folder with a package of its own (a copy of the manifest, renamed) and a
    // broken one.
    test::TempDir user;
    fs::create_directories(user / "mine");
    fs::create_directories(user / "broken");
    QFile in(q(shippedModel() / "manifest.json"));
    ASSERT_TRUE(in.open(QIODevice::ReadOnly));
    QJsonObject manifest = QJsonDocument::fromJson(in.readAll()).object();
    manifest["name"] = "my-copy";
    QFile out(q(user / "mine" / "manifest.json"));
    ASSERT_TRUE(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(manifest).toJson());
    out.close();
    QFile broken(q(user / "broken" / "manifest.json"));
    ASSERT_TRUE(broken.open(QIODevice::WriteOnly));
    broken.write("{ not json");
    broken.close();
    const int before = dialog.list()->count();
    dialog.addFolder(q(user.path()));
    EXPECT_EQ(dialog.list()->count(), before + 2);
    EXPECT_TRUE(app::ModelCatalog::userFolders().contains(q(user.path())));
    ASSERT_TRUE(dialog.select(q(user / "mine")));
    EXPECT_TRUE(dialog.details()->toPlainText().contains("my-copy 1.0.0"));
    ASSERT_TRUE(dialog.select(q(user / "broken")));
    EXPECT_TRUE(dialog.details()->toPlainText().contains("not a JSON object"))
        << dialog.details()->toPlainText().toStdString();
    QSettings().clear();
}

TEST(AiGui, ClassifiesTheDemoXrayAsTheCliDoesWithHeatmapAndReport) {
    STRATUM_REQUIRE_DATA(shippedModel() / "manifest.json");
    STRATUM_REQUIRE_DATA(demoXray());
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(demoXray()));
    const app::LoadedSeries* series = ws.workspace().current();
    ASSERT_NE(series, nullptr);
    ASSERT_EQ(series->sliceFiles.size(), 1u);
    const QString file = QString::fromStdString(series->sliceFiles[0]);

    QDockWidget* dock = ws->dock("classification");
    ASSERT_NE(dock, nullptr);
    dock->show();
    dock->raise();
    auto* panel = qobject_cast<app::ClassificationPanel*>(dock->widget());
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(panel->selectModel(q(shippedModel())));
    const QImage before = ws.grab();
    const QRect view = ws.rect(app::ViewOrientation::Axial);
    EXPECT_LT(colouredPixels(before, view), 200);  // a grey X-ray

    QSignalSpy done(panel, &app::ClassificationPanel::classified);
    QSignalSpy failed(panel, &app::ClassificationPanel::failed);
    panel->classify();
    ASSERT_TRUE(test::waitFor([&] { return done.count() + failed.count() > 0; }, 120000));
    ASSERT_EQ(failed.count(), 0) << failed.first().first().toString().toStdString();
    const app::ClassificationOutcome* o = panel->outcome();
    ASSERT_NE(o, nullptr);

    // The same probabilities as `stratum classify --json` on the same file.
    int code = -1;
    const QByteArray cli =
        runToEnd(QDir(QCoreApplication::applicationDirPath()).filePath("stratum"),
                 {"classify", "--model", q(shippedModel()), "--json", file}, &code);
    ASSERT_EQ(code, 0);
    const QJsonObject image =
        QJsonDocument::fromJson(cli).object()["images"].toArray()[0].toObject();
    const QJsonObject probabilities = image["probabilities"].toObject();
    ASSERT_EQ(o->labels, (QStringList{"NORMAL", "PNEUMONIA"}));
    for (int k = 0; k < o->labels.size(); ++k)
        EXPECT_EQ(o->probabilities[k], probabilities[o->labels[k]].toDouble())
            << o->labels[k].toStdString();
    EXPECT_EQ(o->labels[o->predicted], image["predicted"].toString());
    // ... and the bars show them, the top one highlighted.
    EXPECT_EQ(panel->bars()->probabilities(), o->probabilities);
    EXPECT_EQ(panel->bars()->topIndex(), o->predicted);
    EXPECT_TRUE(
        panel->bars()
            ->text(o->predicted)
            .endsWith(QString("%1%").arg(100.0 * o->probabilities[o->predicted], 0, 'f', 1)));

    // The Grad-CAM layer: on the series, on the image's grid, not blank, drawn in colour.
    const int layerId = panel->heatmapLayer();
    ASSERT_GT(layerId, 0);
    const app::OverlayLayer* layer = ws.workspace().currentLayers()->find(layerId);
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(layer->kind, app::LayerKind::Heatmap);
    EXPECT_EQ(layer->image.size(), series->image.size());
    const auto [low, high] = layer->image.minMax();
    EXPECT_GE(low, 0.0);  // normalised to a peak of 1 on the model's grid, then resampled
    EXPECT_LE(high, 1.0);
    EXPECT_GT(high, 0.95);
    ws.settle();
    const QImage after = ws.grab();
    test::saveShot(after, "ai-classification-view.png");
    EXPECT_GT(colouredPixels(after, view), 2000) << "the heatmap is not drawn";
    // The threshold hides the weaker part of the map.
    panel->setHeatmapThreshold(0.9);
    ws.settle();
    EXPECT_LT(colouredPixels(ws.grab(), view), colouredPixels(after, view));
    panel->setHeatmapThreshold(0.2);
    // The side-by-side pictures are shown.
    ASSERT_NE(panel->overlayView()->pixmap().toImage().isNull(), true);
    ASSERT_NE(panel->modelInputView()->pixmap().toImage().isNull(), true);
    QApplication::processEvents();
    test::saveShot(ws->grab().toImage(), "ai-classification-window.png");

    // The report: PDF that pdftoppm renders to a non-blank page, and PNG.
    test::TempDir dir;
    panel->exportPdf(q(dir / "report.pdf"));
    panel->exportPng(q(dir / "report.png"));
    ASSERT_TRUE(fs::file_size(dir / "report.pdf") > 1000);
    if (QStandardPaths::findExecutable("pdftoppm").isEmpty()) {
        ADD_FAILURE() << "pdftoppm (poppler-utils) not found";
        return;
    }
    runToEnd("pdftoppm",
             {"-png", "-r", "50", "-f", "1", "-l", "1", q(dir / "report.pdf"), q(dir / "page")},
             &code);
    ASSERT_EQ(code, 0);
    QStringList pages = QDir(q(dir.path())).entryList({"page*.png"});
    ASSERT_EQ(pages.size(), 1);
    const QImage page(QDir(q(dir.path())).filePath(pages[0]));
    ASSERT_FALSE(page.isNull());
    test::saveShot(page, "ai-report-page1.png");
    const test::PixelStats s =
        test::stats(page.convertToFormat(QImage::Format_RGB32), page.rect(), 250);
    EXPECT_GT(s.sd, 20.0) << "blank page";
    EXPECT_GT(colouredPixels(page.convertToFormat(QImage::Format_RGB32), page.rect()), 500)
        << "no heatmap on the page";
    const QImage png(q(dir / "report.png"));
    ASSERT_FALSE(png.isNull());
    test::saveShot(png, "ai-report.png");
    EXPECT_GT(test::stats(png.convertToFormat(QImage::Format_RGB32), png.rect()).sd, 20.0);
}

TEST(AiGui, AFailingRunReportsTheCliErrorAndKeepsTheViewer) {
    STRATUM_REQUIRE_DATA(shippedModel() / "manifest.json");
    test::TempDir dir;
    // A broken model package: the CLI refuses it, the panel shows why.
    fs::create_directories(dir / "models" / "bad");
    QFile in(q(shippedModel() / "manifest.json"));
    ASSERT_TRUE(in.open(QIODevice::ReadOnly));
    QFile out(q(dir / "models" / "bad" / "manifest.json"));
    ASSERT_TRUE(out.open(QIODevice::WriteOnly));
    out.write(in.readAll());  // no weights file beside it
    out.close();
    QSettings().clear();
    app::ModelCatalog::addUserFolder(q(dir / "models"));
    test::Workstation ws(1260, 940, true);
    core::Geometry g;
    g.size = {64, 64, 1};
    core::Image image(core::PixelType::UInt8, 1, g);
    for (std::size_t i = 0; i < image.voxelCount(); ++i)
        image.pixels<std::uint8_t>()[i] = std::uint8_t(i % 251);
    app::LoadedSeries s;
    s.key = "memory";
    s.name = "in memory";
    s.image = image;
    ws.workspace().addSeries(std::move(s));
    ws.settle();
    auto* panel = qobject_cast<app::ClassificationPanel*>(ws->dock("classification")->widget());
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(panel->selectModel(q(dir / "models" / "bad")));
    QSignalSpy failed(panel, &app::ClassificationPanel::failed);
    panel->classify();
    ASSERT_TRUE(test::waitFor([&] { return failed.count() > 0; }, 60000));
    const QString why = failed.first().first().toString();
    EXPECT_TRUE(why.contains("model.pt")) << why.toStdString();
    EXPECT_EQ(panel->outcome(), nullptr);
    QSettings().clear();
}

namespace {

// A tiny class-per-folder set made with QImage: 32x32 grey PNGs with a bright square
// on the left (LEFT) or on the right (RIGHT).
void writeTinySet(const fs::path& dir, int perClass) {
    for (int c = 0; c < 2; ++c) {
        const QString folder = q(dir / (c == 0 ? "LEFT" : "RIGHT"));
        QDir().mkpath(folder);
        for (int n = 0; n < perClass; ++n) {
            QImage image(32, 32, QImage::Format_Grayscale8);
            image.fill(20);
            const int x0 = (c == 0 ? 3 : 19) + n % 3, y0 = 6 + 3 * (n % 4);
            for (int y = y0; y < y0 + 10; ++y)
                for (int x = x0; x < x0 + 10; ++x) image.setPixel(x, y, qRgb(220, 220, 220));
            ASSERT_TRUE(image.save(QDir(folder).filePath(QString("img%1.png").arg(n))));
        }
    }
}

}  // namespace

TEST(AiGui, TrainsTwoEpochsWithLiveChartsAndOffersThePackage) {
    test::TempDir dir;
    writeTinySet(dir / "data", 6);
    QSettings().clear();
    qputenv("STRATUM_THREADS", "1");
    test::Workstation ws;
    auto* panel = qobject_cast<app::ClassificationPanel*>(ws->dock("classification")->widget());
    ASSERT_NE(panel, nullptr);
    app::TrainingDialog* dialog = panel->trainingDialog();
    dialog->show();
    app::TrainingSettings s;
    s.data = q(dir / "data");
    s.output = q(dir / "packages" / "tiny");
    s.architecture = "simplecnn";
    s.width = 4;
    s.inputSize = 32;
    s.epochs = 2;
    s.batchSize = 4;
    s.learningRate = 0.01;
    s.validationFraction = 0.34;
    s.device = "cpu";
    dialog->setSettings(s);
    QSignalSpy written(dialog, &app::TrainingDialog::packageWritten);
    QSignalSpy failed(dialog, &app::TrainingDialog::failed);
    dialog->start();
    EXPECT_TRUE(dialog->running());
    ASSERT_TRUE(test::waitFor([&] { return written.count() + failed.count() > 0; }, 120000));
    ASSERT_EQ(failed.count(), 0) << failed.first().first().toString().toStdString();
    EXPECT_FALSE(dialog->running());
    // Two points per series, at epochs 1 and 2.
    for (QLineSeries* series :
         {dialog->charts()->trainLoss(), dialog->charts()->validationLoss(),
          dialog->charts()->trainAccuracy(), dialog->charts()->validationAccuracy()}) {
        ASSERT_EQ(series->count(), 2) << series->name().toStdString();
        EXPECT_EQ(series->at(0).x(), 1.0);
        EXPECT_EQ(series->at(1).x(), 2.0);
    }
    EXPECT_GT(dialog->charts()->trainLoss()->at(0).y(), 0.0);
    // The package, its confusion matrix (validation images in all) and ROC curve.
    EXPECT_TRUE(fs::exists(dir / "packages" / "tiny" / "manifest.json"));
    EXPECT_TRUE(fs::exists(dir / "packages" / "tiny" / "model.pt"));
    QTableWidget* cm = dialog->result()->confusion();
    ASSERT_EQ(cm->rowCount(), 2);
    ASSERT_EQ(cm->columnCount(), 2);
    int total = 0;
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c) total += cm->item(r, c)->text().toInt();
    EXPECT_GE(total, 2);
    EXPECT_GE(dialog->result()->roc()->count(), 2);
    QApplication::processEvents();
    test::saveShot(dialog->grab().toImage(), "ai-training-dialog.png");
    // Offered in the model list (and the model manager), selected.
    EXPECT_EQ(QDir(panel->selectedModel()).canonicalPath(),
              QDir(q(dir / "packages" / "tiny")).canonicalPath());
    bool listed = false;
    for (const app::ModelPackage& p : app::ModelCatalog::all())
        listed = listed || QDir(p.folder).canonicalPath() ==
                               QDir(q(dir / "packages" / "tiny")).canonicalPath();
    EXPECT_TRUE(listed);
    qunsetenv("STRATUM_THREADS");
    QSettings().clear();
}

TEST(AiGui, CancellingTrainingStopsTheChildAndWritesNothing) {
    test::TempDir dir;
    writeTinySet(dir / "data", 6);
    QSettings().clear();
    qputenv("STRATUM_THREADS", "1");
    test::Workstation ws;
    auto* panel = qobject_cast<app::ClassificationPanel*>(ws->dock("classification")->widget());
    app::TrainingDialog* dialog = panel->trainingDialog();
    app::TrainingSettings s;
    s.data = q(dir / "data");
    s.output = q(dir / "never");
    s.architecture = "simplecnn";
    s.width = 4;
    s.inputSize = 32;
    s.epochs = 1000;
    s.batchSize = 4;
    s.device = "cpu";
    dialog->setSettings(s);
    QSignalSpy failed(dialog, &app::TrainingDialog::failed);
    dialog->start();
    // Cancel once the first epoch is charted (the child is surely training).
    ASSERT_TRUE(test::waitFor([&] { return dialog->charts()->trainLoss()->count() > 0; }, 120000));
    dialog->cancel();
    ASSERT_TRUE(test::waitFor([&] { return failed.count() > 0; }, 60000));
    EXPECT_TRUE(failed.first().first().toString().contains("cancelled"))
        << failed.first().first().toString().toStdString();
    EXPECT_FALSE(dialog->running());
    EXPECT_FALSE(fs::exists(dir / "never"));
    qunsetenv("STRATUM_THREADS");
    QSettings().clear();
}

TEST(AiGui, OutcomeFromCliJsonWarnsOfLowConfidenceAndRejectsBadOutput) {
    const QByteArray json =
        R"({"model": {"name": "m", "version": "2", "package": "/p", "labels": ["A", "B", "C"],
        "device": "cpu", "disclaimer": "Not for diagnosis."},
      "images": [{"input": "x.png", "predicted": "B", "predicted_index": 1,
                  "probabilities": {"A": 0.3, "B": 0.45, "C": 0.25}, "logits": [0, 0, 0]}],
      "warnings": [{"path": "x.png", "message": "odd spacing"}]})";
    const app::ClassificationOutcome o = app::ClassificationOutcome::fromCliJson(json);
    EXPECT_EQ(o.labels, (QStringList{"A", "B", "C"}));
    EXPECT_EQ(o.probabilities, (QVector<double>{0.3, 0.45, 0.25}));
    EXPECT_EQ(o.predicted, 1);
    ASSERT_EQ(o.warnings.size(), 2);
    EXPECT_EQ(o.warnings[0], "x.png: odd spacing");
    EXPECT_TRUE(o.warnings[1].startsWith("Low confidence: the top class has 45.0%"))
        << o.warnings[1].toStdString();
    EXPECT_THROW(app::ClassificationOutcome::fromCliJson("not json"), core::FormatError);
    EXPECT_THROW(
        app::ClassificationOutcome::fromCliJson(R"({"model": {"labels": ["A"]}, "images": []})"),
        core::FormatError);
    QByteArray missing = json;
    missing.replace("\"C\": 0.25", "\"D\": 0.25");
    EXPECT_THROW(app::ClassificationOutcome::fromCliJson(missing), core::FormatError);
}

TEST(AiGui, ClassificationRefusesAVolumeBeforeRunningAnything) {
    STRATUM_REQUIRE_DATA(shippedModel() / "manifest.json");
    STRATUM_REQUIRE_DATA(test::buildDir() / "demo" / "colin27-t1");
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(test::buildDir() / "demo" / "colin27-t1"));
    auto* panel = qobject_cast<app::ClassificationPanel*>(ws->dock("classification")->widget());
    ASSERT_TRUE(panel->selectModel(q(shippedModel())));
    QSignalSpy failed(panel, &app::ClassificationPanel::failed);
    panel->classify();
    ASSERT_EQ(failed.count(), 1);  // at once, no process started
    EXPECT_TRUE(failed.first().first().toString().contains("2D image"))
        << failed.first().first().toString().toStdString();
    EXPECT_FALSE(ws->tasks()->busy());
    EXPECT_EQ(panel->heatmapLayer(), 0);
}

TEST(AiGui, AMissingAiExecutableIsAClearError) {
    STRATUM_REQUIRE_DATA(shippedModel() / "manifest.json");
    STRATUM_REQUIRE_DATA(demoXray());
    test::TempDir dir;
    qputenv("STRATUM_AI_EXECUTABLE", q(dir / "no-such-stratum-ai").toUtf8());
    test::Workstation ws;
    ASSERT_TRUE(ws.openAndWait(demoXray()));
    auto* panel = qobject_cast<app::ClassificationPanel*>(ws->dock("classification")->widget());
    ASSERT_TRUE(panel->selectModel(q(shippedModel())));
    QSignalSpy failed(panel, &app::ClassificationPanel::failed);
    panel->classify();
    const bool ended = test::waitFor([&] { return failed.count() > 0; }, 30000);
    qunsetenv("STRATUM_AI_EXECUTABLE");
    ASSERT_TRUE(ended);
    const QString why = failed.first().first().toString();
    EXPECT_TRUE(why.contains("no-such-stratum-ai: cannot start")) << why.toStdString();
    EXPECT_EQ(panel->outcome(), nullptr);
}
