#pragma once
// Progress reporting and cancellation for long operations.
//
// Every long operation takes a `Task` (by const reference, default = no reporting,
// never cancelled). A Task bundles a ProgressSink (where progress goes) and a
// CancelToken (how the caller stops the work). Work reports fractions in [0,1] of
// its own range; `Task::sub()` maps a sub-step onto part of the parent's range, so
// nested operations compose without knowing each other.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace stratum::core {

// Receives progress. Implementations must be thread-safe: parallel work reports
// from worker threads.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    // fraction in [0,1] of the whole task; message may be empty (keep the last one).
    virtual void report(double fraction, std::string_view message) = 0;
};

// Shared cancellation flag. Copies share state; cancelling any copy cancels all.
class CancelToken {
public:
    CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
    void cancel() noexcept { flag_->store(true, std::memory_order_relaxed); }
    bool isCancelled() const noexcept { return flag_->load(std::memory_order_relaxed); }
    // Throws core::Cancelled when cancelled.
    void throwIfCancelled() const;

private:
    std::shared_ptr<std::atomic<bool>> flag_;
};

class Task {
public:
    Task() = default;
    Task(ProgressSink* sink, CancelToken token) : sink_(sink), token_(std::move(token)) {}
    explicit Task(CancelToken token) : token_(std::move(token)) {}

    // Report progress `fraction` of this task's range (clamped to [0,1]) and check
    // for cancellation (throws core::Cancelled). Throttled: a sink sees at most
    // about one report per 0.5% of the whole task, plus every message change.
    void progress(double fraction, std::string_view message = {}) const;
    // Check for cancellation only.
    void checkCancel() const { token_.throwIfCancelled(); }
    bool isCancelled() const noexcept { return token_.isCancelled(); }

    // A task covering [from, to] of this task's range.
    Task sub(double from, double to) const;

    const CancelToken& cancelToken() const noexcept { return token_; }
    ProgressSink* sink() const noexcept { return sink_; }

private:
    ProgressSink* sink_ = nullptr;
    CancelToken token_;
    double begin_ = 0.0;
    double end_ = 1.0;
    // Last reported global fraction shared by sub-tasks, for throttling.
    std::shared_ptr<std::atomic<double>> last_ = std::make_shared<std::atomic<double>>(-1.0);
};

// Counts finished items from any thread and reports done/total to a Task.
class ProgressCounter {
public:
    ProgressCounter(const Task& task, std::size_t total, std::string message = {});
    // Marks `n` items done, reports, and throws core::Cancelled when cancelled.
    void advance(std::size_t n = 1);

private:
    Task task_;  // a copy: cheap, and safe when built from a temporary such as task.sub(a, b)
    std::size_t total_;
    std::string message_;
    std::atomic<std::size_t> done_{0};
};

// A sink that remembers the last report (for tests and simple callers).
class RecordingProgressSink : public ProgressSink {
public:
    void report(double fraction, std::string_view message) override;
    double lastFraction() const;
    std::string lastMessage() const;
    int reportCount() const;

private:
    mutable std::mutex mutex_;
    double last_ = 0.0;
    std::string message_;
    int count_ = 0;
};

}  // namespace stratum::core
