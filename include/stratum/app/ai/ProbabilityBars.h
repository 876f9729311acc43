#pragma once
// Per-class probabilities as horizontal bars with their numbers; the top class is
// highlighted. Also paints into any QPainter (the PDF report uses the same drawing).
#include <QStringList>
#include <QVector>
#include <QWidget>

class QPainter;

namespace stratum::app {

class ProbabilityBars : public QWidget {
    Q_OBJECT
public:
    explicit ProbabilityBars(QWidget* parent = nullptr);

    void setProbabilities(const QStringList& labels, const QVector<double>& probabilities);
    void clear() { setProbabilities({}, {}); }
    const QStringList& labels() const noexcept { return labels_; }
    const QVector<double>& probabilities() const noexcept { return probabilities_; }
    // The index of the highlighted (most probable) class, -1 when empty.
    int topIndex() const;
    // The text shown for class i, e.g. "PNEUMONIA  97.3%".
    QString text(int i) const;

    // Draws the bars into `rect` of `painter` (one row per class).
    static void paint(QPainter& painter, const QRectF& rect, const QStringList& labels,
                      const QVector<double>& probabilities);

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QStringList labels_;
    QVector<double> probabilities_;
};

}  // namespace stratum::app
