#include "stratum/app/undo/AddSeriesCommand.h"

#include "stratum/app/Workspace.h"

namespace stratum::app {

AddSeriesCommand::AddSeriesCommand(Workspace* workspace, LoadedSeries series, const QString& text)
    : QUndoCommand(text), workspace_(workspace), series_(std::move(series)) {}

void AddSeriesCommand::redo() {
    previousCurrent_ = workspace_->currentId();
    id_ = workspace_->addSeries(series_);
}

void AddSeriesCommand::undo() {
    workspace_->removeSeries(id_);
    if (workspace_->find(previousCurrent_)) workspace_->setCurrent(previousCurrent_);
}

}  // namespace stratum::app
