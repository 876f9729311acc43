#pragma once
// The model manager: the packages of ModelCatalog (the installation's `models/` and
// the user's folders) with each manifest shown in full: name, task, labels, intended
// use, training data, validation metrics, SHA-256 of the weights. "Add Folder..."
// adds a user folder (remembered).
#include <QDialog>
#include <QVector>

#include "stratum/app/ai/ModelCatalog.h"

class QListWidget;
class QTextBrowser;

namespace stratum::app {

class ModelManagerDialog : public QDialog {
    Q_OBJECT
public:
    explicit ModelManagerDialog(QWidget* parent = nullptr);

    // Rescans the folders (keeps the selection by folder when possible).
    void refresh();
    // Adds a folder as the user would with "Add Folder..." and rescans.
    void addFolder(const QString& folder);
    // Selects the package in `folder`; false when it is not listed.
    bool select(const QString& folder);

    const QVector<ModelPackage>& packages() const noexcept { return packages_; }
    QListWidget* list() const noexcept { return list_; }
    QTextBrowser* details() const noexcept { return details_; }

    // The manifest as HTML (what the details pane shows).
    static QString manifestHtml(const ModelPackage& package);

Q_SIGNALS:
    void packagesChanged();

private:
    void showCurrent();

    QVector<ModelPackage> packages_;
    QListWidget* list_;
    QTextBrowser* details_;
};

}  // namespace stratum::app
