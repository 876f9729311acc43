#pragma once
// Thresholding and intensity windowing.
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::processing {

// uint8 mask: `inside` where lower <= value <= upper, `outside` elsewhere (ITK's
// BinaryThresholdImageFilter). Throws core::InvalidArgument when lower > upper or
// inside/outside are outside 0..255.
core::Image threshold(const core::Image& image, double lower, double upper, int inside = 1,
                      int outside = 0, const core::Task& task = {});

// Otsu's threshold: the value t that maximises the between-class variance of a
// `bins`-bin histogram spanning [min, max]; t is the upper edge of the last bin of
// the dark class. Throws core::InvalidArgument for bins < 2.
double otsuThreshold(const core::Image& image, int bins = 256, const core::Task& task = {});

// uint8 mask: 1 where value > otsuThreshold(image, bins), 0 elsewhere.
core::Image otsu(const core::Image& image, int bins = 256, const core::Task& task = {});

// float32: values in [lower, upper] mapped linearly onto [outLower, outUpper], clamped
// outside (ITK's IntensityWindowingImageFilter). Throws when lower >= upper.
core::Image intensityWindow(const core::Image& image, double lower, double upper,
                            double outLower = 0.0, double outUpper = 1.0,
                            const core::Task& task = {});

}  // namespace stratum::processing
