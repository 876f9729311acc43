// Shape from silhouette on a phantom: DRRs of a known labelled volume, thresholded into
// silhouettes, carved into a hull, compared with the truth as the number of views grows.
#include <gtest/gtest.h>

#include "Phantoms.h"
#include "stratum/core/Error.h"
#include "stratum/mesh/Drr.h"
#include "stratum/mesh/MaskOverlap.h"
#include "stratum/mesh/VisualHull.h"

using namespace stratum;
using namespace stratum::test;
using core::operator-;

namespace {

struct Phantom {
    core::Image truth;  // uint8 0/1
    core::Image mu;     // float attenuation (1/mm)
};

Phantom ellipsoidPhantom() {
    const core::Geometry g = cubeGeometry(64, 1.0);
    const core::Vec3 c = g.indexToPatient({31.5, 31.5, 31.5});
    const core::Vec3 axes{24.0, 15.0, 20.0};
    Phantom p{core::Image(core::PixelType::UInt8, 1, g), core::Image()};
    paintLabel(p.truth, 1, [&](const core::Vec3& x) { return ellipsoidField(x, c, axes) >= 0; });
    p.mu = floatField(
        g, [&](const core::Vec3& x) { return ellipsoidField(x, c, axes) >= 0 ? 0.02 : 0.0; });
    return p;
}

std::vector<mesh::HullView> views(const Phantom& phantom, int count, mesh::ProjectionKind kind) {
    std::vector<mesh::HullView> out;
    mesh::GantryOptions gantry;
    gantry.kind = kind;
    gantry.sourceToIsocenterMm = 400;
    gantry.sourceToDetectorMm = 600;
    // Spread over half a turn (parallel views repeat after 180 degrees): 2 views are AP and
    // lateral, 4 add the obliques.
    const double range = 180.0;
    for (int i = 0; i < count; ++i) {
        mesh::DrrOptions drr;
        drr.input = mesh::AttenuationInput::Attenuation;
        drr.geometry = mesh::gantryProjection(range * i / count, phantom.mu.geometry(), gantry);
        out.push_back({mesh::computeDrr(phantom.mu, drr), drr.geometry, 1e-6});
    }
    return out;
}

double hullDice(const Phantom& phantom, int count, mesh::ProjectionKind kind) {
    const auto v = views(phantom, count, kind);
    const core::Image hull = mesh::carveVisualHull(v, phantom.truth.geometry());
    const mesh::MaskOverlap o = mesh::maskOverlap(hull, phantom.truth);
    // The hull contains the object (up to silhouette pixelation at the rim).
    EXPECT_GT(double(o.intersection), 0.995 * double(o.countB)) << count;
    return o.dice;
}

}  // namespace

TEST(VisualHull, DiceGrowsWithTheNumberOfViewsAndReachesPointNineWithEight) {
    const Phantom phantom = ellipsoidPhantom();
    for (mesh::ProjectionKind kind : {mesh::ProjectionKind::Parallel, mesh::ProjectionKind::Cone}) {
        SCOPED_TRACE(mesh::projectionKindName(kind));
        const double d2 = hullDice(phantom, 2, kind), d4 = hullDice(phantom, 4, kind),
                     d8 = hullDice(phantom, 8, kind);
        EXPECT_LT(d2, d4);
        EXPECT_LT(d4, d8);
        EXPECT_GE(d8, 0.9);
        // Two orthogonal views of an ellipsoid carve an elliptic cylinder intersection: well
        // short of the truth.
        EXPECT_LT(d2, 0.93);
    }
}

TEST(VisualHull, DefaultGridCentresOnTheIsocenter) {
    const Phantom phantom = ellipsoidPhantom();
    const auto v = views(phantom, 2, mesh::ProjectionKind::Cone);
    const core::Geometry grid = mesh::defaultHullGrid(v, 2.0);
    const core::Vec3 centre = grid.indexToPatient(
        {(grid.size[0] - 1) / 2.0, (grid.size[1] - 1) / 2.0, (grid.size[2] - 1) / 2.0});
    const core::Vec3 iso = phantom.truth.geometry().indexToPatient({31.5, 31.5, 31.5});
    EXPECT_LT(core::norm(centre - iso), 1e-3);
    EXPECT_GE(grid.size[0] * 2.0, 64.0);  // covers the phantom
    const core::Image hull = mesh::carveVisualHull(v, grid);
    std::size_t inside = 0;
    for (auto x : hull.pixels<std::uint8_t>()) inside += x;
    // Two views carve about 4/pi times the ellipsoid's volume (24*15*20*4/3*pi mm^3 = 30 mL),
    // at 8 mm^3 per voxel.
    EXPECT_GT(inside * 8.0 / 1000.0, 30.0);
    EXPECT_LT(inside * 8.0 / 1000.0, 45.0);
    EXPECT_THROW(mesh::defaultHullGrid(v, 0.01), core::InvalidArgument);  // too many voxels
}

TEST(VisualHull, BadViewsAreRejected) {
    const Phantom phantom = ellipsoidPhantom();
    auto v = views(phantom, 2, mesh::ProjectionKind::Parallel);
    EXPECT_THROW(mesh::carveVisualHull({}, phantom.truth.geometry()), core::InvalidArgument);
    v[1].silhouette = core::Image(core::PixelType::UInt8, 1, cubeGeometry(8));
    try {
        mesh::carveVisualHull(v, phantom.truth.geometry());
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("view 1"), std::string::npos) << e.what();
    }
    core::CancelToken token;
    token.cancel();
    v = views(phantom, 2, mesh::ProjectionKind::Parallel);
    EXPECT_THROW(mesh::carveVisualHull(v, phantom.truth.geometry(), core::Task(token)),
                 core::Cancelled);
}

TEST(MaskOverlap, DiceAndIou) {
    core::Image a(core::PixelType::UInt8, 1, cubeGeometry(4)),
        b(core::PixelType::Int16, 1, cubeGeometry(4));
    for (std::size_t i = 0; i < 4; ++i) a.setValue(i, 0, 0, 1);  // 4 voxels
    for (std::size_t i = 2; i < 4; ++i) b.setValue(i, 0, 0, 7);  // 2 of them
    b.setValue(0, 1, 0, 7);                                      // and one more
    const mesh::MaskOverlap o = mesh::maskOverlap(a, b);
    EXPECT_EQ(o.intersection, 2u);
    EXPECT_DOUBLE_EQ(o.dice, 4.0 / 7.0);
    EXPECT_DOUBLE_EQ(o.iou, 2.0 / 5.0);
    EXPECT_THROW(mesh::maskOverlap(a, core::Image(core::PixelType::UInt8, 1, cubeGeometry(5))),
                 core::InvalidArgument);
}
