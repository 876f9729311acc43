#pragma once
// A scale bar of a round length (1, 2 or 5 x 10^n mm).
#include <string>

namespace stratum::app {

struct ScaleBar {
    double lengthMm = 0.0;
    double lengthPixels = 0.0;
    std::string label;  // "5 mm", "2 cm", "10 cm"
};

// The longest round length that fits in `maxPixels` at `pixelsPerMm`; lengthMm = 0
// when not even 0.1 mm fits.
ScaleBar scaleBar(double pixelsPerMm, double maxPixels);

}  // namespace stratum::app
