#pragma once
// Long work off the GUI thread. A job runs on Qt's thread pool with a core::Task
// whose progress is posted (queued) to the GUI thread and whose cancel token the
// user's Cancel button sets. When the job ends, exactly one of its callbacks runs on
// the GUI thread: success, or failure with the exception (core::Cancelled when
// cancelled). No nested event loops: completion comes through a QFutureWatcher.
#include <QObject>
#include <QString>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "stratum/core/Progress.h"

namespace stratum::app {

class TaskRunner : public QObject {
    Q_OBJECT
public:
    using Body = std::function<void(const core::Task&)>;
    using Success = std::function<void()>;
    using Failure = std::function<void(std::exception_ptr)>;

    explicit TaskRunner(QObject* parent = nullptr);
    ~TaskRunner() override;

    // Starts `body` on a worker thread; returns the job id.
    int start(const QString& title, Body body, Success onSuccess, Failure onFailure);

    // The same with a result handed to `onResult` on the GUI thread.
    template <class R>
    int run(const QString& title, std::function<R(const core::Task&)> work,
            std::function<void(R)> onResult, Failure onFailure) {
        auto result = std::make_shared<std::optional<R>>();
        return start(
            title,
            [result, work = std::move(work)](const core::Task& task) {
                result->emplace(work(task));
            },
            [result, onResult = std::move(onResult)] { onResult(std::move(**result)); },
            std::move(onFailure));
    }

    // Posts `f` to run on the GUI thread (from a worker), dropped if the runner is gone.
    void post(std::function<void()> f);

    void cancel(int id);
    void cancelAll();
    // Cancels everything and blocks until the workers have returned (for shutdown).
    void cancelAllAndWait();
    bool busy() const noexcept { return !jobs_.empty(); }
    int activeCount() const noexcept { return static_cast<int>(jobs_.size()); }

Q_SIGNALS:
    void started(int id, const QString& title);
    void progress(int id, double fraction, const QString& message);
    void finished(int id);

private:
    struct Job;
    void finish(int id);

    std::map<int, std::unique_ptr<Job>> jobs_;
    int nextId_ = 1;
};

}  // namespace stratum::app
