#pragma once
// The model packages the workstation offers: `models/` of the installation (found
// relative to the executable, like the other resources) and folders the user added
// (remembered in QSettings). Manifests are read with QJsonDocument: the workstation
// never links the ai library.
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace stratum::app {

struct ModelPackage {
    QString folder;        // the package folder (holds manifest.json)
    QJsonObject manifest;  // the whole manifest
    QString name, version, task, description, intendedUse, disclaimer, sha256, architecture;
    QStringList labels;
    QString error;  // why the manifest could not be read (the package is then unusable)

    bool valid() const noexcept { return error.isEmpty(); }
    bool isClassifier() const { return valid() && task == "classification"; }
    bool isSegmenter() const { return valid() && task == "segmentation"; }
    // "name version" for lists.
    QString title() const;
};

// Reads `folder`/manifest.json; problems go to ModelPackage::error (never throws).
ModelPackage readModelPackage(const QString& folder);

class ModelCatalog {
public:
    // $STRATUM_MODELS_DIR, else the first `models` folder holding a package found next to
    // or above the executable's folder (build/<preset>/bin -> <repo>/models), and
    // <prefix>/share/stratum/models.
    static QStringList defaultFolders();
    // The user's folders (settings key "ai/modelFolders").
    static QStringList userFolders();
    static void addUserFolder(const QString& folder);

    // Packages in every folder: a folder that is itself a package, or its sub-folders
    // that are. Sorted by name; duplicates (same folder) once.
    static QVector<ModelPackage> scan(const QStringList& folders);
    static QVector<ModelPackage> all() { return scan(defaultFolders() + userFolders()); }
};

}  // namespace stratum::app
