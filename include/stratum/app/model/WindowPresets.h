#pragma once
// Window presets offered for an image: the file's own first, then the modality's.
#include <string>
#include <vector>

#include "stratum/app/model/IntensityStats.h"
#include "stratum/app/model/WindowLevel.h"
#include "stratum/core/Metadata.h"

namespace stratum::app {

struct NamedWindow {
    std::string name;
    WindowLevel window;
    bool operator==(const NamedWindow&) const = default;
};

// CT presets (centre/width HU): lung -600/1500, mediastinum 50/350, abdomen 50/400,
// bone 400/1800, brain 40/80.
const std::vector<NamedWindow>& ctPresets();

// The window spanning the 0.5th to 99.5th percentile (at least width 1).
WindowLevel autoWindow(const IntensityStats& stats);
// The window spanning min..max.
WindowLevel fullRangeWindow(const IntensityStats& stats);

// The presets offered for an image, in menu order: the file's presets (named as in
// the file, or "File 1", "File 2"...), then for CT the CT presets, then "Auto" (from
// the histogram) and "Full range".
std::vector<NamedWindow> windowPresets(const core::ImageMetadata& metadata,
                                       const IntensityStats& stats);

// The window an image opens with: the file's first preset, else for CT the abdomen
// preset when the values look like HU, else Auto.
WindowLevel initialWindow(const core::ImageMetadata& metadata, const IntensityStats& stats);

}  // namespace stratum::app
