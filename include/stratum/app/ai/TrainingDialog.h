#pragma once
// Training a model from the workstation. Classification: a class-per-folder data set,
// architecture, epochs, batch size, learning rate, augmentation, run by
// `stratum-ai train-classifier`; segmentation: images and labels folders, U-Net
// architecture, patch, epochs, iterations, run by `stratum-ai train-segmenter`
// (loss and validation Dice curves). In the background (TaskRunner + AiProcess) with
// progress, time left and Cancel; the loss and accuracy curves grow epoch by epoch
// (TrainingCharts); at the end the validation confusion matrix and ROC curve
// (TrainingResultView), and the package's folder joins the model folders.
#include <QDialog>
#include <QJsonObject>

#include "stratum/app/AppContext.h"
#include "stratum/app/ai/TrainingSettings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace stratum::app {

class TrainingCharts;
class TrainingResultView;

class TrainingDialog : public QDialog {
    Q_OBJECT
public:
    explicit TrainingDialog(const AppContext& context, QWidget* parent = nullptr);
    ~TrainingDialog() override;

    TrainingSettings settings() const;
    void setSettings(const TrainingSettings& s);

    void start();
    void cancel();
    bool running() const noexcept { return jobId_ != 0; }

    TrainingCharts* charts() const noexcept { return charts_; }
    TrainingResultView* result() const noexcept { return result_; }
    QLabel* status() const noexcept { return status_; }
    QProgressBar* progress() const noexcept { return progress_; }

Q_SIGNALS:
    void packageWritten(const QString& folder);
    void failed(const QString& message);

protected:
    void reject() override;  // closing while training cancels it first

private:
    void browse(QLineEdit* edit, const QString& title);
    void onProgress(int id, double fraction, const QString& message);
    void setRunning(bool running);
    void showTask(TrainingSettings::Task task);  // the rows and architectures of a task
    void finished(const TrainingSettings& s, const QByteArray& out);

    AppContext context_;
    int jobId_ = 0;
    QFormLayout* form_ = nullptr;
    QComboBox* task_;
    QLineEdit* data_;
    QLineEdit* labels_;
    QLineEdit* output_;
    QComboBox* architecture_;
    QSpinBox* width_;
    QSpinBox* inputSize_;
    QSpinBox* depth_;
    QSpinBox* patch_;
    QSpinBox* iterations_;
    QSpinBox* epochs_;
    QSpinBox* batch_;
    QDoubleSpinBox* learningRate_;
    QDoubleSpinBox* validation_;
    QCheckBox* augment_;
    QPushButton* start_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* status_;
    TrainingCharts* charts_;
    TrainingResultView* result_;
};

}  // namespace stratum::app
