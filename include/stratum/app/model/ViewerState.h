#pragma once
// The state the 2D views share for one volume: the three slice stacks, the linked
// cursor (a patient position every view passes through), window/level and invert.
// Qt-free; the GUI keeps one per shown series and draws from it.
#include <array>
#include <vector>

#include "stratum/app/model/IntensityStats.h"
#include "stratum/app/model/SliceRenderer.h"
#include "stratum/app/model/SliceStack.h"
#include "stratum/app/model/ViewOrientation.h"
#include "stratum/app/model/WindowPresets.h"
#include "stratum/core/Image.h"

namespace stratum::app {

class ViewerState {
public:
    // Shows `volume`: stacks for the alignment, the cursor at the volume's centre, the
    // initial window from the metadata and histogram. A single-slice image is shown
    // as stored (nativeAxes) in every view.
    void setVolume(core::Image volume, PlaneAlignment alignment = PlaneAlignment::Patient);
    // Replaces the volume by another on the same patient grid region (e.g. the full
    // series after its first slice): keeps the cursor (clamped) and the window.
    void replaceVolume(core::Image volume);
    bool hasVolume() const noexcept { return !volume_.empty(); }
    const core::Image& volume() const noexcept { return volume_; }
    const IntensityStats& stats() const noexcept { return stats_; }
    // A single 2D image (X-ray, photo): shown as stored, one view.
    bool isSingleImage() const noexcept { return !volume_.empty() && volume_.size()[2] == 1; }

    PlaneAlignment alignment() const noexcept { return alignment_; }
    void setAlignment(PlaneAlignment alignment);

    const SliceStack& stack(ViewOrientation o) const { return stacks_[index(o)]; }
    SlicePlane plane(ViewOrientation o) const { return stack(o).planeAt(cursor_); }
    int sliceIndex(ViewOrientation o) const { return stack(o).sliceIndexAt(cursor_); }
    void setSliceIndex(ViewOrientation o, int k);
    // Moves `delta` slices (clamped); returns true when the slice changed.
    bool scroll(ViewOrientation o, int delta);

    const core::Vec3& cursor() const noexcept { return cursor_; }
    // Sets the linked cursor, clamped to the volume's voxel-centre bounding box.
    void setCursor(const core::Vec3& patient);

    DisplaySettings& display() noexcept { return display_; }
    const DisplaySettings& display() const noexcept { return display_; }
    std::vector<NamedWindow> presets() const;
    // Values per screen pixel for window/level drags: 1/512 of the 1st-99th
    // percentile range (at least 0.01 for float images, 1/8 for integers).
    double windowDragScale() const;

private:
    static std::size_t index(ViewOrientation o) { return static_cast<std::size_t>(o); }
    void buildStacks();

    core::Image volume_;
    IntensityStats stats_;
    PlaneAlignment alignment_ = PlaneAlignment::Patient;
    std::array<SliceStack, 3> stacks_;
    core::Vec3 cursor_{0, 0, 0};
    DisplaySettings display_;
};

}  // namespace stratum::app
