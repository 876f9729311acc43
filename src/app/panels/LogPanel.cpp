#include "stratum/app/panels/LogPanel.h"

#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace stratum::app {

LogPanel::LogPanel(const AppContext& context, QWidget* parent)
    : QWidget(parent), text_(new QPlainTextEdit(this)) {
    text_->setReadOnly(true);
    text_->setObjectName("logText");
    text_->setMaximumBlockCount(5000);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(text_);
    for (const MessageLog::Entry& e : context.log->entries()) append(e);
    connect(context.log, &MessageLog::added, this, &LogPanel::append);
}

QString LogPanel::text() const {
    return text_->toPlainText();
}

void LogPanel::append(const MessageLog::Entry& e) {
    const char* color = e.level == MessageLog::Level::Error     ? "#e05050"
                        : e.level == MessageLog::Level::Warning ? "#d0a020"
                                                                : "#a0a0a0";
    text_->appendHtml(QString("<span style='color:%1'>%2 %3</span> %4")
                          .arg(color, e.time.toString("HH:mm:ss"), MessageLog::levelName(e.level),
                               e.text.toHtmlEscaped()));
}

}  // namespace stratum::app
