#include "stratum/app/MessageLog.h"

namespace stratum::app {

void MessageLog::add(Level level, const QString& text) {
    Entry e{QDateTime::currentDateTime(), level, text};
    entries_.push_back(e);
    Q_EMIT added(e);
}

void MessageLog::warnings(const core::Warnings& list) {
    for (const core::Warning& w : list) warning(QString::fromStdString(w.text()));
}

QString MessageLog::levelName(Level level) {
    switch (level) {
        case Level::Info:
            return QStringLiteral("info");
        case Level::Warning:
            return QStringLiteral("warning");
        case Level::Error:
            return QStringLiteral("error");
    }
    return {};
}

}  // namespace stratum::app
