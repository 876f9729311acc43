#pragma once
// The workstation's main window: the views in the centre, the registered panels as
// docks, menus, a toolbar, and a status bar with the value and patient position
// under the cursor, the window/level, and background progress with Cancel.
// Settings (recent files, layout, window geometry and dock layout) persist in
// QSettings. Files and folders can be dropped on the window.
#include <QMainWindow>
#include <QMap>
#include <QStringList>

#include "stratum/app/AppContext.h"
#include "stratum/app/ViewArea.h"

class QAction;
class QActionGroup;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;

namespace stratum::app {

class MessageLog;
class PanelRegistry;
class StudyLoader;
class TaskProgressWidget;
class TaskRunner;
class Workspace;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const PanelRegistry& registry, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a file or folder (DICOM folder, DICOMDIR, NIfTI, ...), remembering it.
    void open(const QString& path);

    Workspace* workspace() const noexcept { return workspace_; }
    ViewArea* views() const noexcept { return views_; }
    StudyLoader* loader() const noexcept { return loader_; }
    TaskRunner* tasks() const noexcept { return tasks_; }
    MessageLog* log() const noexcept { return log_; }
    const AppContext& context() const noexcept { return context_; }
    QDockWidget* dock(const QString& id) const { return docks_.value(id); }
    QComboBox* windowPresets() const noexcept { return presets_; }
    QLabel* readoutLabel() const noexcept { return readout_; }
    QLabel* windowLabel() const noexcept { return windowLabel_; }
    TaskProgressWidget* progress() const noexcept { return progress_; }
    QStringList recentFiles() const;
    // The action named `objectName` (menus and toolbar), for tests and scripting.
    QAction* action(const QString& objectName) const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QAction* makeAction(const QString& name, const QString& text,
                        const QKeySequence& shortcut = {});
    void createActions();
    void createMenus();
    void createToolBar();
    void createDocks(const PanelRegistry& registry);
    void restoreSettings();
    void saveSettings();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void refreshPresets();
    void updateWindowLabel();
    void showError(const QString& path, const QString& message);
    void saveScreenshot();
    void setLayoutAction(ViewLayout layout);

    Workspace* workspace_;
    TaskRunner* tasks_;
    MessageLog* log_;
    StudyLoader* loader_;
    ViewArea* views_;
    AppContext context_;
    TaskProgressWidget* progress_ = nullptr;
    QLabel* readout_ = nullptr;
    QLabel* windowLabel_ = nullptr;
    QComboBox* presets_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* presetMenu_ = nullptr;
    QMenu* panelsMenu_ = nullptr;
    QActionGroup* layoutGroup_ = nullptr;
    QActionGroup* toolGroup_ = nullptr;
    QMap<QString, QDockWidget*> docks_;
    QMap<QString, QAction*> actions_;
    bool closing_ = false;
};

}  // namespace stratum::app
