#pragma once
// Level of detail while the user drags the 3D view: how much to thin the surfaces and
// how coarsely to sample the volume so that a frame stays within budget, from the
// costs measured on this kind of machine (docs/view3d.md). Qt- and VTK-free.
#include <cstddef>

namespace stratum::app {

struct LodBudget {
    // Triangles drawn while interacting (all visible surfaces together).
    std::size_t interactiveTriangles = 60'000;
    // Below this many triangles a surface is drawn in full even while interacting.
    std::size_t minTrianglesToThin = 20'000;
};

// The fraction of triangles to remove from a surface of `triangles` triangles when the
// scene has `sceneTriangles` in total: 0 when the scene is within budget or the surface
// is small, otherwise what brings the scene to the budget, in [0, 0.98].
double interactiveReduction(std::size_t triangles, std::size_t sceneTriangles,
                            const LodBudget& budget = {});

// Volume ray casting: the image sample distance (rays per pixel: 1/d^2) for interaction
// given the still frame's time and the target interactive frame time; 1 = full, at most 4.
double interactiveImageSampleDistance(double stillMilliseconds, double targetMilliseconds);

}  // namespace stratum::app
