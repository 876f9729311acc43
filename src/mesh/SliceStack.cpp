#include "stratum/mesh/SliceStack.h"

#include <cmath>
#include <cstring>

#include "stratum/core/Error.h"

namespace stratum::mesh {

core::Image stackSlices(std::span<const core::Image> slices, const SliceStackOptions& options,
                        const core::Task& task) {
    if (slices.empty()) throw core::InvalidArgument("slice stack: no slices");
    if (!(options.sliceSpacing > 0.0 && std::isfinite(options.sliceSpacing)))
        throw core::InvalidArgument("slice stack: slice spacing must be > 0 mm, got " +
                                    std::to_string(options.sliceSpacing));
    if (!(options.pixelSpacing <= 0.0 || std::isfinite(options.pixelSpacing)))
        throw core::InvalidArgument("slice stack: pixel spacing must be a finite number");
    const core::Image& first = slices.front();
    for (std::size_t k = 0; k < slices.size(); ++k) {
        const core::Image& s = slices[k];
        const std::string which = "slice stack: slice " + std::to_string(k);
        if (s.empty()) throw core::InvalidArgument(which + " is empty");
        if (!s.geometry().is2D()) throw core::InvalidArgument(which + " is not a 2D image");
        if (s.size() != first.size())
            throw core::InvalidArgument(which + " is " + std::to_string(s.size()[0]) + "x" +
                                        std::to_string(s.size()[1]) + ", slice 0 is " +
                                        std::to_string(first.size()[0]) + "x" +
                                        std::to_string(first.size()[1]));
        if (s.pixelType() != first.pixelType() || s.components() != first.components())
            throw core::InvalidArgument(
                which + " has pixel type " + core::pixelTypeName(s.pixelType()) + " x" +
                std::to_string(s.components()) + ", slice 0 has " +
                core::pixelTypeName(first.pixelType()) + " x" + std::to_string(first.components()));
    }

    core::Geometry g = first.geometry();
    g.size[2] = slices.size();
    if (options.pixelSpacing > 0.0) g.spacing[0] = g.spacing[1] = options.pixelSpacing;
    g.spacing[2] = options.sliceSpacing;
    // Slices along the normal of the first slice's plane, whatever its third column said.
    const core::Vec3 normal =
        core::normalized(core::cross(g.direction.column(0), g.direction.column(1)));
    g.direction = core::Mat3::fromColumns(g.direction.column(0), g.direction.column(1), normal);
    g.validate();

    core::Image volume(first.pixelType(), first.components(), g, core::Image::Init::Uninitialized);
    volume.metadata() = first.metadata();
    const std::size_t bytes = first.byteSize();
    auto* out = static_cast<std::uint8_t*>(volume.data());
    for (std::size_t k = 0; k < slices.size(); ++k) {
        std::memcpy(out + k * bytes, slices[k].data(), bytes);
        task.progress(double(k + 1) / double(slices.size()), "stacking slices");
    }
    return volume;
}

}  // namespace stratum::mesh
