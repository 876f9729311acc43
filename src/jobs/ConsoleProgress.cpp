#include "stratum/jobs/ConsoleProgress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace stratum::jobs {

ConsoleProgress::Format ConsoleProgress::formatFromEnvironment() {
    const char* value = std::getenv("STRATUM_PROGRESS");
    return value != nullptr && std::string_view(value) == "jsonl" ? Format::JsonLines
                                                                  : Format::Terminal;
}

ConsoleProgress::ConsoleProgress(std::FILE* stream, Format format)
    : stream_(stream),
      format_(format),
      enabled_(stream != nullptr &&
               (format == Format::JsonLines || ::isatty(::fileno(stream)) == 1)) {}

ConsoleProgress::~ConsoleProgress() {
    clear();
}

void ConsoleProgress::report(double fraction, std::string_view message) {
    if (!enabled_) return;
    const double clamped = std::clamp(fraction, 0.0, 1.0);
    // Terminal: whole percents; JSON lines: permille (smoother bars in the GUI).
    const int step = static_cast<int>(std::floor(clamped * (jsonLines() ? 1000.0 : 100.0)));
    std::lock_guard lock(mutex_);
    const bool newMessage = !message.empty() && message != message_;
    if (step == lastPercent_ && !newMessage) return;
    lastPercent_ = step;
    if (newMessage) message_ = message;
    if (jsonLines()) {
        const nlohmann::ordered_json line = {{"progress", step / 1000.0}, {"message", message_}};
        std::fprintf(
            stream_, "%s\n",
            line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
        std::fflush(stream_);
        return;
    }
    // "\r" back to column 0, "\x1b[K" erases what a longer previous line left.
    std::fprintf(stream_, "\r[%3d%%] %s\x1b[K", step, message_.c_str());
    std::fflush(stream_);
    lineShown_ = true;
}

void ConsoleProgress::event(std::string_view jsonObject) {
    if (!enabled_ || !jsonLines()) return;
    std::lock_guard lock(mutex_);
    std::fwrite(jsonObject.data(), 1, jsonObject.size(), stream_);
    std::fputc('\n', stream_);
    std::fflush(stream_);
}

void ConsoleProgress::clear() {
    std::lock_guard lock(mutex_);
    if (!lineShown_) return;
    std::fputs("\r\x1b[K", stream_);
    std::fflush(stream_);
    lineShown_ = false;
    lastPercent_ = -1;
}

}  // namespace stratum::jobs
