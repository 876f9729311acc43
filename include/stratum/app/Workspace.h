#pragma once
// What the workstation has open: the loaded series (and derived ones), the view state
// and overlay layers of each, the measurements, the current series, and the undo
// stack. Widgets change it through these methods and listen to its signals; the
// AI panels add label maps and heatmaps through addLabelMap/addHeatmap.
#include <QObject>
#include <QString>
#include <QUndoStack>
#include <map>
#include <memory>

#include "stratum/app/model/LayerStack.h"
#include "stratum/app/model/MeasurementStore.h"
#include "stratum/app/model/SeriesCollection.h"
#include "stratum/app/model/ViewerState.h"

namespace stratum::app {

class Workspace : public QObject {
    Q_OBJECT
public:
    explicit Workspace(QObject* parent = nullptr);
    ~Workspace() override;

    const SeriesCollection& series() const noexcept { return series_; }
    const LoadedSeries* find(int id) const { return series_.find(id); }

    // Adds a series (with fresh view state) and makes it current; returns its id.
    int addSeries(LoadedSeries s);
    // Adds a derived series (e.g. a processing result) as an undoable step.
    void addSeriesUndoable(LoadedSeries s, const QString& description);
    void removeSeries(int id);
    // Replaces a series' image by a fuller one of the same region (its first slice by
    // the whole series): the view keeps its cursor and window.
    void replaceImage(int id, core::Image image, core::Warnings warnings = {});

    int currentId() const noexcept { return currentId_; }
    const LoadedSeries* current() const { return series_.find(currentId_); }
    void setCurrent(int id);

    ViewerState* viewer(int id);
    ViewerState* currentViewer() { return viewer(currentId_); }
    LayerStack* layers(int id);
    LayerStack* currentLayers() { return layers(currentId_); }

    // Overlays for a series (by default the current one); return the layer id.
    // Throws core::InvalidArgument (see LayerStack::add).
    int addLabelMap(const QString& name, core::Image labels, const LabelColorTable& colors = {},
                    int seriesId = 0);
    int addHeatmap(const QString& name, core::Image values, ColorMap map = ColorMap::Jet,
                   int seriesId = 0);
    // Call after changing a layer's settings in place.
    void notifyLayersChanged(int seriesId);

    // Measurements of the current series (undoable).
    const MeasurementStore& measurements() const noexcept { return measurements_; }
    QString currentKey() const;
    void addMeasurement(Measurement m);
    void removeMeasurement(int measurementId);

    // After changing the current viewer's cursor or display settings in place.
    void notifyCursorChanged() { Q_EMIT cursorChanged(); }
    void notifyDisplayChanged() { Q_EMIT displayChanged(); }

    QUndoStack* undoStack() noexcept { return &undo_; }

    // Direct store access for undo commands.
    int addMeasurementDirect(const std::string& key, Measurement m);
    bool removeMeasurementDirect(const std::string& key, int id);

Q_SIGNALS:
    void seriesAdded(int id);
    void seriesRemoved(int id);
    void imageReplaced(int id);
    void currentChanged(int id);
    void layersChanged(int seriesId);
    void measurementsChanged();
    void cursorChanged();
    void displayChanged();

private:
    struct Display {
        ViewerState viewer;
        LayerStack layers;
    };
    void addDisplay(int id);

    SeriesCollection series_;
    std::map<int, std::unique_ptr<Display>> displays_;
    MeasurementStore measurements_;
    QUndoStack undo_;
    int currentId_ = 0;
};

}  // namespace stratum::app
