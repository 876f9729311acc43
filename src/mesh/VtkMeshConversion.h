#pragma once
// Fast conversions between SurfaceMesh and vtkPolyData for the filters (internal).
#include <array>

#include <vtkSmartPointer.h>

#include "stratum/core/Geometry.h"
#include "stratum/core/Image.h"
#include "stratum/mesh/SurfaceMesh.h"

class vtkImageData;
class vtkPolyData;

namespace stratum::mesh::detail {

// p -> linear * p + offset.
struct AffineMap {
    core::Mat3 linear = core::Mat3::identity();
    core::Vec3 offset{0, 0, 0};

    // Continuous index (i,j,k) of a grid whose index 0 is `indexOrigin` of `geometry` and whose
    // step is `indexStep` voxels -> patient position.
    static AffineMap indexToPatient(const core::Geometry& geometry, const core::Vec3& indexOrigin,
                                    double indexStep);
    bool isIdentity() const;
    bool flipsOrientation() const { return linear.determinant() < 0; }
};

// The image's buffer as vtkImageData point scalars, no copy; the result keeps the buffer
// alive. With `patientGeometry` VTK gets the image's origin, spacing and direction; without,
// it is in index space (origin 0, spacing 1), which every VTK filter handles.
vtkSmartPointer<vtkImageData> wrapImage(const core::Image& image, bool patientGeometry);

// A vtkPolyData whose points and triangles are the mesh's own arrays (no copy; the mesh
// must outlive it unchanged). Normals and scalars are not attached.
vtkSmartPointer<vtkPolyData> viewAsPolyData(const SurfaceMesh& mesh);

// The polygons of `poly` as triangles (triangulated if needed), points mapped by `map` and the
// winding reversed when `map` is a reflection, so outward stays outward. Multi-threaded.
SurfaceMesh meshFromPolyData(vtkPolyData* poly, const AffineMap& map = {});

}  // namespace stratum::mesh::detail
