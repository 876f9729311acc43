#pragma once
// The annotations of one study: landmarks, notes, distances and angles. Ids are never
// reused; distances and angles refer to landmarks by id. Qt-free: the app's undo
// commands call these methods, tests drive them directly.
#include <optional>
#include <vector>

#include "stratum/app/model/Annotation.h"
#include "stratum/app/model/SlicePlane.h"

namespace stratum::app {

class AnnotationStore {
public:
    // Adds `a` (its id is assigned unless it is > 0 and free, as when an undo puts a
    // removed annotation back); returns the id. Throws core::InvalidArgument for a
    // distance/angle with the wrong number of landmarks or an id that is not a landmark,
    // or an id already in use.
    int add(Annotation a);
    // Removes one annotation; false when absent. A landmark still used by a distance or
    // angle cannot be removed alone: see dependents().
    bool remove(int id);
    // Replaces the annotation with the same id (kind and references checked as in add).
    void replace(const Annotation& a);
    const Annotation* find(int id) const;
    const std::vector<Annotation>& all() const noexcept { return items_; }
    bool empty() const noexcept { return items_.empty(); }
    void clear();
    // The distances and angles that refer to landmark `id`.
    std::vector<int> dependents(int id) const;

    // Value of a distance (mm) or angle (degrees); nullopt for other kinds or missing ids.
    std::optional<double> value(int id) const;
    // The annotation's points: its own point, or its landmarks' points in order.
    std::vector<core::Vec3> points(const Annotation& a) const;
    // Next name for a new landmark/note: "L1", "L2"... / "Note 1"... (first free number).
    std::string nextName(AnnotationKind kind) const;

    // The visible annotations whose points all lie within `tolerance` mm of `plane`
    // (what a 2D view shows on its slice).
    std::vector<const Annotation*> onPlane(const SlicePlane& plane, double tolerance) const;

    int nextId() const noexcept { return nextId_; }

    bool operator==(const AnnotationStore& o) const { return items_ == o.items_; }

private:
    void check(const Annotation& a) const;
    std::vector<Annotation> items_;
    int nextId_ = 1;
};

}  // namespace stratum::app
