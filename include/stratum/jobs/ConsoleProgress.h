#pragma once
// Progress for terminals: one line "[ 42%] decoding..." rewritten in place on a TTY;
// nothing at all when the stream is not a terminal (pipes, logs, tests), so scripted
// output and error messages stay clean.
// Machine-readable mode (STRATUM_PROGRESS=jsonl in the environment, or Format::JsonLines):
// one JSON object per line, `{"progress":0.42,"message":"..."}` whenever the
// permille or the message changes, and the events of event() (e.g. a training epoch),
// whatever the stream is. The workstation runs `stratum-ai` this way.
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "stratum/core/Progress.h"

namespace stratum::jobs {

class ConsoleProgress : public core::ProgressSink {
public:
    enum class Format { Terminal, JsonLines };
    // Format::JsonLines when STRATUM_PROGRESS is "jsonl", else Format::Terminal.
    static Format formatFromEnvironment();

    explicit ConsoleProgress(std::FILE* stream = stderr, Format format = formatFromEnvironment());
    ~ConsoleProgress() override;
    ConsoleProgress(const ConsoleProgress&) = delete;
    ConsoleProgress& operator=(const ConsoleProgress&) = delete;

    void report(double fraction, std::string_view message) override;
    // Erases the progress line (call before printing results or errors). Idempotent.
    void clear();
    bool enabled() const noexcept { return enabled_; }
    bool jsonLines() const noexcept { return format_ == Format::JsonLines; }
    // JsonLines: writes `jsonObject` (one JSON object, no newline inside) as a line;
    // Terminal: nothing.
    void event(std::string_view jsonObject);

private:
    std::FILE* stream_;
    Format format_;
    bool enabled_;
    std::mutex mutex_;
    int lastPercent_ = -1;
    std::string message_;
    bool lineShown_ = false;
};

}  // namespace stratum::jobs
