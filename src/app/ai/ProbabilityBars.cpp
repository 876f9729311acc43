#include "stratum/app/ai/ProbabilityBars.h"

#include <QPaintEvent>
#include <QPainter>
#include <algorithm>

namespace stratum::app {
namespace {

int topOf(const QVector<double>& p) {
    return p.isEmpty() ? -1 : static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

QString percentText(double p) {
    return QString("%1%").arg(100.0 * p, 0, 'f', 1);
}

}  // namespace

ProbabilityBars::ProbabilityBars(QWidget* parent) : QWidget(parent) {
    setObjectName("probabilityBars");
    setMinimumHeight(40);
}

void ProbabilityBars::setProbabilities(const QStringList& labels,
                                       const QVector<double>& probabilities) {
    labels_ = labels;
    probabilities_ = probabilities;
    updateGeometry();
    update();
}

int ProbabilityBars::topIndex() const {
    return topOf(probabilities_);
}

QString ProbabilityBars::text(int i) const {
    if (i < 0 || i >= labels_.size() || i >= probabilities_.size()) return {};
    return labels_[i] + "  " + percentText(probabilities_[i]);
}

QSize ProbabilityBars::sizeHint() const {
    return {240, std::max(40, 30 * static_cast<int>(labels_.size()) + 8)};
}

void ProbabilityBars::paint(QPainter& painter, const QRectF& rect, const QStringList& labels,
                            const QVector<double>& probabilities) {
    const int n = static_cast<int>(std::min(labels.size(), probabilities.size()));
    if (n == 0) return;
    const int top = topOf(probabilities);
    const double rowHeight = rect.height() / n;
    const double labelWidth = rect.width() * 0.38, numberWidth = rect.width() * 0.17;
    const double barWidth = rect.width() - labelWidth - numberWidth;
    painter.save();
    QFont font = painter.font();
    for (int i = 0; i < n; ++i) {
        const double y = rect.top() + i * rowHeight;
        const QRectF labelRect(rect.left(), y, labelWidth - 4, rowHeight);
        const QRectF barFrame(rect.left() + labelWidth, y + rowHeight * 0.2, barWidth,
                              rowHeight * 0.6);
        const QRectF numberRect(barFrame.right() + 4, y, numberWidth - 4, rowHeight);
        const double p = std::clamp(probabilities[i], 0.0, 1.0);
        font.setBold(i == top);
        painter.setFont(font);
        painter.setPen(i == top ? QColor(200, 30, 30) : QColor(40, 40, 40));
        painter.drawText(labelRect, Qt::AlignVCenter | Qt::AlignRight, labels[i]);
        painter.drawText(numberRect, Qt::AlignVCenter | Qt::AlignLeft, percentText(p));
        painter.setPen(QColor(120, 120, 120));
        painter.setBrush(QColor(235, 235, 235));
        painter.drawRect(barFrame);
        painter.setPen(Qt::NoPen);
        painter.setBrush(i == top ? QColor(220, 50, 40) : QColor(70, 120, 200));
        painter.drawRect(
            QRectF(barFrame.topLeft(), QSizeF(barFrame.width() * p, barFrame.height())));
    }
    painter.restore();
}

void ProbabilityBars::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (labels_.isEmpty()) {
        painter.setPen(Qt::gray);
        painter.drawText(rect(), Qt::AlignCenter, "No result yet");
        return;
    }
    paint(painter, QRectF(rect()).adjusted(4, 4, -4, -4), labels_, probabilities_);
}

}  // namespace stratum::app
