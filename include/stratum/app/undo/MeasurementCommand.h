#pragma once
// Undoable addition or deletion of a measurement of one series.
#include <QUndoCommand>
#include <string>

#include "stratum/app/model/Measurement.h"

namespace stratum::app {

class Workspace;

class MeasurementCommand : public QUndoCommand {
public:
    enum class Action { Add, Remove };
    MeasurementCommand(Workspace* workspace, Action action, std::string seriesKey, Measurement m);
    void redo() override;
    void undo() override;

private:
    void put();
    void take();

    Workspace* workspace_;
    Action action_;
    std::string key_;
    Measurement measurement_;
};

}  // namespace stratum::app
