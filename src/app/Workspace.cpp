#include "stratum/app/Workspace.h"

#include "stratum/app/undo/AddSeriesCommand.h"
#include "stratum/app/undo/MeasurementCommand.h"
#include "stratum/core/Error.h"

namespace stratum::app {

Workspace::Workspace(QObject* parent) : QObject(parent) {}
Workspace::~Workspace() = default;

void Workspace::addDisplay(int id) {
    auto display = std::make_unique<Display>();
    display->viewer.setVolume(series_.find(id)->image);
    displays_[id] = std::move(display);
}

int Workspace::addSeries(LoadedSeries s) {
    const int id = series_.add(std::move(s));
    try {
        addDisplay(id);
    } catch (...) {
        series_.remove(id);
        throw;
    }
    Q_EMIT seriesAdded(id);
    setCurrent(id);
    return id;
}

void Workspace::addSeriesUndoable(LoadedSeries s, const QString& description) {
    undo_.push(new AddSeriesCommand(this, std::move(s), description));
}

void Workspace::removeSeries(int id) {
    if (!series_.find(id)) return;
    const bool wasCurrent = id == currentId_;
    series_.remove(id);
    displays_.erase(id);
    if (wasCurrent) currentId_ = 0;
    Q_EMIT seriesRemoved(id);
    if (wasCurrent) setCurrent(series_.empty() ? 0 : series_.all().back().id);
}

void Workspace::replaceImage(int id, core::Image image, core::Warnings warnings) {
    LoadedSeries* s = series_.find(id);
    if (!s) return;
    if (image.empty())
        throw core::InvalidArgument("replacing series '" + s->name + "' by an empty image");
    s->image = std::move(image);
    s->warnings.insert(s->warnings.end(), warnings.begin(), warnings.end());
    displays_.at(id)->viewer.replaceVolume(s->image);
    Q_EMIT imageReplaced(id);
    if (id == currentId_) {
        Q_EMIT cursorChanged();
        Q_EMIT displayChanged();
    }
}

void Workspace::setCurrent(int id) {
    if (id != 0 && !series_.find(id)) return;
    if (id == currentId_) return;
    currentId_ = id;
    Q_EMIT currentChanged(id);
}

ViewerState* Workspace::viewer(int id) {
    auto it = displays_.find(id);
    return it == displays_.end() ? nullptr : &it->second->viewer;
}

LayerStack* Workspace::layers(int id) {
    auto it = displays_.find(id);
    return it == displays_.end() ? nullptr : &it->second->layers;
}

int Workspace::addLabelMap(const QString& name, core::Image labels, const LabelColorTable& colors,
                           int seriesId) {
    const int target = seriesId ? seriesId : currentId_;
    LayerStack* stack = layers(target);
    if (!stack)
        throw core::InvalidArgument("no series to add the label map '" + name.toStdString() +
                                    "' to");
    OverlayLayer layer = OverlayLayer::labelMap(name.toStdString(), std::move(labels));
    layer.colors = colors;
    const int id = stack->add(std::move(layer));
    Q_EMIT layersChanged(target);
    return id;
}

int Workspace::addHeatmap(const QString& name, core::Image values, ColorMap map, int seriesId) {
    const int target = seriesId ? seriesId : currentId_;
    LayerStack* stack = layers(target);
    if (!stack)
        throw core::InvalidArgument("no series to add the heatmap '" + name.toStdString() + "' to");
    const int id =
        stack->add(OverlayLayer::heatmap(name.toStdString(), std::move(values), 0.5, map));
    Q_EMIT layersChanged(target);
    return id;
}

void Workspace::notifyLayersChanged(int seriesId) {
    Q_EMIT layersChanged(seriesId);
}

QString Workspace::currentKey() const {
    const LoadedSeries* s = current();
    return s ? QString::fromStdString(s->key) : QString();
}

void Workspace::addMeasurement(Measurement m) {
    if (!current()) return;
    undo_.push(new MeasurementCommand(this, MeasurementCommand::Action::Add, current()->key,
                                      std::move(m)));
}

void Workspace::removeMeasurement(int measurementId) {
    if (!current()) return;
    const Measurement* m = measurements_.find(current()->key, measurementId);
    if (!m) return;
    undo_.push(
        new MeasurementCommand(this, MeasurementCommand::Action::Remove, current()->key, *m));
}

int Workspace::addMeasurementDirect(const std::string& key, Measurement m) {
    const int id = measurements_.add(key, std::move(m));
    Q_EMIT measurementsChanged();
    return id;
}

bool Workspace::removeMeasurementDirect(const std::string& key, int id) {
    const bool removed = measurements_.remove(key, id);
    if (removed) Q_EMIT measurementsChanged();
    return removed;
}

}  // namespace stratum::app
