#pragma once
// Undoable addition of a series (processing results): undo removes it, redo adds it back.
#include <QUndoCommand>

#include "stratum/app/model/SeriesCollection.h"

namespace stratum::app {

class Workspace;

class AddSeriesCommand : public QUndoCommand {
public:
    AddSeriesCommand(Workspace* workspace, LoadedSeries series, const QString& text);
    void redo() override;
    void undo() override;
    int seriesId() const noexcept { return id_; }

private:
    Workspace* workspace_;
    LoadedSeries series_;
    int previousCurrent_ = 0;
    int id_ = 0;
};

}  // namespace stratum::app
