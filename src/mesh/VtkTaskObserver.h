#pragma once
// Runs a VTK algorithm under a core::Task: its progress goes to the task, a cancel sets
// AbortExecute, and its error messages are caught instead of printed (internal).
#include <mutex>
#include <string>

#include "stratum/core/Progress.h"

class vtkAlgorithm;
class vtkObject;

namespace stratum::mesh::detail {

class VtkTaskObserver {
public:
    // `what` names the step in error messages ("windowed-sinc smoothing").
    VtkTaskObserver(vtkAlgorithm* algorithm, const core::Task& task, std::string what);
    ~VtkTaskObserver();
    VtkTaskObserver(const VtkTaskObserver&) = delete;
    VtkTaskObserver& operator=(const VtkTaskObserver&) = delete;

    // Update()s the algorithm, then throws core::Cancelled when cancelled and core::Error
    // ("<what>: <VTK's message>") when VTK reported an error.
    void update();
    // Same for a writer: Write() instead of Update(); errors as core::IoError naming `path`.
    void write(const std::string& path);
    // Same for a reader of `path`: VTK's errors become core::FormatError naming it.
    void read(const std::string& path);
    // VTK's first error message, if any.
    std::string error() const;

private:
    static void onProgress(vtkObject* caller, unsigned long event, void* self, void* data);
    static void onError(vtkObject* caller, unsigned long event, void* self, void* data);

    vtkAlgorithm* algorithm_;
    core::Task task_;
    std::string what_;
    unsigned long progressTag_ = 0;
    unsigned long errorTag_ = 0;
    unsigned long warningTag_ = 0;
    mutable std::mutex mutex_;
    std::string error_;
};

}  // namespace stratum::mesh::detail
