// Processing benchmark: our kernels against the ITK 5.2 filters a user would otherwise
// call, on the cases of issue 3, with the same thread count for both (ITK's global
// default number of threads and STRATUM_THREADS). Prints the median time of several
// runs of each, the ratio ITK / ours, the target ratio, and whether both give
// the same voxels.
//
//   stratum_bench_processing [--threads N] [--repeat N] [--itk-repeat N] [--quick]
//                            [--only NAME]
//
// --quick runs every case on volumes 8x smaller (a smoke test, not the figures).
#include <itkBinaryBallStructuringElement.h>
#include <itkBinaryDilateImageFilter.h>
#include <itkBinaryErodeImageFilter.h>
#include <itkFlatStructuringElement.h>
#include <itkGrayscaleDilateImageFilter.h>
#include <itkGrayscaleErodeImageFilter.h>
#include <itkGrayscaleMorphologicalOpeningImageFilter.h>
#include <itkMedianImageFilter.h>
#include <itkMultiThreaderBase.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/io/ItkBridge.h"
#include "stratum/processing/Median.h"
#include "stratum/processing/Morphology.h"

using namespace stratum;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    unsigned threads = 2;
    int repeat = 5;
    int itkRepeat = 3;
    bool quick = false;
    std::string only;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double timeIt(const std::function<void()>& f) {
    const auto a = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - a).count();
}

core::Geometry grid(std::size_t nx, std::size_t ny, std::size_t nz) {
    core::Geometry g;
    g.size = {nx, ny, nz};
    return g;
}

// A CT-like int16 volume: smooth anatomy-sized structures plus noise.
core::Image ctVolume(std::size_t n) {
    core::Image img(core::PixelType::Int16, 1, grid(n, n, n));
    std::mt19937 rng(1);
    std::normal_distribution<double> noise(0.0, 40.0);
    std::int16_t* p = img.data<std::int16_t>();
    for (std::size_t z = 0; z < n; ++z)
        for (std::size_t y = 0; y < n; ++y)
            for (std::size_t x = 0; x < n; ++x) {
                const double u = double(x) / n - 0.5, v = double(y) / n - 0.5,
                             w = double(z) / n - 0.5;
                double hu = u * u + v * v < 0.16 ? 40.0 : -1000.0;
                if ((u + 0.15) * (u + 0.15) + v * v + w * w < 0.02) hu = -800.0;
                if ((u - 0.1) * (u - 0.1) + (v - 0.1) * (v - 0.1) < 0.002) hu = 700.0;
                p[(z * n + y) * n + x] = static_cast<std::int16_t>(hu + noise(rng));
            }
    return img;
}

// A radiograph-like uint16 image: smooth gradient plus noise.
core::Image radiograph(std::size_t n) {
    core::Image img(core::PixelType::UInt16, 1, grid(n, n, 1));
    std::mt19937 rng(2);
    std::normal_distribution<double> noise(0.0, 200.0);
    std::uint16_t* p = img.data<std::uint16_t>();
    for (std::size_t y = 0; y < n; ++y)
        for (std::size_t x = 0; x < n; ++x) {
            const double v =
                20000.0 + 15000.0 * std::sin(double(x) / n * 3.0) * std::cos(double(y) / n * 2.0);
            p[y * n + x] = static_cast<std::uint16_t>(std::clamp(v + noise(rng), 0.0, 65535.0));
        }
    return img;
}

// A 0/1 mask: a body-like ellipsoid with organs carved out and small islands.
core::Image mask(std::size_t nx, std::size_t ny, std::size_t nz) {
    core::Image img(core::PixelType::UInt8, 1, grid(nx, ny, nz));
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::uint8_t* p = img.data<std::uint8_t>();
    for (std::size_t z = 0; z < nz; ++z)
        for (std::size_t y = 0; y < ny; ++y)
            for (std::size_t x = 0; x < nx; ++x) {
                const double a = double(x) / nx - 0.5, b = double(y) / ny - 0.5,
                             c = double(z) / nz - 0.5;
                bool in = a * a / 0.18 + b * b / 0.12 < 1.0;
                if ((a + 0.15) * (a + 0.15) + b * b + c * c < 0.015) in = false;
                if ((a - 0.15) * (a - 0.15) + b * b + c * c < 0.015) in = false;
                if (u(rng) < 0.002) in = !in;
                p[(z * ny + y) * nx + x] = in ? 1 : 0;
            }
    return img;
}

bool sameVoxels(const core::Image& a, const core::Image& b) {
    return a.byteSize() == b.byteSize() && std::memcmp(a.data(), b.data(), a.byteSize()) == 0;
}

struct Case {
    std::string name;
    double target;  // required ITK / ours
    std::function<core::Image()> ours;
    std::function<core::Image()> itk;
};

template <class Filter, class T, unsigned D>
core::Image runItk(typename Filter::Pointer filter, const core::Image& input) {
    filter->SetInput(io::toItkImage<T, D>(input));
    filter->Update();
    typename itk::Image<T, D>::Pointer out = filter->GetOutput();
    out->DisconnectPipeline();
    return io::fromItkImage<T, D>(out);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--threads")
            o.threads = static_cast<unsigned>(std::stoi(next()));
        else if (a == "--repeat")
            o.repeat = std::stoi(next());
        else if (a == "--itk-repeat")
            o.itkRepeat = std::stoi(next());
        else if (a == "--quick")
            o.quick = true;
        else if (a == "--only")
            o.only = next();
        else {
            std::cerr << "usage: stratum_bench_processing [--threads N] [--repeat N] [--itk-repeat "
                         "N] [--quick] "
                         "[--only NAME]\n";
            return 2;
        }
    }
    // The same thread count for both.
    ::setenv("STRATUM_THREADS", std::to_string(o.threads).c_str(), 1);
    itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(o.threads);
    itk::MultiThreaderBase::SetGlobalMaximumNumberOfThreads(std::max(o.threads, 1u));

    const std::size_t n = o.quick ? 128 : 256;
    const std::size_t xr = o.quick ? 1024 : 2048;
    const core::Size3 ms = o.quick ? core::Size3{256, 256, 150} : core::Size3{512, 512, 300};
    std::cout << "stratum_bench_processing: " << o.threads << " threads, ours median of "
              << o.repeat << ", ITK median of " << o.itkRepeat << (o.quick ? " (quick sizes)" : "")
              << "\n";
    const core::Image ct = ctVolume(n);
    const core::Image xray = radiograph(xr);
    const core::Image m = mask(ms[0], ms[1], ms[2]);
    const std::string nText = std::to_string(n) + "^3";

    using I16 = itk::Image<std::int16_t, 3>;
    using U16x2 = itk::Image<std::uint16_t, 2>;
    using U8 = itk::Image<std::uint8_t, 3>;
    using Flat = itk::FlatStructuringElement<3>;
    using BallSE = itk::BinaryBallStructuringElement<std::uint8_t, 3>;
    Flat::RadiusType r3, r2;
    r3.Fill(3);
    r2.Fill(2);
    const Flat ball3 = Flat::Ball(r3);
    const Flat box5 = Flat::Box(r2);
    BallSE binBall;
    binBall.SetRadius(3);
    binBall.CreateStructuringElement();
    const auto ourBall = processing::StructuringElement::ball({3, 3, 3});
    const auto ourBox = processing::StructuringElement::box({2, 2, 2});

    std::vector<Case> cases;
    cases.push_back({"median 3x3x3 " + nText + " int16", 20.0,
                     [&] {
                         return processing::median(ct, {1, 1, 1});
                     },
                     [&] {
                         auto f = itk::MedianImageFilter<I16, I16>::New();
                         f->SetRadius(1);
                         return runItk<itk::MedianImageFilter<I16, I16>, std::int16_t, 3>(f, ct);
                     }});
    cases.push_back({"median 5x5 " + std::to_string(xr) + "^2 uint16", 20.0,
                     [&] {
                         return processing::median(xray, {2, 2, 0});
                     },
                     [&] {
                         auto f = itk::MedianImageFilter<U16x2, U16x2>::New();
                         f->SetRadius(2);
                         core::Image r =
                             runItk<itk::MedianImageFilter<U16x2, U16x2>, std::uint16_t, 2>(f,
                                                                                            xray);
                         core::Image shaped(r.pixelType(), 1, xray.geometry());
                         std::memcpy(shaped.data(), r.data(), r.byteSize());
                         return shaped;
                     }});
    const std::string mText =
        std::to_string(ms[0]) + "x" + std::to_string(ms[1]) + "x" + std::to_string(ms[2]);
    cases.push_back({"binary dilate ball r3 " + mText, 10.0,
                     [&] {
                         return processing::binaryDilate(m, ourBall, {1, 0});
                     },
                     [&] {
                         using F = itk::BinaryDilateImageFilter<U8, U8, BallSE>;
                         auto f = F::New();
                         f->SetKernel(binBall);
                         f->SetForegroundValue(1);
                         f->SetBackgroundValue(0);
                         return runItk<F, std::uint8_t, 3>(f, m);
                     }});
    cases.push_back({"binary erode ball r3 " + mText, 10.0,
                     [&] {
                         return processing::binaryErode(m, ourBall, {1, 0});
                     },
                     [&] {
                         using F = itk::BinaryErodeImageFilter<U8, U8, BallSE>;
                         auto f = F::New();
                         f->SetKernel(binBall);
                         f->SetForegroundValue(1);
                         f->SetBackgroundValue(0);
                         return runItk<F, std::uint8_t, 3>(f, m);
                     }});
    auto gray = [&](const char* what, const Flat& se, const processing::StructuringElement& ours,
                    double target, int op) {
        cases.push_back({std::string("grayscale ") + what + " " + nText + " int16", target,
                         [&, op, ours] {
                             return op == 0   ? processing::erode(ct, ours)
                                    : op == 1 ? processing::dilate(ct, ours)
                                              : processing::open(ct, ours);
                         },
                         [&, op, se] {
                             if (op == 0) {
                                 using F = itk::GrayscaleErodeImageFilter<I16, I16, Flat>;
                                 auto f = F::New();
                                 f->SetKernel(se);
                                 return runItk<F, std::int16_t, 3>(f, ct);
                             }
                             if (op == 1) {
                                 using F = itk::GrayscaleDilateImageFilter<I16, I16, Flat>;
                                 auto f = F::New();
                                 f->SetKernel(se);
                                 return runItk<F, std::int16_t, 3>(f, ct);
                             }
                             using F =
                                 itk::GrayscaleMorphologicalOpeningImageFilter<I16, I16, Flat>;
                             auto f = F::New();
                             f->SetKernel(se);
                             return runItk<F, std::int16_t, 3>(f, ct);
                         }});
    };
    gray("erode ball r3", ball3, ourBall, 50.0, 0);
    gray("dilate ball r3", ball3, ourBall, 50.0, 1);
    gray("open ball r3", ball3, ourBall, 50.0, 2);
    gray("erode box 5x5x5", box5, ourBox, 10.0, 0);
    gray("dilate box 5x5x5", box5, ourBox, 10.0, 1);
    gray("open box 5x5x5", box5, ourBox, 10.0, 2);

    std::printf("%-38s %10s %10s %8s %7s %s\n", "case", "ours s", "ITK s", "ITK/ours", "target",
                "voxels");
    bool allMet = true;
    for (const Case& c : cases) {
        if (!o.only.empty() && c.name.find(o.only) == std::string::npos) continue;
        core::Image ourResult, itkResult;
        std::vector<double> ourTimes, itkTimes;
        for (int i = 0; i < o.repeat; ++i)
            ourTimes.push_back(timeIt([&] { ourResult = c.ours(); }));
        for (int i = 0; i < o.itkRepeat; ++i)
            itkTimes.push_back(timeIt([&] { itkResult = c.itk(); }));
        const double ours = median(ourTimes), theirs = median(itkTimes);
        const double ratio = theirs / ours;
        const bool met = ratio >= c.target;
        allMet = allMet && met;
        std::printf("%-38s %10.4f %10.3f %7.1fx %6.0fx %s%s\n", c.name.c_str(), ours, theirs, ratio,
                    c.target, sameVoxels(ourResult, itkResult) ? "same" : "DIFFERENT",
                    met ? "" : "  (below target)");
        std::fflush(stdout);
    }
    std::printf("%s\n", allMet ? "all targets met" : "some targets not met");
    return 0;
}
