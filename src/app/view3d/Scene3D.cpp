#include "stratum/app/view3d/Scene3D.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUndoStack>
#include <algorithm>

#include "stratum/app/Workspace.h"
#include "stratum/app/undo/AnnotationCommand.h"
#include "stratum/app/undo/ModelCommand.h"
#include "stratum/core/Error.h"

namespace stratum::app {

namespace {

QString& storageDirectoryOverride() {
    static QString dir;
    return dir;
}

const std::vector<Model3D>& noModels() {
    static const std::vector<Model3D> none;
    return none;
}

const AnnotationStore& noAnnotations() {
    static const AnnotationStore none;
    return none;
}

// Removes `before` (references first: they point at landmarks) then adds `after`
// (landmarks first).
void replaceIn(AnnotationStore& store, const std::vector<Annotation>& before,
               const std::vector<Annotation>& after) {
    for (int pass = 0; pass < 2; ++pass)
        for (const Annotation& a : before)
            if (a.hasPoint() == (pass == 1)) store.remove(a.id);
    for (int pass = 0; pass < 2; ++pass)
        for (const Annotation& a : after)
            if (a.hasPoint() == (pass == 0)) store.add(a);
}

}  // namespace

Scene3D* Scene3D::of(Workspace* workspace) {
    if (auto* s = workspace->findChild<Scene3D*>(QString(), Qt::FindDirectChildrenOnly)) return s;
    return new Scene3D(workspace);
}

Scene3D::Scene3D(Workspace* workspace) : QObject(workspace), workspace_(workspace) {
    setObjectName("scene3D");
    saveTimer_.setSingleShot(true);
    saveTimer_.setInterval(500);
    connect(&saveTimer_, &QTimer::timeout, this, [this] {
        const std::vector<std::string> studies = std::move(dirty_);
        dirty_.clear();
        for (const std::string& s : studies) saveStudy(s);
    });
    connect(workspace_, &Workspace::currentChanged, this, &Scene3D::onCurrentChanged);
    connect(workspace_, &Workspace::imageReplaced, this, &Scene3D::onCurrentChanged);
    onCurrentChanged();
}

Scene3D::~Scene3D() {
    // The workspace is being destroyed: write what is pending without asking it anything.
    for (const std::string& s : dirty_) saveStudy(s);
}

std::string Scene3D::currentStudy() const {
    const LoadedSeries* s = workspace_->current();
    if (!s) return {};
    const std::string& uid = s->image.metadata().study.instanceUid;
    return uid.empty() ? s->key : uid;
}

Scene3D::StudyScene& Scene3D::scene(const std::string& study) {
    StudyScene& sc = scenes_[study];
    if (!sc.loaded) {
        sc.loaded = true;
        const QString path = studyFilePath(study);
        if (QFileInfo::exists(path)) {
            try {
                const View3DFile f = readView3DFile(path.toStdString());
                sc.annotations = f.annotations;
                sc.savedDisplays = f.models;
                sc.transfer = f.transfer;
                sc.preset = f.volumePreset;
            } catch (const std::exception& e) {
                Q_EMIT saveFailed(QString::fromUtf8(e.what()));
            }
        }
    }
    return sc;
}

const Scene3D::StudyScene* Scene3D::currentScene() const {
    const auto it = scenes_.find(current_);
    return current_.empty() || it == scenes_.end() ? nullptr : &it->second;
}

void Scene3D::onCurrentChanged() {
    const std::string study = currentStudy();
    if (study == current_) return;
    current_ = study;
    pending_.clear();
    if (!study.empty()) scene(study);
    Q_EMIT studyChanged();
    Q_EMIT modelsChanged();
    Q_EMIT annotationsChanged();
    Q_EMIT volumeChanged();
}

// ---- models ---------------------------------------------------------------------------

const std::vector<Model3D>& Scene3D::models() const {
    const StudyScene* sc = currentScene();
    return sc ? sc->models : noModels();
}

const Model3D* Scene3D::model(int id) const {
    for (const Model3D& m : models())
        if (m.id == id) return &m;
    return nullptr;
}

void Scene3D::addModels(std::vector<Model3D> models, const QString& step) {
    if (current_.empty() || models.empty()) return;
    StudyScene& sc = scene(current_);
    for (Model3D& m : models) {
        m.id = sc.nextModelId++;
        // A study reopened: models rebuilt with a saved name get their saved look back.
        for (const ModelDisplay& d : sc.savedDisplays)
            if (d.name == m.display.name && d.label == m.display.label) {
                m.display.color = d.color;
                m.display.opacity = d.opacity;
                m.display.visible = d.visible;
            }
    }
    workspace_->undoStack()->push(new ModelCommand(this, current_, step, {}, std::move(models)));
}

void Scene3D::removeModel(int id) {
    const Model3D* m = model(id);
    if (!m) return;
    workspace_->undoStack()->push(new ModelCommand(
        this, current_, QString("Delete model %1").arg(QString::fromStdString(m->display.name)),
        {*m}, {}));
}

void Scene3D::setModelDisplay(int id, const ModelDisplay& display, const QString& step) {
    const Model3D* m = model(id);
    if (!m || m->display == display) return;
    Model3D after = *m;
    after.display = display;
    workspace_->undoStack()->push(new ModelCommand(this, current_, step, {*m}, {after}));
}

void Scene3D::replaceModels(const std::string& study, const std::vector<Model3D>& before,
                            const std::vector<Model3D>& after) {
    StudyScene& sc = scene(study);
    for (const Model3D& b : before)
        std::erase_if(sc.models, [&](const Model3D& m) { return m.id == b.id; });
    for (const Model3D& a : after) {
        sc.models.push_back(a);
        sc.nextModelId = std::max(sc.nextModelId, a.id + 1);
    }
    std::sort(sc.models.begin(), sc.models.end(),
              [](const Model3D& a, const Model3D& b) { return a.id < b.id; });
    scheduleSave(study);
    if (study == current_) Q_EMIT modelsChanged();
}

// ---- annotations ----------------------------------------------------------------------

const AnnotationStore& Scene3D::annotations() const {
    const StudyScene* sc = currentScene();
    return sc ? sc->annotations : noAnnotations();
}

int Scene3D::addAnnotation(Annotation a, const QString& step) {
    if (current_.empty()) return 0;
    StudyScene& sc = scene(current_);
    a.id = sc.annotations.nextId();
    if (a.name.empty()) a.name = sc.annotations.nextName(a.kind);
    {
        AnnotationStore trial = sc.annotations;  // refuse bad input before it is a step
        trial.add(a);
    }
    const QString text = step.isEmpty() ? QString("Add %1 %2")
                                              .arg(annotationKindName(a.kind))
                                              .arg(QString::fromStdString(a.name))
                                        : step;
    const int id = a.id;
    workspace_->undoStack()->push(new AnnotationCommand(this, current_, text, {}, {std::move(a)}));
    return id;
}

void Scene3D::removeAnnotation(int id) {
    const AnnotationStore& store = annotations();
    const Annotation* a = store.find(id);
    if (!a) return;
    std::vector<Annotation> before;
    for (int d : store.dependents(id)) before.push_back(*store.find(d));
    before.push_back(*a);
    std::erase(pending_, id);
    workspace_->undoStack()->push(new AnnotationCommand(this, current_,
                                                        QString("Delete %1 %2")
                                                            .arg(annotationKindName(a->kind))
                                                            .arg(QString::fromStdString(a->name)),
                                                        std::move(before), {}));
}

void Scene3D::editAnnotation(const Annotation& a) {
    const Annotation* old = annotations().find(a.id);
    if (!old || *old == a) return;
    {
        AnnotationStore trial = annotations();
        trial.replace(a);
    }
    const QString text = old->name != a.name ? QString("Rename %1 to %2")
                                                   .arg(QString::fromStdString(old->name))
                                                   .arg(QString::fromStdString(a.name))
                                             : QString("Edit %1 %2")
                                                   .arg(annotationKindName(a.kind))
                                                   .arg(QString::fromStdString(a.name));
    workspace_->undoStack()->push(new AnnotationCommand(this, current_, text, {*old}, {a}));
}

void Scene3D::replaceAnnotations(const std::string& study, const std::vector<Annotation>& before,
                                 const std::vector<Annotation>& after) {
    replaceIn(scene(study).annotations, before, after);
    scheduleSave(study);
    if (study == current_) Q_EMIT annotationsChanged();
}

void Scene3D::setPickMode(PickMode m) {
    if (m == pickMode_) return;
    pickMode_ = m;
    pending_.clear();
    Q_EMIT pickModeChanged(m);
}

void Scene3D::picked(const core::Vec3& point) {
    if (current_.empty()) return;
    const AnnotationStore& store = annotations();
    Annotation a;
    a.point = point;
    switch (pickMode_) {
        case PickMode::None:
            return;
        case PickMode::Note:
            a.kind = AnnotationKind::Note;
            a.text = noteText_.toStdString();
            a.color = {120, 220, 255};
            addAnnotation(std::move(a));
            return;
        case PickMode::Landmark:
            a.kind = AnnotationKind::Landmark;
            addAnnotation(std::move(a));
            return;
        case PickMode::Distance:
        case PickMode::Angle: {
            a.kind = AnnotationKind::Landmark;
            std::erase_if(pending_, [&](int id) { return !store.find(id); });
            pending_.push_back(addAnnotation(std::move(a)));
            const std::size_t need = pickMode_ == PickMode::Distance ? 2 : 3;
            if (pending_.size() < need) return;
            Annotation m;
            m.kind =
                pickMode_ == PickMode::Distance ? AnnotationKind::Distance : AnnotationKind::Angle;
            m.landmarks = pending_;
            m.color = m.kind == AnnotationKind::Distance ? Rgb{255, 160, 40} : Rgb{120, 255, 120};
            pending_.clear();
            addAnnotation(std::move(m));
            return;
        }
    }
}

// ---- volume and clipping --------------------------------------------------------------

void Scene3D::setVolumeVisible(bool on) {
    if (on == volumeVisible_) return;
    volumeVisible_ = on;
    Q_EMIT volumeChanged();
}

const TransferFunction& Scene3D::transferFunction() const {
    static TransferFunction fallback;
    const StudyScene* sc = currentScene();
    if (sc && sc->transfer) return *sc->transfer;
    // Not chosen yet: bone for CT, the MR preset on the current volume's percentiles otherwise.
    auto* self = const_cast<Scene3D*>(this);
    if (ViewerState* v = self->workspace_->currentViewer()) {
        const bool ct = v->volume().metadata().series.modality == "CT";
        fallback =
            TransferFunction::preset(ct ? VolumePreset::CtBone : VolumePreset::Mr, v->stats());
    } else {
        fallback = TransferFunction::preset(VolumePreset::CtBone);
    }
    return fallback;
}

QString Scene3D::volumePreset() const {
    const StudyScene* sc = currentScene();
    if (sc && sc->transfer) return QString::fromStdString(sc->preset);
    ViewerState* v = const_cast<Scene3D*>(this)->workspace_->currentViewer();
    return v && v->volume().metadata().series.modality == "CT"
               ? volumePresetName(VolumePreset::CtBone)
               : volumePresetName(VolumePreset::Mr);
}

void Scene3D::setTransferFunction(const TransferFunction& tf, const QString& preset) {
    if (current_.empty()) return;
    StudyScene& sc = scene(current_);
    sc.transfer = tf;
    sc.preset = preset.toStdString();
    scheduleSave(current_);
    Q_EMIT volumeChanged();
}

void Scene3D::applyPreset(VolumePreset p) {
    ViewerState* v = workspace_->currentViewer();
    setTransferFunction(TransferFunction::preset(p, v ? v->stats() : IntensityStats{}),
                        volumePresetName(p));
}

void Scene3D::setClip(const ClipSettings& c) {
    for (double f : c.box)
        if (!(f >= 0.0 && f <= 1.0))
            throw core::InvalidArgument("clipping box fractions must lie in [0, 1]");
    if (c == clip_) return;
    clip_ = c;
    Q_EMIT clipChanged();
}

// ---- persistence ----------------------------------------------------------------------

void Scene3D::setStorageDirectory(const QString& dir) {
    storageDirectoryOverride() = dir;
}

QString Scene3D::storageDirectory() {
    if (!storageDirectoryOverride().isEmpty()) return storageDirectoryOverride();
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/view3d";
}

QString Scene3D::studyFilePath(const std::string& studyKey) {
    const QByteArray hash =
        QCryptographicHash::hash(QByteArray::fromStdString(studyKey), QCryptographicHash::Sha1);
    return storageDirectory() + "/" + QString::fromLatin1(hash.toHex()) + ".json";
}

View3DFile Scene3D::fileOf(const std::string& study) const {
    View3DFile f;
    f.studyKey = study;
    const auto it = scenes_.find(study);
    if (it == scenes_.end()) return f;
    const StudyScene& sc = it->second;
    f.annotations = sc.annotations;
    f.models = sc.savedDisplays;
    for (const Model3D& m : sc.models) {
        std::erase_if(f.models, [&](const ModelDisplay& d) {
            return d.name == m.display.name && d.label == m.display.label;
        });
        f.models.push_back(m.display);
    }
    f.transfer = sc.transfer;
    f.volumePreset = sc.preset;
    return f;
}

View3DFile Scene3D::snapshot() const {
    View3DFile f = fileOf(current_);
    if (const LoadedSeries* s = workspace_->current()) f.patientId = s->image.metadata().patient.id;
    return f;
}

void Scene3D::scheduleSave(const std::string& study) {
    if (study.empty()) return;
    if (std::find(dirty_.begin(), dirty_.end(), study) == dirty_.end()) dirty_.push_back(study);
    saveTimer_.start();
}

void Scene3D::saveStudy(const std::string& study) {
    const QString path = studyFilePath(study);
    try {
        const View3DFile f = fileOf(study);
        if (f.annotations.empty() && f.models.empty() && !f.transfer && !QFileInfo::exists(path))
            return;  // nothing to keep, and nothing kept before
        QDir().mkpath(QFileInfo(path).absolutePath());
        writeView3DFile(f, path.toStdString());
        Q_EMIT saved(path);
    } catch (const std::exception& e) {
        Q_EMIT saveFailed(QString::fromUtf8(e.what()));
    }
}

void Scene3D::saveNow() {
    if (current_.empty()) return;
    std::erase(dirty_, current_);
    const QString path = studyFilePath(current_);
    QDir().mkpath(QFileInfo(path).absolutePath());
    writeView3DFile(snapshot(), path.toStdString());
    Q_EMIT saved(path);
}

void Scene3D::restore(const View3DFile& file) {
    if (current_.empty()) return;
    StudyScene& sc = scene(current_);
    sc.annotations = file.annotations;
    sc.savedDisplays = file.models;
    for (Model3D& m : sc.models)
        for (const ModelDisplay& d : file.models)
            if (d.name == m.display.name && d.label == m.display.label) m.display = d;
    sc.transfer = file.transfer;
    sc.preset = file.volumePreset;
    pending_.clear();
    scheduleSave(current_);
    Q_EMIT modelsChanged();
    Q_EMIT annotationsChanged();
    Q_EMIT volumeChanged();
}

}  // namespace stratum::app
