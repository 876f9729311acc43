#include "stratum/app/model/Annotation.h"

#include "stratum/core/Error.h"

namespace stratum::app {

const char* annotationKindName(AnnotationKind k) {
    switch (k) {
        case AnnotationKind::Landmark:
            return "landmark";
        case AnnotationKind::Note:
            return "note";
        case AnnotationKind::Distance:
            return "distance";
        case AnnotationKind::Angle:
            return "angle";
    }
    return "unknown";
}

AnnotationKind annotationKindFromName(const std::string& name) {
    for (AnnotationKind k : {AnnotationKind::Landmark, AnnotationKind::Note,
                             AnnotationKind::Distance, AnnotationKind::Angle})
        if (name == annotationKindName(k)) return k;
    throw core::InvalidArgument("unknown annotation kind '" + name +
                                "' (expected landmark, note, distance or angle)");
}

}  // namespace stratum::app
