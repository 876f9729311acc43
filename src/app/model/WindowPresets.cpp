#include "stratum/app/model/WindowPresets.h"

#include <algorithm>

namespace stratum::app {

const std::vector<NamedWindow>& ctPresets() {
    static const std::vector<NamedWindow> presets{
        {"Lung", {-600.0, 1500.0}}, {"Mediastinum", {50.0, 350.0}}, {"Abdomen", {50.0, 400.0}},
        {"Bone", {400.0, 1800.0}},  {"Brain", {40.0, 80.0}},
    };
    return presets;
}

WindowLevel autoWindow(const IntensityStats& stats) {
    const double lo = stats.p005, hi = stats.p995;
    WindowLevel w;
    w.width = std::max(1.0, hi - lo);
    w.center = (lo + hi) / 2.0 + 0.5;  // DICOM's centre is offset by half a unit
    return w;
}

WindowLevel fullRangeWindow(const IntensityStats& stats) {
    WindowLevel w;
    w.width = std::max(1.0, stats.max - stats.min);
    w.center = (stats.min + stats.max) / 2.0 + 0.5;
    return w;
}

namespace {

bool isCt(const core::ImageMetadata& md) {
    return md.series.modality == "CT";
}

// Values that look like Hounsfield units (air around -1000).
bool looksLikeHu(const IntensityStats& stats) {
    return stats.min < -500.0 && stats.max > 0.0;
}

}  // namespace

std::vector<NamedWindow> windowPresets(const core::ImageMetadata& metadata,
                                       const IntensityStats& stats) {
    std::vector<NamedWindow> out;
    int n = 1;
    for (const core::WindowPreset& p : metadata.windows) {
        NamedWindow w;
        w.name = p.name.empty() ? "File " + std::to_string(n) : p.name;
        w.window = {p.center, std::max(1.0, p.width)};
        out.push_back(w);
        ++n;
    }
    if (isCt(metadata))
        for (const NamedWindow& w : ctPresets()) out.push_back(w);
    out.push_back({"Auto", autoWindow(stats)});
    out.push_back({"Full range", fullRangeWindow(stats)});
    return out;
}

WindowLevel initialWindow(const core::ImageMetadata& metadata, const IntensityStats& stats) {
    if (!metadata.windows.empty()) {
        const core::WindowPreset& p = metadata.windows.front();
        return {p.center, std::max(1.0, p.width)};
    }
    if (isCt(metadata) && looksLikeHu(stats)) return ctPresets()[2].window;
    return autoWindow(stats);
}

}  // namespace stratum::app
