#include "VtkTaskObserver.h"

#include <vtkAlgorithm.h>
#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkNew.h>
#include <vtkWriter.h>

#include "stratum/core/Error.h"

namespace stratum::mesh::detail {
namespace {

unsigned long observe(vtkAlgorithm* algorithm, unsigned long event,
                      void (*callback)(vtkObject*, unsigned long, void*, void*), void* self) {
    vtkNew<vtkCallbackCommand> command;
    command->SetCallback(callback);
    command->SetClientData(self);
    return algorithm->AddObserver(event, command);
}

}  // namespace

VtkTaskObserver::VtkTaskObserver(vtkAlgorithm* algorithm, const core::Task& task, std::string what)
    : algorithm_(algorithm), task_(task), what_(std::move(what)) {
    progressTag_ =
        observe(algorithm_, vtkCommand::ProgressEvent, &VtkTaskObserver::onProgress, this);
    errorTag_ = observe(algorithm_, vtkCommand::ErrorEvent, &VtkTaskObserver::onError, this);
    warningTag_ = observe(algorithm_, vtkCommand::WarningEvent, &VtkTaskObserver::onError, nullptr);
}

VtkTaskObserver::~VtkTaskObserver() {
    algorithm_->RemoveObserver(progressTag_);
    algorithm_->RemoveObserver(errorTag_);
    algorithm_->RemoveObserver(warningTag_);
}

void VtkTaskObserver::onProgress(vtkObject*, unsigned long, void* self, void* data) {
    auto* observer = static_cast<VtkTaskObserver*>(self);
    try {
        observer->task_.progress(data ? *static_cast<double*>(data) : 0.0);
    } catch (const core::Cancelled&) {
        observer->algorithm_->SetAbortExecute(1);
    }
}

void VtkTaskObserver::onError(vtkObject*, unsigned long, void* self, void* data) {
    if (!self) return;  // warnings: swallowed (observed so that VTK does not print them)
    auto* observer = static_cast<VtkTaskObserver*>(self);
    std::lock_guard lock(observer->mutex_);
    if (observer->error_.empty() && data) {
        std::string message = static_cast<const char*>(data);
        // VTK prefixes "ERROR: In <file>, line N\n<class> (<address>): " before the text.
        if (const auto colon = message.find("): "); colon != std::string::npos)
            message = message.substr(colon + 3);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
            message.pop_back();
        observer->error_ = message.empty() ? "failed" : message;
    }
}

std::string VtkTaskObserver::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

void VtkTaskObserver::update() {
    task_.checkCancel();
    algorithm_->Update();
    task_.checkCancel();
    if (const std::string message = error(); !message.empty())
        throw core::Error(what_ + ": " + message);
}

void VtkTaskObserver::read(const std::string& path) {
    try {
        update();
    } catch (const core::Cancelled&) {
        throw;
    } catch (const core::Error& e) {
        throw core::FormatError(path, e.what());
    }
}

void VtkTaskObserver::write(const std::string& path) {
    task_.checkCancel();
    auto* writer = vtkWriter::SafeDownCast(algorithm_);
    const int ok = writer ? writer->Write() : (algorithm_->Update(), 1);
    task_.checkCancel();
    if (const std::string message = error(); !message.empty()) throw core::IoError(path, message);
    if (!ok || algorithm_->GetErrorCode() != 0)
        throw core::IoError(path, what_ + " failed (disk full or not writable?)");
}

}  // namespace stratum::mesh::detail
