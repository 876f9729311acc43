#include "stratum/app/model/ScaleBar.h"

#include <cmath>
#include <cstdio>

namespace stratum::app {

ScaleBar scaleBar(double pixelsPerMm, double maxPixels) {
    ScaleBar bar;
    if (!(pixelsPerMm > 0.0) || !(maxPixels > 0.0)) return bar;
    const double maxMm = maxPixels / pixelsPerMm;
    if (maxMm < 0.1) return bar;
    const double decade = std::pow(10.0, std::floor(std::log10(maxMm)));
    double length = decade;
    for (double m : {5.0, 2.0, 1.0})
        if (m * decade <= maxMm * (1 + 1e-9)) {
            length = m * decade;
            break;
        }
    bar.lengthMm = length;
    bar.lengthPixels = length * pixelsPerMm;
    char buf[32];
    if (length >= 10.0)
        std::snprintf(buf, sizeof buf, "%g cm", length / 10.0);
    else
        std::snprintf(buf, sizeof buf, "%g mm", length);
    bar.label = buf;
    return bar;
}

}  // namespace stratum::app
