#pragma once
// 3D annotations of a study, in patient coordinates (LPS mm): landmarks picked on a
// surface, free-text notes pinned to a surface point, and distances and angles between
// landmarks (by landmark id, so moving a landmark updates them). Qt-free.
#include <string>
#include <vector>

#include "stratum/app/model/Measurement.h"  // distanceMm, angleDegrees
#include "stratum/app/model/Rgb.h"
#include "stratum/core/Geometry.h"

namespace stratum::app {

enum class AnnotationKind { Landmark, Note, Distance, Angle };
// "landmark", "note", "distance", "angle".
const char* annotationKindName(AnnotationKind k);
// The inverse; throws core::InvalidArgument naming the unknown kind.
AnnotationKind annotationKindFromName(const std::string& name);

struct Annotation {
    int id = 0;  // set by AnnotationStore (> 0)
    AnnotationKind kind = AnnotationKind::Landmark;
    std::string name;
    Rgb color{255, 220, 0};
    bool visible = true;
    // Landmark, Note: the point (patient mm).
    core::Vec3 point{0, 0, 0};
    // Note: its text.
    std::string text;
    // Distance: two landmark ids; Angle: three, the vertex second.
    std::vector<int> landmarks;

    // Landmarks and notes have a point; distances and angles refer to landmarks.
    bool hasPoint() const noexcept {
        return kind == AnnotationKind::Landmark || kind == AnnotationKind::Note;
    }
    bool operator==(const Annotation&) const = default;
};

}  // namespace stratum::app
