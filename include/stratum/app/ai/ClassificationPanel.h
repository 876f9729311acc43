#pragma once
// The classification panel: choose a classifier package (ModelCatalog; "Models..."
// opens the model manager), run it on the current 2D image through `stratum-ai
// classify` (ClassificationJob, in the background with progress and cancel), show
// the probabilities as bars (top class highlighted) with the CLI's warnings and a
// low-confidence warning, add the Grad-CAM heatmap as an overlay layer of the series
// (colour map, opacity, threshold here), show the image with its heatmap beside
// "what the model saw", and export a one-page PDF or PNG report. Each series keeps
// its last result for the session.
#include <QImage>
#include <QMap>
#include <QTemporaryDir>
#include <QWidget>
#include <memory>

#include "stratum/app/AppContext.h"
#include "stratum/app/ai/ClassificationOutcome.h"
#include "stratum/app/ai/ClassificationReport.h"
#include "stratum/app/ai/ModelCatalog.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;

namespace stratum::app {

class ProbabilityBars;

class ClassificationPanel : public QWidget {
    Q_OBJECT
public:
    explicit ClassificationPanel(const AppContext& context, QWidget* parent = nullptr);
    ~ClassificationPanel() override;

    // The training dialog (created on first use, kept for the session); its packages
    // join the model list.
    class TrainingDialog* trainingDialog();

    // Re-reads the model folders into the model list (classifiers only).
    void refreshModels();
    // Selects the package in `folder`; false when it is not listed.
    bool selectModel(const QString& folder);
    QString selectedModel() const;

    // Classifies the current series' image (must be 2D) in the background.
    void classify();
    // The current series' result (none: nullptr).
    const ClassificationOutcome* outcome() const;
    int heatmapLayer() const;  // the current series' Grad-CAM layer id, 0 when none

    // Heatmap display of the current series' Grad-CAM layer.
    void setHeatmapOpacity(double opacity);
    void setHeatmapThreshold(double threshold);

    // Throw core::IoError when the file cannot be written; core::InvalidArgument when
    // there is no result.
    void exportPdf(const QString& path) const;
    void exportPng(const QString& path) const;

    ProbabilityBars* bars() const noexcept { return bars_; }
    QLabel* message() const noexcept { return message_; }
    QLabel* warnings() const noexcept { return warnings_; }
    QLabel* overlayView() const noexcept { return overlayView_; }
    QLabel* modelInputView() const noexcept { return modelInputView_; }
    QComboBox* models() const noexcept { return models_; }

Q_SIGNALS:
    void classified(int seriesId);
    void failed(const QString& message);

private:
    struct Result {
        ClassificationOutcome outcome;
        QImage overlay, modelInput;
        QString sha256;
        int layerId = 0;
    };
    void showCurrent();
    void openModelManager();
    void applyHeatmapSettings();
    ClassificationReport report() const;

    AppContext context_;
    QVector<ModelPackage> packages_;
    QMap<int, Result> results_;  // by series id
    std::unique_ptr<QTemporaryDir> work_;
    int runs_ = 0;
    class TrainingDialog* training_ = nullptr;
    bool running_ = false;

    QComboBox* models_;
    QPushButton* run_;
    QLabel* message_;
    ProbabilityBars* bars_;
    QLabel* warnings_;
    QComboBox* colorMap_;
    QSlider* opacity_;
    QSlider* threshold_;
    QLabel* overlayView_;
    QLabel* modelInputView_;
    QPushButton* pdf_;
    QPushButton* png_;
};

}  // namespace stratum::app
