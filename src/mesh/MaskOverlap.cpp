#include "stratum/mesh/MaskOverlap.h"

#include "stratum/core/Error.h"

namespace stratum::mesh {

MaskOverlap maskOverlap(const core::Image& a, const core::Image& b) {
    if (a.empty() || b.empty()) throw core::InvalidArgument("mask overlap: empty image");
    if (a.components() != 1 || b.components() != 1)
        throw core::InvalidArgument("mask overlap: masks must be grey");
    if (a.size() != b.size()) throw core::InvalidArgument("mask overlap: the masks differ in size");
    MaskOverlap o;
    core::dispatchPixelType(a.pixelType(), [&](auto za) {
        using A = decltype(za);
        core::dispatchPixelType(b.pixelType(), [&](auto zb) {
            using B = decltype(zb);
            const A* pa = a.data<A>();
            const B* pb = b.data<B>();
            for (std::size_t i = 0, n = a.voxelCount(); i < n; ++i) {
                const bool ia = pa[i] != A{0}, ib = pb[i] != B{0};
                o.countA += ia;
                o.countB += ib;
                o.intersection += ia && ib;
            }
        });
    });
    const std::size_t unionCount = o.countA + o.countB - o.intersection;
    o.dice = o.countA + o.countB ? 2.0 * double(o.intersection) / double(o.countA + o.countB) : 1.0;
    o.iou = unionCount ? double(o.intersection) / double(unionCount) : 1.0;
    return o;
}

}  // namespace stratum::mesh
