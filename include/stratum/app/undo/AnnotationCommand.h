#pragma once
// Undoable change of a study's 3D annotations: the annotations `before` (by id) are
// replaced by `after` (add: before empty; delete: after empty; edit: the same id in both).
#include <QUndoCommand>
#include <string>
#include <vector>

#include "stratum/app/model/Annotation.h"

namespace stratum::app {

class Scene3D;

class AnnotationCommand : public QUndoCommand {
public:
    AnnotationCommand(Scene3D* scene, std::string study, const QString& text,
                      std::vector<Annotation> before, std::vector<Annotation> after);
    void redo() override;
    void undo() override;

private:
    Scene3D* scene_;
    std::string study_;
    std::vector<Annotation> before_, after_;
};

}  // namespace stratum::app
