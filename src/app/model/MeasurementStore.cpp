#include "stratum/app/model/MeasurementStore.h"

#include <algorithm>

namespace stratum::app {

int MeasurementStore::add(const std::string& seriesKey, Measurement m) {
    m.id = nextId_++;
    bySeries_[seriesKey].push_back(std::move(m));
    return bySeries_[seriesKey].back().id;
}

bool MeasurementStore::remove(const std::string& seriesKey, int id) {
    auto it = bySeries_.find(seriesKey);
    if (it == bySeries_.end()) return false;
    auto& list = it->second;
    const auto found =
        std::find_if(list.begin(), list.end(), [id](const Measurement& m) { return m.id == id; });
    if (found == list.end()) return false;
    list.erase(found);
    return true;
}

void MeasurementStore::clear(const std::string& seriesKey) {
    bySeries_.erase(seriesKey);
}

const std::vector<Measurement>& MeasurementStore::list(const std::string& seriesKey) const {
    static const std::vector<Measurement> none;
    const auto it = bySeries_.find(seriesKey);
    return it == bySeries_.end() ? none : it->second;
}

const Measurement* MeasurementStore::find(const std::string& seriesKey, int id) const {
    for (const Measurement& m : list(seriesKey))
        if (m.id == id) return &m;
    return nullptr;
}

std::vector<const Measurement*> MeasurementStore::onPlane(const std::string& seriesKey,
                                                          const SlicePlane& plane,
                                                          double tolerance) const {
    std::vector<const Measurement*> out;
    for (const Measurement& m : list(seriesKey))
        if (m.liesOn(plane, tolerance)) out.push_back(&m);
    return out;
}

}  // namespace stratum::app
