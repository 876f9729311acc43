#include "stratum/app/ai/SegmentationJob.h"

#include <QDir>

#include "stratum/app/ai/AiProcess.h"
#include "stratum/io/ImageIO.h"

namespace stratum::app {

QString SegmentationJob::inputPath() const {
    return QDir(workDir).filePath("volume-" + tag + ".nii.gz");
}
QString SegmentationJob::outputPath() const {
    return QDir(workDir).filePath("labels-" + tag + ".nii.gz");
}

QStringList SegmentationJob::arguments() const {
    return {"segment", "--model", model, "--device", device, inputPath(), outputPath()};
}

SegmentationJob::Result SegmentationJob::run(const core::Task& task) const {
    io::writeImage(volume, inputPath().toStdString(), task.sub(0.0, 0.1));
    Result r;
    r.cliText = QString::fromUtf8(AiProcess::run(arguments(), task.sub(0.1, 0.95)));
    r.labels = io::readImage(outputPath().toStdString(), task.sub(0.95, 1.0)).image;
    return r;
}

std::vector<std::uint64_t> countLabels(const core::Image& labels, int count) {
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(std::max(count, 0)), 0);
    core::dispatchPixelType(labels.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        for (const T v : labels.pixels<T>()) {
            const auto label = static_cast<long long>(v);
            if (label >= 0 && label < count) ++counts[static_cast<std::size_t>(label)];
        }
    });
    return counts;
}

double voxelMillilitres(const core::Image& image) {
    const auto& s = image.geometry().spacing;
    return s[0] * s[1] * s[2] / 1000.0;
}

}  // namespace stratum::app
