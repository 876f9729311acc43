#pragma once
// Opening files and folders off the GUI thread. DICOM (a file, a folder scanned
// recursively, or a DICOMDIR) is scanned first: its patients, studies and series go
// to the study browser, and the largest series is loaded. A series shows its middle
// slice as soon as that one file is decoded, then the whole volume replaces it.
// Other formats (NIfTI, NRRD, MetaImage, PNG/JPEG/BMP/TIFF) are read whole.
// Errors (the io library's, naming the file) come back through failed(); warnings go
// to the log. Thumbnails for the browser are made after the first series is loaded.
#include <QImage>
#include <QObject>
#include <QString>
#include <memory>

#include "stratum/io/Dicom.h"

namespace stratum::app {

class MessageLog;
class TaskRunner;
class Workspace;

// A scanned series and the scan that owns it.
struct ScannedSeries {
    std::shared_ptr<const io::DicomScan> scan;
    const io::DicomSeries* series = nullptr;
    explicit operator bool() const { return series != nullptr; }
};

class StudyLoader : public QObject {
    Q_OBJECT
public:
    StudyLoader(Workspace* workspace, TaskRunner* tasks, MessageLog* log,
                QObject* parent = nullptr);

    // Opens a file or folder of any supported kind; `loadLargest`: load the DICOM
    // series with the most frames once scanned.
    void open(const QString& path, bool loadLargest = true);
    void loadSeries(const ScannedSeries& series);
    void loadFile(const QString& path);

    // The key a loaded series is known by (series UID and sub-series, or the path).
    static std::string seriesKey(const io::DicomSeries& series);
    static QString seriesName(const io::DicomSeries& series);
    bool busy() const noexcept { return active_ > 0; }

Q_SIGNALS:
    void scanned(const QString& path, std::shared_ptr<const stratum::io::DicomScan> scan);
    void thumbnailReady(const QString& seriesKey, const QImage& image);
    // A series (or file) finished loading and was added to the workspace.
    void loaded(int seriesId);
    // Opening or loading failed (not for cancellation): `message` names the file.
    void failed(const QString& path, const QString& message);
    void idle();

private:
    struct Load;  // one series being loaded (shared by the worker and the GUI thread)
    void onScanned(const QString& path, const std::shared_ptr<const io::DicomScan>& scan);
    // Worker side: the middle slice first (posted as a preview series), then the volume.
    void loadOnWorker(const std::shared_ptr<Load>& load, const core::Task& task);
    // GUI side, when the worker finished.
    void finishLoad(const std::shared_ptr<Load>& load);
    void makeThumbnails(std::shared_ptr<const io::DicomScan> scan);
    void report(const QString& path, std::exception_ptr error);
    void begin() { ++active_; }
    void end();

    Workspace* workspace_;
    TaskRunner* tasks_;
    MessageLog* log_;
    int active_ = 0;
};

}  // namespace stratum::app
