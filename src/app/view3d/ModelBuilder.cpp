#include "stratum/app/view3d/ModelBuilder.h"

#include <algorithm>
#include <cmath>

#include <vtkPolyData.h>
#include <vtkQuadricClustering.h>

#include "stratum/core/Error.h"
#include "stratum/mesh/HeightField.h"
#include "stratum/mesh/MeshExport.h"
#include "stratum/mesh/SurfaceExtraction.h"
#include "stratum/mesh/VtkBridge.h"

namespace stratum::app {

namespace {

Rgb toRgb(const mesh::Color& c) {
    const auto ch = [](float v) {
        return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
    };
    return {ch(c[0]), ch(c[1]), ch(c[2])};
}

Model3D toModel(mesh::SurfaceMesh m, std::string source) {
    Model3D model;
    model.display.name = m.name;
    model.display.label = m.label;
    model.display.source = std::move(source);
    model.display.color = toRgb(m.color);
    model.mesh = std::make_shared<const mesh::SurfaceMesh>(std::move(m));
    return model;
}

std::string fixed(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace

std::shared_ptr<const mesh::SurfaceMesh> thinForInteraction(const mesh::SurfaceMesh& m,
                                                            double reduction,
                                                            const core::Task& task) {
    if (!(reduction > 0.0 && reduction < 1.0))
        throw core::InvalidArgument("level of detail: reduction must lie in (0, 1)");
    const vtkSmartPointer<vtkPolyData> poly = mesh::toVtkPolyData(m);
    const double target = static_cast<double>(m.triangleCount()) * (1.0 - reduction);
    // Clustering gives about c * n^2 triangles for n divisions per axis on a surface:
    // one trial, then the division count that lands on the target.
    int divisions = 64;
    vtkSmartPointer<vtkPolyData> best;
    for (int attempt = 0; attempt < 3; ++attempt) {
        task.checkCancel();
        vtkNew<vtkQuadricClustering> cluster;
        cluster->SetInputData(poly);
        cluster->SetNumberOfDivisions(divisions, divisions, divisions);
        cluster->AutoAdjustNumberOfDivisionsOn();
        cluster->Update();
        best = cluster->GetOutput();
        const double got = static_cast<double>(best->GetNumberOfPolys());
        task.progress((attempt + 1) / 3.0);
        if (got <= 0 || std::abs(got - target) < 0.25 * target) break;
        divisions = std::clamp(static_cast<int>(divisions * std::sqrt(target / got)), 8, 2048);
    }
    mesh::SurfaceMesh out = mesh::fromVtkPolyData(best);
    out.name = m.name;
    out.label = m.label;
    out.color = m.color;
    out.scalars.clear();  // clustering drops the per-vertex values' meaning
    if (out.normals.size() != out.vertices.size()) out.normals.clear();
    return std::make_shared<const mesh::SurfaceMesh>(std::move(out));
}

void addLevelsOfDetail(std::vector<Model3D>& models, const ModelBuildOptions& options,
                       const core::Task& task) {
    std::size_t total = options.sceneTriangles;
    for (const Model3D& m : models) total += m.mesh ? m.mesh->triangleCount() : 0;
    for (std::size_t i = 0; i < models.size(); ++i) {
        Model3D& m = models[i];
        if (!m.mesh) continue;
        const double r = interactiveReduction(m.mesh->triangleCount(), total, options.budget);
        const core::Task sub = task.sub(double(i) / models.size(), double(i + 1) / models.size());
        if (r > 0.0 && m.mesh->scalars.empty()) m.lod = thinForInteraction(*m.mesh, r, sub);
    }
}

std::vector<Model3D> buildLabelModels(const core::Image& labels, const LabelColorTable& colors,
                                      const std::string& source, const ModelBuildOptions& options,
                                      const core::Task& task) {
    mesh::SurfaceOptions so;
    so.cleanup.smoothingIterations = options.smoothingIterations;
    so.cleanup.computeNormals = true;
    std::vector<mesh::SurfaceMesh> meshes =
        mesh::extractLabelSurfaces(labels, {}, so, task.sub(0.0, 0.85));
    std::vector<Model3D> models;
    for (mesh::SurfaceMesh& m : meshes) {
        const int label = m.label;
        m.name = colors.name(label);
        const Rgb c = colors.color(label);
        m.color = {c.r / 255.0f, c.g / 255.0f, c.b / 255.0f};
        models.push_back(toModel(std::move(m), source));
        models.back().display.color = c;
    }
    addLevelsOfDetail(models, options, task.sub(0.85, 1.0));
    return models;
}

Model3D buildIsoModel(const core::Image& volume, double isoValue, const ModelBuildOptions& options,
                      const core::Task& task) {
    mesh::SurfaceOptions so;
    so.capBorders = true;
    so.cleanup.computeNormals = true;
    mesh::SurfaceMesh m = mesh::extractIsoSurface(volume, isoValue, so, task.sub(0.0, 0.85));
    if (m.empty())
        throw core::InvalidArgument("no surface at the value " + fixed(isoValue) +
                                    ": it lies outside the volume's range of values");
    m.name = "iso " + fixed(isoValue);
    m.color = {0.93f, 0.86f, 0.75f};
    std::vector<Model3D> models{toModel(std::move(m), "iso " + fixed(isoValue))};
    addLevelsOfDetail(models, options, task.sub(0.85, 1.0));
    return std::move(models.front());
}

Model3D buildHeightFieldModel(const core::Image& image, const ModelBuildOptions& options,
                              const core::Task& task) {
    mesh::HeightFieldOptions ho;
    // At most about 1000 x 1000 vertices: an X-ray of 3000 x 3000 pixels is sampled.
    const std::size_t larger = std::max(image.size()[0], image.size()[1]);
    ho.step = static_cast<int>(std::max<std::size_t>(1, (larger + 999) / 1000));
    mesh::SurfaceMesh m = mesh::heightFieldSurface(image, ho, task.sub(0.0, 0.85));
    m.name = "intensity surface";
    m.color = {0.85f, 0.85f, 0.9f};
    std::vector<Model3D> models{toModel(std::move(m), "height field")};
    addLevelsOfDetail(models, options, task.sub(0.85, 1.0));
    return std::move(models.front());
}

std::vector<Model3D> loadModelFile(const std::filesystem::path& path,
                                   const ModelBuildOptions& options, const core::Task& task) {
    mesh::MeshFileContent content = mesh::readMeshes(path);
    task.progress(0.5);
    std::vector<Model3D> models;
    int n = 0;
    for (mesh::SurfaceMesh& m : content.meshes) {
        if (m.empty()) continue;
        if (m.normals.size() != m.vertices.size()) mesh::computeNormals(m);
        if (m.name.empty())
            m.name =
                path.stem().string() + (content.meshes.size() > 1 ? " " + std::to_string(++n) : "");
        models.push_back(toModel(std::move(m), "file: " + path.string()));
    }
    if (models.empty()) throw core::FormatError(path.string(), "no triangles in the file");
    addLevelsOfDetail(models, options, task.sub(0.5, 1.0));
    return models;
}

}  // namespace stratum::app
