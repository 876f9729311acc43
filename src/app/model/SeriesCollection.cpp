#include "stratum/app/model/SeriesCollection.h"

#include <algorithm>

#include "stratum/core/Error.h"

namespace stratum::app {

int SeriesCollection::add(LoadedSeries series) {
    if (series.image.empty())
        throw core::InvalidArgument("series '" + series.name + "' has no image");
    series.id = nextId_++;
    series_.push_back(std::move(series));
    return series_.back().id;
}

bool SeriesCollection::remove(int id) {
    const auto it = std::find_if(series_.begin(), series_.end(),
                                 [id](const LoadedSeries& s) { return s.id == id; });
    if (it == series_.end()) return false;
    series_.erase(it);
    return true;
}

LoadedSeries* SeriesCollection::find(int id) {
    for (LoadedSeries& s : series_)
        if (s.id == id) return &s;
    return nullptr;
}

const LoadedSeries* SeriesCollection::find(int id) const {
    for (const LoadedSeries& s : series_)
        if (s.id == id) return &s;
    return nullptr;
}

const LoadedSeries* SeriesCollection::findByKey(const std::string& key) const {
    for (const LoadedSeries& s : series_)
        if (s.key == key) return &s;
    return nullptr;
}

}  // namespace stratum::app
