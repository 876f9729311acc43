#pragma once
// Contrast enhancement: global histogram equalisation and CLAHE.
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::processing {

// Global histogram equalisation: a `bins`-bin histogram over [min, max]; each voxel
// goes to min + cdf(bin) * (max - min), where cdf is the fraction of voxels in bins up
// to and including its own. Same pixel type (integers rounded to nearest).
core::Image histogramEqualize(const core::Image& image, int bins = 256,
                              const core::Task& task = {});

struct ClaheOptions {
    int tilesX = 8;  // tiles across each slice
    int tilesY = 8;  // tiles down each slice
    double clipLimit =
        0.01;  // fraction of a tile's voxels one bin may hold (0 = no limit: plain AHE)
    int bins = 256;
};

// Contrast-limited adaptive histogram equalisation (Zuiderveld), slice by slice: each
// tile's histogram over the image's [min, max] is clipped at clipLimit * tileVoxels
// (at least 1), the excess spread evenly over all bins, and turned into a mapping
// min + cdf * (max - min); a voxel takes the bilinear blend of the mappings of the
// four tiles whose centres surround it (nearest tiles at the borders). Same pixel type.
// Throws core::InvalidArgument for tiles < 1 or larger than the slice, clipLimit < 0
// or > 1, or bins < 2.
core::Image clahe(const core::Image& image, const ClaheOptions& options = {},
                  const core::Task& task = {});

}  // namespace stratum::processing
