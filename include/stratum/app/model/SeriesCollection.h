#pragma once
// The series loaded in the workstation, including derived ones (processing results).
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Warning.h"

namespace stratum::app {

struct LoadedSeries {
    int id = 0;        // set by SeriesCollection::add
    std::string key;   // stable identity (series UID, file path, or derived key)
    std::string name;  // shown to the user
    core::Image image;
    core::Warnings warnings;
    std::vector<std::string> sliceFiles;  // DICOM: the file of each slice k ("" when unknown)
    int parentId = 0;                     // the series a derived one was computed from (0: none)
    std::string operation;                // how a derived series was made, e.g. "gaussian sigma=1"
};

class SeriesCollection {
public:
    // Adds a series; returns its id (ids are never reused). Throws
    // core::InvalidArgument for an empty image.
    int add(LoadedSeries series);
    bool remove(int id);
    LoadedSeries* find(int id);
    const LoadedSeries* find(int id) const;
    const LoadedSeries* findByKey(const std::string& key) const;
    const std::vector<LoadedSeries>& all() const noexcept { return series_; }
    bool empty() const noexcept { return series_.empty(); }

private:
    std::vector<LoadedSeries> series_;
    int nextId_ = 1;
};

}  // namespace stratum::app
