#include "stratum/app/CommandLineActions.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>
#include <QSaveFile>
#include <QTimer>
#include <memory>

#include "stratum/app/MainWindow.h"
#include "stratum/app/StudyLoader.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/ViewArea.h"
#include "stratum/app/Workspace.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"
#ifdef STRATUM_HAVE_MESH
#include "stratum/app/view3d/View3DPanel.h"
#endif

namespace stratum::app {

void openMeshWhenShown(MainWindow& window, const QString& file) {
#ifdef STRATUM_HAVE_MESH
    auto* panel = window.findChild<View3DPanel*>();
    if (!panel) throw core::InvalidArgument("--mesh: the window has no 3D view panel");
    auto opened = std::make_shared<bool>(false);
    QObject::connect(window.views(), &ViewArea::seriesShown, panel, [panel, opened, file](int) {
        if (*opened) return;
        *opened = true;
        panel->openMeshFile(file);
    });
#else
    (void)window;
    (void)file;
    throw core::InvalidArgument("--mesh: this build has no 3D view (no mesh library)");
#endif
}

void openLabelsWhenShown(MainWindow& window, const QString& file,
                         std::function<void(const QString& message)> fail) {
    auto opened = std::make_shared<bool>(false);
    QObject::connect(window.views(), &ViewArea::seriesShown, &window,
                     [&window, opened, file, fail](int seriesId) {
                         if (*opened) return;
                         *opened = true;
                         try {
                             io::ReadResult read = io::readImage(file.toStdString());
                             window.workspace()->addLabelMap(QFileInfo(file).fileName(),
                                                             std::move(read.image), {}, seriesId);
                         } catch (const std::exception& e) {
                             fail(QString("--labels %1: %2").arg(file, e.what()));
                         }
                     });
}

void saveScreenshotWhenReady(MainWindow& window, const QString& file,
                             std::function<void(bool ok, const QString& message)> done,
                             int timeoutMs) {
    auto* poll = new QTimer(&window);
    auto waited = std::make_shared<QElapsedTimer>();
    waited->start();
    QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, waited, file, done, timeoutMs] {
        const bool ready = window.isVisible() && window.workspace()->currentId() != 0 &&
                           window.views()->shownSeries() == window.workspace()->currentId() &&
                           !window.loader()->busy() && !window.tasks()->busy();
        if (!ready && waited->elapsed() <= timeoutMs) return;
        poll->stop();
        poll->deleteLater();
        if (!ready) {
            done(false, QString("nothing was shown within %1 s, no screenshot").arg(timeoutMs / 1000));
            return;
        }
        window.views()->grabViews();  // draws the views now
        const QImage shot = window.grab().toImage();
        QSaveFile out(file);
        if (out.open(QIODevice::WriteOnly) && shot.save(&out, "PNG") && out.commit())
            done(true, QString("saved %1 (%2x%3)").arg(file).arg(shot.width()).arg(shot.height()));
        else
            done(false, QString("cannot write %1").arg(file));
    });
    poll->start(250);
}

}  // namespace stratum::app
