#include "stratum/core/Progress.h"

#include <algorithm>

#include "stratum/core/Error.h"

namespace stratum::core {

void CancelToken::throwIfCancelled() const {
    if (isCancelled()) throw Cancelled();
}

void Task::progress(double fraction, std::string_view message) const {
    token_.throwIfCancelled();
    if (!sink_) return;
    const double f = std::clamp(fraction, 0.0, 1.0);
    const double global = begin_ + (end_ - begin_) * f;
    double last = last_->load(std::memory_order_relaxed);
    // Throttle: report when moved by >= 0.5% of the whole, at the end, or with a message.
    if (message.empty() && global < 1.0 && last >= 0.0 && global - last < 0.005 && global >= last)
        return;
    last_->store(global, std::memory_order_relaxed);
    sink_->report(global, message);
}

Task Task::sub(double from, double to) const {
    Task t = *this;
    from = std::clamp(from, 0.0, 1.0);
    to = std::clamp(to, from, 1.0);
    t.begin_ = begin_ + (end_ - begin_) * from;
    t.end_ = begin_ + (end_ - begin_) * to;
    return t;
}

ProgressCounter::ProgressCounter(const Task& task, std::size_t total, std::string message)
    : task_(task), total_(total), message_(std::move(message)) {
    task_.progress(0.0, message_);
}

void ProgressCounter::advance(std::size_t n) {
    const std::size_t done = done_.fetch_add(n, std::memory_order_relaxed) + n;
    task_.progress(total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_));
}

void RecordingProgressSink::report(double fraction, std::string_view message) {
    std::lock_guard lock(mutex_);
    last_ = fraction;
    if (!message.empty()) message_ = std::string(message);
    ++count_;
}

double RecordingProgressSink::lastFraction() const {
    std::lock_guard lock(mutex_);
    return last_;
}

std::string RecordingProgressSink::lastMessage() const {
    std::lock_guard lock(mutex_);
    return message_;
}

int RecordingProgressSink::reportCount() const {
    std::lock_guard lock(mutex_);
    return count_;
}

}  // namespace stratum::core
