#include "stratum/app/undo/AnnotationCommand.h"

#include "stratum/app/view3d/Scene3D.h"

namespace stratum::app {

AnnotationCommand::AnnotationCommand(Scene3D* scene, std::string study, const QString& text,
                                     std::vector<Annotation> before, std::vector<Annotation> after)
    : QUndoCommand(text),
      scene_(scene),
      study_(std::move(study)),
      before_(std::move(before)),
      after_(std::move(after)) {}

void AnnotationCommand::redo() {
    scene_->replaceAnnotations(study_, before_, after_);
}

void AnnotationCommand::undo() {
    scene_->replaceAnnotations(study_, after_, before_);
}

}  // namespace stratum::app
