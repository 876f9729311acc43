#pragma once
// The 3D annotations of the current study: what a click on a surface places (landmark,
// note, distance, angle), the list (name editable in place, colour, value or position),
// delete, distance/angle from selected landmarks, go to (moves the linked cursor), and
// saving/loading the study's annotation file. Every change is an undoable step.
#include <QWidget>

#include "stratum/app/AppContext.h"

class QButtonGroup;
class QLineEdit;
class QTableWidget;

namespace stratum::app {

class Scene3D;

class AnnotationPanel : public QWidget {
    Q_OBJECT
public:
    explicit AnnotationPanel(const AppContext& context, QWidget* parent = nullptr);

    QTableWidget* table() const noexcept { return table_; }
    QButtonGroup* modes() const noexcept { return modes_; }
    // Ids of the selected rows' annotations, in selection order.
    std::vector<int> selectedIds() const;

private:
    void refresh();
    void measureSelected(bool angle);
    void deleteSelected();
    void goToSelected();

    AppContext context_;
    Scene3D* scene_;
    QButtonGroup* modes_;
    QLineEdit* noteText_;
    QTableWidget* table_;
    bool updating_ = false;
};

}  // namespace stratum::app
