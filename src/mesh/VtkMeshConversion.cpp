#include "VtkMeshConversion.h"

#include <algorithm>
#include <cstdint>
#ifdef __linux__
#include <sys/mman.h>
#endif
#include <atomic>
#include <limits>

#include <vtkCallbackCommand.h>
#include <vtkCellArray.h>
#include <vtkCommand.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkShortArray.h>
#include <vtkTriangleFilter.h>
#include <vtkTypeInt32Array.h>
#include <vtkTypeInt64Array.h>
#include <vtkUnsignedCharArray.h>
#include <vtkUnsignedShortArray.h>

#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"

namespace stratum::mesh::detail {
namespace {

constexpr std::size_t kChunk = 1 << 16;

// Sizes a large output vector, asking Linux for transparent huge pages first: on this
// project's virtual machines a 4 KiB page fault is expensive, and a 40-million-triangle
// surface needs 700 MB of fresh memory (measured: the copy out of VTK took 1.45x the time of
// flying edges itself with small pages).
template <class T>
void resizeLarge(std::vector<T>& v, std::size_t n) {
#ifdef __linux__
    constexpr std::size_t kHuge = 2u << 20;
    if (n * sizeof(T) >= 16 * kHuge && v.capacity() < n) {
        v.reserve(n);
        const auto begin = reinterpret_cast<std::uintptr_t>(v.data());
        const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
        const std::uintptr_t last = (begin + n * sizeof(T)) & ~(kHuge - 1);
        if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
    }
#endif
    v.resize(n);
}

// Calls body(begin, end) over [0, n) in chunks on the worker threads.
template <class Body>
void forChunks(std::size_t n, Body&& body) {
    const std::size_t chunks = (n + kChunk - 1) / kChunk;
    if (chunks <= 1) {
        body(std::size_t{0}, n);
        return;
    }
    core::parallelFor(0, chunks,
                      [&](std::size_t c) { body(c * kChunk, std::min(n, (c + 1) * kChunk)); });
}

bool allTriangles(vtkCellArray* polys) {
    const vtkIdType cells = polys->GetNumberOfCells();
    if (polys->GetNumberOfConnectivityIds() != 3 * cells) return false;
    std::atomic<bool> ok{true};
    auto check = [&](const auto* offsets) {
        forChunks(static_cast<std::size_t>(cells) + 1, [&](std::size_t begin, std::size_t end) {
            for (std::size_t c = begin; c < end && ok; ++c)
                if (static_cast<std::size_t>(offsets[c]) != 3 * c) ok = false;
        });
    };
    if (polys->IsStorage64Bit())
        check(polys->GetOffsetsArray64()->GetPointer(0));
    else
        check(polys->GetOffsetsArray32()->GetPointer(0));
    return ok;
}

// Copies (and checks) the triangles; returns whether any repeats a point (a collapsed
// triangle, which filters may leave and which carries no surface).
template <class Id>
bool copyTriangles(const Id* connectivity, std::size_t count, std::size_t vertexCount, bool flip,
                   std::vector<Triangle>& out) {
    resizeLarge(out, count);
    std::atomic<bool> collapsed{false};
    forChunks(count, [&](std::size_t begin, std::size_t end) {
        bool any = false;
        for (std::size_t t = begin; t < end; ++t) {
            const Id* c = connectivity + 3 * t;
            for (int k = 0; k < 3; ++k)
                if (c[k] < 0 || static_cast<std::size_t>(c[k]) >= vertexCount)
                    throw core::InvalidArgument("poly data: triangle point index out of range");
            any |= c[0] == c[1] || c[1] == c[2] || c[0] == c[2];
            out[t] =
                flip ? Triangle{static_cast<std::uint32_t>(c[0]), static_cast<std::uint32_t>(c[2]),
                                static_cast<std::uint32_t>(c[1])}
                     : Triangle{static_cast<std::uint32_t>(c[0]), static_cast<std::uint32_t>(c[1]),
                                static_cast<std::uint32_t>(c[2])};
        }
        if (any) collapsed = true;
    });
    return collapsed;
}

vtkSmartPointer<vtkDataArray> arrayFor(core::PixelType type) {
    switch (type) {
        case core::PixelType::UInt8:
            return vtkSmartPointer<vtkUnsignedCharArray>::New();
        case core::PixelType::Int16:
            return vtkSmartPointer<vtkShortArray>::New();
        case core::PixelType::UInt16:
            return vtkSmartPointer<vtkUnsignedShortArray>::New();
        case core::PixelType::Float32:
            return vtkSmartPointer<vtkFloatArray>::New();
    }
    throw core::InvalidArgument("unknown pixel type");
}

// Sets the array to the buffer without copying (VTK never frees it) and ties the buffer's
// owner to the array's life: the command holding it dies with the array's observers.
template <class Array, class T>
void shareBuffer(Array* array, T* data, vtkIdType count, const std::shared_ptr<void>& owner) {
    array->SetArray(data, count, 1);
    if (!owner) return;
    vtkNew<vtkCallbackCommand> keepAlive;
    keepAlive->SetClientData(new std::shared_ptr<void>(owner));
    keepAlive->SetClientDataDeleteCallback(
        [](void* p) { delete static_cast<std::shared_ptr<void>*>(p); });
    array->AddObserver(vtkCommand::DeleteEvent, keepAlive);
}

}  // namespace

vtkSmartPointer<vtkImageData> wrapImage(const core::Image& image, bool patientGeometry) {
    if (image.empty()) throw core::InvalidArgument("cannot wrap an empty image for VTK");
    const core::Geometry& g = image.geometry();
    auto vtkImage = vtkSmartPointer<vtkImageData>::New();
    vtkImage->SetDimensions(static_cast<int>(g.size[0]), static_cast<int>(g.size[1]),
                            static_cast<int>(g.size[2]));
    if (patientGeometry) {
        vtkImage->SetSpacing(g.spacing.data());
        vtkImage->SetOrigin(g.origin.data());
        vtkImage->SetDirectionMatrix(g.direction.m.data());
    }
    vtkSmartPointer<vtkDataArray> scalars = arrayFor(image.pixelType());
    scalars->SetName("ImageScalars");
    scalars->SetNumberOfComponents(image.components());
    void* data = const_cast<void*>(image.data());
    const auto count = static_cast<vtkIdType>(image.valueCount());
    core::dispatchPixelType(image.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        using ArrayType = vtkAOSDataArrayTemplate<T>;
        shareBuffer(static_cast<ArrayType*>(scalars.Get()), static_cast<T*>(data), count,
                    image.owner());
    });
    vtkImage->GetPointData()->SetScalars(scalars);
    return vtkImage;
}

AffineMap AffineMap::indexToPatient(const core::Geometry& geometry, const core::Vec3& indexOrigin,
                                    double indexStep) {
    AffineMap map;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            map.linear(r, c) = geometry.direction(r, c) * geometry.spacing[c] * indexStep;
    map.offset = geometry.indexToPatient(indexOrigin);
    return map;
}

bool AffineMap::isIdentity() const {
    return linear == core::Mat3::identity() && offset == core::Vec3{0, 0, 0};
}

vtkSmartPointer<vtkPolyData> viewAsPolyData(const SurfaceMesh& mesh) {
    if (mesh.vertices.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()) ||
        mesh.triangles.size() * 3 >
            static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        throw core::InvalidArgument("mesh too large for VTK filters (over 2^31 indices)");
    vtkNew<vtkFloatArray> coords;
    coords->SetNumberOfComponents(3);
    coords->SetArray(
        const_cast<float*>(mesh.vertices.empty() ? nullptr : mesh.vertices.front().data()),
        static_cast<vtkIdType>(mesh.vertices.size() * 3), 1);
    vtkNew<vtkPoints> points;
    points->SetData(coords);

    vtkNew<vtkTypeInt32Array> connectivity;
    connectivity->SetArray(reinterpret_cast<std::int32_t*>(const_cast<std::uint32_t*>(
                               mesh.triangles.empty() ? nullptr : mesh.triangles.front().data())),
                           static_cast<vtkIdType>(mesh.triangles.size() * 3), 1);
    vtkNew<vtkTypeInt32Array> offsets;
    offsets->SetNumberOfValues(static_cast<vtkIdType>(mesh.triangles.size() + 1));
    std::int32_t* o = offsets->GetPointer(0);
    for (std::size_t t = 0; t <= mesh.triangles.size(); ++t)
        o[t] = static_cast<std::int32_t>(3 * t);
    vtkNew<vtkCellArray> polys;
    polys->SetData(offsets, connectivity);

    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->SetPolys(polys);
    return poly;
}

SurfaceMesh meshFromPolyData(vtkPolyData* poly, const AffineMap& map) {
    if (!poly) throw core::InvalidArgument("poly data: null pointer");
    SurfaceMesh mesh;
    vtkPoints* points = poly->GetPoints();
    vtkCellArray* polys = poly->GetPolys();
    if (!points || points->GetNumberOfPoints() == 0 || !polys || polys->GetNumberOfCells() == 0)
        return mesh;
    if (!allTriangles(polys)) {
        vtkNew<vtkTriangleFilter> triangulate;
        triangulate->SetInputData(poly);
        triangulate->PassLinesOff();
        triangulate->PassVertsOff();
        triangulate->Update();
        return meshFromPolyData(triangulate->GetOutput(), map);
    }

    const std::size_t n = static_cast<std::size_t>(points->GetNumberOfPoints());
    resizeLarge(mesh.vertices, n);
    const bool identity = map.isIdentity();
    const core::Mat3& m = map.linear;
    const core::Vec3& t = map.offset;
    vtkFloatArray* floats = vtkFloatArray::FastDownCast(points->GetData());
    forChunks(n, [&](std::size_t begin, std::size_t end) {
        double p[3];
        for (std::size_t i = begin; i < end; ++i) {
            if (floats) {
                const float* f = floats->GetPointer(static_cast<vtkIdType>(3 * i));
                p[0] = f[0];
                p[1] = f[1];
                p[2] = f[2];
            } else {
                points->GetPoint(static_cast<vtkIdType>(i), p);
            }
            Point3f& out = mesh.vertices[i];
            if (identity) {
                out = {static_cast<float>(p[0]), static_cast<float>(p[1]),
                       static_cast<float>(p[2])};
            } else {
                for (int r = 0; r < 3; ++r)
                    out[r] =
                        static_cast<float>(m(r, 0) * p[0] + m(r, 1) * p[1] + m(r, 2) * p[2] + t[r]);
            }
        }
    });

    const std::size_t triangles = static_cast<std::size_t>(polys->GetNumberOfCells());
    const bool collapsed =
        polys->IsStorage64Bit()
            ? copyTriangles(polys->GetConnectivityArray64()->GetPointer(0), triangles, n,
                            map.flipsOrientation(), mesh.triangles)
            : copyTriangles(polys->GetConnectivityArray32()->GetPointer(0), triangles, n,
                            map.flipsOrientation(), mesh.triangles);
    if (collapsed)
        std::erase_if(mesh.triangles, [](const Triangle& tri) {
            return tri[0] == tri[1] || tri[1] == tri[2] || tri[0] == tri[2];
        });
    return mesh;
}

}  // namespace stratum::mesh::detail
