#include "stratum/app/ai/ClassificationOutcome.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "stratum/core/Error.h"

namespace stratum::app {

ClassificationOutcome ClassificationOutcome::fromCliJson(const QByteArray& json) {
    const auto fail = [](const QString& what) {
        throw core::FormatError("stratum-ai classify output", what.toStdString());
    };
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject()) fail("not JSON (" + error.errorString() + ")");
    const QJsonObject root = doc.object();
    const QJsonObject model = root.value("model").toObject();
    const QJsonArray images = root.value("images").toArray();
    if (model.isEmpty() || images.isEmpty()) fail("no model or no image");

    ClassificationOutcome o;
    o.modelName = model.value("name").toString();
    o.modelVersion = model.value("version").toString();
    o.modelFolder = model.value("package").toString();
    o.device = model.value("device").toString();
    o.disclaimer = model.value("disclaimer").toString();
    for (const QJsonValue& l : model.value("labels").toArray()) o.labels << l.toString();

    const QJsonObject image = images.first().toObject();
    o.input = image.value("input").toString();
    const QJsonObject probabilities = image.value("probabilities").toObject();
    for (const QString& label : o.labels) {
        if (!probabilities.contains(label)) fail("no probability for '" + label + "'");
        o.probabilities << probabilities.value(label).toDouble();
    }
    o.predicted = image.value("predicted_index").toInt(-1);
    if (o.predicted < 0 || o.predicted >= o.labels.size()) fail("bad predicted_index");
    const QJsonObject cam = image.value("gradcam").toObject();
    o.gradCamLabel = cam.value("label").toString();
    o.heatmapFile = cam.value("heatmap").toString();
    o.modelInputFile = cam.value("model_input").toString();
    o.overlayPng = cam.value("png").toString();

    for (const QJsonValue& w : root.value("warnings").toArray()) {
        const QJsonObject wo = w.toObject();
        const QString path = wo.value("path").toString();
        o.warnings << (path.isEmpty() ? wo.value("message").toString()
                                      : path + ": " + wo.value("message").toString());
    }
    const double top = o.probabilities[o.predicted];
    if (top < kLowConfidence)
        o.warnings << QString("Low confidence: the top class has %1% (below %2%).")
                          .arg(100.0 * top, 0, 'f', 1)
                          .arg(100.0 * kLowConfidence, 0, 'f', 0);
    return o;
}

}  // namespace stratum::app
