#include "stratum/app/StudyLoader.h"

#include <QFileInfo>

#include "stratum/app/MessageLog.h"
#include "stratum/app/TaskRunner.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/model/Thumbnail.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"

namespace stratum::app {

namespace {

constexpr int kThumbnailSize = 64;

QImage toQImage(const GreyThumbnail& t) {
    QImage image(t.width, t.height, QImage::Format_Grayscale8);
    for (int y = 0; y < t.height; ++y)
        std::copy_n(&t.pixels[static_cast<std::size_t>(y) * t.width], t.width, image.scanLine(y));
    return image;
}

std::vector<std::string> sliceFiles(const io::DicomSeries& s) {
    std::vector<std::string> files(s.geometry.size[2]);
    for (const io::DicomSlice& slice : s.slices)
        if (slice.sliceIndex < files.size())
            files[slice.sliceIndex] = s.instances[slice.instance].path.string();
    return files;
}

}  // namespace

StudyLoader::StudyLoader(Workspace* workspace, TaskRunner* tasks, MessageLog* log, QObject* parent)
    : QObject(parent), workspace_(workspace), tasks_(tasks), log_(log) {}

std::string StudyLoader::seriesKey(const io::DicomSeries& s) {
    return s.series.instanceUid + "#" + std::to_string(s.subSeries);
}

QString StudyLoader::seriesName(const io::DicomSeries& s) {
    QString name = QString::fromStdString(s.series.description);
    if (name.isEmpty()) name = QStringLiteral("(no description)");
    if (!s.series.number.empty())
        name = QString("%1: %2").arg(QString::fromStdString(s.series.number), name);
    if (s.subSeries > 0) name += QString(" (part %1)").arg(s.subSeries);
    return name;
}

void StudyLoader::end() {
    if (--active_ == 0) Q_EMIT idle();
}

void StudyLoader::report(const QString& path, std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const core::Cancelled&) {
        log_->info(QString("Cancelled: %1").arg(path));
    } catch (const std::exception& e) {
        const QString message = QString::fromUtf8(e.what());
        log_->error(message);
        Q_EMIT failed(path, message);
    } catch (...) {
        log_->error(QString("%1: unknown error").arg(path));
        Q_EMIT failed(path, QString("%1: unknown error").arg(path));
    }
}

struct StudyLoader::Load {
    std::shared_ptr<const io::DicomScan> scan;
    const io::DicomSeries* series = nullptr;
    std::string key;
    QString name;
    int previewId = 0;
    core::Image image;
    core::Warnings warnings;
};

void StudyLoader::open(const QString& path, bool loadLargest) {
    const std::filesystem::path p = path.toStdString();
    io::FileFormat format = io::FileFormat::Unknown;
    try {
        if (!std::filesystem::exists(p)) throw core::IoError(p.string(), "does not exist");
        format = io::detectFormat(p);
    } catch (...) {
        report(path, std::current_exception());
        return;
    }
    const bool dicom = format == io::FileFormat::Dicom || format == io::FileFormat::DicomDir ||
                       format == io::FileFormat::DicomFolder;
    if (!dicom) {
        loadFile(path);
        return;
    }
    log_->info(QString("Scanning %1").arg(path));
    begin();
    // One job: scan, then (without waiting for the GUI thread) the largest series.
    auto load = std::make_shared<Load>();
    TaskRunner* runner = tasks_;
    tasks_->start(
        QString("Opening %1").arg(QFileInfo(path).fileName()),
        [=, this](const core::Task& task) {
            auto scan = std::make_shared<const io::DicomScan>(
                io::scanDicom(p, {}, task.sub(0.0, loadLargest ? 0.2 : 1.0)));
            load->scan = scan;
            runner->post([this, path, scan] { onScanned(path, scan); });
            if (!loadLargest || !scan->largestSeries()) return;
            load->series = scan->largestSeries();
            load->key = seriesKey(*load->series);
            load->name = seriesName(*load->series);
            loadOnWorker(load, task.sub(0.2, 1.0));
        },
        [=, this] {
            if (load->series) {
                finishLoad(load);
            } else if (load->scan && load->scan->allSeries().empty()) {
                const QString message = QString("%1: no DICOM images found (%2 files looked at)")
                                            .arg(path)
                                            .arg(static_cast<qulonglong>(load->scan->filesSeen));
                log_->error(message);
                Q_EMIT failed(path, message);
            } else if (load->scan) {
                makeThumbnails(load->scan);
            }
            end();
        },
        [=, this](std::exception_ptr e) {
            if (load->previewId) workspace_->removeSeries(load->previewId);
            report(path, e);
            end();
        });
}

void StudyLoader::onScanned(const QString& path, const std::shared_ptr<const io::DicomScan>& scan) {
    log_->warnings(scan->warnings);
    if (scan->allSeries().empty()) return;
    log_->info(QString("%1: %2 series in %3 DICOM files")
                   .arg(path)
                   .arg(scan->allSeries().size())
                   .arg(static_cast<qulonglong>(scan->dicomFiles)));
    Q_EMIT this->scanned(path, scan);
}

void StudyLoader::loadOnWorker(const std::shared_ptr<Load>& load, const core::Task& task) {
    const io::DicomSeries& s = *load->series;
    // The middle slice first, when it is a single-frame file of a multi-file series.
    if (s.frameCount() > 2) {
        const io::DicomSlice& mid = s.slices[s.slices.size() / 2];
        const io::DicomInstance& instance = s.instances[mid.instance];
        if (instance.frames == 1) {
            LoadedSeries preview;
            preview.key = load->key;
            preview.name = load->name.toStdString();
            preview.image = io::loadDicomFile(instance.path, {}, task.sub(0.0, 0.02));
            preview.sliceFiles = sliceFiles(s);
            tasks_->post([this, load, preview = std::move(preview)]() mutable {
                if (workspace_->series().findByKey(load->key)) return;  // opened meanwhile
                try {
                    load->previewId = workspace_->addSeries(std::move(preview));
                } catch (const std::exception& e) {
                    log_->warning(QString("Preview: %1").arg(e.what()));
                }
            });
        }
    }
    load->image = io::loadDicomSeries(s, {}, task.sub(0.02, 1.0), &load->warnings);
}

void StudyLoader::finishLoad(const std::shared_ptr<Load>& load) {
    log_->warnings(load->warnings);
    int id = load->previewId;
    if (id && workspace_->find(id)) {
        workspace_->replaceImage(id, load->image, load->warnings);
    } else if (const LoadedSeries* existing = workspace_->series().findByKey(load->key)) {
        id = existing->id;  // the same series was loaded meanwhile
        workspace_->setCurrent(id);
    } else {
        LoadedSeries full;
        full.key = load->key;
        full.name = load->name.toStdString();
        full.image = load->image;
        full.warnings = load->warnings;
        full.sliceFiles = sliceFiles(*load->series);
        id = workspace_->addSeries(std::move(full));
    }
    log_->info(QString("Loaded %1: %2 x %3 x %4")
                   .arg(load->name)
                   .arg(static_cast<qulonglong>(load->image.size()[0]))
                   .arg(static_cast<qulonglong>(load->image.size()[1]))
                   .arg(static_cast<qulonglong>(load->image.size()[2])));
    Q_EMIT loaded(id);
    makeThumbnails(load->scan);
}

void StudyLoader::loadSeries(const ScannedSeries& target) {
    if (!target) return;
    const std::string key = seriesKey(*target.series);
    if (const LoadedSeries* loaded = workspace_->series().findByKey(key)) {
        workspace_->setCurrent(loaded->id);
        return;
    }
    auto load = std::make_shared<Load>();
    load->scan = target.scan;
    load->series = target.series;
    load->key = key;
    load->name = seriesName(*target.series);
    const io::DicomSeries& s = *target.series;
    const QString where =
        s.instances.empty()
            ? load->name
            : QString::fromStdString(s.instances.front().path.parent_path().string());
    begin();
    tasks_->start(
        QString("Loading %1").arg(load->name),
        [=, this](const core::Task& task) { loadOnWorker(load, task); },
        [=, this] {
            finishLoad(load);
            end();
        },
        [=, this](std::exception_ptr e) {
            if (load->previewId) workspace_->removeSeries(load->previewId);
            report(where, e);
            end();
        });
}

void StudyLoader::loadFile(const QString& path) {
    const std::string key = QFileInfo(path).absoluteFilePath().toStdString();
    if (const LoadedSeries* loaded = workspace_->series().findByKey(key)) {
        workspace_->setCurrent(loaded->id);
        return;
    }
    begin();
    const std::filesystem::path p = path.toStdString();
    tasks_->run<io::ReadResult>(
        QString("Reading %1").arg(QFileInfo(path).fileName()),
        [p](const core::Task& task) { return io::readImage(p, task); },
        [this, path, key](io::ReadResult result) {
            log_->warnings(result.warnings);
            LoadedSeries s;
            s.key = key;
            s.name = QFileInfo(path).fileName().toStdString();
            s.image = std::move(result.image);
            s.warnings = std::move(result.warnings);
            const int id = workspace_->addSeries(std::move(s));
            log_->info(QString("Opened %1").arg(path));
            Q_EMIT loaded(id);
            end();
        },
        [this, path](std::exception_ptr e) {
            report(path, e);
            end();
        });
}

void StudyLoader::makeThumbnails(std::shared_ptr<const io::DicomScan> scan) {
    TaskRunner* runner = tasks_;
    tasks_->start(
        QStringLiteral("Thumbnails"),
        [this, scan, runner](const core::Task& task) {
            const auto all = scan->allSeries();
            for (std::size_t i = 0; i < all.size(); ++i) {
                task.progress(static_cast<double>(i) / all.size(), "thumbnails");
                const io::DicomSeries& s = *all[i];
                if (s.slices.empty()) continue;
                const io::DicomSlice& mid = s.slices[s.slices.size() / 2];
                try {
                    const core::Image image = io::loadDicomFile(s.instances[mid.instance].path);
                    const QImage thumb = toQImage(makeThumbnail(image, kThumbnailSize));
                    const QString key = QString::fromStdString(seriesKey(s));
                    runner->post([this, key, thumb] { Q_EMIT thumbnailReady(key, thumb); });
                } catch (const core::Cancelled&) {
                    throw;
                } catch (const std::exception&) {
                    // No thumbnail for a file that does not decode; loading it reports why.
                }
            }
        },
        [] {}, [](std::exception_ptr) {});
}

}  // namespace stratum::app
