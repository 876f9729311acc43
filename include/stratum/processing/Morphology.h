#pragma once
// Mathematical morphology, defined as ITK 5.2 defines it (tests compare voxel for voxel).
//
// Grayscale (any grey pixel type; flat structuring element):
//   erode:    minimum over the element; voxels outside the image are ignored (ITK pads
//             with the type's maximum);
//   dilate:   maximum, outside ignored (ITK pads with the type's lowest value);
//   open:     dilate(erode(f)), close: erode(dilate(f)), both computed on the image padded
//             by the radius as ITK's GrayscaleMorphologicalOpening/Closing with SafeBorder;
//   gradient: dilate(f) - erode(f) (ITK's MorphologicalGradientImageFilter).
// Binary (voxels equal to `foreground` are the object; everything else is background):
//   binaryErode:  object voxels whose element lies in the object (outside the image
//                 counts as object, ITK's BoundaryToForeground) keep `foreground`; the
//                 other object voxels become `background`; other voxels keep their value;
//   binaryDilate: voxels within the element of an object voxel become `foreground`
//                 (outside the image counts as background); others keep their value;
//   binaryOpen:   binaryDilate(binaryErode(f)) (ITK's BinaryMorphologicalOpening);
//   binaryClose:  the closing of the object on an unbounded background (ITK's
//                 BinaryMorphologicalClosing with SafeBorder) set to `foreground`, every
//                 other voxel keeps its value;
//   fillHoles:    regions of non-object voxels that do not touch the image border become
//                 `foreground` (ITK's BinaryFillholeImageFilter); regions are 6-connected
//                 (4 in 2D), or 26-connected (8) with `fullyConnected`. An axis of one
//                 voxel (a 2D image) has no border.
// All take a Task (progress, cancel) and use every thread. Errors: core::InvalidArgument
// for an empty or multi-component image, or a value the pixel type cannot hold.
#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"
#include "stratum/processing/StructuringElement.h"

namespace stratum::processing {

core::Image erode(const core::Image& image, const StructuringElement& se,
                  const core::Task& task = {});
core::Image dilate(const core::Image& image, const StructuringElement& se,
                   const core::Task& task = {});
core::Image open(const core::Image& image, const StructuringElement& se,
                 const core::Task& task = {});
core::Image close(const core::Image& image, const StructuringElement& se,
                  const core::Task& task = {});
core::Image gradient(const core::Image& image, const StructuringElement& se,
                     const core::Task& task = {});

struct BinaryValues {
    double foreground = 1.0;
    double background = 0.0;
};

core::Image binaryErode(const core::Image& image, const StructuringElement& se,
                        const BinaryValues& values = {}, const core::Task& task = {});
core::Image binaryDilate(const core::Image& image, const StructuringElement& se,
                         const BinaryValues& values = {}, const core::Task& task = {});
core::Image binaryOpen(const core::Image& image, const StructuringElement& se,
                       const BinaryValues& values = {}, const core::Task& task = {});
core::Image binaryClose(const core::Image& image, const StructuringElement& se,
                        const BinaryValues& values = {}, const core::Task& task = {});
core::Image fillHoles(const core::Image& image, double foreground = 1.0,
                      bool fullyConnected = false, const core::Task& task = {});

}  // namespace stratum::processing
