#pragma once
// Runs the `stratum-ai` executable (installed beside stratum-workstation) exactly as
// the CLI does, so the workstation never loads LibTorch itself (its libraries cost
// ~0.7 s at start-up) and a crashing model cannot take the viewer down. The child runs
// with STRATUM_PROGRESS=jsonl: every stderr line that is a JSON object is progress
// ({"progress","message"}, fed to the Task) or an event (e.g. a training epoch, handed
// to `onEvent`); other lines are the CLI's messages. Cancelling the Task sends SIGINT,
// which the CLI turns into a clean stop (exit 130, no partial output).
//
// run() blocks the calling thread until the child exits: call it from a TaskRunner
// job (a worker thread), never on the GUI thread.
#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <stdexcept>

#include "stratum/core/Progress.h"

namespace stratum::app {

// The child failed: exit status and the CLI's error message ("stratum: error: ...").
class AiProcessError : public std::runtime_error {
public:
    AiProcessError(int exitCode, const QString& message);
    int exitCode() const noexcept { return exitCode_; }

private:
    int exitCode_;
};

class AiProcess {
public:
    using EventHandler = std::function<void(const QJsonObject&)>;

    // $STRATUM_AI_EXECUTABLE, else `stratum-ai` in the application's own folder.
    static QString executable();

    // Runs `stratum-ai args...`; returns its standard output. Throws core::Cancelled
    // when the Task was cancelled (the child then stopped), AiProcessError when the
    // child could not start, crashed or exited with a non-zero status. `onEvent` runs
    // on the calling thread.
    static QByteArray run(const QStringList& args, const core::Task& task,
                          const EventHandler& onEvent = {});
};

}  // namespace stratum::app
