#include "stratum/app/TaskRunner.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <QFutureWatcher>
#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <cerrno>

namespace stratum::app {

namespace {

// Makes the calling worker thread nice 8 (Linux: nice is per thread, and inherited
// by the threads it creates, such as core::parallelFor's). Not undone: raising a
// priority again needs privileges, and the pool's threads only run background work.
void lowerThreadPriority() {
    constexpr int kNice = 8;
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && now < kNice) ::setpriority(PRIO_PROCESS, tid, kNice);
}

// Posts progress from worker threads to the runner on the GUI thread.
class PostingSink : public core::ProgressSink {
public:
    PostingSink(TaskRunner* runner, int id) : runner_(runner), id_(id) {}
    void report(double fraction, std::string_view message) override {
        TaskRunner* runner = runner_;
        const int id = id_;
        const QString text =
            QString::fromUtf8(message.data(), static_cast<qsizetype>(message.size()));
        runner->post([runner, id, fraction, text] { Q_EMIT runner->progress(id, fraction, text); });
    }

private:
    TaskRunner* runner_;
    int id_;
};

}  // namespace

struct TaskRunner::Job {
    QString title;
    core::CancelToken token;
    std::unique_ptr<PostingSink> sink;
    std::exception_ptr error;
    QFutureWatcher<void> watcher;
    Success onSuccess;
    Failure onFailure;
};

TaskRunner::TaskRunner(QObject* parent) : QObject(parent) {}

TaskRunner::~TaskRunner() {
    cancelAllAndWait();
}

int TaskRunner::start(const QString& title, Body body, Success onSuccess, Failure onFailure) {
    const int id = nextId_++;
    auto job = std::make_unique<Job>();
    Job* j = job.get();
    j->title = title;
    j->sink = std::make_unique<PostingSink>(this, id);
    j->onSuccess = std::move(onSuccess);
    j->onFailure = std::move(onFailure);
    connect(&j->watcher, &QFutureWatcher<void>::finished, this, [this, id] { finish(id); });
    jobs_.emplace(id, std::move(job));
    Q_EMIT started(id, title);
    j->watcher.setFuture(QtConcurrent::run([body = std::move(body), j] {
        // Background work yields to the GUI thread: painting stays smooth while a
        // series loads or a filter runs.
        lowerThreadPriority();
        const core::Task task(j->sink.get(), j->token);
        try {
            body(task);
        } catch (...) {
            j->error = std::current_exception();
        }
    }));
    return id;
}

void TaskRunner::post(std::function<void()> f) {
    QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
}

void TaskRunner::finish(int id) {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    std::unique_ptr<Job> job = std::move(it->second);
    jobs_.erase(it);
    if (job->error) {
        if (job->onFailure) job->onFailure(job->error);
    } else {
        try {
            if (job->onSuccess) job->onSuccess();
        } catch (...) {
            if (job->onFailure) job->onFailure(std::current_exception());
        }
    }
    Q_EMIT finished(id);
}

void TaskRunner::cancel(int id) {
    if (auto it = jobs_.find(id); it != jobs_.end()) it->second->token.cancel();
}

void TaskRunner::cancelAll() {
    for (auto& [id, job] : jobs_) job->token.cancel();
}

void TaskRunner::cancelAllAndWait() {
    cancelAll();
    for (auto& [id, job] : jobs_) job->watcher.waitForFinished();
    // Their callbacks are not run: the receivers may be going away.
    for (auto& [id, job] : jobs_) job->watcher.disconnect();
    jobs_.clear();
}

}  // namespace stratum::app
