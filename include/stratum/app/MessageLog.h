#pragma once
// Messages for the log panel: information, warnings (e.g. the io library's skipped
// files) and errors. Thread-affine: call from the GUI thread.
#include <QDateTime>
#include <QObject>
#include <QString>
#include <vector>

#include "stratum/core/Warning.h"

namespace stratum::app {

class MessageLog : public QObject {
    Q_OBJECT
public:
    enum class Level { Info, Warning, Error };
    struct Entry {
        QDateTime time;
        Level level = Level::Info;
        QString text;
    };

    explicit MessageLog(QObject* parent = nullptr) : QObject(parent) {}

    void info(const QString& text) { add(Level::Info, text); }
    void warning(const QString& text) { add(Level::Warning, text); }
    void error(const QString& text) { add(Level::Error, text); }
    void warnings(const core::Warnings& list);
    void add(Level level, const QString& text);

    const std::vector<Entry>& entries() const noexcept { return entries_; }
    static QString levelName(Level level);

Q_SIGNALS:
    void added(const stratum::app::MessageLog::Entry& entry);

private:
    std::vector<Entry> entries_;
};

}  // namespace stratum::app
