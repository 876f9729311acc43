#include "stratum/app/ai/ClassificationJob.h"

#include <QDir>
#include <QFileInfo>

#include "stratum/app/ai/AiProcess.h"
#include "stratum/io/ImageIO.h"

namespace stratum::app {

QString ClassificationJob::heatmapPath() const {
    return QDir(workDir).filePath("heatmap-" + tag + ".nrrd");
}
QString ClassificationJob::modelInputPath() const {
    return QDir(workDir).filePath("model-input-" + tag + ".png");
}
QString ClassificationJob::overlayPath() const {
    return QDir(workDir).filePath("gradcam-" + tag + ".png");
}

QStringList ClassificationJob::arguments() const {
    return {"classify",
            "--model",
            model,
            "--device",
            device,
            "--json",
            "--gradcam",
            overlayPath(),
            "--heatmap-out",
            heatmapPath(),
            "--model-input-out",
            modelInputPath(),
            image};
}

ClassificationJob::Result ClassificationJob::run(const core::Task& task) const {
    Result result;
    result.outcome =
        ClassificationOutcome::fromCliJson(AiProcess::run(arguments(), task.sub(0.0, 0.95)));
    result.heatmap = io::readImage(heatmapPath().toStdString(), task.sub(0.95, 1.0)).image;
    return result;
}

QString sourceFileOf(const std::string& key, const std::vector<std::string>& sliceFiles,
                     const core::Image& image) {
    const auto isFile = [](const std::string& p) {
        return !p.empty() && QFileInfo(QString::fromStdString(p)).isFile();
    };
    if (sliceFiles.size() == 1 && isFile(sliceFiles[0]))
        return QString::fromStdString(sliceFiles[0]);
    if (sliceFiles.empty() && isFile(key)) return QString::fromStdString(key);
    if (sliceFiles.empty() && isFile(image.metadata().sourcePath))
        return QString::fromStdString(image.metadata().sourcePath);
    return {};
}

}  // namespace stratum::app
