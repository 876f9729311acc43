// Gaussian smoothing and resampling: known answers, ITK as reference, patient geometry.
#include <itkBSplineInterpolateImageFunction.h>
#include <itkDiscreteGaussianImageFilter.h>
#include <itkIdentityTransform.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <cmath>

#include "Support.h"
#include "stratum/processing/Resample.h"
#include "stratum/processing/Smoothing.h"

using namespace stratum;
using namespace stratum::test;
using processing::Interpolation;

namespace {

core::Geometry obliqueGrid(std::size_t nx, std::size_t ny, std::size_t nz) {
    core::Geometry g = gridOf(nx, ny, nz);
    const double a = 0.4, b = 0.25;  // rotations about z then x
    const core::Mat3 rz = core::Mat3::fromColumns({std::cos(a), std::sin(a), 0},
                                                  {-std::sin(a), std::cos(a), 0}, {0, 0, 1});
    const core::Mat3 rx = core::Mat3::fromColumns({1, 0, 0}, {0, std::cos(b), std::sin(b)},
                                                  {0, -std::sin(b), std::cos(b)});
    g.direction = rx * rz;
    return g;
}

// Float image whose voxel values are a smooth function of the patient position.
template <class F>
core::Image fromFunction(const core::Geometry& g, F f) {
    core::Image img(core::PixelType::Float32, 1, g);
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i)
                img.setValue(i, j, k, f(g.indexToPatient({double(i), double(j), double(k)})));
    return img;
}

core::Image itkResample(const core::Image& img, const core::Geometry& target,
                        Interpolation interp) {
    using Img = itk::Image<float, 3>;
    auto f = itk::ResampleImageFilter<Img, Img>::New();
    f->SetInput(io::toItkImage<float, 3>(img));
    f->SetTransform(itk::IdentityTransform<double, 3>::New());
    if (interp == Interpolation::Nearest)
        f->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<Img>::New());
    if (interp == Interpolation::Linear)
        f->SetInterpolator(itk::LinearInterpolateImageFunction<Img>::New());
    if (interp == Interpolation::BSpline) {
        auto b = itk::BSplineInterpolateImageFunction<Img, double, double>::New();
        b->SetSplineOrder(3);
        f->SetInterpolator(b);
    }
    Img::SizeType size;
    Img::SpacingType spacing;
    Img::PointType origin;
    Img::DirectionType direction;
    for (unsigned r = 0; r < 3; ++r) {
        size[r] = target.size[r];
        spacing[r] = target.spacing[r];
        origin[r] = target.origin[r];
        for (unsigned c = 0; c < 3; ++c) direction(r, c) = target.direction(int(r), int(c));
    }
    f->SetSize(size);
    f->SetOutputSpacing(spacing);
    f->SetOutputOrigin(origin);
    f->SetOutputDirection(direction);
    f->SetDefaultPixelValue(0);
    f->Update();
    return io::fromItkImage<float, 3>(f->GetOutput()).clone();
}

}  // namespace

TEST(Gaussian, KnownAnswers) {
    // A constant stays constant; an impulse spreads into the normalised kernel.
    core::Image flat(core::PixelType::Float32, 1, gridOf(21, 21, 9));
    for (std::size_t i = 0; i < flat.voxelCount(); ++i) flat.data<float>()[i] = 7.0f;
    const core::Image smooth = processing::gaussian(flat, {2.0, 2.0, 3.0});
    const auto [lo, hi] = smooth.minMax();
    EXPECT_NEAR(lo, 7.0, 1e-5);
    EXPECT_NEAR(hi, 7.0, 1e-5);
    core::Image impulse(core::PixelType::Float32, 1, gridOf(41, 1, 1));
    impulse.setValue(20, 0, 0, 1000.0);
    const double sigmaMm = 2.4;  // 3 voxels at 0.8 mm
    const core::Image out = processing::gaussian(impulse, {sigmaMm, 0, 0});
    double sum = 0.0;
    for (std::size_t x = 0; x < 41; ++x) sum += out.value(x, 0, 0);
    EXPECT_NEAR(sum, 1000.0, 1e-2);
    EXPECT_NEAR(out.value(23, 0, 0) / out.value(20, 0, 0), std::exp(-0.5), 1e-5);  // one sigma away
}

TEST(Gaussian, CloseToItkDiscreteGaussian) {
    const core::Image img = blobMask(core::PixelType::Float32, {40, 36, 20}, 5, 100, 0, 0.4);
    const core::Vec3 sigma{1.6, 1.8, 3.0};  // 2 voxels each
    const core::Image ours = processing::gaussian(img, sigma);
    const core::Image theirs =
        runItk<itk::DiscreteGaussianImageFilter, float, 3>(img, [&](auto* f) {
            f->SetVariance(
                std::array<double, 3>{sigma[0] * sigma[0], sigma[1] * sigma[1], sigma[2] * sigma[2]}
                    .data());
            f->SetUseImageSpacing(true);
            f->SetMaximumError(1e-4);
            f->SetMaximumKernelWidth(64);
        });
    // ITK's kernel is the discrete (Bessel) Gaussian, ours the sampled one: at sigma = 2
    // voxels their peaks differ by ~4%, which on 0/100 step edges stays under 2.5 units.
    double worst = 0.0;
    for (std::size_t i = 0; i < ours.voxelCount(); ++i)
        worst = std::max(worst,
                         std::abs(double(ours.data<float>()[i]) - double(theirs.data<float>()[i])));
    EXPECT_LT(worst, 2.5) << "largest difference";
}

TEST(Gaussian, RejectsNegativeSigma) {
    const core::Image img = randomFull(core::PixelType::UInt8, {8, 8, 1}, 1);
    EXPECT_THROW(processing::gaussian(img, {-1, 1, 0}), core::InvalidArgument);
    core::CancelToken token;
    token.cancel();
    EXPECT_THROW(processing::gaussian(img, {1, 1, 0}, core::Task(token)), core::Cancelled);
}

TEST(Resample, MatchesItkResampleImageFilter) {
    // Smooth data on an oblique grid, onto another oblique grid partly outside it.
    const core::Geometry in = obliqueGrid(30, 26, 14);
    const core::Image img = fromFunction(in, [](const core::Vec3& p) {
        return 100.0 * std::sin(p[0] / 7.0) * std::cos(p[1] / 9.0) + p[2];
    });
    core::Geometry target = processing::gridWithSpacing(in, {1.1, 0.7, 2.0});
    target.origin = core::operator+(target.origin, core::Vec3{1.3, -0.7, 2.1});
    for (Interpolation interp :
         {Interpolation::Nearest, Interpolation::Linear, Interpolation::BSpline}) {
        const core::Image ours = processing::resample(img, target, interp);
        const core::Image theirs = itkResample(img, target, interp);
        std::string where;
        const double tolerance = interp == Interpolation::Nearest ? 0.0 : 1e-3;
        EXPECT_EQ(countDifferences(ours, theirs, &where, tolerance), 0u)
            << processing::interpolationName(interp) << ": " << where;
    }
}

TEST(Resample, KeepsPatientPositions) {
    // Values are a linear function of the patient position, which linear and cubic
    // B-spline interpolation reproduce: after resampling onto a grid with other spacing
    // and direction, each output voxel holds f(its own patient position).
    auto f = [](const core::Vec3& p) { return 2.0 * p[0] - 3.0 * p[1] + 0.5 * p[2] + 40.0; };
    const core::Geometry in = obliqueGrid(40, 36, 24);
    const core::Image img = fromFunction(in, f);
    core::Geometry target = processing::gridWithSpacing(in, {1.3, 1.1, 0.9});
    target.direction =
        obliqueGrid(1, 1, 1).direction * core::Mat3::fromColumns({0, 1, 0}, {-1, 0, 0}, {0, 0, 1});
    // Centred on the input's centre.
    const core::Vec3 centre =
        in.indexToPatient({(in.size[0] - 1) / 2.0, (in.size[1] - 1) / 2.0, (in.size[2] - 1) / 2.0});
    const core::Vec3 half = target.indexToPatient(
        {(target.size[0] - 1) / 2.0, (target.size[1] - 1) / 2.0, (target.size[2] - 1) / 2.0});
    target.origin = core::operator+(target.origin, core::operator-(centre, half));
    for (Interpolation interp : {Interpolation::Linear, Interpolation::BSpline}) {
        const core::Image out = processing::resample(img, target, interp);
        std::size_t checked = 0;
        for (std::size_t k = 0; k < target.size[2]; ++k)
            for (std::size_t j = 0; j < target.size[1]; ++j)
                for (std::size_t i = 0; i < target.size[0]; ++i) {
                    const core::Vec3 p = target.indexToPatient({double(i), double(j), double(k)});
                    const core::Vec3 c = in.patientToIndex(p);
                    // Inside the input; the cubic B-spline's mirror boundary bends lines near
                    // the edges (its effect decays as 0.268^distance), so it keeps 6 voxels off.
                    const double margin = interp == Interpolation::Linear ? 0.0 : 6.0;
                    bool inside = true;
                    for (int a = 0; a < 3; ++a)
                        inside =
                            inside && c[a] >= margin && c[a] <= double(in.size[a]) - 1.0 - margin;
                    if (!inside) continue;
                    ++checked;
                    ASSERT_NEAR(out.value(i, j, k), f(p), 2e-3)
                        << processing::interpolationName(interp) << " at " << i << "," << j << ","
                        << k << " index " << c[0] << "," << c[1] << "," << c[2];
                }
        EXPECT_GT(checked, 1000u);
    }
}

TEST(Resample, GridWithSpacingKeepsTheFieldOfView) {
    const core::Geometry in = obliqueGrid(30, 26, 14);
    const core::Geometry out =
        processing::gridWithSpacing(in, {1.6, 1.8, 3.0});  // twice the spacing
    EXPECT_EQ(out.size, (core::Size3{15, 13, 7}));
    // The outer corner of voxel 0 is the same point in patient space.
    const core::Vec3 a = in.indexToPatient({-0.5, -0.5, -0.5});
    const core::Vec3 b = out.indexToPatient({-0.5, -0.5, -0.5});
    for (int r = 0; r < 3; ++r) EXPECT_NEAR(a[r], b[r], 1e-9);
    const core::Geometry sized = processing::gridWithSize(in, {60, 13, 28});
    EXPECT_NEAR(sized.spacing[0], 0.4, 1e-12);
    EXPECT_NEAR(sized.spacing[2], 0.75, 1e-12);
    EXPECT_THROW(processing::gridWithSpacing(in, {0, 1, 1}), core::InvalidArgument);
    EXPECT_THROW(processing::gridWithSize(in, {0, 1, 1}), core::InvalidArgument);
}

TEST(Resample, IntegerNearestIsExactAndCancelWorks) {
    const core::Image img = randomFull(core::PixelType::Int16, {16, 12, 6}, 4);
    // Same grid: nearest returns the input.
    STRATUM_EXPECT_SAME_IMAGE(processing::resample(img, img.geometry(), Interpolation::Nearest),
                              img, "identity");
    STRATUM_EXPECT_SAME_IMAGE(processing::resample(img, img.geometry(), Interpolation::BSpline),
                              img, "identity bspline");
    core::CancelToken token;
    token.cancel();
    EXPECT_THROW(
        processing::resampleToSpacing(img, {1, 1, 1}, Interpolation::Linear, core::Task(token)),
        core::Cancelled);
    EXPECT_THROW(processing::interpolationFromName("cubicish"), core::InvalidArgument);
}
