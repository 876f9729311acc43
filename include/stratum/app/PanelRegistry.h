#pragma once
// The dockable panels of the main window, as a list of factories. The workstation
// registers its own (study browser, tags, layers, measurements, log, processing);
// later components add theirs (e.g. the AI panels) with one add() call in
// registerDefaultPanels, without touching MainWindow.
#include <QString>
#include <Qt>
#include <functional>
#include <memory>
#include <vector>

#include "stratum/app/AppContext.h"

class QWidget;

namespace stratum::app {

class View3DProvider;

struct PanelSpec {
    QString id;     // object name of the dock, stable: window layouts are saved by it
    QString title;  // dock title and View menu entry
    Qt::DockWidgetArea area = Qt::RightDockWidgetArea;
    std::function<QWidget*(const AppContext&)> create;
    bool visibleByDefault = true;
};

class PanelRegistry {
public:
    void add(PanelSpec spec) { panels_.push_back(std::move(spec)); }
    const std::vector<PanelSpec>& panels() const noexcept { return panels_; }

    // The 3D view slot of the 2x2 layout (none: a placeholder message).
    using View3DFactory = std::function<std::unique_ptr<View3DProvider>()>;
    void setView3D(View3DFactory factory) { view3D_ = std::move(factory); }
    const View3DFactory& view3D() const noexcept { return view3D_; }

private:
    std::vector<PanelSpec> panels_;
    View3DFactory view3D_;
};

// The workstation's panels (and those of the components built in).
void registerDefaultPanels(PanelRegistry& registry);

}  // namespace stratum::app
