#pragma once
// The processing panel: the preprocessing operations of the jobs library's registry
// (jobs/Preprocess.h), each with a form generated from its parameter descriptions
// (never a list of its own). Preview runs the operation on a few slices around the
// cursor and shows the current slice before and after; Apply runs it on the whole
// series in the background and adds the result as a new series (Edit > Undo removes it).
#include <QWidget>
#include <functional>
#include <vector>

#include "stratum/app/AppContext.h"
#include "stratum/jobs/Preprocess.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QPushButton;

namespace stratum::app {

class ProcessingPanel : public QWidget {
    Q_OBJECT
public:
    explicit ProcessingPanel(const AppContext& context, QWidget* parent = nullptr);

    QComboBox* operations() const noexcept { return operations_; }
    // Selects an operation by its registry name; false when unknown.
    bool selectOperation(const QString& name);
    // Sets a parameter's field (as the user would type it); false when there is none.
    bool setParameter(const QString& name, const QString& value);
    // The step the form describes. Throws core::InvalidArgument naming the parameter.
    jobs::PreprocessStep step() const;
    QLabel* message() const noexcept { return message_; }
    QLabel* previewImage() const noexcept { return preview_; }

    void runPreview();
    void apply();

Q_SIGNALS:
    void previewShown();
    // The result was added as series `id`.
    void applied(int id);

private:
    struct Field {
        const jobs::ParamSpec* spec = nullptr;
        std::function<QString()> get;
        std::function<void(const QString&)> set;
    };
    void buildForm();
    void showError(const QString& text);

    AppContext context_;
    QComboBox* operations_;
    QLabel* summary_;
    QWidget* form_;
    QFormLayout* formLayout_;
    QLabel* message_;
    QLabel* preview_;
    QPushButton* previewButton_;
    QPushButton* applyButton_;
    std::vector<Field> fields_;
    int derivedCount_ = 0;
};

}  // namespace stratum::app
