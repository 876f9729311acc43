#pragma once
// How one surface model of the 3D view is shown: colour, opacity, visibility, and
// where it came from (for the saved study and the panel). Qt-free.
#include <string>

#include "stratum/app/model/Rgb.h"

namespace stratum::app {

struct ModelDisplay {
    std::string name;    // e.g. "liver", "iso 300", "X-ray height field"
    int label = 0;       // label value it came from (0: iso-surface, file, reconstruction)
    std::string source;  // e.g. "labels: Segmentation", "iso 300", "file: /x/hull.stl"
    Rgb color{204, 204, 204};
    double opacity = 1.0;  // [0, 1]
    bool visible = true;
    bool operator==(const ModelDisplay&) const = default;
};

}  // namespace stratum::app
