#pragma once
// Progress for terminals: one line "[ 42%] decoding..." rewritten in place on a TTY;
// nothing at all when the stream is not a terminal (pipes, logs, tests), so scripted
// output and error messages stay clean.
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "stratum/core/Progress.h"

namespace stratum::jobs {

class ConsoleProgress : public core::ProgressSink {
public:
    explicit ConsoleProgress(std::FILE* stream = stderr);
    ~ConsoleProgress() override;
    ConsoleProgress(const ConsoleProgress&) = delete;
    ConsoleProgress& operator=(const ConsoleProgress&) = delete;

    void report(double fraction, std::string_view message) override;
    // Erases the progress line (call before printing results or errors). Idempotent.
    void clear();
    bool enabled() const noexcept { return enabled_; }

private:
    std::FILE* stream_;
    bool enabled_;
    std::mutex mutex_;
    int lastPercent_ = -1;
    std::string message_;
    bool lineShown_ = false;
};

}  // namespace stratum::jobs
