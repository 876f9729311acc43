#pragma once
// A volume-rendering transfer function: piecewise-linear colour and opacity of the
// scalar value, plus presets (CT bone, CT soft tissue, CT angiography, MR). Qt- and
// VTK-free: the 3D view copies the points into VTK's transfer functions.
#include <string>
#include <vector>

#include "stratum/app/model/IntensityStats.h"

namespace stratum::app {

struct TransferPoint {
    double value = 0.0;          // scalar value (HU for CT)
    double r = 0, g = 0, b = 0;  // colour in [0, 1]
    double opacity = 0.0;        // [0, 1] per unit length (VTK's scalar opacity)
    bool operator==(const TransferPoint&) const = default;
};

enum class VolumePreset { CtBone, CtSoftTissue, CtAngiography, Mr };
const char* volumePresetName(VolumePreset p);  // "CT bone", ...
// Throws core::InvalidArgument naming the unknown preset.
VolumePreset volumePresetFromName(const std::string& name);
inline constexpr VolumePreset kAllVolumePresets[] = {VolumePreset::CtBone,
                                                     VolumePreset::CtSoftTissue,
                                                     VolumePreset::CtAngiography, VolumePreset::Mr};

class TransferFunction {
public:
    TransferFunction() = default;
    // Points in any order (sorted by value here). Throws core::InvalidArgument for an
    // opacity or colour outside [0, 1], a non-finite value or two points at one value.
    explicit TransferFunction(std::vector<TransferPoint> points);

    // The preset; CT presets are in HU, the MR preset is placed on the volume's
    // intensity percentiles (`stats`; ignored for CT).
    static TransferFunction preset(VolumePreset p, const IntensityStats& stats = {});

    const std::vector<TransferPoint>& points() const noexcept { return points_; }
    // Colour and opacity at `value` (linear between points, constant beyond the ends).
    TransferPoint evaluate(double value) const;

    // Edits (each keeps the points sorted; throws as the constructor).
    void setPoint(std::size_t index, const TransferPoint& p);
    void insert(const TransferPoint& p);
    void remove(std::size_t index);
    // Moves every point by `delta` (like a window/level drag on the curve).
    void shift(double delta);
    // Multiplies every opacity by `factor` (clamped to [0, 1]).
    void scaleOpacity(double factor);

    bool operator==(const TransferFunction&) const = default;

private:
    void validate() const;
    std::vector<TransferPoint> points_;
};

}  // namespace stratum::app
