#include "stratum/app/ai/TrainingSettings.h"

namespace stratum::app {

QStringList TrainingSettings::arguments() const {
    if (segmentation()) {
        const QString p = QString::number(patch);
        QStringList args{"train-segmenter",
                         "--images",
                         data,
                         "--labels",
                         labels,
                         "--output",
                         output,
                         "--architecture",
                         architecture,
                         "--depth",
                         QString::number(depth),
                         "--width",
                         QString::number(width),
                         "--patch",
                         p + "," + p + "," + p,
                         "--epochs",
                         QString::number(epochs),
                         "--iterations",
                         QString::number(iterations),
                         "--batch",
                         QString::number(batchSize),
                         "--lr",
                         QString::number(learningRate, 'g', 10),
                         "--validation-fraction",
                         QString::number(validationFraction, 'g', 10),
                         "--device",
                         device};
        // train-segmenter has no augmentation by default: "on" asks for a moderate set
        // (no flips: left and right differ in anatomy).
        if (augmentation)
            args << "--rotate"
                 << "15"
                 << "--scale"
                 << "0.15"
                 << "--intensity-shift"
                 << "0.1"
                 << "--intensity-scale"
                 << "0.1"
                 << "--noise"
                 << "0.05";
        else
            args << "--no-augmentation";
        return args;
    }
    QStringList args{"train-classifier",
                     "--data",
                     data,
                     "--output",
                     output,
                     "--architecture",
                     architecture,
                     "--width",
                     QString::number(width),
                     "--input-size",
                     QString::number(inputSize),
                     "--epochs",
                     QString::number(epochs),
                     "--batch",
                     QString::number(batchSize),
                     "--lr",
                     QString::number(learningRate, 'g', 10),
                     "--validation",
                     QString::number(validationFraction, 'g', 10),
                     "--device",
                     device};
    if (!augmentation) args << "--no-augment";
    args << "--json";
    return args;
}

}  // namespace stratum::app
