#include "stratum/app/model/AnnotationStore.h"

#include <algorithm>
#include <cmath>

#include "stratum/core/Error.h"

namespace stratum::app {

void AnnotationStore::check(const Annotation& a) const {
    const std::size_t need = a.kind == AnnotationKind::Distance ? 2
                             : a.kind == AnnotationKind::Angle  ? 3
                                                                : 0;
    if (a.landmarks.size() != need)
        throw core::InvalidArgument(std::string("annotation '") + a.name + "': a " +
                                    annotationKindName(a.kind) + " needs " + std::to_string(need) +
                                    " landmarks, got " + std::to_string(a.landmarks.size()));
    for (int id : a.landmarks) {
        const Annotation* l = find(id);
        if (!l || l->kind != AnnotationKind::Landmark)
            throw core::InvalidArgument(std::string("annotation '") + a.name +
                                        "': " + std::to_string(id) + " is not a landmark");
    }
    if (a.hasPoint())
        for (double c : a.point)
            if (!std::isfinite(c))
                throw core::InvalidArgument("annotation '" + a.name + "': non-finite position");
}

int AnnotationStore::add(Annotation a) {
    check(a);
    if (a.id > 0) {
        if (find(a.id))
            throw core::InvalidArgument("annotation id " + std::to_string(a.id) +
                                        " is already in use");
    } else {
        a.id = nextId_;
    }
    nextId_ = std::max(nextId_, a.id + 1);
    // Kept sorted by id: an annotation put back by undo returns to its place.
    const auto at = std::lower_bound(items_.begin(), items_.end(), a.id,
                                     [](const Annotation& x, int id) { return x.id < id; });
    const int id = a.id;
    items_.insert(at, std::move(a));
    return id;
}

bool AnnotationStore::remove(int id) {
    const auto it = std::find_if(items_.begin(), items_.end(),
                                 [id](const Annotation& a) { return a.id == id; });
    if (it == items_.end()) return false;
    if (!dependents(id).empty())
        throw core::InvalidArgument("landmark '" + it->name +
                                    "' is used by a distance or angle: remove those first");
    items_.erase(it);
    return true;
}

void AnnotationStore::replace(const Annotation& a) {
    const auto it = std::find_if(items_.begin(), items_.end(),
                                 [&](const Annotation& x) { return x.id == a.id; });
    if (it == items_.end())
        throw core::InvalidArgument("no annotation with id " + std::to_string(a.id));
    if (it->kind != a.kind)
        throw core::InvalidArgument("annotation '" + a.name + "': its kind cannot change");
    check(a);
    *it = a;
}

const Annotation* AnnotationStore::find(int id) const {
    const auto it = std::find_if(items_.begin(), items_.end(),
                                 [id](const Annotation& a) { return a.id == id; });
    return it == items_.end() ? nullptr : &*it;
}

void AnnotationStore::clear() {
    items_.clear();
}

std::vector<int> AnnotationStore::dependents(int id) const {
    std::vector<int> out;
    for (const Annotation& a : items_)
        if (std::find(a.landmarks.begin(), a.landmarks.end(), id) != a.landmarks.end())
            out.push_back(a.id);
    return out;
}

std::vector<core::Vec3> AnnotationStore::points(const Annotation& a) const {
    if (a.hasPoint()) return {a.point};
    std::vector<core::Vec3> out;
    for (int id : a.landmarks)
        if (const Annotation* l = find(id)) out.push_back(l->point);
    return out;
}

std::optional<double> AnnotationStore::value(int id) const {
    const Annotation* a = find(id);
    if (!a) return std::nullopt;
    const std::vector<core::Vec3> p = points(*a);
    if (a->kind == AnnotationKind::Distance && p.size() == 2) return distanceMm(p[0], p[1]);
    if (a->kind == AnnotationKind::Angle && p.size() == 3) return angleDegrees(p[0], p[1], p[2]);
    return std::nullopt;
}

std::string AnnotationStore::nextName(AnnotationKind kind) const {
    const std::string prefix = kind == AnnotationKind::Landmark   ? "L"
                               : kind == AnnotationKind::Note     ? "Note "
                               : kind == AnnotationKind::Distance ? "Distance "
                                                                  : "Angle ";
    for (int n = 1;; ++n) {
        const std::string name = prefix + std::to_string(n);
        if (std::none_of(items_.begin(), items_.end(),
                         [&](const Annotation& a) { return a.name == name; }))
            return name;
    }
}

std::vector<const Annotation*> AnnotationStore::onPlane(const SlicePlane& plane,
                                                        double tolerance) const {
    std::vector<const Annotation*> out;
    for (const Annotation& a : items_) {
        if (!a.visible) continue;
        const std::vector<core::Vec3> p = points(a);
        if (p.empty()) continue;
        if (std::all_of(p.begin(), p.end(), [&](const core::Vec3& q) {
                return std::abs(plane.distanceTo(q)) <= tolerance;
            }))
            out.push_back(&a);
    }
    return out;
}

}  // namespace stratum::app
