#pragma once
// The measurements of the current series: kind, value, view; Delete removes the
// selected one (undoable), double-click moves the cursor to it.
#include <QWidget>

#include "stratum/app/AppContext.h"

class QTreeWidget;

namespace stratum::app {

class MeasurementPanel : public QWidget {
    Q_OBJECT
public:
    explicit MeasurementPanel(const AppContext& context, QWidget* parent = nullptr);
    QTreeWidget* table() const noexcept { return table_; }
    void deleteSelected();

private:
    void refresh();

    AppContext context_;
    QTreeWidget* table_;
};

}  // namespace stratum::app
