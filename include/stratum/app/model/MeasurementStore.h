#pragma once
// Measurements kept per series (by a key the caller chooses, e.g. the series UID).
#include <map>
#include <string>
#include <vector>

#include "stratum/app/model/Measurement.h"

namespace stratum::app {

class MeasurementStore {
public:
    // Stores `m` under `seriesKey` with a fresh id (returned).
    int add(const std::string& seriesKey, Measurement m);
    // Removes measurement `id`; false when there is none.
    bool remove(const std::string& seriesKey, int id);
    void clear(const std::string& seriesKey);
    const std::vector<Measurement>& list(const std::string& seriesKey) const;
    const Measurement* find(const std::string& seriesKey, int id) const;
    // Those that lie on `plane` (Measurement::liesOn).
    std::vector<const Measurement*> onPlane(const std::string& seriesKey, const SlicePlane& plane,
                                            double tolerance) const;

private:
    std::map<std::string, std::vector<Measurement>> bySeries_;
    int nextId_ = 1;
};

}  // namespace stratum::app
