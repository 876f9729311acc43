#pragma once
// Undoable change of a study's surface models in the 3D view: the models `before` (by
// id) are replaced by `after` (add, delete, or a new colour/opacity/visibility).
#include <QUndoCommand>
#include <string>
#include <vector>

#include "stratum/app/view3d/Scene3D.h"

namespace stratum::app {

class ModelCommand : public QUndoCommand {
public:
    ModelCommand(Scene3D* scene, std::string study, const QString& text,
                 std::vector<Model3D> before, std::vector<Model3D> after);
    void redo() override;
    void undo() override;

private:
    Scene3D* scene_;
    std::string study_;
    std::vector<Model3D> before_, after_;
};

}  // namespace stratum::app
