#pragma once
// Progress of background work in the status bar: the latest running job's title,
// message and progress bar, and a Cancel button that cancels it. Jobs shorter than a
// quarter second never show, and the display changes at most every 150 ms: with
// software OpenGL every widget update recomposites the whole window (GL views
// included), so a repaint per progress report would slow everything down.
#include <QWidget>
#include <map>

class QLabel;
class QProgressBar;
class QToolButton;

namespace stratum::app {

class TaskRunner;

class TaskProgressWidget : public QWidget {
    Q_OBJECT
public:
    explicit TaskProgressWidget(TaskRunner* runner, QWidget* parent = nullptr);
    QToolButton* cancelButton() const noexcept { return cancel_; }
    QProgressBar* bar() const noexcept { return bar_; }

private:
    struct State {
        QString title;
        double fraction = 0.0;
        QString message;
    };
    void refresh();

    TaskRunner* runner_;
    QLabel* label_;
    QProgressBar* bar_;
    QToolButton* cancel_;
    std::map<int, State> jobs_;
    int shown_ = 0;
    class QTimer* refresh_;
};

}  // namespace stratum::app
