#include "stratum/app/TaskProgressWidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>
#include <QToolButton>
#include <cmath>

#include "stratum/app/TaskRunner.h"

namespace stratum::app {

namespace {
constexpr int kShowAfterMs = 250;
constexpr int kRefreshMs = 150;
}  // namespace

TaskProgressWidget::TaskProgressWidget(TaskRunner* runner, QWidget* parent)
    : QWidget(parent),
      runner_(runner),
      label_(new QLabel(this)),
      bar_(new QProgressBar(this)),
      cancel_(new QToolButton(this)),
      refresh_(new QTimer(this)) {
    bar_->setRange(0, 1000);
    bar_->setTextVisible(false);
    bar_->setFixedWidth(160);
    bar_->setObjectName("taskProgress");
    cancel_->setText("Cancel");
    cancel_->setObjectName("cancelTask");
    cancel_->setToolTip("Cancel the running task");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label_);
    layout->addWidget(bar_);
    layout->addWidget(cancel_);
    setVisible(false);
    refresh_->setSingleShot(true);
    connect(refresh_, &QTimer::timeout, this, &TaskProgressWidget::refresh);
    connect(cancel_, &QToolButton::clicked, this, [this] {
        if (shown_) runner_->cancel(shown_);
    });
    connect(runner_, &TaskRunner::started, this, [this](int id, const QString& title) {
        jobs_[id] = State{title, 0.0, QString()};
        if (!isVisible()) refresh_->start(kShowAfterMs);
    });
    connect(runner_, &TaskRunner::progress, this,
            [this](int id, double fraction, const QString& message) {
                auto it = jobs_.find(id);
                if (it == jobs_.end()) return;
                it->second.fraction = fraction;
                if (!message.isEmpty()) it->second.message = message;
                if (isVisible() && !refresh_->isActive()) refresh_->start(kRefreshMs);
            });
    connect(runner_, &TaskRunner::finished, this, [this](int id) {
        jobs_.erase(id);
        if (jobs_.empty()) {
            refresh_->stop();
            refresh();
        } else if (isVisible() && !refresh_->isActive()) {
            refresh_->start(kRefreshMs);
        }
    });
}

void TaskProgressWidget::refresh() {
    if (jobs_.empty()) {
        shown_ = 0;
        setVisible(false);
        return;
    }
    // The most recent job.
    const auto& [id, s] = *jobs_.rbegin();
    shown_ = id;
    label_->setText(s.message.isEmpty() ? s.title : s.title + ": " + s.message);
    bar_->setValue(static_cast<int>(std::lround(s.fraction * 1000)));
    setVisible(true);
}

}  // namespace stratum::app
