// Procedural phantoms (plain C++). Shapes are defined in a canonical frame in mm by
// approximate signed distances (negative inside); every voxel centre is mapped into
// that frame by the inverse of the seed's pose. Labels: the voxel centre is inside
// (priority vessel > kidney > organ). Image: fractional occupancy of each shape
// (a linear ramp one voxel wide across the surface), the tissues mixed by occupancy
// with their textures, a separable Gaussian blur, the bias field, then noise.
#include "stratum/ai/Phantom.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "stratum/core/Error.h"
#include "stratum/core/Parallel.h"

namespace stratum::ai {
namespace {

using core::Vec3;
using core::operator+;
using core::operator-;
using core::operator*;

// splitmix64: independent sub-seeds from one seed.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class Random {
public:
    explicit Random(std::uint64_t seed) : rng_(mix(seed)) {}
    double uniform(double lo, double hi) {
        return lo + (hi - lo) * (static_cast<double>(rng_() >> 11) * 0x1.0p-53);
    }
    // Box-Muller (portable, unlike std::normal_distribution).
    double normal() {
        const double u1 = std::max(uniform(0.0, 1.0), 1e-300), u2 = uniform(0.0, 1.0);
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    Vec3 unitVector() {
        const double z = uniform(-1.0, 1.0), a = uniform(0.0, 2.0 * std::numbers::pi);
        const double r = std::sqrt(1.0 - z * z);
        return {r * std::cos(a), r * std::sin(a), z};
    }

private:
    std::mt19937_64 rng_;
};

// A smooth random field: sum of cosines with random directions, wavelengths and
// phases, scaled to the given standard deviation (K cosines of amplitude a have
// variance K a^2 / 2).
class Field {
public:
    Field(Random& random, int waves, double minWavelength, double maxWavelength, double sd) {
        const double amplitude = sd * std::sqrt(2.0 / waves);
        for (int w = 0; w < waves; ++w) {
            const double wavelength = random.uniform(minWavelength, maxWavelength);
            waves_.push_back({(2.0 * std::numbers::pi / wavelength) * random.unitVector(),
                              random.uniform(0.0, 2.0 * std::numbers::pi), amplitude});
        }
    }
    double operator()(const Vec3& p) const {
        double v = 0.0;
        for (const Wave& w : waves_) v += w.amplitude * std::cos(core::dot(w.k, p) + w.phase);
        return v;
    }

private:
    struct Wave {
        Vec3 k;
        double phase;
        double amplitude;
    };
    std::vector<Wave> waves_;
};

// An ellipsoid whose surface radius varies smoothly with direction.
struct Blob {
    Vec3 centre;
    core::Mat3 axes;  // rows: the blob's own axes
    Vec3 radii;
    std::array<Vec3, 3> bumpDirections;
    std::array<double, 3> bumpPhases;
    double bumpAmplitude;

    double distance(const Vec3& p) const {
        const Vec3 q = axes * (p - centre);
        const double length = core::norm(q);
        if (length < 1e-9) return -std::min({radii[0], radii[1], radii[2]});
        const double rho = std::sqrt((q[0] / radii[0]) * (q[0] / radii[0]) +
                                     (q[1] / radii[1]) * (q[1] / radii[1]) +
                                     (q[2] / radii[2]) * (q[2] / radii[2]));
        const Vec3 u = (1.0 / length) * q;
        double bump = 0.0;
        for (int b = 0; b < 3; ++b)
            bump += std::cos(3.0 * core::dot(u, bumpDirections[b]) + bumpPhases[b]);
        const double boundary = 1.0 + bumpAmplitude * bump / 3.0;
        // Along the ray from the centre the surface is at length * boundary / rho.
        return length * (1.0 - boundary / rho);
    }
};

Blob makeBlob(Random& random, const Vec3& centre, const Vec3& radii, double bumpAmplitude) {
    Blob b;
    b.centre = centre;
    for (int a = 0; a < 3; ++a) b.radii[a] = radii[a] * random.uniform(0.9, 1.1);
    const double angle = random.uniform(-0.3, 0.3);
    b.axes = core::Mat3::fromColumns({std::cos(angle), std::sin(angle), 0.0},
                                     {-std::sin(angle), std::cos(angle), 0.0}, {0.0, 0.0, 1.0});
    for (int k = 0; k < 3; ++k) {
        b.bumpDirections[k] = random.unitVector();
        b.bumpPhases[k] = random.uniform(0.0, 2.0 * std::numbers::pi);
    }
    b.bumpAmplitude = bumpAmplitude;
    return b;
}

// A tube of constant radius around a polyline.
struct Tube {
    std::vector<Vec3> points;
    double radius;

    double distance(const Vec3& p) const {
        double best = 1e300;
        for (std::size_t i = 0; i + 1 < points.size(); ++i) {
            const Vec3 ab = points[i + 1] - points[i];
            const double t = std::clamp(core::dot(p - points[i], ab) / core::dot(ab, ab), 0.0, 1.0);
            const Vec3 d = p - (points[i] + t * ab);
            best = std::min(best, core::dot(d, d));
        }
        return std::sqrt(best) - radius;
    }
};

core::Mat3 rotation(double ax, double ay, double az) {
    const core::Mat3 rx = core::Mat3::fromColumns({1, 0, 0}, {0, std::cos(ax), std::sin(ax)},
                                                  {0, -std::sin(ax), std::cos(ax)});
    const core::Mat3 ry = core::Mat3::fromColumns({std::cos(ay), 0, -std::sin(ay)}, {0, 1, 0},
                                                  {std::sin(ay), 0, std::cos(ay)});
    const core::Mat3 rz = core::Mat3::fromColumns({std::cos(az), std::sin(az), 0},
                                                  {-std::sin(az), std::cos(az), 0}, {0, 0, 1});
    return rz * ry * rx;
}

// Separable Gaussian blur of a float volume (x fastest), sigma in voxels per axis,
// clamped borders.
void blur(std::vector<float>& v, const core::Size3& size, const Vec3& sigma) {
    const std::array<std::size_t, 3> stride{1, size[0], size[0] * size[1]};
    for (int axis = 0; axis < 3; ++axis) {
        if (sigma[axis] <= 0.0 || size[axis] < 2) continue;
        const int radius = static_cast<int>(std::ceil(3.0 * sigma[axis]));
        std::vector<double> kernel(2 * radius + 1);
        double sum = 0.0;
        for (int i = -radius; i <= radius; ++i)
            sum += kernel[i + radius] = std::exp(-0.5 * i * i / (sigma[axis] * sigma[axis]));
        for (double& k : kernel) k /= sum;
        const std::size_t n = size[axis], lines = v.size() / n;
        const int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
        core::parallelFor(0, lines, [&](std::size_t line) {
            const std::size_t i1 = line % size[a1], i2 = line / size[a1];
            const std::size_t base = i1 * stride[a1] + i2 * stride[a2];
            std::vector<float> in(n);
            for (std::size_t i = 0; i < n; ++i) in[i] = v[base + i * stride[axis]];
            for (std::size_t i = 0; i < n; ++i) {
                double acc = 0.0;
                for (int k = -radius; k <= radius; ++k) {
                    const auto j = std::clamp<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(i) + k, 0,
                                                              static_cast<std::ptrdiff_t>(n) - 1);
                    acc += kernel[k + radius] * in[static_cast<std::size_t>(j)];
                }
                v[base + i * stride[axis]] = static_cast<float>(acc);
            }
        });
    }
}

}  // namespace

void PhantomOptions::validate() const {
    const std::string where = "phantom: ";
    for (int a = 0; a < 3; ++a) {
        if (size[a] < 1) throw core::InvalidArgument(where + "size must be at least 1 per axis");
        if (!(spacing[a] > 0.0)) throw core::InvalidArgument(where + "spacing must be positive");
    }
    if (!(noiseSigma >= 0.0)) throw core::InvalidArgument(where + "noise sigma must be >= 0");
    if (!(biasAmplitude >= 0.0 && biasAmplitude < 1.0))
        throw core::InvalidArgument(where + "bias amplitude must be in [0, 1)");
    if (!(blurSigmaMm >= 0.0)) throw core::InvalidArgument(where + "blur sigma must be >= 0");
    if (!(maxScaleChange >= 0.0 && maxScaleChange < 0.5))
        throw core::InvalidArgument(where + "scale change must be in [0, 0.5)");
    if (!(maxRotationDegrees >= 0.0) || !(maxTranslationMm >= 0.0))
        throw core::InvalidArgument(where + "rotation and translation limits must be >= 0");
    if (pixelType != core::PixelType::Int16 && pixelType != core::PixelType::Float32)
        throw core::InvalidArgument(where + "the image type must be int16 or float32");
}

const std::vector<std::string>& phantomLabelNames() {
    static const std::vector<std::string> names{"background", "organ", "kidney", "vessel"};
    return names;
}

Phantom makePhantom(const PhantomOptions& o, std::uint64_t seed, const core::Task& task) {
    o.validate();
    Random random(seed);
    // Pose.
    const double maxAngle = o.maxRotationDegrees * std::numbers::pi / 180.0;
    const core::Mat3 r =
        rotation(random.uniform(-maxAngle, maxAngle), random.uniform(-maxAngle, maxAngle),
                 random.uniform(-maxAngle, maxAngle));
    const Vec3 translation{random.uniform(-o.maxTranslationMm, o.maxTranslationMm),
                           random.uniform(-o.maxTranslationMm, o.maxTranslationMm),
                           random.uniform(-o.maxTranslationMm, o.maxTranslationMm)};
    const double scale = random.uniform(1.0 - o.maxScaleChange, 1.0 + o.maxScaleChange);
    const core::Mat3 inverseRotation = r.transposed();
    // Shapes in the canonical frame (mm).
    const Blob organ = makeBlob(random, {-14.0, 4.0, 0.0}, {34.0, 26.0, 22.0}, 0.08);
    const Blob kidney = makeBlob(random, {30.0, -17.0, 6.0}, {18.0, 12.0, 13.0}, 0.06);
    Tube vessel;
    vessel.radius = random.uniform(5.5, 6.5);
    {
        const double p1 = random.uniform(0.0, 2.0 * std::numbers::pi);
        const double p2 = random.uniform(0.0, 2.0 * std::numbers::pi);
        for (double z = -130.0; z <= 130.0; z += 5.0)
            vessel.points.push_back(
                {29.0 + 5.0 * std::sin(z / 22.0 + p1), 27.0 + 5.0 * std::cos(z / 28.0 + p2), z});
    }
    // Textures and bias field (in the canonical frame: they move with the anatomy).
    const Field backgroundTexture(random, 6, 8.0, 24.0, o.background.texture);
    std::vector<Field> textures;
    for (const PhantomTissue& t : o.tissues) textures.emplace_back(random, 6, 8.0, 24.0, t.texture);
    const Field bias(random, 3, 150.0, 300.0, o.biasAmplitude / std::sqrt(6.0));
    const std::uint64_t noiseSeed = mix(seed ^ 0x5eedf00dULL);

    core::Geometry g;
    g.size = o.size;
    g.spacing = o.spacing;
    for (int a = 0; a < 3; ++a)
        g.origin[a] = -0.5 * static_cast<double>(o.size[a] - 1) * o.spacing[a];
    Phantom out;
    out.labels = core::Image(core::PixelType::UInt8, 1, g);
    std::vector<float> values(g.voxelCount());
    std::vector<float> biasValues(g.voxelCount());
    std::uint8_t* labels = out.labels.data<std::uint8_t>();
    // Ramp width: one voxel (mean spacing), in canonical mm.
    const double ramp = (o.spacing[0] + o.spacing[1] + o.spacing[2]) / 3.0 / scale;
    const std::size_t nx = o.size[0], ny = o.size[1], nz = o.size[2];
    core::ProgressCounter counter(task.sub(0.0, 0.8), nz, "phantom");
    core::parallelFor(0, nz, [&](std::size_t k) {
        for (std::size_t j = 0; j < ny; ++j)
            for (std::size_t i = 0; i < nx; ++i) {
                const Vec3 patient = g.indexToPatient(
                    {static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)});
                const Vec3 p = (1.0 / scale) * (inverseRotation * (patient - translation));
                const double d[3] = {organ.distance(p), kidney.distance(p), vessel.distance(p)};
                double occupancy[3];
                for (int s = 0; s < 3; ++s) occupancy[s] = std::clamp(0.5 - d[s] / ramp, 0.0, 1.0);
                // Priority: vessel over kidney over organ.
                const double wVessel = occupancy[2];
                const double wKidney = occupancy[1] * (1.0 - wVessel);
                const double wOrgan = occupancy[0] * (1.0 - wVessel) * (1.0 - occupancy[1]);
                const double wBackground = 1.0 - wVessel - wKidney - wOrgan;
                const double value = wBackground * (o.background.mean + backgroundTexture(p)) +
                                     wOrgan * (o.tissues[0].mean + textures[0](p)) +
                                     wKidney * (o.tissues[1].mean + textures[1](p)) +
                                     wVessel * (o.tissues[2].mean + textures[2](p));
                const std::size_t v = (k * ny + j) * nx + i;
                values[v] = static_cast<float>(value);
                biasValues[v] = static_cast<float>(1.0 + bias(p));
                labels[v] = d[2] < 0.0 ? 3 : d[1] < 0.0 ? 2 : d[0] < 0.0 ? 1 : 0;
            }
        counter.advance();
    });
    if (o.blurSigmaMm > 0.0)
        blur(values, g.size,
             {o.blurSigmaMm / o.spacing[0], o.blurSigmaMm / o.spacing[1],
              o.blurSigmaMm / o.spacing[2]});
    task.progress(0.9, "phantom");
    out.image = core::Image(o.pixelType, 1, g);
    core::parallelFor(0, nz, [&](std::size_t k) {
        Random noise(noiseSeed + k);
        for (std::size_t v = k * nx * ny; v < (k + 1) * nx * ny; ++v) {
            const double x = values[v] * biasValues[v] + o.noiseSigma * noise.normal();
            if (o.pixelType == core::PixelType::Int16)
                out.image.data<std::int16_t>()[v] =
                    static_cast<std::int16_t>(std::clamp(std::round(x), -32768.0, 32767.0));
            else
                out.image.data<float>()[v] = static_cast<float>(x);
        }
    });
    task.progress(1.0);
    return out;
}

}  // namespace stratum::ai
