#include "stratum/app/undo/MeasurementCommand.h"

#include "stratum/app/Workspace.h"

namespace stratum::app {

namespace {
QString describe(MeasurementCommand::Action a, const Measurement& m) {
    return QString(a == MeasurementCommand::Action::Add ? "Add %1" : "Delete %1")
        .arg(measurementKindName(m.kind));
}
}  // namespace

MeasurementCommand::MeasurementCommand(Workspace* workspace, Action action, std::string seriesKey,
                                       Measurement m)
    : QUndoCommand(describe(action, m)),
      workspace_(workspace),
      action_(action),
      key_(std::move(seriesKey)),
      measurement_(std::move(m)) {}

void MeasurementCommand::put() {
    measurement_.id = workspace_->addMeasurementDirect(key_, measurement_);
}

void MeasurementCommand::take() {
    workspace_->removeMeasurementDirect(key_, measurement_.id);
}

void MeasurementCommand::redo() {
    action_ == Action::Add ? put() : take();
}

void MeasurementCommand::undo() {
    action_ == Action::Add ? take() : put();
}

}  // namespace stratum::app
