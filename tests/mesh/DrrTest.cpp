// DRRs equal the analytic line integrals of phantoms: parallel and cone beam, any angle,
// anisotropic and oblique grids; the gantry convention; HU conversion; errors; cancel.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "Phantoms.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/Drr.h"

using namespace stratum;
using namespace stratum::test;
using core::operator-;
using core::operator+;
using core::operator*;

namespace {

constexpr double kMuWater = 0.0195;

struct BoxPhantom {
    core::Image volume;  // int16 HU: 1000 inside the box (mu = 2 muWater), -1000 outside (mu = 0)
    core::Vec3 lo, hi;   // box in index space, voxel edges included
};

BoxPhantom boxPhantom(const core::Geometry& g) {
    BoxPhantom b{core::Image(core::PixelType::Int16, 1, g), {9.5, 7.5, 4.5}, {29.5, 25.5, 30.5}};
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i) {
                const bool inside = i >= 10 && i <= 29 && j >= 8 && j <= 25 && k >= 5 && k <= 30;
                b.volume.setValue(i, j, k, inside ? 1000 : -1000);
            }
    return b;
}

// Length (mm) of the ray inside the index-space box: slab clipping in index coordinates,
// where the ray's parameter stays patient millimetres.
double chordLength(const mesh::Ray& ray, const core::Geometry& g, const core::Vec3& lo,
                   const core::Vec3& hi) {
    core::Mat3 a;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) a(r, c) = g.direction(r, c) * g.spacing[c];
    const core::Mat3 inv = a.inverse();
    const core::Vec3 q0 = inv * (ray.origin - g.origin), dq = inv * ray.direction;
    double t0 = ray.tMin, t1 = ray.tMax;
    for (int d = 0; d < 3; ++d) {
        if (std::abs(dq[d]) < 1e-12) {
            if (q0[d] < lo[d] || q0[d] > hi[d]) return 0.0;
            continue;
        }
        double ta = (lo[d] - q0[d]) / dq[d], tb = (hi[d] - q0[d]) / dq[d];
        if (ta > tb) std::swap(ta, tb);
        t0 = std::max(t0, ta);
        t1 = std::min(t1, tb);
    }
    return std::max(0.0, t1 - t0);
}

void expectAnalytic(const BoxPhantom& box, const mesh::ProjectionGeometry& view) {
    mesh::DrrOptions options;
    options.geometry = view;
    options.muWaterPerMm = kMuWater;
    const core::Image drr = mesh::computeDrr(box.volume, options);
    ASSERT_EQ(drr.size()[0], view.columns);
    ASSERT_EQ(drr.size()[1], view.rows);
    const float* p = drr.data<float>();
    double worst = 0.0, peak = 0.0;
    std::size_t hits = 0;
    for (std::size_t r = 0; r < view.rows; ++r)
        for (std::size_t c = 0; c < view.columns; ++c) {
            const double expected =
                2.0 * kMuWater *
                chordLength(view.ray(double(c), double(r)), box.volume.geometry(), box.lo, box.hi);
            worst = std::max(worst, std::abs(p[r * view.columns + c] - expected));
            peak = std::max(peak, expected);
            hits += expected > 0;
        }
    EXPECT_GT(hits, 100u);
    EXPECT_LT(worst, 1e-5 * std::max(1.0, peak)) << "peak " << peak;
}

core::Geometry anisotropic() {
    core::Geometry g;
    g.size = {40, 34, 36};
    g.spacing = {0.8, 1.5, 2.0};
    g.origin = {-20.0, 35.0, -410.0};
    return g;
}

}  // namespace

TEST(Drr, ParallelBeamEqualsTheAnalyticLineIntegralAtAnyAngle) {
    const BoxPhantom box = boxPhantom(anisotropic());
    for (double angle : {0.0, 30.0, 90.0, 137.0, 250.0}) {
        SCOPED_TRACE(angle);
        expectAnalytic(box, mesh::gantryProjection(angle, box.volume.geometry()));
    }
}

TEST(Drr, ConeBeamEqualsTheAnalyticLineIntegral) {
    const BoxPhantom box = boxPhantom(anisotropic());
    mesh::GantryOptions options;
    options.kind = mesh::ProjectionKind::Cone;
    options.sourceToIsocenterMm = 300.0;
    options.sourceToDetectorMm = 500.0;
    for (double angle : {0.0, 70.0, 180.0}) {
        SCOPED_TRACE(angle);
        const mesh::ProjectionGeometry view =
            mesh::gantryProjection(angle, box.volume.geometry(), options);
        EXPECT_NEAR(view.magnificationAt(view.source + 300.0 * view.direction), 500.0 / 300.0,
                    1e-9);
        expectAnalytic(box, view);
    }
}

TEST(Drr, ObliqueGridEqualsTheAnalyticLineIntegral) {
    core::Geometry g = anisotropic();
    const double a = 0.4;
    g.direction.m = {std::cos(a), 0, std::sin(a), 0, 1, 0, -std::sin(a), 0, std::cos(a)};
    const BoxPhantom box = boxPhantom(g);
    expectAnalytic(box, mesh::gantryProjection(20.0, g));
    mesh::GantryOptions cone;
    cone.kind = mesh::ProjectionKind::Cone;
    expectAnalytic(box, mesh::gantryProjection(110.0, g, cone));
}

TEST(Drr, SphereProfileFollowsTheChordLength) {
    const core::Geometry g = cubeGeometry(64, 1.0);
    const core::Vec3 c = g.indexToPatient({31.5, 31.5, 31.5});
    const double r = 25.0, mu = 0.03;
    const core::Image volume =
        floatField(g, [&](const core::Vec3& p) { return core::norm(p - c) <= r ? mu : 0.0; });
    mesh::DrrOptions options;
    options.input = mesh::AttenuationInput::Attenuation;
    options.geometry = mesh::gantryProjection(45.0, g);
    const core::Image drr = mesh::computeDrr(volume, options);
    const mesh::ProjectionGeometry& view = options.geometry;
    // Along the central row, away from the rim (where voxelization dominates).
    const std::size_t row = view.rows / 2;
    int checked = 0;
    for (std::size_t col = 0; col < view.columns; ++col) {
        const mesh::Ray ray = view.ray(double(col), double(row));
        // Distance of the ray from the centre.
        const core::Vec3 w = c - ray.origin;
        const double along = core::dot(w, ray.direction);
        const double d = core::norm(w - along * ray.direction);
        if (d > r - 3.0) continue;
        const double expected = 2.0 * mu * std::sqrt(r * r - d * d);
        // The voxelized sphere's staircase moves each end of the chord by up to about half a
        // voxel diagonal (0.7 mm at 45 degrees).
        EXPECT_NEAR(drr.value(col, row, 0), expected, 1.5 * mu) << col;
        ++checked;
    }
    EXPECT_GT(checked, 30);
}

TEST(Drr, GantryConventionPutsThePatientsLeftOnTheRightOfAnApView) {
    core::Geometry g = cubeGeometry(41, 1.0);
    core::Image volume(core::PixelType::Float32, 1, g);
    // A dense voxel on the patient's left (+x), one posterior (+y), one superior (+z).
    volume.setValue(35, 20, 20, 1.0);
    volume.setValue(20, 35, 20, 2.0);
    volume.setValue(20, 20, 35, 4.0);
    mesh::DrrOptions options;
    options.input = mesh::AttenuationInput::Attenuation;
    mesh::GantryOptions detector;  // odd size: pixel centres on the voxel centres' lines
    detector.columns = detector.rows = 81;
    detector.pixelSpacingMm = 1.0;
    auto brightest = [&](double angle, double value) {
        options.geometry = mesh::gantryProjection(angle, g, detector);
        const core::Image drr = mesh::computeDrr(volume, options);
        std::pair<double, double> at{-1, -1};
        for (std::size_t r = 0; r < drr.size()[1]; ++r)
            for (std::size_t c = 0; c < drr.size()[0]; ++c)
                if (std::abs(drr.value(c, r, 0) - value) < 1e-4) at = {double(c), double(r)};
        return std::pair{at.first - (options.geometry.columns - 1) / 2.0,
                         at.second - (options.geometry.rows - 1) / 2.0};
    };
    // AP (angle 0): left -> right half of the image, superior -> top rows.
    EXPECT_NEAR(brightest(0, 1.0).first, 15.0, 0.51);
    EXPECT_NEAR(brightest(0, 4.0).second, -15.0, 0.51);
    // Left lateral (angle 90, source on the left): posterior -> right half.
    EXPECT_NEAR(brightest(90, 2.0).first, 15.0, 0.51);
    // PA (angle 180): the patient's left is on the left.
    EXPECT_NEAR(brightest(180, 1.0).first, -15.0, 0.51);
}

TEST(Drr, HounsfieldConversion) {
    EXPECT_DOUBLE_EQ(mesh::hounsfieldToAttenuation(0, kMuWater), kMuWater);
    EXPECT_DOUBLE_EQ(mesh::hounsfieldToAttenuation(-1000, kMuWater), 0.0);
    EXPECT_DOUBLE_EQ(mesh::hounsfieldToAttenuation(-3024, kMuWater), 0.0);
    EXPECT_DOUBLE_EQ(mesh::hounsfieldToAttenuation(1000, kMuWater), 2 * kMuWater);
}

TEST(Drr, DetectorGeometryPlacesTheImageInPatientSpace) {
    const core::Geometry g = anisotropic();
    mesh::GantryOptions cone;
    cone.kind = mesh::ProjectionKind::Cone;
    const mesh::ProjectionGeometry view = mesh::gantryProjection(33.0, g, cone);
    const core::Geometry d = view.detectorGeometry();
    EXPECT_TRUE(d.hasOrthonormalDirection());
    const core::Vec3 pixel = d.indexToPatient({7, 11, 0});
    const core::Vec3 expected = view.pixelPosition(7, 11);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(pixel[k], expected[k], 1e-9);
    double column = 0, row = 0;
    ASSERT_TRUE(view.project(expected, column, row));
    EXPECT_NEAR(column, 7, 1e-9);
    EXPECT_NEAR(row, 11, 1e-9);
    // A point on the ray to pixel (7, 11) projects onto it.
    const mesh::Ray ray = view.ray(7, 11);
    ASSERT_TRUE(view.project(ray.origin + 0.4 * ray.tMax * ray.direction, column, row));
    EXPECT_NEAR(column, 7, 1e-9);
    EXPECT_NEAR(row, 11, 1e-9);
}

TEST(Drr, BadInputAndCancel) {
    const core::Geometry g = cubeGeometry(16);
    core::Image volume(core::PixelType::Int16, 1, g);
    mesh::DrrOptions options;
    EXPECT_THROW(mesh::computeDrr(volume, options), core::InvalidArgument);  // no detector
    options.geometry = mesh::gantryProjection(0, g);
    EXPECT_THROW(mesh::computeDrr(core::Image(core::PixelType::UInt8, 3, g), options),
                 core::InvalidArgument);
    options.muWaterPerMm = -1;
    EXPECT_THROW(mesh::computeDrr(volume, options), core::InvalidArgument);
    options.muWaterPerMm = kMuWater;
    mesh::GantryOptions cone;
    cone.kind = mesh::ProjectionKind::Cone;
    cone.sourceToIsocenterMm = 5.0;
    try {
        mesh::gantryProjection(0, g, cone);
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("inside the volume"), std::string::npos) << e.what();
    }
    EXPECT_THROW(mesh::gantryProjection(std::nan(""), g), core::InvalidArgument);
    core::CancelToken token;
    token.cancel();
    EXPECT_THROW(mesh::computeDrr(volume, options, core::Task(token)), core::Cancelled);
}
