#include "stratum/mesh/Drr.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"

namespace stratum::mesh {

// Vec3 is a std::array: bring core's vector operators into scope.
using core::operator+;
using core::operator-;
using core::operator*;
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The ray in continuous index space where voxel i spans [i, i+1) (centres at i + 0.5); t is
// still patient millimetres along the ray.
struct IndexRay {
    double q0[3];
    double dq[3];
};

// Exact line integral of a piecewise-constant voxel function along a ray: walks the voxels
// the ray crosses (3D DDA) and adds mu * length inside each.
template <class T, class Mu>
double traverse(const T* data, const core::Size3& n, const IndexRay& r, double tMin, double tMax,
                Mu mu) {
    double tEnter = tMin, tExit = tMax;
    for (int a = 0; a < 3; ++a) {
        const double size = double(n[a]);
        if (std::abs(r.dq[a]) < 1e-15) {
            if (r.q0[a] < 0.0 || r.q0[a] >= size) return 0.0;
            continue;
        }
        double t0 = (0.0 - r.q0[a]) / r.dq[a], t1 = (size - r.q0[a]) / r.dq[a];
        if (t0 > t1) std::swap(t0, t1);
        tEnter = std::max(tEnter, t0);
        tExit = std::min(tExit, t1);
    }
    if (!(tEnter < tExit)) return 0.0;

    long index[3];
    long step[3];
    double tNext[3], tDelta[3];
    const double tMid = tEnter + 1e-9 * (tExit - tEnter);
    for (int a = 0; a < 3; ++a) {
        const double q = r.q0[a] + r.dq[a] * tMid;
        index[a] =
            std::clamp<long>(static_cast<long>(std::floor(q)), 0, static_cast<long>(n[a]) - 1);
        if (r.dq[a] > 1e-15) {
            step[a] = 1;
            tNext[a] = (double(index[a] + 1) - r.q0[a]) / r.dq[a];
            tDelta[a] = 1.0 / r.dq[a];
        } else if (r.dq[a] < -1e-15) {
            step[a] = -1;
            tNext[a] = (double(index[a]) - r.q0[a]) / r.dq[a];
            tDelta[a] = -1.0 / r.dq[a];
        } else {
            step[a] = 0;
            tNext[a] = kInfinity;
            tDelta[a] = kInfinity;
        }
    }
    double sum = 0.0, t = tEnter;
    const std::size_t nx = n[0], nxy = n[0] * n[1];
    while (t < tExit) {
        const int a =
            tNext[0] < tNext[1] ? (tNext[0] < tNext[2] ? 0 : 2) : (tNext[1] < tNext[2] ? 1 : 2);
        const double tEnd = std::min(tNext[a], tExit);
        const T value =
            data[std::size_t(index[2]) * nxy + std::size_t(index[1]) * nx + std::size_t(index[0])];
        sum += mu(value) * (tEnd - t);
        t = tEnd;
        index[a] += step[a];
        if (index[a] < 0 || index[a] >= static_cast<long>(n[a])) break;
        tNext[a] += tDelta[a];
    }
    return sum;
}

}  // namespace

double hounsfieldToAttenuation(double hu, double muWaterPerMm) {
    return std::max(0.0, muWaterPerMm * (1.0 + hu / 1000.0));
}

core::Image computeDrr(const core::Image& volume, const DrrOptions& options,
                       const core::Task& task) {
    if (volume.empty()) throw core::InvalidArgument("DRR: empty volume");
    if (volume.components() != 1)
        throw core::InvalidArgument("DRR: expected a grey volume, got " +
                                    std::to_string(volume.components()) + " components");
    volume.geometry().validate();
    options.geometry.validate();
    if (!(options.muWaterPerMm > 0.0 && std::isfinite(options.muWaterPerMm)))
        throw core::InvalidArgument("DRR: the attenuation of water must be > 0 per mm");

    const core::Geometry& g = volume.geometry();
    const ProjectionGeometry& view = options.geometry;
    core::Mat3 toIndex;  // patient offset -> index
    {
        core::Mat3 a;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) a(r, c) = g.direction(r, c) * g.spacing[c];
        toIndex = a.inverse();
    }
    core::Image out(core::PixelType::Float32, 1, view.detectorGeometry());
    out.metadata().series.description = "DRR";
    out.metadata().units = "line integral";
    float* pixels = out.data<float>();
    const double muWater = options.muWaterPerMm;
    const bool hounsfield = options.input == AttenuationInput::Hounsfield;

    core::ProgressCounter progress(task, view.rows, "computing DRR");
    core::dispatchPixelType(volume.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        const T* data = volume.data<T>();
        core::parallelFor(0, view.rows, [&](std::size_t row) {
            for (std::size_t column = 0; column < view.columns; ++column) {
                const Ray ray = view.ray(double(column), double(row));
                IndexRay r;
                const core::Vec3 q0 = toIndex * (ray.origin - g.origin);
                const core::Vec3 dq = toIndex * ray.direction;
                for (int a = 0; a < 3; ++a) {
                    r.q0[a] = q0[a] + 0.5;
                    r.dq[a] = dq[a];
                }
                const double sum =
                    hounsfield
                        ? traverse(data, g.size, r, ray.tMin, ray.tMax,
                                   [muWater](T v) {
                                       return std::max(0.0, muWater * (1.0 + double(v) / 1000.0));
                                   })
                        : traverse(data, g.size, r, ray.tMin, ray.tMax,
                                   [](T v) { return double(v); });
                pixels[row * view.columns + column] = static_cast<float>(sum);
            }
            progress.advance();
        });
    });
    return out;
}

}  // namespace stratum::mesh
