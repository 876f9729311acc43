#include "stratum/app/ai/ModelCatalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSettings>
#include <algorithm>

namespace stratum::app {
namespace {

constexpr const char* kUserFoldersKey = "ai/modelFolders";

bool isPackage(const QString& folder) {
    return QFileInfo(QDir(folder).filePath("manifest.json")).isFile();
}

bool holdsPackages(const QString& folder) {
    if (!QFileInfo(folder).isDir()) return false;
    if (isPackage(folder)) return true;
    for (const QString& sub : QDir(folder).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (isPackage(QDir(folder).filePath(sub))) return true;
    return false;
}

QString architectureText(const QJsonObject& weights) {
    const QJsonObject a = weights.value("architecture").toObject();
    if (a.isEmpty()) return weights.value("format").toString();
    QStringList blocks;
    for (const QJsonValue& b : a.value("blocks").toArray()) blocks << QString::number(b.toInt());
    return QString("%1 (blocks %2, width %3)")
        .arg(a.value("name").toString(), blocks.join(','),
             QString::number(a.value("width").toInt()));
}

}  // namespace

QString ModelPackage::title() const {
    if (!valid()) return QFileInfo(folder).fileName() + " (unreadable)";
    return version.isEmpty() ? name : name + " " + version;
}

ModelPackage readModelPackage(const QString& folder) {
    ModelPackage p;
    p.folder = QDir(folder).absolutePath();
    const QString path = QDir(folder).filePath("manifest.json");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        p.error = path + ": cannot be read";
        return p;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject()) {
        p.error = path + ": not a JSON object (" + parseError.errorString() + ")";
        return p;
    }
    p.manifest = doc.object();
    const QJsonObject& m = p.manifest;
    if (m.value("format").toString() != "stratum-model-package") {
        p.error = path + ": not a Stratum model package (format)";
        return p;
    }
    p.name = m.value("name").toString(QFileInfo(folder).fileName());
    p.version = m.value("version").toString();
    p.task = m.value("task").toString();
    p.description = m.value("description").toString();
    p.intendedUse = m.value("intended_use").toString();
    p.disclaimer = m.value("disclaimer").toString();
    const QJsonObject weights = m.value("weights").toObject();
    p.sha256 = weights.value("sha256").toString();
    p.architecture = architectureText(weights);
    for (const QJsonValue& l : m.value("labels").toArray())
        p.labels << (l.isObject() ? l.toObject().value("name").toString() : l.toString());
    if (p.task.isEmpty())
        p.error = path + ": no task";
    else if (p.labels.isEmpty())
        p.error = path + ": no labels";
    return p;
}

QStringList ModelCatalog::defaultFolders() {
    const QString env = qEnvironmentVariable("STRATUM_MODELS_DIR");
    if (!env.isEmpty()) return {env};
    QStringList folders;
    QDir dir(QCoreApplication::applicationDirPath());
    for (int up = 0; up < 4; ++up) {
        const QString candidate = dir.filePath("models");
        if (holdsPackages(candidate)) {
            folders << QDir(candidate).absolutePath();
            break;
        }
        if (!dir.cdUp()) break;
    }
    const QString share =
        QDir(QCoreApplication::applicationDirPath()).filePath("../share/stratum/models");
    if (holdsPackages(share)) folders << QDir(share).absolutePath();
    return folders;
}

QStringList ModelCatalog::userFolders() {
    return QSettings().value(kUserFoldersKey).toStringList();
}

void ModelCatalog::addUserFolder(const QString& folder) {
    QStringList folders = userFolders();
    const QString absolute = QDir(folder).absolutePath();
    if (!folders.contains(absolute)) folders << absolute;
    QSettings().setValue(kUserFoldersKey, folders);
}

QVector<ModelPackage> ModelCatalog::scan(const QStringList& folders) {
    QVector<ModelPackage> packages;
    QSet<QString> seen;
    const auto take = [&](const QString& folder) {
        const QString absolute = QDir(folder).absolutePath();
        if (seen.contains(absolute)) return;
        seen.insert(absolute);
        packages.push_back(readModelPackage(absolute));
    };
    for (const QString& folder : folders) {
        if (isPackage(folder)) {
            take(folder);
            continue;
        }
        for (const QString& sub :
             QDir(folder).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            if (isPackage(QDir(folder).filePath(sub))) take(QDir(folder).filePath(sub));
    }
    std::stable_sort(
        packages.begin(), packages.end(),
        [](const ModelPackage& a, const ModelPackage& b) { return a.title() < b.title(); });
    return packages;
}

}  // namespace stratum::app
