// Workstation speed: time from command to first image, and frame times while
// scrolling and dragging window/level, with references measured in the same run.
// Needs an X display: run it under Xvfb,
//   xvfb-run -a -s "-screen 0 1280x1024x24" build/release/bin/stratum_bench_workstation
//
//   stratum_bench_workstation [--demo DIR] [--work DIR] [--slices N] [--frames N]
//                             [--repeat N] [--keep]
//
// 1. Command to first image: `stratum-workstation --exit-after-first-image PATH` as a
//    separate process (its own report: ms since the process started), for the demo
//    study and a 512x512xN CT phantom; reference: `stratum info PATH` (a process that
//    scans the same study, headers only) and the bare load in this process.
// 2. Frames in the real main window (1x3 views, 1260x940): scrolling the axial view
//    and dragging window/level; each frame is timed from the change to Qt's
//    frameSwapped (the window composed and on screen). Reference: a redraw with
//    nothing changed.
// 3. One GL widget with three viewports against three GL widgets, the same three
//    slices re-rendered per frame (the design choice of ViewArea).
#include <sys/resource.h>
#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QMainWindow>
#include <QMouseEvent>
#include <QOpenGLFunctions>
#include <QOpenGLWidget>
#include <QProcess>
#include <QTimer>
#include <QTreeWidget>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>

#include "stratum/app/MainWindow.h"
#include "stratum/app/PanelRegistry.h"
#include "stratum/app/SliceViewport.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/ViewArea.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/model/SliceRenderer.h"
#include "stratum/app/model/ViewerState.h"
#include "stratum/app/vtk/VtkOpenGLWidget.h"
#include "stratum/io/Dicom.h"

namespace fs = std::filesystem;
using namespace stratum;

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1) + 0.5))];
}

bool waitUntil(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) return false;
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

// A 512x512xN CT-like phantom whose anatomy changes along z (so scrolling changes the picture).
core::Image makeCt(std::size_t nz) {
    core::Geometry g;
    g.size = {512, 512, nz};
    g.spacing = {0.7, 0.7, 1.0};
    g.origin = {-179.0, -179.0, -150.0};
    core::Image img(core::PixelType::Int16, 1, g);
    img.metadata().series.modality = "CT";
    std::int16_t* p = img.data<std::int16_t>();
    std::mt19937 rng(3);
    std::normal_distribution<float> noise(0.f, 12.f);
    for (std::size_t k = 0; k < nz; ++k) {
        const double z = double(k) / nz;
        for (std::size_t j = 0; j < 512; ++j)
            for (std::size_t i = 0; i < 512; ++i) {
                const double x = (i - 256.0) / 215.0, y = (j - 256.0) / (165.0 + 30 * z);
                const double lx = (std::abs(x) - 0.45) / (0.2 + 0.15 * z), ly = y / 0.6;
                double v = -1000;
                if (x * x + y * y < 1) v = 40;
                if (lx * lx + ly * ly < 1) v = -820;
                if (x * x * 40 + (y + 0.7) * (y + 0.7) * 40 < 1) v = 700;
                p[img.offset(i, j, k)] = static_cast<std::int16_t>(v + noise(rng));
            }
    }
    return img;
}

struct StartupResult {
    std::vector<double> appMs;
    std::vector<double> infoMs;
};

double runProcess(const QString& program, const QStringList& args, QString* output) {
    QProcess proc;
    proc.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer t;
    t.start();
    proc.start(program, args);
    if (!proc.waitForFinished(120000)) {
        proc.kill();
        return -1;
    }
    const double ms = t.nsecsElapsed() / 1e6;
    if (output) *output = QString::fromLocal8Bit(proc.readAll());
    return proc.exitCode() == 0 ? ms : -1;
}

StartupResult measureStartup(const fs::path& binDir, const fs::path& path, int repeat) {
    StartupResult r;
    const QString app = QString::fromStdString((binDir / "stratum-workstation").string());
    const QString cli = QString::fromStdString((binDir / "stratum").string());
    for (int i = 0; i < repeat; ++i) {
        QString out;
        if (runProcess(app, {"--exit-after-first-image", QString::fromStdString(path.string())},
                       &out) < 0) {
            std::cerr << "stratum-workstation failed: " << out.toStdString() << "\n";
            continue;
        }
        const int at = out.indexOf("first image on screen: ");
        if (at >= 0) r.appMs.push_back(out.mid(at + 23).section(' ', 0, 0).toDouble());
        const double info =
            runProcess(cli, {"info", QString::fromStdString(path.string())}, nullptr);
        if (info > 0) r.infoMs.push_back(info);
    }
    return r;
}

// Frame timing in the main window: `change` is applied, then we wait for the frame.
struct FrameTimes {
    std::vector<double> frameMs;   // change -> frameSwapped
    std::vector<double> renderMs;  // VTK render incl. slice computation (inside paintGL)
    double cpuMsPerFrame = 0;      // CPU time of this process (all threads) per frame
};

double processCpuMs() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
           (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

FrameTimes timeFrames(app::MainWindow& w, int frames, const std::function<void(int)>& change) {
    FrameTimes t;
    app::VtkOpenGLWidget* gl = w.views()->glWidget();
    int swapped = 0;
    double lastRender = 0;
    auto c1 = QObject::connect(gl, &QOpenGLWidget::frameSwapped, [&] { ++swapped; });
    auto c2 =
        QObject::connect(gl, &app::VtkOpenGLWidget::rendered, [&](double ms) { lastRender = ms; });
    waitUntil([] { return false; }, 100);  // settle
    const double cpu0 = processCpuMs();
    for (int i = 0; i < frames; ++i) {
        const int before = swapped;
        lastRender = 0;
        QElapsedTimer timer;
        timer.start();
        change(i);
        if (!waitUntil([&] { return swapped > before; }, 5000)) break;
        t.frameMs.push_back(timer.nsecsElapsed() / 1e6);
        t.renderMs.push_back(lastRender);
    }
    if (!t.frameMs.empty()) t.cpuMsPerFrame = (processCpuMs() - cpu0) / t.frameMs.size();
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    return t;
}

void printFrames(const char* what, const FrameTimes& t, double referenceMedian = 0) {
    const double m = median(t.frameMs);
    std::printf(
        "  %-30s frame median %6.1f ms (p90 %6.1f) = %5.1f frames/s  render %5.1f ms  cpu %5.1f "
        "ms/frame",
        what, m, percentile(t.frameMs, 0.9), m > 0 ? 1000.0 / m : 0.0, median(t.renderMs),
        t.cpuMsPerFrame);
    if (referenceMedian > 0) std::printf("   %.2fx the redraw", m / referenceMedian);
    std::printf("\n");
}

// Reference: what Qt alone costs per frame with software OpenGL. A window of the
// same size whose central QOpenGLWidget only clears, beside a dock with a tree (as
// the workstation has), redrawn `frames` times.
class ClearWidget : public QOpenGLWidget {
public:
    using QOpenGLWidget::QOpenGLWidget;

protected:
    void paintGL() override {
        QOpenGLFunctions* f = context()->functions();
        f->glClearColor(0.1f, 0.1f, 0.1f, 1.0f);
        f->glClear(GL_COLOR_BUFFER_BIT);
    }
};

FrameTimes timeEmptyGlWindow(int frames) {
    QMainWindow w;
    auto* gl = new ClearWidget(&w);
    w.setCentralWidget(gl);
    auto* dock = new QDockWidget("dock", &w);
    dock->setWidget(new QTreeWidget(dock));
    w.addDockWidget(Qt::LeftDockWidgetArea, dock);
    w.resize(1260, 940);
    w.show();
    int swapped = 0;
    QObject::connect(gl, &QOpenGLWidget::frameSwapped, [&] { ++swapped; });
    waitUntil([&] { return swapped > 0; }, 10000);
    waitUntil([] { return false; }, 200);
    FrameTimes t;
    const double cpu0 = processCpuMs();
    for (int i = 0; i < frames; ++i) {
        const int before = swapped;
        QElapsedTimer timer;
        timer.start();
        gl->update();
        if (!waitUntil([&] { return swapped > before; }, 5000)) break;
        t.frameMs.push_back(timer.nsecsElapsed() / 1e6);
    }
    if (!t.frameMs.empty()) t.cpuMsPerFrame = (processCpuMs() - cpu0) / t.frameMs.size();
    return t;
}

// Three slices of `volume` in (a) one GL widget with three viewports, (b) three GL widgets.
struct LayoutTimes {
    double frameMs = 0;  // median wall time per frame
    double cpuMsPerFrame = 0;
};

LayoutTimes timeLayout(const core::Image& volume, bool oneWidget, int frames) {
    app::ViewerState state;
    state.setVolume(volume);
    QWidget window;
    window.resize(1200, 420);
    auto* row = new QHBoxLayout(&window);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(2);
    std::vector<app::VtkOpenGLWidget*> gls;
    std::vector<std::unique_ptr<app::SliceViewport>> views;
    for (int i = 0; i < (oneWidget ? 1 : 3); ++i) {
        gls.push_back(new app::VtkOpenGLWidget(&window));
        row->addWidget(gls.back());
    }
    app::SliceRenderer renderer;
    app::RgbaImage rgba;
    for (app::ViewOrientation o : app::kAllOrientations) {
        views.push_back(std::make_unique<app::SliceViewport>(o));
        app::VtkOpenGLWidget* gl = oneWidget ? gls[0] : gls[static_cast<std::size_t>(o)];
        gl->renderWindow()->AddRenderer(views.back()->renderer());
    }
    auto sync = [&] {
        for (app::ViewOrientation o : app::kAllOrientations) {
            auto& v = *views[static_cast<std::size_t>(o)];
            app::VtkOpenGLWidget* gl = oneWidget ? gls[0] : gls[static_cast<std::size_t>(o)];
            const int W = gl->width(), H = gl->height();
            const int n = static_cast<int>(o);
            v.setRect(oneWidget ? app::ViewportRect{n * W / 3, 0, W / 3 - 2, H}
                                : app::ViewportRect{0, 0, W, H},
                      W, H);
            const app::SliceStack& s = state.stack(o);
            v.camera().fit(0, 0, s.widthMm(), s.heightMm());
            renderer.render(state.volume(), nullptr, state.plane(o), state.display(), rgba);
            v.setImage(rgba, s.spacingX(), s.spacingY());
            v.applyCamera();
        }
    };
    for (auto* gl : gls)
        QObject::connect(gl, &app::VtkOpenGLWidget::aboutToRender, [&] { sync(); });
    int swapped = 0;
    for (auto* gl : gls) QObject::connect(gl, &QOpenGLWidget::frameSwapped, [&] { ++swapped; });
    window.show();
    waitUntil([&] { return swapped >= static_cast<int>(gls.size()); }, 10000);
    waitUntil([] { return false; }, 200);
    std::vector<double> ms;
    const double cpu0 = processCpuMs();
    for (int i = 0; i < frames; ++i) {
        const int before = swapped;
        QElapsedTimer t;
        t.start();
        state.display().window.center += (i % 2 ? -10 : 10);  // every view changes
        for (auto* gl : gls) gl->requestRender();
        if (!waitUntil([&] { return swapped >= before + static_cast<int>(gls.size()); }, 5000))
            break;
        ms.push_back(t.nsecsElapsed() / 1e6);
    }
    LayoutTimes r;
    r.frameMs = median(ms);
    if (!ms.empty()) r.cpuMsPerFrame = (processCpuMs() - cpu0) / ms.size();
    window.close();
    views.clear();
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const fs::path binDir = fs::canonical("/proc/self/exe").parent_path();
    fs::path demo = binDir.parent_path() / "demo";
    fs::path work = fs::temp_directory_path() / "stratum-bench-workstation";
    std::size_t slices = 300;
    int frames = 60, repeat = 3;
    bool keep = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--demo" && i + 1 < args.size())
            demo = args[++i];
        else if (args[i] == "--work" && i + 1 < args.size())
            work = args[++i];
        else if (args[i] == "--slices" && i + 1 < args.size())
            slices = std::stoul(args[++i]);
        else if (args[i] == "--frames" && i + 1 < args.size())
            frames = std::stoi(args[++i]);
        else if (args[i] == "--repeat" && i + 1 < args.size())
            repeat = std::stoi(args[++i]);
        else if (args[i] == "--keep")
            keep = true;
        else {
            std::cerr << "usage: stratum_bench_workstation [--demo DIR] [--work DIR] [--slices N] "
                         "[--frames N] "
                         "[--repeat N] [--keep]\n";
            return 2;
        }
    }
    if (!std::getenv("DISPLAY")) {
        std::cerr << "needs an X display: run under xvfb-run -a -s \"-screen 0 1280x1024x24\"\n";
        return 2;
    }
    const fs::path ct = work / ("ct-" + std::to_string(slices));
    if (!fs::exists(ct)) {
        std::printf("writing a 512x512x%zu CT phantom to %s ...\n", slices, ct.string().c_str());
        fs::create_directories(work);
        io::DicomWriteOptions o;
        o.modality = "CT";
        o.patient.name = "Bench^Workstation";
        o.series.description = "Workstation benchmark CT";
        io::writeDicomSeries(makeCt(slices), ct, o);
    }

    // ---- 1. command to first image ------------------------------------------------------
    std::printf("\n1. Command to first image on screen (median of %d processes)\n", repeat);
    for (const auto& [label, path] :
         {std::pair<std::string, fs::path>{"demo study", demo},
          std::pair<std::string, fs::path>{std::to_string(slices) + "-slice CT", ct}}) {
        if (!fs::exists(path)) {
            std::printf("  %-16s missing: %s\n", label.c_str(), path.string().c_str());
            continue;
        }
        const StartupResult r = measureStartup(binDir, path, repeat);
        const double app = median(r.appMs), info = median(r.infoMs);
        std::printf(
            "  %-16s stratum-workstation %6.0f ms   reference `stratum info` process %6.0f ms   "
            "ratio %.2f\n",
            label.c_str(), app, info, info > 0 ? app / info : 0.0);
    }

    stratum::app::VtkOpenGLWidget::setDefaultSurfaceFormat();
    QApplication qapp(argc, argv);
    QApplication::setOrganizationName("StratumBench");
    QApplication::setApplicationName("WorkstationBench");

    // ---- 2. frames in the main window ---------------------------------------------------------
    std::printf("\n2. Frames in the main window (1x3 views, 1260x940, %d frames each)\n", frames);
    printFrames("Qt alone: empty GL widget", timeEmptyGlWindow(frames));
    for (const auto& [label, path] :
         {std::pair<std::string, fs::path>{"demo MR 181x217x181", demo / "colin27-t1"},
          std::pair<std::string, fs::path>{"CT 512x512x" + std::to_string(slices), ct}}) {
        if (!fs::exists(path)) continue;
        app::PanelRegistry registry;
        app::registerDefaultPanels(registry);
        app::MainWindow w(registry);
        w.resize(1260, 940);
        w.show();
        QElapsedTimer open;
        open.start();
        double firstImage = -1, full = -1;
        QObject::connect(w.views(), &app::ViewArea::seriesShown, [&] {
            if (firstImage < 0) firstImage = open.nsecsElapsed() / 1e6;
        });
        w.open(QString::fromStdString(path.string()));
        waitUntil([&] { return !w.tasks()->busy() && w.workspace()->currentId() != 0; }, 120000);
        full = open.nsecsElapsed() / 1e6;
        // Reference in this process: the bare load (scan, middle file, whole series).
        QElapsedTimer bare;
        bare.start();
        const io::DicomScan scan = io::scanDicom(path);
        const io::DicomSeries& s = *scan.largestSeries();
        (void)io::loadDicomFile(s.instances[s.slices[s.slices.size() / 2].instance].path);
        const double bareFirst = bare.nsecsElapsed() / 1e6;
        (void)io::loadDicomSeries(s);
        const double bareFull = bare.nsecsElapsed() / 1e6;
        std::printf(
            "  %s\n    in-process open -> first image %6.0f ms (bare scan + middle file %5.0f ms); "
            "-> whole volume loaded %6.0f ms (bare %5.0f ms)\n",
            label.c_str(), firstImage, bareFirst, full, bareFull);

        app::ViewArea& views = *w.views();
        const FrameTimes redraw =
            timeFrames(w, frames, [&](int) { views.glWidget()->requestRender(); });
        printFrames("redraw, nothing changed", redraw);
        const double ref = median(redraw.frameMs);
        views.setActiveView(app::ViewOrientation::Axial);
        const int count =
            w.workspace()->currentViewer()->stack(app::ViewOrientation::Axial).sliceCount();
        int direction = 1;
        const FrameTimes scroll = timeFrames(w, frames, [&](int) {
            app::ViewerState& v = *w.workspace()->currentViewer();
            const int k = v.sliceIndex(app::ViewOrientation::Axial);
            if (k + direction < 0 || k + direction >= count) direction = -direction;
            views.scrollActive(direction);
        });
        printFrames("scrolling the axial view", scroll, ref);
        app::VtkOpenGLWidget* gl = views.glWidget();
        const QPointF c(gl->width() / 6.0, gl->height() / 2.0);
        {
            QMouseEvent press(QEvent::MouseButtonPress, c, gl->mapToGlobal(c), Qt::RightButton,
                              Qt::RightButton, Qt::NoModifier);
            QApplication::sendEvent(gl, &press);
        }
        const FrameTimes wl = timeFrames(w, frames, [&](int i) {
            const QPointF p = c + QPointF((i % 20) * 3.0 - 30.0, (i % 14) * 2.0 - 14.0);
            QMouseEvent move(QEvent::MouseMove, p, gl->mapToGlobal(p), Qt::NoButton,
                             Qt::RightButton, Qt::NoModifier);
            QApplication::sendEvent(gl, &move);
        });
        {
            QMouseEvent release(QEvent::MouseButtonRelease, c, gl->mapToGlobal(c), Qt::RightButton,
                                Qt::NoButton, Qt::NoModifier);
            QApplication::sendEvent(gl, &release);
        }
        printFrames("window/level drag (3 views)", wl, ref);
        w.close();
    }

    // ---- 3. one GL widget with three viewports vs three GL widgets ----------------------
    // Rounds alternate between the two, so that a change in the machine's load during
    // the run does not favour one of them.
    const int rounds = 5;
    std::printf(
        "\n3. Three views re-rendered per frame, 1200x420 window (%d rounds of %d frames, "
        "alternating)\n",
        rounds, frames / 2);
    {
        io::DicomScan scan = io::scanDicom(demo / "colin27-t1");
        if (scan.largestSeries()) {
            const core::Image volume = io::loadDicomSeries(*scan.largestSeries());
            std::vector<double> oneMs, threeMs, oneCpu, threeCpu;
            for (int r = 0; r < rounds; ++r) {
                const LayoutTimes one = timeLayout(volume, true, frames / 2);
                const LayoutTimes three = timeLayout(volume, false, frames / 2);
                oneMs.push_back(one.frameMs);
                oneCpu.push_back(one.cpuMsPerFrame);
                threeMs.push_back(three.frameMs);
                threeCpu.push_back(three.cpuMsPerFrame);
            }
            std::printf(
                "  one GL widget, 3 viewports: %6.1f ms/frame (cpu %5.1f)   three GL widgets: "
                "%6.1f ms/frame "
                "(cpu %5.1f)   three/one: %.2f (cpu %.2f)\n",
                median(oneMs), median(oneCpu), median(threeMs), median(threeCpu),
                median(threeMs) / std::max(1e-9, median(oneMs)),
                median(threeCpu) / std::max(1e-9, median(oneCpu)));
        }
    }
    if (!keep) fs::remove_all(work);
    return 0;
}
