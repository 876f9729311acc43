#include "stratum/app/ai/AiProcess.h"

#include <signal.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>

#include "stratum/core/Error.h"

namespace stratum::app {
namespace {

constexpr qint64 kStopTimeoutMs = 15000;  // SIGINT -> SIGKILL

// Feeds the complete lines of `buffer` to progress / events / messages.
void consumeLines(QByteArray& buffer, const core::Task& task,
                  const AiProcess::EventHandler& onEvent, QStringList& messages) {
    for (qsizetype end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const QByteArray line = buffer.left(end).trimmed();
        buffer.remove(0, end + 1);
        if (line.isEmpty()) continue;
        const QJsonDocument json =
            line.startsWith('{') ? QJsonDocument::fromJson(line) : QJsonDocument();
        if (!json.isObject()) {
            messages << QString::fromUtf8(line);
            continue;
        }
        const QJsonObject object = json.object();
        if (object.contains("progress")) {
            // Cancel is checked by the caller's loop: report without throwing.
            if (!task.isCancelled())
                task.progress(object.value("progress").toDouble(),
                              object.value("message").toString().toStdString());
        } else if (onEvent) {
            onEvent(object);
        }
    }
}

QString errorText(const QStringList& messages) {
    for (const QString& m : messages)
        if (m.startsWith("stratum: error: ")) return m.mid(16);
    for (const QString& m : messages)
        if (m.startsWith("stratum: ") && !m.startsWith("stratum: warning: ")) return m.mid(9);
    return messages.join('\n');
}

}  // namespace

AiProcessError::AiProcessError(int exitCode, const QString& message)
    : std::runtime_error(message.toStdString()), exitCode_(exitCode) {}

QString AiProcess::executable() {
    const QString overridden = qEnvironmentVariable("STRATUM_AI_EXECUTABLE");
    if (!overridden.isEmpty()) return overridden;
    return QDir(QCoreApplication::applicationDirPath()).filePath("stratum-ai");
}

QByteArray AiProcess::run(const QStringList& args, const core::Task& task,
                          const EventHandler& onEvent) {
    task.checkCancel();
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("STRATUM_PROGRESS", "jsonl");
    process.setProcessEnvironment(env);
    process.setProgram(executable());
    process.setArguments(args);
    process.start(QIODevice::ReadOnly);
    if (!process.waitForStarted(10000))
        throw AiProcessError(
            -1, QString("%1: cannot start (%2)").arg(executable(), process.errorString()));

    QByteArray out, err;
    QStringList messages;
    bool interrupted = false;
    QElapsedTimer sinceInterrupt;
    while (process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(100);
        out += process.readAllStandardOutput();
        err += process.readAllStandardError();
        consumeLines(err, task, onEvent, messages);
        if (task.isCancelled() && !interrupted) {
            ::kill(static_cast<pid_t>(process.processId()), SIGINT);  // the CLI stops cleanly
            interrupted = true;
            sinceInterrupt.start();
        }
        // A child that does not stop (stuck in one long network call) is killed.
        if (interrupted && sinceInterrupt.elapsed() > kStopTimeoutMs) process.kill();
    }
    process.waitForFinished(-1);
    out += process.readAllStandardOutput();
    err += process.readAllStandardError();
    err += '\n';
    consumeLines(err, task, onEvent, messages);

    if (interrupted && (process.exitStatus() == QProcess::CrashExit || process.exitCode() == 130))
        throw core::Cancelled();
    if (process.exitStatus() == QProcess::CrashExit)
        throw AiProcessError(-1,
                             QString("stratum-ai crashed (%1)").arg(messages.join(' ').left(400)));
    const int code = process.exitCode();
    if (code != 0) throw AiProcessError(code, errorText(messages));
    return out;
}

}  // namespace stratum::app
