#pragma once
// The intensity surface of a 2D image (e.g. an X-ray): a height field whose vertices sit
// on the pixel centres in patient coordinates, raised along the image normal by the pixel
// value, with the value as per-vertex scalar for a colour map.
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::mesh {

struct HeightFieldOptions {
    // Height (mm) per unit pixel value above the image minimum; <= 0 = automatic: the
    // highest point rises a quarter of the image's larger side.
    double heightScale = 0.0;
    // Use every n-th pixel along each axis (1 = all).
    int step = 1;
};

// One vertex per (sampled) pixel, two triangles per quad, normals towards the raised side.
// RGB images use their luminance. Throws core::InvalidArgument for a 3D image or step < 1.
SurfaceMesh heightFieldSurface(const core::Image& image, const HeightFieldOptions& options = {},
                               const core::Task& task = {});

}  // namespace stratum::mesh
