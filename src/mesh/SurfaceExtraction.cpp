#include "stratum/mesh/SurfaceExtraction.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>

#include <vtkDiscreteFlyingEdges3D.h>
#include <vtkFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkUnsignedCharArray.h>

#include "CleanupDetail.h"
#include "LabelBoxes.h"
#include "VtkMeshConversion.h"
#include "VtkTaskObserver.h"
#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"
#include "stratum/mesh/LabelTable.h"

namespace stratum::mesh {
namespace {

// Whether VTK's flying edges wind triangles with right-hand normals towards higher values.
// Measured: VTK 9.1 winds them towards lower values (outward of a bright object), as we do;
// the extraction tests check the sign of the enclosed volume.
constexpr bool kVtkWindsTowardsHigherValues = false;

CleanupOptions resolvedCleanup(const SurfaceOptions& options, const core::Geometry& geometry) {
    CleanupOptions cleanup = options.cleanup;
    if (cleanup.decimateMaxErrorMm <= 0.0) {
        const double smallest =
            std::min({geometry.spacing[0], geometry.spacing[1], geometry.spacing[2]});
        cleanup.decimateMaxErrorMm = 0.5 * smallest * options.sampleRate;
    }
    cleanup.validate();
    return cleanup;
}

SurfaceMesh toOutwardMesh(vtkPolyData* poly, const detail::AffineMap& map) {
    SurfaceMesh mesh = detail::meshFromPolyData(poly, map);
    if constexpr (kVtkWindsTowardsHigherValues)
        for (Triangle& t : mesh.triangles) std::swap(t[1], t[2]);
    return mesh;
}

// Binary mask (1 = label) of the label's box, sampled every `step` voxels, with a border of
// zeros so that the surface closes where the label touches the image edge.
template <class T>
void fillMask(const core::Image& labels, const detail::LabelBox& box, int step,
              const std::array<std::size_t, 3>& dims, std::vector<std::uint8_t>& mask) {
    const T* data = labels.data<T>();
    const core::Size3& size = labels.size();
    const T value = static_cast<T>(box.label);
    mask.assign(dims[0] * dims[1] * dims[2], 0);
    core::parallelFor(1, dims[2] - 1, [&](std::size_t c) {
        const std::size_t k = box.lo[2] + (c - 1) * step;
        for (std::size_t b = 1; b + 1 < dims[1]; ++b) {
            const std::size_t j = box.lo[1] + (b - 1) * step;
            const T* row = data + (k * size[1] + j) * size[0];
            std::uint8_t* out = mask.data() + (c * dims[1] + b) * dims[0];
            for (std::size_t a = 1; a + 1 < dims[0]; ++a)
                out[a] = row[box.lo[0] + (a - 1) * step] == value;
        }
    });
}

// The raw (uncleaned) surface of one label.
SurfaceMesh labelSurface(const core::Image& labels, const detail::LabelBox& box,
                         const SurfaceOptions& options, const core::Task& task) {
    const int step = options.sampleRate;
    std::array<std::size_t, 3> dims{};
    for (int d = 0; d < 3; ++d) dims[d] = (box.hi[d] - box.lo[d]) / step + 1 + 2;
    std::vector<std::uint8_t> mask;
    core::dispatchPixelType(labels.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        if constexpr (!std::is_same_v<T, float>) fillMask<T>(labels, box, step, dims, mask);
    });

    vtkNew<vtkImageData> image;
    image->SetDimensions(static_cast<int>(dims[0]), static_cast<int>(dims[1]),
                         static_cast<int>(dims[2]));
    vtkNew<vtkUnsignedCharArray> scalars;
    scalars->SetArray(mask.data(), static_cast<vtkIdType>(mask.size()), 1);
    image->GetPointData()->SetScalars(scalars);

    vtkNew<vtkDiscreteFlyingEdges3D> edges;
    edges->SetInputData(image);
    edges->SetValue(0, 1.0);
    edges->ComputeNormalsOff();
    edges->ComputeGradientsOff();
    edges->ComputeScalarsOff();
    detail::VtkTaskObserver observer(edges, task, "discrete flying edges");
    observer.update();

    // Mask voxel (a,b,c) is label-map voxel lo + step*((a,b,c) - 1).
    const core::Vec3 origin{static_cast<double>(box.lo[0]) - step,
                            static_cast<double>(box.lo[1]) - step,
                            static_cast<double>(box.lo[2]) - step};
    SurfaceMesh mesh = toOutwardMesh(
        edges->GetOutput(), detail::AffineMap::indexToPatient(labels.geometry(), origin, step));
    mesh.label = box.label;
    mesh.name = "label_" + std::to_string(box.label);
    mesh.color = paletteColor(box.label);
    return mesh;
}

// Every `step`-th voxel, optionally with a one-voxel border of `padValue`.
template <class T>
core::Image resampled(const core::Image& image, int step, bool pad, T padValue) {
    const core::Size3& in = image.size();
    const std::size_t border = pad ? 1 : 0;
    core::Geometry g = image.geometry();
    for (int d = 0; d < 3; ++d) {
        g.size[d] = (in[d] - 1) / step + 1 + 2 * border;
        g.spacing[d] *= step;
    }
    g.origin = image.geometry().indexToPatient(
        {-double(border) * step, -double(border) * step, -double(border) * step});
    core::Image out(image.pixelType(), 1, g, core::Image::Init::Uninitialized);
    const T* src = image.data<T>();
    T* dst = out.data<T>();
    const core::Size3& os = g.size;
    core::parallelFor(0, os[2], [&](std::size_t c) {
        for (std::size_t b = 0; b < os[1]; ++b) {
            T* row = dst + (c * os[1] + b) * os[0];
            const bool borderRow = pad && (c == 0 || c + 1 == os[2] || b == 0 || b + 1 == os[1]);
            if (borderRow) {
                std::fill(row, row + os[0], padValue);
                continue;
            }
            const std::size_t k = (c - border) * step, j = (b - border) * step;
            const T* srcRow = src + (k * in[1] + j) * in[0];
            if (pad) row[0] = row[os[0] - 1] = padValue;
            for (std::size_t a = border; a + border < os[0]; ++a)
                row[a] = srcRow[(a - border) * step];
        }
    });
    return out;
}

// True when a voxel on the outer faces of the grid is at or above `iso` (the surface would
// be open there).
template <class T>
bool reachesBorder(const core::Image& image, double iso) {
    const core::Size3& s = image.size();
    const T* data = image.data<T>();
    auto at = [&](std::size_t i, std::size_t j, std::size_t k) {
        return double(data[(k * s[1] + j) * s[0] + i]) >= iso;
    };
    for (std::size_t k = 0; k < s[2]; ++k)
        for (std::size_t j = 0; j < s[1]; ++j) {
            const bool face = k == 0 || k + 1 == s[2] || j == 0 || j + 1 == s[1];
            if (face) {
                for (std::size_t i = 0; i < s[0]; ++i)
                    if (at(i, j, k)) return true;
            } else if (at(0, j, k) || at(s[0] - 1, j, k)) {
                return true;
            }
        }
    return false;
}

}  // namespace

void SurfaceOptions::validate() const {
    if (sampleRate < 1 || sampleRate > 16)
        throw core::InvalidArgument("sample rate must be 1 to 16, got " +
                                    std::to_string(sampleRate));
    CleanupOptions c = cleanup;
    if (c.decimateMaxErrorMm <= 0.0) c.decimateMaxErrorMm = 1.0;  // resolved from the spacing later
    c.validate();
}

std::vector<SurfaceMesh> extractLabelSurfaces(const core::Image& labels, std::span<const int> which,
                                              const SurfaceOptions& options,
                                              const core::Task& task) {
    options.validate();
    if (labels.empty()) throw core::InvalidArgument("label map: empty image");
    labels.geometry().validate();
    const CleanupOptions cleanup = resolvedCleanup(options, labels.geometry());
    task.progress(0.0, "finding labels");
    std::vector<detail::LabelBox> boxes = detail::labelBoxes(labels, task.sub(0.0, 0.1));
    if (!which.empty())
        std::erase_if(boxes, [&](const detail::LabelBox& b) {
            return std::find(which.begin(), which.end(), b.label) == which.end();
        });

    // Surfaces one label at a time (flying edges is multi-threaded itself), then the clean-up
    // of all of them in parallel, largest first (smoothing and decimation are not).
    std::vector<SurfaceMesh> meshes;
    std::size_t voxelsTotal = 0;
    for (const auto& b : boxes) voxelsTotal += b.voxels;
    const core::Task surfaceTask = task.sub(0.1, 0.3), cleanupTask = task.sub(0.3, 1.0);
    std::size_t voxelsDone = 0;
    for (const detail::LabelBox& box : boxes) {
        const double from = double(voxelsDone) / double(voxelsTotal);
        voxelsDone += box.voxels;
        const core::Task sub = surfaceTask.sub(from, double(voxelsDone) / double(voxelsTotal));
        sub.progress(0.0, "meshing label " + std::to_string(box.label));
        SurfaceMesh mesh = labelSurface(labels, box, options, sub);
        if (!mesh.empty()) meshes.push_back(std::move(mesh));
    }
    std::vector<std::size_t> order(meshes.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return meshes[a].triangles.size() > meshes[b].triangles.size();
    });
    std::size_t trianglesTotal = 0;
    for (const SurfaceMesh& m : meshes) trianglesTotal += m.triangles.size();
    std::atomic<std::size_t> trianglesDone{0};
    cleanupTask.progress(0.0, "cleaning up surfaces");
    core::parallelFor(0, order.size(), [&](std::size_t i) {
        SurfaceMesh& m = meshes[order[i]];
        const std::size_t size = m.triangles.size();
        // Cancel reaches into each clean-up; progress is counted per finished surface.
        m = detail::cleanupValidMesh(std::move(m), cleanup, core::Task(task.cancelToken()));
        cleanupTask.progress(double(trianglesDone += size) /
                             double(std::max<std::size_t>(1, trianglesTotal)));
    });
    std::erase_if(meshes, [](const SurfaceMesh& m) { return m.empty(); });
    task.progress(1.0);
    return meshes;
}

SurfaceMesh extractIsoSurface(const core::Image& image, double isoValue,
                              const SurfaceOptions& options, const core::Task& task) {
    options.validate();
    if (image.empty()) throw core::InvalidArgument("iso-surface: empty image");
    if (image.components() != 1)
        throw core::InvalidArgument("iso-surface: expected a grey image, got " +
                                    std::to_string(image.components()) + " components");
    if (!std::isfinite(isoValue))
        throw core::InvalidArgument("iso-surface: the iso value must be a finite number");
    image.geometry().validate();
    const CleanupOptions cleanup = resolvedCleanup(options, image.geometry());

    // The volume VTK sees: the image itself (no copy) unless sampling or capping needs one.
    task.progress(0.0, "iso-surface");
    core::Image source = image;
    core::dispatchPixelType(image.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        const bool pad = options.capBorders && reachesBorder<T>(image, isoValue);
        if (pad || options.sampleRate > 1) {
            source = resampled<T>(image, options.sampleRate, pad, std::numeric_limits<T>::lowest());
        }
    });
    task.checkCancel();

    vtkSmartPointer<vtkImageData> vtkImage = detail::wrapImage(source, false);
    vtkNew<vtkFlyingEdges3D> edges;
    edges->SetInputData(vtkImage);
    edges->SetValue(0, isoValue);
    edges->ComputeNormalsOff();
    edges->ComputeGradientsOff();
    edges->ComputeScalarsOff();
    edges->InterpolateAttributesOff();
    detail::VtkTaskObserver observer(edges, task.sub(0.0, 0.4), "flying edges");
    observer.update();

    const detail::AffineMap map =
        detail::AffineMap::indexToPatient(source.geometry(), {0, 0, 0}, 1.0);
    SurfaceMesh mesh = toOutwardMesh(edges->GetOutput(), map);
    return detail::cleanupValidMesh(std::move(mesh), cleanup, task.sub(0.4, 1.0));
}

}  // namespace stratum::mesh
