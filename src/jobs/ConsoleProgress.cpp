#include "stratum/jobs/ConsoleProgress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace stratum::jobs {

ConsoleProgress::ConsoleProgress(std::FILE* stream)
    : stream_(stream), enabled_(stream != nullptr && ::isatty(::fileno(stream)) == 1) {}

ConsoleProgress::~ConsoleProgress() { clear(); }

void ConsoleProgress::report(double fraction, std::string_view message) {
    if (!enabled_) return;
    const int percent = static_cast<int>(std::floor(std::clamp(fraction, 0.0, 1.0) * 100.0));
    std::lock_guard lock(mutex_);
    const bool newMessage = !message.empty() && message != message_;
    if (percent == lastPercent_ && !newMessage) return;
    lastPercent_ = percent;
    if (newMessage) message_ = message;
    // "\r" back to column 0, "\x1b[K" erases what a longer previous line left.
    std::fprintf(stream_, "\r[%3d%%] %s\x1b[K", percent, message_.c_str());
    std::fflush(stream_);
    lineShown_ = true;
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
