#include "stratum/mesh/VtkBridge.h"

#include <memory>

#include <vtkCallbackCommand.h>
#include <vtkCellArray.h>
#include <vtkCommand.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkIdTypeArray.h>
#include <vtkImageData.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkShortArray.h>
#include <vtkStringArray.h>
#include <vtkUnsignedCharArray.h>
#include <vtkUnsignedShortArray.h>

#include "VtkMeshConversion.h"
#include "stratum/core/Error.h"

namespace stratum::mesh {

vtkSmartPointer<vtkImageData> toVtkImage(const core::Image& image) {
    return detail::wrapImage(image, true);
}

vtkSmartPointer<vtkPolyData> toVtkPolyData(const SurfaceMesh& source,
                                           CoordinateSystem coordinates) {
    source.validate();
    SurfaceMesh mesh = source;
    if (coordinates == CoordinateSystem::Ras) convertLpsRas(mesh);

    vtkNew<vtkFloatArray> coords;
    coords->SetNumberOfComponents(3);
    coords->SetNumberOfTuples(static_cast<vtkIdType>(mesh.vertices.size()));
    std::copy_n(mesh.vertices.empty() ? nullptr : mesh.vertices.front().data(),
                3 * mesh.vertices.size(), coords->GetPointer(0));
    vtkNew<vtkPoints> points;
    points->SetData(coords);

    vtkNew<vtkIdTypeArray> offsets, connectivity;
    offsets->SetNumberOfValues(static_cast<vtkIdType>(mesh.triangles.size() + 1));
    connectivity->SetNumberOfValues(static_cast<vtkIdType>(3 * mesh.triangles.size()));
    for (std::size_t t = 0; t <= mesh.triangles.size(); ++t)
        offsets->SetValue(static_cast<vtkIdType>(t), 3 * t);
    for (std::size_t t = 0; t < mesh.triangles.size(); ++t)
        for (int k = 0; k < 3; ++k)
            connectivity->SetValue(static_cast<vtkIdType>(3 * t + k), mesh.triangles[t][k]);
    vtkNew<vtkCellArray> polys;
    polys->SetData(offsets, connectivity);

    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->SetPolys(polys);
    if (!mesh.normals.empty()) {
        vtkNew<vtkFloatArray> normals;
        normals->SetName("Normals");
        normals->SetNumberOfComponents(3);
        normals->SetNumberOfTuples(static_cast<vtkIdType>(mesh.normals.size()));
        std::copy_n(mesh.normals.front().data(), 3 * mesh.normals.size(), normals->GetPointer(0));
        poly->GetPointData()->SetNormals(normals);
    }
    if (!mesh.scalars.empty()) {
        vtkNew<vtkFloatArray> scalars;
        scalars->SetName("Scalars");
        scalars->SetNumberOfValues(static_cast<vtkIdType>(mesh.scalars.size()));
        std::copy(mesh.scalars.begin(), mesh.scalars.end(), scalars->GetPointer(0));
        poly->GetPointData()->SetScalars(scalars);
    }
    vtkNew<vtkStringArray> name, system;
    name->SetName("Name");
    name->InsertNextValue(mesh.name);
    system->SetName("CoordinateSystem");
    system->InsertNextValue(coordinateSystemName(coordinates));
    vtkNew<vtkIntArray> label;
    label->SetName("Label");
    label->InsertNextValue(mesh.label);
    vtkNew<vtkFloatArray> color;
    color->SetName("Color");
    color->SetNumberOfComponents(3);
    color->InsertNextTuple3(mesh.color[0], mesh.color[1], mesh.color[2]);
    poly->GetFieldData()->AddArray(name);
    poly->GetFieldData()->AddArray(system);
    poly->GetFieldData()->AddArray(label);
    poly->GetFieldData()->AddArray(color);
    return poly;
}

SurfaceMesh fromVtkPolyData(vtkPolyData* poly) {
    if (!poly) throw core::InvalidArgument("fromVtkPolyData: null poly data");
    SurfaceMesh mesh = detail::meshFromPolyData(poly);
    const auto n = static_cast<vtkIdType>(mesh.vertices.size());
    vtkPointData* pd = poly->GetPointData();
    vtkDataArray* normals = pd->GetNormals() ? pd->GetNormals() : pd->GetArray("Normals");
    if (normals && normals->GetNumberOfComponents() == 3 && normals->GetNumberOfTuples() == n) {
        mesh.normals.resize(mesh.vertices.size());
        for (vtkIdType i = 0; i < n; ++i) {
            double v[3];
            normals->GetTuple(i, v);
            mesh.normals[i] = {static_cast<float>(v[0]), static_cast<float>(v[1]),
                               static_cast<float>(v[2])};
        }
    }
    vtkDataArray* scalars = pd->GetScalars();
    if (scalars && scalars->GetNumberOfComponents() == 1 && scalars->GetNumberOfTuples() == n) {
        mesh.scalars.resize(mesh.vertices.size());
        for (vtkIdType i = 0; i < n; ++i)
            mesh.scalars[i] = static_cast<float>(scalars->GetTuple1(i));
    }
    return mesh;
}

}  // namespace stratum::mesh
