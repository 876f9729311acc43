// stratum-workstation [PATH] [--layout one-up|1x3|2x2] [--timing] [--exit-after-first-image]
//                     [--mesh FILE] [--labels FILE] [--screenshot FILE.png]
// Opens PATH (a DICOM folder, DICOMDIR or file, or a NIfTI/NRRD/MetaImage/PNG/JPEG file).
#include <unistd.h>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "stratum/app/CommandLineActions.h"
#include "stratum/app/MainWindow.h"
#include "stratum/app/PanelRegistry.h"
#include "stratum/app/StudyLoader.h"
#include "stratum/app/ViewArea.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/vtk/VtkOpenGLWidget.h"

namespace {

// Milliseconds between the start of this process and now (from /proc; 0 if unknown):
// what passed before main() (loading Qt, VTK, ITK and DCMTK libraries) counts too.
double processAgeMs() {
    std::ifstream stat("/proc/self/stat"), uptime("/proc/uptime");
    std::string line;
    double up = 0.0;
    if (!std::getline(stat, line) || !(uptime >> up)) return 0.0;
    // Field 22 (starttime, in clock ticks since boot) follows the ')' of the command name.
    std::size_t pos = line.rfind(')');
    if (pos == std::string::npos) return 0.0;
    std::istringstream rest(line.substr(pos + 2));
    std::string field;
    for (int i = 3; i <= 22 && rest >> field; ++i) {
        if (i == 22)
            return (up - std::stod(field) / static_cast<double>(sysconf(_SC_CLK_TCK))) * 1000.0;
    }
    return 0.0;
}

}  // namespace

int main(int argc, char** argv) {
    const double ageAtMain = processAgeMs();
    QElapsedTimer sinceMain;
    sinceMain.start();
    stratum::app::VtkOpenGLWidget::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Stratum");
    QApplication::setApplicationName("Workstation");
    QApplication::setApplicationVersion("0.1.0");

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Stratum Workstation: DICOM and volume viewer (not for diagnosis)");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        "path", "DICOM folder, DICOMDIR, DICOM file or NIfTI/NRRD/MetaImage/PNG/JPEG file");
    QCommandLineOption layout("layout", "View layout: one-up, 1x3 or 2x2.", "layout");
    QCommandLineOption timing(
        "timing", "Print when the first image is on screen (ms since the process started).");
    QCommandLineOption exitAfter("exit-after-first-image",
                                 "Quit once the first image is on screen (for timing).");
    QCommandLineOption screenshot(
        "screenshot",
        "Once PATH is loaded and the views are drawn, save a picture of the window to FILE "
        "(PNG, written atomically) and quit; exit status 1 if that fails.",
        "file");
    QCommandLineOption mesh(
        "mesh",
        "Once PATH is shown, open this surface (STL/OBJ/PLY/VTP/glTF, patient coordinates) "
        "in the 3D view.",
        "file");
    QCommandLineOption labels(
        "labels",
        "Once PATH is shown, add this label map (NIfTI/NRRD/MetaImage on the series' grid, "
        "e.g. from `stratum segment`) as an overlay layer.",
        "file");
    parser.addOptions({layout, timing, exitAfter, screenshot, mesh, labels});
    parser.process(app);

    int rc = 0;
    {
        stratum::app::PanelRegistry registry;
        stratum::app::registerDefaultPanels(registry);
        stratum::app::MainWindow window(registry);
        if (parser.isSet(layout)) {
            const QString l = parser.value(layout);
            using stratum::app::ViewLayout;
            for (ViewLayout v : {ViewLayout::OneUp, ViewLayout::OneByThree, ViewLayout::TwoByTwo})
                if (l == stratum::app::viewLayoutName(v)) window.views()->setViewLayout(v);
        }
        const bool time = parser.isSet(timing) || parser.isSet(exitAfter);
        const auto milestone = [&](const char* what) {
            if (parser.isSet(timing))
                std::printf("  %7.0f ms  %s\n", ageAtMain + sinceMain.nsecsElapsed() / 1e6, what);
        };
        milestone("main window built");
        QObject::connect(window.loader(), &stratum::app::StudyLoader::scanned,
                         [&] { milestone("DICOM scanned"); });
        QObject::connect(window.workspace(), &stratum::app::Workspace::seriesAdded,
                         [&] { milestone("series added (first slice or whole image)"); });
        QObject::connect(window.workspace(), &stratum::app::Workspace::imageReplaced,
                         [&] { milestone("whole series loaded"); });
        bool firstSwap = true;
        QObject::connect(window.views()->glWidget(), &QOpenGLWidget::frameSwapped, [&] {
            if (firstSwap) milestone("first frame composed");
            firstSwap = false;
        });
        QObject::connect(window.views(), &stratum::app::ViewArea::seriesShown, &window, [&](int) {
            if (time) {
                std::printf(
                    "first image on screen: %.0f ms after the process started (%.0f ms before "
                    "main)\n",
                    ageAtMain + sinceMain.nsecsElapsed() / 1e6, ageAtMain);
                std::fflush(stdout);
            }
            if (parser.isSet(exitAfter)) QTimer::singleShot(0, &window, &QWidget::close);
        });
        try {
            if (parser.isSet(mesh)) stratum::app::openMeshWhenShown(window, parser.value(mesh));
            if (parser.isSet(labels))
                stratum::app::openLabelsWhenShown(window, parser.value(labels), [&rc](const QString& m) {
                    std::fprintf(stderr, "error: %s\n", qPrintable(m));
                    rc = 1;
                });
        } catch (const std::exception& e) {
            std::fprintf(stderr, "error: %s\n", e.what());
            return 2;
        }
        if (parser.isSet(screenshot))
            stratum::app::saveScreenshotWhenReady(
                window, parser.value(screenshot), [&rc](bool ok, const QString& message) {
                    std::fprintf(ok ? stdout : stderr, "%s%s\n", ok ? "" : "error: ",
                                 qPrintable(message));
                    if (!ok) rc = 1;
                    QApplication::exit(ok ? 0 : 1);
                });
        const QStringList paths = parser.positionalArguments();
        bool shown = false;
        const auto show = [&] {
            if (shown) return;
            shown = true;
            milestone("showing the window");
            window.show();
        };
        if (paths.isEmpty()) {
            show();
            if (!paths.isEmpty()) window.open(paths.front());
        } else {
            // Opening PATH: the window appears with its first image (scanning and loading
            // it runs meanwhile, instead of the first frames of empty views), or after
            // 1.5 s, or as soon as the loading fails.
            window.open(paths.front());
            QObject::connect(window.workspace(), &stratum::app::Workspace::seriesAdded, &window,
                             show);
            QObject::connect(window.loader(), &stratum::app::StudyLoader::idle, &window, show);
            QTimer::singleShot(1500, &window, show);
        }
        const int execRc = QApplication::exec();
        if (rc == 0) rc = execRc;
    }  // the window and its GL widgets go before the QApplication
    return rc;
}
