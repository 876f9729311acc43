#pragma once
// Conversions between Stratum types and VTK, for targets that link VTK themselves (the
// app). The rest of the mesh library's interface has no VTK types.
#include <vtkSmartPointer.h>

#include "stratum/core/Image.h"
#include "stratum/mesh/MeshExport.h"
#include "stratum/mesh/SurfaceMesh.h"

class vtkImageData;
class vtkPolyData;

namespace stratum::mesh {

// Wraps the image's buffer as vtkImageData point scalars without copying; VTK's origin,
// spacing and direction matrix come from the image geometry, so VTK's index->physical
// mapping is the image's. The returned object keeps the buffer alive (the Image's owner is
// released when VTK deletes the array). Do not write to it through VTK unless the image is
// yours to change.
vtkSmartPointer<vtkImageData> toVtkImage(const core::Image& image);

// A copy as vtkPolyData: points (float), triangles, point data "Normals" and "Scalars"
// when present, field data "Name", "Label", "Color" and "CoordinateSystem".
vtkSmartPointer<vtkPolyData> toVtkPolyData(const SurfaceMesh& mesh,
                                           CoordinateSystem coordinates = CoordinateSystem::Lps);

// Triangles of `poly` (other polygons triangulated, lines and vertices ignored) as a mesh,
// taken as LPS; normals from point data "Normals", scalars from the active point scalars
// when single-component. Throws core::InvalidArgument for a null pointer.
SurfaceMesh fromVtkPolyData(vtkPolyData* poly);

}  // namespace stratum::mesh
