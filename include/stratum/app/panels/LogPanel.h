#pragma once
// The message log: information, warnings (e.g. files skipped by the DICOM scanner)
// and errors, with their time.
#include <QWidget>

#include "stratum/app/AppContext.h"
#include "stratum/app/MessageLog.h"

class QPlainTextEdit;

namespace stratum::app {

class LogPanel : public QWidget {
    Q_OBJECT
public:
    explicit LogPanel(const AppContext& context, QWidget* parent = nullptr);
    QString text() const;

private:
    void append(const MessageLog::Entry& e);
    QPlainTextEdit* text_;
};

}  // namespace stratum::app
