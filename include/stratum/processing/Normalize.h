#pragma once
// Intensity normalisation (results are float32 unless said otherwise).
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::processing {

// (v - min) / (max - min) * (outUpper - outLower) + outLower; a constant image gives outLower.
core::Image minMaxNormalize(const core::Image& image, double outLower = 0.0, double outUpper = 1.0,
                            const core::Task& task = {});

// (v - mean) / sd with the population standard deviation. With a mask (same size; a
// voxel counts when its mask value is non-zero) the mean and sd come from the masked
// voxels only, and every voxel is normalised. A constant image (sd 0) gives 0.
core::Image zScore(const core::Image& image, const core::Image* mask = nullptr,
                   const core::Task& task = {});

// The value at percentile p (0..100) with linear interpolation between order
// statistics (numpy's default "linear" method).
double percentile(const core::Image& image, double p, const core::Task& task = {});

// Values below the lower percentile / above the upper one are clamped to them; the
// pixel type stays the same. Throws unless 0 <= lower < upper <= 100.
core::Image percentileClip(const core::Image& image, double lowerPercent, double upperPercent,
                           const core::Task& task = {});

// CT window (centre, width, e.g. 40/400 for soft tissue) mapped onto [0, 1]:
// (v - (centre - width/2)) / width, clamped. Throws when width <= 0.
core::Image ctWindow(const core::Image& image, double center, double width,
                     const core::Task& task = {});

}  // namespace stratum::processing
