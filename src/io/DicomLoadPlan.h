#pragma once
// Deciding how a series is loaded: output pixel type and components, each
// instance's grey transform, and the image metadata.
#include <vector>

#include "DicomPixelConvert.h"
#include "stratum/io/Dicom.h"

namespace stratum::io::detail {

enum class PixelKind { Grey, Colour, Palette };

struct LoadPlan {
    PixelKind kind = PixelKind::Grey;
    core::PixelType type = core::PixelType::Int16;
    int components = 1;
    std::vector<GreyTransform> transforms;  // per instance of the series (grey only)
    // Per frame, for multi-frame instances whose frames have their own rescale (else empty).
    std::vector<std::vector<GreyTransform>> frameTransforms;
    // int16 was chosen although the header's range does not fit it: each slice is
    // checked, and the volume becomes float32 when one does not fit.
    bool checkEachSlice = false;
    bool inverted = false;  // MONOCHROME1 stored as "higher = brighter"
    double invertSum = 0;   // y -> invertSum - y
    bool rescaleApplied = false;

    const GreyTransform& transform(std::size_t instance, unsigned frame) const {
        const auto& perFrame = frameTransforms[instance];
        return perFrame.empty() ? transforms[instance] : perFrame[frame];
    }
};

// Validates the series (slice/instance indices, sizes, one colour model) and plans
// the load. Throws core::InvalidArgument for an inconsistent DicomSeries and
// core::UnsupportedError for pixel formats we cannot hold.
LoadPlan planLoad(const DicomSeries& series, const DicomLoadOptions& options);

// Patient/study/series, window presets (mapped like the pixels), rescale, units,
// photometric and provenance.
void fillMetadata(core::ImageMetadata& meta, const DicomSeries& series, const LoadPlan& plan);

}  // namespace stratum::io::detail
