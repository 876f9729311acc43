#pragma once
// The study browser: every opened DICOM file, folder or DICOMDIR as a patient ->
// study -> series tree (modality, description, date, image count, thumbnail) and
// other opened files; double-click loads a series. Below it, the series loaded in
// memory (including processing results): click to show one, Delete to close it.
#include <QMap>
#include <QWidget>
#include <memory>
#include <vector>

#include "stratum/app/AppContext.h"
#include "stratum/app/StudyLoader.h"

class QListWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace stratum::app {

class StudyBrowser : public QWidget {
    Q_OBJECT
public:
    explicit StudyBrowser(const AppContext& context, QWidget* parent = nullptr);

    QTreeWidget* tree() const noexcept { return tree_; }
    QListWidget* loadedList() const noexcept { return loaded_; }
    // The scanned series behind a tree item (empty for patients, studies and files).
    ScannedSeries seriesOf(const QTreeWidgetItem* item) const;

private:
    void addScan(const QString& path, std::shared_ptr<const io::DicomScan> scan);
    void addFile(int seriesId);
    void activate(QTreeWidgetItem* item);
    void refreshLoaded();
    QTreeWidgetItem* patientItem(const io::DicomPatient& patient);
    QTreeWidgetItem* studyItem(QTreeWidgetItem* patient, const io::DicomStudy& study);

    AppContext context_;
    QTreeWidget* tree_;
    QListWidget* loaded_;
    std::vector<std::shared_ptr<const io::DicomScan>> scans_;
    std::vector<ScannedSeries> entries_;           // indexed by the item's data
    QMap<QString, QTreeWidgetItem*> seriesItems_;  // by series key
};

}  // namespace stratum::app
