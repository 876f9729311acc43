// Segmentation metrics (plain C++): overlap per label and surface distances from an
// exact Euclidean distance transform with anisotropic spacing (Felzenszwalb and
// Huttenlocher 2012: lower envelope of parabolas, one axis at a time).
#include "stratum/ai/SegmentationMetrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"

namespace stratum::ai {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<int> readLabels(const core::Image& image, const char* what) {
    if (image.empty())
        throw core::InvalidArgument(std::string("segmentation metrics: the ") + what +
                                    " map is empty");
    if (image.components() != 1)
        throw core::InvalidArgument(std::string("segmentation metrics: the ") + what +
                                    " map must have one component, not " +
                                    std::to_string(image.components()));
    if (image.pixelType() == core::PixelType::Float32)
        throw core::InvalidArgument(
            std::string("segmentation metrics: the ") + what +
            " map must hold integer labels (uint8, int16 or uint16), not float32");
    std::vector<int> out(image.voxelCount());
    core::dispatchPixelType(image.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        const T* in = image.data<T>();
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int>(in[i]);
    });
    return out;
}

// Squared distances along one line: d[q] = min_p (spacing (q - p))^2 + f[p].
void distance1d(std::vector<double>& f, double spacing) {
    const int n = static_cast<int>(f.size());
    const double s2 = spacing * spacing;
    std::vector<int> v(n);
    std::vector<double> z(n + 1);
    int k = -1;
    for (int q = 0; q < n; ++q) {
        if (f[q] == kInf) continue;
        if (k < 0) {
            k = 0;
            v[0] = q;
            z[0] = -kInf;
            z[1] = kInf;
            continue;
        }
        double s = 0.0;
        for (;;) {
            const int p = v[k];
            s = ((f[q] + s2 * q * q) - (f[p] + s2 * p * p)) / (2.0 * s2 * (q - p));
            if (s <= z[k]) {
                --k;  // never below 0: z[0] is -infinity
                continue;
            }
            break;
        }
        ++k;
        v[k] = q;
        z[k] = s;
        z[k + 1] = kInf;
    }
    if (k < 0) return;  // no finite value: all stay infinite
    std::vector<double> d(n);
    int j = 0;
    for (int q = 0; q < n; ++q) {
        while (z[j + 1] < q) ++j;
        const double dq = q - v[j];
        d[q] = s2 * dq * dq + f[v[j]];
    }
    f.swap(d);
}

// Squared distance in mm from every voxel to the nearest `seed` voxel (index spacing
// scaled; the direction is orthonormal, so index-space distances with spacing are
// patient distances).
std::vector<double> squaredDistanceTo(const std::vector<char>& seed, const core::Size3& size,
                                      const core::Vec3& sp) {
    std::vector<double> d(seed.size());
    for (std::size_t i = 0; i < seed.size(); ++i) d[i] = seed[i] ? 0.0 : kInf;
    const std::size_t nx = size[0], ny = size[1], nz = size[2];
    // Along x, then y, then z: each line independently.
    core::parallelFor(0, ny * nz, [&](std::size_t line) {
        std::vector<double> f(d.begin() + line * nx, d.begin() + (line + 1) * nx);
        distance1d(f, sp[0]);
        std::copy(f.begin(), f.end(), d.begin() + line * nx);
    });
    core::parallelFor(0, nx * nz, [&](std::size_t line) {
        const std::size_t x = line % nx, z = line / nx;
        std::vector<double> f(ny);
        for (std::size_t y = 0; y < ny; ++y) f[y] = d[(z * ny + y) * nx + x];
        distance1d(f, sp[1]);
        for (std::size_t y = 0; y < ny; ++y) d[(z * ny + y) * nx + x] = f[y];
    });
    core::parallelFor(0, nx * ny, [&](std::size_t line) {
        std::vector<double> f(nz);
        for (std::size_t z = 0; z < nz; ++z) f[z] = d[z * nx * ny + line];
        distance1d(f, sp[2]);
        for (std::size_t z = 0; z < nz; ++z) d[z * nx * ny + line] = f[z];
    });
    return d;
}

// Label voxels with a 6-neighbour outside the label (or outside the image).
std::vector<char> surface(const std::vector<char>& mask, const core::Size3& size) {
    const std::size_t nx = size[0], ny = size[1], nz = size[2];
    std::vector<char> s(mask.size(), 0);
    for (std::size_t z = 0; z < nz; ++z)
        for (std::size_t y = 0; y < ny; ++y)
            for (std::size_t x = 0; x < nx; ++x) {
                const std::size_t i = (z * ny + y) * nx + x;
                if (!mask[i]) continue;
                s[i] = x == 0 || x + 1 == nx || y == 0 || y + 1 == ny || z == 0 || z + 1 == nz ||
                       !mask[i - 1] || !mask[i + 1] || !mask[i - nx] || !mask[i + nx] ||
                       !mask[i - nx * ny] || !mask[i + nx * ny];
            }
    return s;
}

double percentile(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const double pos = q * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace

SegmentationEvaluation evaluateSegmentation(const core::Image& predicted, const core::Image& truth,
                                            std::vector<int> labels, const core::Task& task) {
    const std::vector<int> p = readLabels(predicted, "predicted");
    const std::vector<int> t = readLabels(truth, "truth");
    const core::Geometry& g = truth.geometry();
    if (predicted.size() != truth.size())
        throw core::InvalidArgument(
            "segmentation metrics: the predicted map is " + std::to_string(predicted.size()[0]) +
            "x" + std::to_string(predicted.size()[1]) + "x" + std::to_string(predicted.size()[2]) +
            " but the truth is " + std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]) +
            "x" + std::to_string(g.size[2]));
    if (!predicted.geometry().approxEqual(g))
        throw core::InvalidArgument(
            "segmentation metrics: the predicted and truth maps differ in spacing, origin or "
            "direction");
    if (!g.hasOrthonormalDirection())
        throw core::InvalidArgument(
            "segmentation metrics: the image direction must be orthonormal");
    if (labels.empty()) {
        std::set<int> present;
        for (const int v : p)
            if (v != 0) present.insert(v);
        for (const int v : t)
            if (v != 0) present.insert(v);
        labels.assign(present.begin(), present.end());
    }
    SegmentationEvaluation result;
    std::size_t agree = 0;
    for (std::size_t i = 0; i < p.size(); ++i) agree += p[i] == t[i];
    result.voxelAccuracy = static_cast<double>(agree) / static_cast<double>(p.size());
    for (std::size_t li = 0; li < labels.size(); ++li) {
        task.progress(static_cast<double>(li) / static_cast<double>(labels.size()),
                      "segmentation metrics");
        const int label = labels[li];
        LabelMetrics m;
        m.label = label;
        std::vector<char> a(p.size()), b(p.size());
        for (std::size_t i = 0; i < p.size(); ++i) {
            a[i] = p[i] == label;
            b[i] = t[i] == label;
            m.predictedVoxels += a[i];
            m.truthVoxels += b[i];
            m.intersection += a[i] && b[i];
        }
        const std::size_t uni = m.predictedVoxels + m.truthVoxels - m.intersection;
        if (uni == 0) {
            m.dice = m.iou = 1.0;
        } else {
            m.dice = 2.0 * static_cast<double>(m.intersection) /
                     static_cast<double>(m.predictedVoxels + m.truthVoxels);
            m.iou = static_cast<double>(m.intersection) / static_cast<double>(uni);
        }
        if (m.predictedVoxels == 0 && m.truthVoxels == 0) {
            m.hd95Mm = m.meanSurfaceDistanceMm = 0.0;
        } else if (m.predictedVoxels == 0 || m.truthVoxels == 0) {
            m.hd95Mm = m.meanSurfaceDistanceMm = kInf;
        } else {
            const std::vector<char> sa = surface(a, g.size), sb = surface(b, g.size);
            const std::vector<double> toB = squaredDistanceTo(sb, g.size, g.spacing);
            const std::vector<double> toA = squaredDistanceTo(sa, g.size, g.spacing);
            std::vector<double> distances;
            for (std::size_t i = 0; i < p.size(); ++i) {
                if (sa[i]) distances.push_back(std::sqrt(toB[i]));
                if (sb[i]) distances.push_back(std::sqrt(toA[i]));
            }
            double sum = 0.0;
            for (const double d : distances) sum += d;
            m.meanSurfaceDistanceMm = sum / static_cast<double>(distances.size());
            m.hd95Mm = percentile(std::move(distances), 0.95);
        }
        result.labels.push_back(m);
    }
    task.progress(1.0);
    return result;
}

namespace {

std::vector<double> valuesOf(const core::Image& image, int component) {
    std::vector<double> out(image.voxelCount());
    const int c = image.components();
    core::dispatchPixelType(image.pixelType(), [&](auto tag) {
        using T = decltype(tag);
        const T* in = image.data<T>();
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = static_cast<double>(in[i * static_cast<std::size_t>(c) + component]);
    });
    return out;
}

void checkPair(const core::Image& a, const core::Image& b, const char* what) {
    if (a.empty() || b.empty())
        throw core::InvalidArgument(std::string(what) + ": an image is empty");
    if (a.size() != b.size() || a.components() != b.components())
        throw core::InvalidArgument(std::string(what) + ": the images differ in size or components");
}

// Weighted local mean of `v` over the truncated Gaussian window (weights renormalised
// inside the image), separable.
std::vector<double> localMean(const std::vector<double>& v, const core::Size3& size,
                              const std::vector<double>& kernel, int radius) {
    std::vector<double> data = v;
    const std::array<std::size_t, 3> stride{1, size[0], size[0] * size[1]};
    for (int axis = 0; axis < 3; ++axis) {
        const std::size_t n = size[axis];
        if (n == 1) continue;
        const int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
        const std::size_t lines = data.size() / n;
        core::parallelFor(0, lines, [&](std::size_t line) {
            const std::size_t base = (line % size[a1]) * stride[a1] + (line / size[a1]) * stride[a2];
            std::vector<double> in(n);
            for (std::size_t i = 0; i < n; ++i) in[i] = data[base + i * stride[axis]];
            for (std::size_t i = 0; i < n; ++i) {
                double acc = 0.0, w = 0.0;
                for (int k = -radius; k <= radius; ++k) {
                    const auto j = static_cast<std::ptrdiff_t>(i) + k;
                    if (j < 0 || j >= static_cast<std::ptrdiff_t>(n)) continue;
                    acc += kernel[k + radius] * in[static_cast<std::size_t>(j)];
                    w += kernel[k + radius];
                }
                data[base + i * stride[axis]] = acc / w;
            }
        });
    }
    return data;
}

}  // namespace

double meanSquaredError(const core::Image& a, const core::Image& reference) {
    checkPair(a, reference, "MSE");
    double sum = 0.0;
    std::size_t n = 0;
    for (int c = 0; c < a.components(); ++c) {
        const std::vector<double> x = valuesOf(a, c), y = valuesOf(reference, c);
        for (std::size_t i = 0; i < x.size(); ++i) sum += (x[i] - y[i]) * (x[i] - y[i]);
        n += x.size();
    }
    return sum / static_cast<double>(n);
}

double structuralSimilarity(const core::Image& a, const core::Image& reference,
                            const SsimOptions& o, const core::Task& task) {
    checkPair(a, reference, "SSIM");
    if (!(o.sigma > 0.0) || o.radius < 0)
        throw core::InvalidArgument("SSIM: the window sigma must be positive and the radius >= 0");
    const std::vector<double> x = valuesOf(a, 0), y = valuesOf(reference, 0);
    double range = o.dynamicRange;
    if (!(range > 0.0)) {
        const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
        range = *hi > *lo ? *hi - *lo : 1.0;
    }
    const double c1 = (o.k1 * range) * (o.k1 * range), c2 = (o.k2 * range) * (o.k2 * range);
    std::vector<double> kernel(2 * o.radius + 1);
    for (int k = -o.radius; k <= o.radius; ++k)
        kernel[k + o.radius] = std::exp(-0.5 * k * k / (o.sigma * o.sigma));
    const core::Size3& size = a.size();
    std::vector<double> xx(x.size()), yy(x.size()), xy(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        xx[i] = x[i] * x[i];
        yy[i] = y[i] * y[i];
        xy[i] = x[i] * y[i];
    }
    task.progress(0.0, "SSIM");
    const auto mx = localMean(x, size, kernel, o.radius), my = localMean(y, size, kernel, o.radius);
    const auto mxx = localMean(xx, size, kernel, o.radius), myy = localMean(yy, size, kernel, o.radius);
    const auto mxy = localMean(xy, size, kernel, o.radius);
    double sum = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double vx = mxx[i] - mx[i] * mx[i], vy = myy[i] - my[i] * my[i];
        const double cov = mxy[i] - mx[i] * my[i];
        sum += ((2.0 * mx[i] * my[i] + c1) * (2.0 * cov + c2)) /
               ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
    }
    task.progress(1.0);
    return sum / static_cast<double>(x.size());
}

IntensityComparison compareIntensities(const core::Image& a, const core::Image& reference,
                                       const core::Task& task) {
    checkPair(a, reference, "intensity metrics");
    if (!a.geometry().approxEqual(reference.geometry()))
        throw core::InvalidArgument(
            "intensity metrics: the images differ in spacing, origin or direction");
    IntensityComparison r;
    r.mse = meanSquaredError(a, reference);
    r.ssim = structuralSimilarity(a, reference, {}, task);
    return r;
}

}  // namespace stratum::ai
