#pragma once
// Histograms over an image's value range (internal).
#include <cstddef>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::processing::detail {

struct Histogram {
    double min = 0.0;  // lower edge of bin 0
    double max = 0.0;  // upper edge of the last bin (the image maximum)
    std::vector<std::size_t> counts;

    int bins() const { return static_cast<int>(counts.size()); }
    double width() const { return (max - min) / bins(); }
    double center(int k) const { return min + (k + 0.5) * width(); }
    double upperEdge(int k) const { return min + (k + 1) * width(); }
    // The bin of a value in [min, max] (max goes to the last bin).
    int binOf(double v) const {
        if (!(max > min) || !(v > min)) return 0;  // also NaN
        if (!(v < max)) return bins() - 1;
        const int k = static_cast<int>((v - min) / (max - min) * bins());
        return k < 0 ? 0 : k >= bins() ? bins() - 1 : k;
    }
};

// `bins` equal bins from the image's minimum to its maximum (NaN ignored).
Histogram histogramOf(const core::Image& image, int bins, const core::Task& task);

}  // namespace stratum::processing::detail
