#pragma once
// Surface clean-up: connected components, hole filling, windowed-sinc smoothing,
// decimation with a bounded error, and normals. Each function returns a new mesh;
// label, name, colour and per-vertex scalars are kept (hole filling gives its new centre
// vertices the mean scalar of the hole's rim).
#include <vector>

#include "stratum/core/Progress.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::mesh {

struct CleanupOptions {
    // Remove connected pieces whose enclosed volume (absolute) is below this (mL); 0 = keep all.
    double minComponentVolumeMl = 0.0;
    // Keep only the piece with the largest enclosed volume (absolute).
    bool keepLargestComponent = false;
    // Close holes whose boundary fits in a sphere of this radius (mm); 0 = no hole filling.
    double fillHolesRadiusMm = 0.0;
    // Windowed-sinc smoothing iterations; 0 = none. Typical: 10-30.
    int smoothingIterations = 0;
    // Pass band of the windowed-sinc filter in (0, 2): lower smooths more. 0.1 keeps volume.
    double smoothingPassBand = 0.1;
    // Fraction of triangles to remove in [0, 1); 0 = no decimation.
    double decimateReduction = 0.0;
    // Largest distance (mm) a decimated surface may move away from the input; the
    // reduction stops early rather than exceed it. Must be > 0 when decimating, except
    // for extraction (SurfaceOptions), where <= 0 means half the smallest voxel spacing.
    double decimateMaxErrorMm = 0.0;
    // Compute per-vertex normals at the end.
    bool computeNormals = true;

    // Throws core::InvalidArgument naming the bad option.
    void validate() const;
};

// Runs the steps in the order above (components, holes, smoothing, decimation, normals).
// Takes the mesh by value: pass an rvalue to avoid a copy.
SurfaceMesh cleanupMesh(SurfaceMesh mesh, const CleanupOptions& options,
                        const core::Task& task = {});

// Connected pieces (triangles sharing vertices), each with unused vertices dropped.
std::vector<SurfaceMesh> splitComponents(const SurfaceMesh& mesh);
SurfaceMesh keepLargestComponent(const SurfaceMesh& mesh);
SurfaceMesh removeSmallComponents(const SurfaceMesh& mesh, double minVolumeMl);

// Closes every hole whose boundary loop fits in a sphere of `maxRadiusMm` around the loop's
// centroid: a fan of triangles around a new vertex at the centroid, wound like the triangles
// beside the hole (our own code; suits the roughly planar holes of cut or cropped surfaces).
SurfaceMesh fillHoles(const SurfaceMesh& mesh, double maxRadiusMm, const core::Task& task = {});
// Windowed-sinc smoothing (vtkWindowedSincPolyDataFilter, normalized coordinates);
// vertex count and connectivity unchanged.
SurfaceMesh smoothMesh(const SurfaceMesh& mesh, int iterations, double passBand = 0.1,
                       const core::Task& task = {});
// Decimation towards `reduction` (fraction of triangles removed) by our own half-edge
// collapses in order of quadric error: kept vertices stay exactly where they were, the
// topology is kept (boundaries, pieces, manifoldness, winding), and the bound is checked,
// not trusted: every input vertex lies within `maxErrorMm` of the result (measured exactly,
// point to triangle). The reduction stops early rather than exceed the bound; the input comes
// back unchanged if no decimation passes the checks.
SurfaceMesh decimateMesh(const SurfaceMesh& mesh, double reduction, double maxErrorMm,
                         const core::Task& task = {});
// Area-weighted per-vertex normals from the triangles' winding (in place).
void computeNormals(SurfaceMesh& mesh);
// Reverses every triangle's winding (and the normals).
void flipOrientation(SurfaceMesh& mesh);

}  // namespace stratum::mesh
