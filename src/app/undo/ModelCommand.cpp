#include "stratum/app/undo/ModelCommand.h"

namespace stratum::app {

ModelCommand::ModelCommand(Scene3D* scene, std::string study, const QString& text,
                           std::vector<Model3D> before, std::vector<Model3D> after)
    : QUndoCommand(text),
      scene_(scene),
      study_(std::move(study)),
      before_(std::move(before)),
      after_(std::move(after)) {}

void ModelCommand::redo() {
    scene_->replaceModels(study_, before_, after_);
}

void ModelCommand::undo() {
    scene_->replaceModels(study_, after_, before_);
}

}  // namespace stratum::app
