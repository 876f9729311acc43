#pragma once
// Helpers for driving the real workstation in tests: waiting on the event loop,
// synthetic mouse and key events, and picture statistics on screenshots.
#include <gtest/gtest.h>

#include <QApplication>
#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QRect>
#include <QSettings>
#include <QTest>
#include <QWheelEvent>
#include <cmath>
#include <filesystem>
#include <functional>

#include "TestData.h"
#include "stratum/app/MainWindow.h"
#include "stratum/app/PanelRegistry.h"
#include "stratum/app/StudyLoader.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/ViewArea.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/vtk/VtkOpenGLWidget.h"

namespace stratum::test {

inline std::filesystem::path screenshotDir() {
    const auto dir = buildDir() / "test-screenshots";
    std::filesystem::create_directories(dir);
    return dir;
}

inline bool waitFor(const std::function<bool()>& condition, int timeoutMs = 20000) {
    return QTest::qWaitFor(condition, timeoutMs);
}

// A fresh main window with the default panels, shown at a fixed size.
class Workstation {
public:
    // Settings start empty unless `keepSettings` (then: what the last window saved).
    explicit Workstation(int width = 1260, int height = 940, bool keepSettings = false) {
        if (!keepSettings) QSettings().clear();
        app::registerDefaultPanels(registry_);
        window_ = std::make_unique<app::MainWindow>(registry_);
        window_->resize(width, height);
        window_->show();
        if (!QTest::qWaitForWindowExposed(window_.get()))
            ADD_FAILURE() << "the main window was not exposed";
    }
    ~Workstation() {
        window_->close();
        window_.reset();
        QApplication::processEvents();
    }
    app::MainWindow& operator*() { return *window_; }
    app::MainWindow* operator->() { return window_.get(); }
    app::ViewArea& views() { return *window_->views(); }
    app::VtkOpenGLWidget& gl() { return *window_->views()->glWidget(); }
    app::Workspace& workspace() { return *window_->workspace(); }

    // Opens `path` and waits until loading (and thumbnails) finished and a frame
    // shows the current series.
    bool openAndWait(const std::filesystem::path& path, int timeoutMs = 30000) {
        window_->open(QString::fromStdString(path.string()));
        return settle(timeoutMs);
    }
    bool settle(int timeoutMs = 30000) {
        const bool done = waitFor(
            [&] {
                return !window_->tasks()->busy() &&
                       (window_->workspace()->currentId() == 0 ||
                        window_->views()->shownSeries() == window_->workspace()->currentId());
            },
            timeoutMs);
        return done && render();
    }
    // Renders now and returns the views' picture.
    QImage grab() { return window_->views()->grabViews().convertToFormat(QImage::Format_RGB32); }
    bool render() {
        window_->views()->grabViews();  // paints now
        QApplication::processEvents();
        return true;
    }

    // Synthetic input on the views' GL widget (logical pixels).
    void mouse(QEvent::Type type, QPointF at, Qt::MouseButton button, Qt::MouseButtons buttons,
               Qt::KeyboardModifiers mods = Qt::NoModifier) {
        QMouseEvent e(type, at, gl().mapToGlobal(at), button, buttons, mods);
        QApplication::sendEvent(&gl(), &e);
    }
    void drag(QPointF from, QPointF to, Qt::MouseButton button, int steps = 8) {
        mouse(QEvent::MouseButtonPress, from, button, button);
        for (int i = 1; i <= steps; ++i)
            mouse(QEvent::MouseMove, from + (to - from) * (double(i) / steps), Qt::NoButton,
                  button);
        mouse(QEvent::MouseButtonRelease, to, button, Qt::NoButton);
        QApplication::processEvents();
    }
    void click(QPointF at) {
        mouse(QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton);
        mouse(QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
    }
    void wheel(QPointF at, int notches) {
        QWheelEvent e(at, gl().mapToGlobal(at), QPoint(), QPoint(0, 120 * notches), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&gl(), &e);
    }
    void key(int key) {
        QKeyEvent e(QEvent::KeyPress, key, Qt::NoModifier);
        QApplication::sendEvent(&gl(), &e);
    }
    // The centre of view o in widget coordinates.
    QPointF centre(app::ViewOrientation o) {
        const auto& r = views().viewport(o).rect();
        const double dpr = gl().devicePixelRatioF();
        return QPointF(r.x + r.width / 2.0, r.y + r.height / 2.0) / dpr;
    }
    QRect rect(app::ViewOrientation o) {
        const auto& r = views().viewport(o).rect();
        return {r.x, r.y, r.width, r.height};
    }

private:
    app::PanelRegistry registry_;
    std::unique_ptr<app::MainWindow> window_;
};

struct PixelStats {
    double mean = 0, sd = 0;
    int bright = 0;
};

inline int grey(QRgb c) {
    return (qRed(c) + qGreen(c) + qBlue(c)) / 3;
}

inline PixelStats stats(const QImage& image, const QRect& rect, int brightAbove = 40) {
    PixelStats s;
    double sum = 0, sumSq = 0;
    int n = 0;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) {
            const int g = grey(image.pixel(x, y));
            sum += g;
            sumSq += double(g) * g;
            if (g > brightAbove) ++s.bright;
            ++n;
        }
    if (n) {
        s.mean = sum / n;
        s.sd = std::sqrt(std::max(0.0, sumSq / n - s.mean * s.mean));
    }
    return s;
}

// Bounding box of pixels whose grey exceeds `threshold` inside `rect`, ignoring the
// bands where the views' text and frame are drawn (`margin` pixels at each edge).
inline QRect brightBox(const QImage& image, const QRect& rect, int threshold = 40, int margin = 0) {
    int x0 = INT32_MAX, y0 = INT32_MAX, x1 = -1, y1 = -1;
    const QRect r = rect.adjusted(margin, margin, -margin, -margin).intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) {
            const QRgb c = image.pixel(x, y);
            // Grey only: overlays (text, crosshair, frame) are coloured or white on black.
            if (grey(c) > threshold && std::abs(qRed(c) - qGreen(c)) < 8 &&
                std::abs(qGreen(c) - qBlue(c)) < 8) {
                x0 = std::min(x0, x);
                y0 = std::min(y0, y);
                x1 = std::max(x1, x);
                y1 = std::max(y1, y);
            }
        }
    return x1 < 0 ? QRect() : QRect(QPoint(x0, y0), QPoint(x1, y1));
}

inline void saveShot(const QImage& image, const std::string& name) {
    image.save(QString::fromStdString((screenshotDir() / name).string()));
}

}  // namespace stratum::test
