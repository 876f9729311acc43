#pragma once
// The DICOM tags of the image under the cursor (the file of the current slice),
// searchable: the filter matches tag, name, VR and value.
#include <QString>
#include <QWidget>

#include "stratum/app/AppContext.h"

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTreeView;

namespace stratum::app {

class TagViewer : public QWidget {
    Q_OBJECT
public:
    explicit TagViewer(const AppContext& context, QWidget* parent = nullptr);

    const QString& file() const noexcept { return file_; }
    QLineEdit* filter() const noexcept { return filter_; }
    QSortFilterProxyModel* proxy() const noexcept { return proxy_; }
    // Rows shown (after filtering).
    int visibleRows() const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh();
    void refreshSoon();
    void show(const QString& file);

    AppContext context_;
    QLabel* path_;
    QLineEdit* filter_;
    QStandardItemModel* model_;
    QSortFilterProxyModel* proxy_;
    QTreeView* view_;
    QString file_;
    class QTimer* timer_;
};

}  // namespace stratum::app
