#include "stratum/app/MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>

#include "stratum/app/MessageLog.h"
#include "stratum/app/PanelRegistry.h"
#include "stratum/app/StudyLoader.h"
#include "stratum/app/TaskProgressWidget.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/View3DProvider.h"
#include "stratum/app/Workspace.h"
#include "stratum/core/AtomicFile.h"

namespace stratum::app {

namespace {

constexpr int kMaxRecent = 10;
const char* kFileFilter =
    "Images (*.dcm *.DCM DICOMDIR *.nii *.nii.gz *.hdr *.nrrd *.nhdr *.mha *.mhd *.png *.jpg "
    "*.jpeg *.bmp *.tif "
    "*.tiff);;All files (*)";

}  // namespace

MainWindow::MainWindow(const PanelRegistry& registry, QWidget* parent)
    : QMainWindow(parent),
      workspace_(new Workspace(this)),
      tasks_(new TaskRunner(this)),
      log_(new MessageLog(this)),
      loader_(new StudyLoader(workspace_, tasks_, log_, this)),
      views_(new ViewArea(workspace_, this)) {
    setObjectName("mainWindow");
    setWindowTitle("Stratum Workstation");
    setCentralWidget(views_);
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    context_ = AppContext{workspace_, tasks_, log_, views_, loader_, this};

    readout_ = new QLabel(this);
    readout_->setObjectName("readout");
    readout_->setMinimumWidth(420);
    windowLabel_ = new QLabel(this);
    windowLabel_->setObjectName("windowLabel");
    progress_ = new TaskProgressWidget(tasks_, this);
    statusBar()->addWidget(readout_, 1);
    statusBar()->addPermanentWidget(windowLabel_);
    statusBar()->addPermanentWidget(progress_);

    createActions();
    createMenus();
    createToolBar();
    createDocks(registry);
    refreshPresets();
    if (registry.view3D()) views_->setView3DProvider(registry.view3D()());
    restoreSettings();

    connect(views_, &ViewArea::readoutChanged, readout_, &QLabel::setText);
    connect(loader_, &StudyLoader::failed, this, &MainWindow::showError);
    connect(workspace_, &Workspace::currentChanged, this, [this] {
        refreshPresets();
        updateWindowLabel();
        const LoadedSeries* s = workspace_->current();
        setWindowTitle(s ? QString("%1 - Stratum Workstation").arg(QString::fromStdString(s->name))
                         : QString("Stratum Workstation"));
    });
    connect(workspace_, &Workspace::imageReplaced, this, [this] { refreshPresets(); });
    connect(workspace_, &Workspace::displayChanged, this, &MainWindow::updateWindowLabel);
    connect(views_, &ViewArea::layoutChanged, this, &MainWindow::setLayoutAction);
    connect(views_, &ViewArea::toolChanged, this, [this](Tool t) {
        if (QAction* a = action(QString("tool-%1").arg(toolName(t)))) a->setChecked(true);
    });
    log_->info("Stratum Workstation ready. It is not a medical device and not for diagnosis.");
}

MainWindow::~MainWindow() {
    // Workers may still post to the loader and workspace: stop them first.
    tasks_->cancelAllAndWait();
}

QAction* MainWindow::makeAction(const QString& name, const QString& text,
                                const QKeySequence& shortcut) {
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    if (!shortcut.isEmpty()) a->setShortcut(shortcut);
    actions_.insert(name, a);
    addAction(a);  // shortcuts work even when the menu bar is hidden
    return a;
}

QAction* MainWindow::action(const QString& objectName) const {
    return actions_.value(objectName);
}

void MainWindow::createActions() {
    connect(makeAction("open", "&Open File...", QKeySequence::Open), &QAction::triggered, this,
            [this] {
                QSettings s;
                const QString f =
                    QFileDialog::getOpenFileName(this, "Open an image, a DICOM file or a DICOMDIR",
                                                 s.value("lastDir").toString(), kFileFilter);
                if (!f.isEmpty()) open(f);
            });
    connect(makeAction("openFolder", "Open &Folder...", QKeySequence("Ctrl+Shift+O")),
            &QAction::triggered, this, [this] {
                QSettings s;
                const QString d = QFileDialog::getExistingDirectory(this, "Open a DICOM folder",
                                                                    s.value("lastDir").toString());
                if (!d.isEmpty()) open(d);
            });
    connect(makeAction("closeSeries", "&Close Series", QKeySequence("Ctrl+W")), &QAction::triggered,
            this, [this] { workspace_->removeSeries(workspace_->currentId()); });
    connect(makeAction("screenshot", "Save &Screenshot...", QKeySequence("Ctrl+Shift+S")),
            &QAction::triggered, this, &MainWindow::saveScreenshot);
    connect(makeAction("quit", "&Quit", QKeySequence::Quit), &QAction::triggered, this,
            &QWidget::close);

    QAction* undo = workspace_->undoStack()->createUndoAction(this, "&Undo");
    undo->setObjectName("undo");
    undo->setShortcut(QKeySequence::Undo);
    actions_.insert("undo", undo);
    addAction(undo);
    QAction* redo = workspace_->undoStack()->createRedoAction(this, "&Redo");
    redo->setObjectName("redo");
    redo->setShortcuts({QKeySequence::Redo, QKeySequence("Ctrl+Shift+Z")});
    actions_.insert("redo", redo);
    addAction(redo);

    layoutGroup_ = new QActionGroup(this);
    const std::pair<ViewLayout, QString> layouts[] = {
        {ViewLayout::OneUp, "One View"},
        {ViewLayout::OneByThree, "1 x 3 Views"},
        {ViewLayout::TwoByTwo, "2 x 2 Views (with 3D)"}};
    int n = 1;
    for (const auto& [layout, text] : layouts) {
        QAction* a = makeAction(QString("layout-%1").arg(viewLayoutName(layout)), text,
                                QKeySequence(QString("Ctrl+%1").arg(n++)));
        a->setCheckable(true);
        a->setChecked(layout == views_->viewLayout());
        layoutGroup_->addAction(a);
        connect(a, &QAction::triggered, this,
                [this, layout = layout] { views_->setViewLayout(layout); });
    }
    toolGroup_ = new QActionGroup(this);
    const std::tuple<Tool, QString, QString> tools[] = {
        {Tool::Navigate, "&Navigate / Crosshair", "N"},
        {Tool::Distance, "&Distance", "D"},
        {Tool::Angle, "&Angle", "A"},
        {Tool::Rectangle, "&Rectangle ROI", "R"},
        {Tool::Ellipse, "&Ellipse ROI", "E"}};
    for (const auto& [tool, text, key] : tools) {
        QAction* a = makeAction(QString("tool-%1").arg(toolName(tool)), text, QKeySequence(key));
        a->setCheckable(true);
        a->setChecked(tool == views_->tool());
        toolGroup_->addAction(a);
        connect(a, &QAction::triggered, this, [this, tool = tool] { views_->setTool(tool); });
    }
    connect(makeAction("fit", "&Fit to Window", QKeySequence("F")), &QAction::triggered, views_,
            &ViewArea::fitAll);
    connect(makeAction("zoomIn", "Zoom &In", QKeySequence::ZoomIn), &QAction::triggered, this,
            [this] { views_->zoomActive(1.25); });
    connect(makeAction("zoomOut", "Zoom &Out", QKeySequence::ZoomOut), &QAction::triggered, this,
            [this] { views_->zoomActive(0.8); });
    QAction* invert = makeAction("invert", "&Invert", QKeySequence("I"));
    connect(invert, &QAction::triggered, this, [this] {
        if (ViewerState* v = workspace_->currentViewer()) {
            v->display().invert = !v->display().invert;
            workspace_->notifyDisplayChanged();
        }
    });
    connect(makeAction("resetWindow", "&Reset Window/Level", QKeySequence("Ctrl+R")),
            &QAction::triggered, this, [this] {
                if (ViewerState* v = workspace_->currentViewer()) {
                    v->display().window = initialWindow(v->volume().metadata(), v->stats());
                    v->display().invert = false;
                    workspace_->notifyDisplayChanged();
                }
            });
    QAction* text = makeAction("overlayText", "Patient/Study &Text", QKeySequence("T"));
    text->setCheckable(true);
    text->setChecked(true);
    connect(text, &QAction::toggled, views_, &ViewArea::setOverlayTextVisible);
    QAction* cross = makeAction("crosshair", "&Crosshair", QKeySequence("C"));
    cross->setCheckable(true);
    cross->setChecked(true);
    connect(cross, &QAction::toggled, views_, &ViewArea::setCrosshairVisible);
    QAction* nearest = makeAction("nearest", "Nearest-Neighbour &Sampling");
    nearest->setCheckable(true);
    connect(nearest, &QAction::toggled, this, [this](bool on) {
        if (ViewerState* v = workspace_->currentViewer()) {
            v->display().interpolation = on ? Interpolation::Nearest : Interpolation::Linear;
            workspace_->notifyDisplayChanged();
        }
    });
    QAction* acquisition = makeAction("acquisitionPlanes", "Views in &Acquisition Planes");
    acquisition->setCheckable(true);
    acquisition->setToolTip(
        "Oblique scans: show the scanner's own planes instead of true patient planes");
    connect(acquisition, &QAction::toggled, this, [this](bool on) {
        if (ViewerState* v = workspace_->currentViewer()) {
            v->setAlignment(on ? PlaneAlignment::Acquisition : PlaneAlignment::Patient);
            views_->fitAll();
            workspace_->notifyCursorChanged();
        }
    });
    connect(makeAction("nextSlice", "Next Slice"), &QAction::triggered, this,
            [this] { views_->scrollActive(1); });
    connect(makeAction("previousSlice", "Previous Slice"), &QAction::triggered, this,
            [this] { views_->scrollActive(-1); });
    connect(makeAction("about", "&About"), &QAction::triggered, this, [this] {
        QMessageBox::about(
            this, "Stratum Workstation",
            "Stratum Workstation: DICOM, NIfTI, NRRD, MetaImage and X-ray viewing with MPR,\n"
            "window/level, measurements and overlays.\n\nNot a medical device; not for diagnosis.");
    });
    for (int i = 1; i <= 9; ++i) {
        QAction* a = makeAction(QString("preset-%1").arg(i), QString("Window preset %1").arg(i),
                                QKeySequence(QString::number(i)));
        connect(a, &QAction::triggered, this, [this, i] {
            if (i > presets_->count() - 1) return;
            presets_->setCurrentIndex(i);
            Q_EMIT presets_->activated(i);
        });
    }
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu("&File");
    file->addAction(action("open"));
    file->addAction(action("openFolder"));
    recentMenu_ = file->addMenu("Open &Recent");
    file->addSeparator();
    file->addAction(action("closeSeries"));
    file->addAction(action("screenshot"));
    file->addSeparator();
    file->addAction(action("quit"));

    QMenu* edit = menuBar()->addMenu("&Edit");
    edit->addAction(action("undo"));
    edit->addAction(action("redo"));

    QMenu* view = menuBar()->addMenu("&View");
    for (QAction* a : layoutGroup_->actions()) view->addAction(a);
    view->addSeparator();
    view->addAction(action("fit"));
    view->addAction(action("zoomIn"));
    view->addAction(action("zoomOut"));
    view->addSeparator();
    presetMenu_ = view->addMenu("Window &Presets");
    view->addAction(action("invert"));
    view->addAction(action("resetWindow"));
    view->addSeparator();
    view->addAction(action("overlayText"));
    view->addAction(action("crosshair"));
    view->addAction(action("nearest"));
    view->addAction(action("acquisitionPlanes"));
    view->addSeparator();
    panelsMenu_ = view->addMenu("P&anels");

    QMenu* tools = menuBar()->addMenu("&Tools");
    for (QAction* a : toolGroup_->actions()) tools->addAction(a);

    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction(action("about"));
    QAction* keys = help->addAction("&Keyboard and Mouse");
    connect(keys, &QAction::triggered, this, [this] {
        QMessageBox::information(
            this, "Keyboard and mouse",
            "Mouse: left = tool (crosshair or measurement), right drag = window/level, middle drag "
            "or Ctrl+left = pan,\n"
            "Shift+left drag or Ctrl+wheel = zoom, wheel = scroll slices, double-click = one view "
            "/ all views.\n\n"
            "Keys: Up/Down, PageUp/PageDown, Home/End = slices; 1-9 = window presets; I = invert; "
            "Ctrl+R = reset window;\n"
            "F = fit; Ctrl++/Ctrl+- = zoom; N/D/A/R/E = navigate/distance/angle/rectangle/ellipse; "
            "Esc = cancel drawing;\n"
            "Ctrl+1/2/3 = layouts; T = text; C = crosshair; Ctrl+Z/Ctrl+Shift+Z = undo/redo; "
            "Ctrl+O = open.");
    });
}

void MainWindow::createToolBar() {
    QToolBar* bar = addToolBar("Main");
    bar->setObjectName("mainToolBar");
    bar->addAction(action("open"));
    bar->addAction(action("openFolder"));
    bar->addSeparator();
    for (QAction* a : layoutGroup_->actions()) bar->addAction(a);
    bar->addSeparator();
    for (QAction* a : toolGroup_->actions()) bar->addAction(a);
    bar->addSeparator();
    presets_ = new QComboBox(bar);
    presets_->setObjectName("windowPresetBox");
    presets_->setMinimumContentsLength(14);
    presets_->setToolTip("Window/level presets (keys 1-9)");
    bar->addWidget(presets_);
    bar->addAction(action("invert"));
    bar->addAction(action("fit"));
    connect(presets_, &QComboBox::activated, this, [this](int index) {
        ViewerState* v = workspace_->currentViewer();
        if (!v || index <= 0) return;
        const auto presets = v->presets();
        if (index - 1 < static_cast<int>(presets.size())) {
            v->display().window = presets[static_cast<std::size_t>(index - 1)].window;
            workspace_->notifyDisplayChanged();
        }
    });
}

void MainWindow::createDocks(const PanelRegistry& registry) {
    QDockWidget* firstRight = nullptr;
    for (const PanelSpec& spec : registry.panels()) {
        auto* dock = new QDockWidget(spec.title, this);
        dock->setObjectName(spec.id);
        dock->setWidget(spec.create(context_));
        addDockWidget(spec.area, dock);
        if (spec.area == Qt::RightDockWidgetArea) {
            if (firstRight)
                tabifyDockWidget(firstRight, dock);
            else
                firstRight = dock;
        }
        dock->setVisible(spec.visibleByDefault);
        panelsMenu_->addAction(dock->toggleViewAction());
        docks_.insert(spec.id, dock);
    }
    if (firstRight) firstRight->raise();
}

void MainWindow::restoreSettings() {
    QSettings s;
    if (s.contains("geometry"))
        restoreGeometry(s.value("geometry").toByteArray());
    else
        resize(1400, 900);
    if (s.contains("windowState")) {
        restoreState(s.value("windowState").toByteArray());
    } else {
        // First start: most of the room to the views (once the window has its size).
        QTimer::singleShot(0, this, [this] {
            QList<QDockWidget*> docks;
            QList<int> sizes;
            bool left = false, right = false;
            for (QDockWidget* d : docks_) {
                const Qt::DockWidgetArea area = dockWidgetArea(d);
                if (area == Qt::LeftDockWidgetArea && !left) docks << d, sizes << 290, left = true;
                if (area == Qt::RightDockWidgetArea && !right)
                    docks << d, sizes << 290, right = true;
            }
            resizeDocks(docks, sizes, Qt::Horizontal);
            if (QDockWidget* log = docks_.value("log")) resizeDocks({log}, {100}, Qt::Vertical);
        });
    }
    const QString layout = s.value("layout").toString();
    for (ViewLayout l : {ViewLayout::OneUp, ViewLayout::OneByThree, ViewLayout::TwoByTwo})
        if (layout == viewLayoutName(l)) views_->setViewLayout(l);
    action("overlayText")->setChecked(s.value("overlayText", true).toBool());
    action("crosshair")->setChecked(s.value("crosshair", true).toBool());
    rebuildRecentMenu();
}

void MainWindow::saveSettings() {
    QSettings s;
    s.setValue("geometry", saveGeometry());
    s.setValue("windowState", saveState());
    s.setValue("layout", viewLayoutName(views_->viewLayout()));
    s.setValue("overlayText", views_->overlayTextVisible());
    s.setValue("crosshair", views_->crosshairVisible());
}

QStringList MainWindow::recentFiles() const {
    return QSettings().value("recentFiles").toStringList();
}

void MainWindow::addRecent(const QString& path) {
    QSettings s;
    QStringList list = s.value("recentFiles").toStringList();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecent) list.removeLast();
    s.setValue("recentFiles", list);
    s.setValue("lastDir", QFileInfo(path).absolutePath());
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList list = recentFiles();
    for (const QString& path : list) {
        QAction* a = recentMenu_->addAction(path);
        connect(a, &QAction::triggered, this, [this, path] { open(path); });
    }
    recentMenu_->setEnabled(!list.isEmpty());
}

void MainWindow::open(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    addRecent(absolute);
    loader_->open(absolute);
}

void MainWindow::refreshPresets() {
    presets_->clear();
    presetMenu_->clear();
    ViewerState* v = workspace_->currentViewer();
    presets_->addItem("Window presets");
    if (!v) return;
    int i = 1;
    for (const NamedWindow& p : v->presets()) {
        const QString label = QString::fromStdString(p.name);
        presets_->addItem(i <= 9 ? QString("%1  (%2)").arg(label).arg(i) : label);
        QAction* a = presetMenu_->addAction(
            QString("%1\tW %2 L %3").arg(label).arg(p.window.width).arg(p.window.center));
        const int index = i;
        connect(a, &QAction::triggered, this, [this, index] {
            presets_->setCurrentIndex(index);
            Q_EMIT presets_->activated(index);
        });
        ++i;
    }
}

void MainWindow::updateWindowLabel() {
    ViewerState* v = workspace_->currentViewer();
    if (!v) {
        windowLabel_->clear();
        return;
    }
    const WindowLevel& w = v->display().window;
    windowLabel_->setText(QString("W %1  L %2%3")
                              .arg(w.width, 0, 'f', w.width < 10 ? 2 : 0)
                              .arg(w.center, 0, 'f', w.width < 10 ? 2 : 0)
                              .arg(v->display().invert ? "  inverted" : ""));
}

void MainWindow::showError(const QString& path, const QString& message) {
    auto* box =
        new QMessageBox(QMessageBox::Critical, "Cannot open", message, QMessageBox::Ok, this);
    box->setObjectName("errorDialog");
    box->setInformativeText(QString("While opening %1").arg(path));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();  // returns at once: no nested event loop
}

void MainWindow::saveScreenshot() {
    const QString f = QFileDialog::getSaveFileName(this, "Save the views as PNG",
                                                   "stratum-views.png", "PNG (*.png)");
    if (f.isEmpty()) return;
    const QImage image = views_->grabViews();
    try {
        core::AtomicFile out(f.toStdString());
        if (!image.save(QString::fromStdString(out.tempPath().string()), "PNG"))
            throw core::IoError(f.toStdString(), "cannot write the PNG");
        out.commit();
        log_->info(QString("Saved %1").arg(f));
    } catch (const std::exception& e) {
        showError(f, QString::fromUtf8(e.what()));
    }
}

void MainWindow::setLayoutAction(ViewLayout layout) {
    if (QAction* a = action(QString("layout-%1").arg(viewLayoutName(layout)))) a->setChecked(true);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    tasks_->cancelAllAndWait();
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls())
        for (const QUrl& url : event->mimeData()->urls())
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) open(url.toLocalFile());
    event->acceptProposedAction();
}

}  // namespace stratum::app
