// The VTK bridge: images shared without copying, with VTK's index->physical mapping equal
// to ours; poly data conversions.
#include <gtest/gtest.h>

#include <cmath>

#include <vtkCellArray.h>
#include <vtkDataArray.h>
#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>

#include "Phantoms.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/MeshMeasures.h"
#include "stratum/mesh/SurfaceExtraction.h"
#include "stratum/mesh/VtkBridge.h"

using namespace stratum;
using namespace stratum::test;

TEST(VtkBridge, ImageIsSharedAndKeptAliveWithTheSameGeometry) {
    core::Geometry g;
    g.size = {7, 5, 3};
    g.spacing = {0.5, 1.25, 3.0};
    g.origin = {-10, 20, 300};
    const double a = 0.3;
    g.direction.m = {std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
    vtkSmartPointer<vtkImageData> vtkImage;
    const void* buffer = nullptr;
    {
        core::Image image(core::PixelType::Int16, 1, g);
        image.setValue(6, 4, 2, 1234);
        buffer = image.data();
        vtkImage = mesh::toVtkImage(image);
        EXPECT_EQ(vtkImage->GetScalarPointer(), buffer);
        image.setValue(1, 2, 1, -77);  // seen through VTK: same memory
        EXPECT_EQ(vtkImage->GetScalarComponentAsDouble(1, 2, 1, 0), -77.0);
    }
    // The image handle is gone; VTK still holds the buffer.
    EXPECT_EQ(vtkImage->GetScalarPointer(), buffer);
    EXPECT_EQ(vtkImage->GetScalarComponentAsDouble(6, 4, 2, 0), 1234.0);
    for (const core::Vec3& index :
         {core::Vec3{0, 0, 0}, core::Vec3{6, 4, 2}, core::Vec3{2.5, 1, 1.5}}) {
        double physical[3];
        vtkImage->TransformContinuousIndexToPhysicalPoint(index.data(), physical);
        const core::Vec3 expected = g.indexToPatient(index);
        for (int d = 0; d < 3; ++d) EXPECT_NEAR(physical[d], expected[d], 1e-9);
    }
    EXPECT_THROW(mesh::toVtkImage(core::Image()), core::InvalidArgument);
}

TEST(VtkBridge, PolyDataRoundTripAndRas) {
    const core::Image field = floatField(cubeGeometry(24), [](const core::Vec3& p) {
        return 8.0 - core::norm(core::operator-(p, core::Vec3{12, 11, 12}));
    });
    mesh::SurfaceMesh m = mesh::extractIsoSurface(field, 0.0);
    m.scalars.assign(m.vertices.size(), 2.5f);
    vtkSmartPointer<vtkPolyData> poly = mesh::toVtkPolyData(m);
    EXPECT_EQ(static_cast<std::size_t>(poly->GetNumberOfPolys()), m.triangles.size());
    EXPECT_NE(poly->GetPointData()->GetNormals(), nullptr);
    const mesh::SurfaceMesh back = mesh::fromVtkPolyData(poly);
    EXPECT_EQ(back.vertices, m.vertices);
    EXPECT_EQ(back.triangles, m.triangles);
    EXPECT_EQ(back.normals, m.normals);
    EXPECT_EQ(back.scalars, m.scalars);

    vtkSmartPointer<vtkPolyData> ras = mesh::toVtkPolyData(m, mesh::CoordinateSystem::Ras);
    double p[3];
    ras->GetPoint(0, p);
    EXPECT_FLOAT_EQ(float(p[0]), -m.vertices[0][0]);
    EXPECT_FLOAT_EQ(float(p[1]), -m.vertices[0][1]);
    EXPECT_FLOAT_EQ(float(p[2]), m.vertices[0][2]);
    // Still outward in RAS (a rotation, not a mirror).
    EXPECT_GT(mesh::measureMesh(mesh::fromVtkPolyData(ras)).volumeMl, 0.0);
    EXPECT_THROW(mesh::fromVtkPolyData(nullptr), core::InvalidArgument);
}
