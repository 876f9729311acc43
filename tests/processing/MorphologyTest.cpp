// Morphology against ITK 5.2, voxel for voxel: structuring elements, grayscale and
// binary erosion/dilation/opening/closing, gradient, hole filling.
#include <itkBinaryBallStructuringElement.h>
#include <itkBinaryCrossStructuringElement.h>
#include <itkBinaryDilateImageFilter.h>
#include <itkBinaryErodeImageFilter.h>
#include <itkBinaryFillholeImageFilter.h>
#include <itkBinaryMorphologicalClosingImageFilter.h>
#include <itkBinaryMorphologicalOpeningImageFilter.h>
#include <itkFlatStructuringElement.h>
#include <itkGrayscaleDilateImageFilter.h>
#include <itkGrayscaleErodeImageFilter.h>
#include <itkGrayscaleMorphologicalClosingImageFilter.h>
#include <itkGrayscaleMorphologicalOpeningImageFilter.h>
#include <itkMorphologicalGradientImageFilter.h>

#include "Support.h"
#include "stratum/processing/Morphology.h"

using namespace stratum;
using namespace stratum::test;
using processing::Radius;
using processing::Shape;
using processing::StructuringElement;

namespace {

template <unsigned D>
itk::FlatStructuringElement<D> itkElement(Shape shape, const Radius& r) {
    typename itk::FlatStructuringElement<D>::RadiusType radius;
    for (unsigned a = 0; a < D; ++a) radius[a] = static_cast<itk::SizeValueType>(r[a]);
    switch (shape) {
        case Shape::Ball:
            return itk::FlatStructuringElement<D>::Ball(radius);
        case Shape::Box:
            return itk::FlatStructuringElement<D>::Box(radius);
        case Shape::Cross:
            return itk::FlatStructuringElement<D>::Cross(radius);
    }
    return {};
}

enum class Op { Erode, Dilate, Open, Close, Gradient };
const char* opName(Op op) {
    const char* names[] = {"erode", "dilate", "open", "close", "gradient"};
    return names[static_cast<int>(op)];
}

template <class T, unsigned D>
core::Image itkGray(const core::Image& image, Op op, Shape shape, const Radius& r) {
    using Img = itk::Image<T, D>;
    using SE = itk::FlatStructuringElement<D>;
    const SE se = itkElement<D>(shape, r);
    auto run = [&](auto filter) {
        filter->SetInput(io::toItkImage<T, D>(image));
        filter->SetKernel(se);
        filter->Update();
        typename Img::Pointer out = filter->GetOutput();
        out->DisconnectPipeline();
        core::Image result = io::fromItkImage<T, D>(out).clone();
        result.setGeometry(image.geometry().is2D() && D == 2 ? result.geometry()
                                                             : image.geometry());
        return result;
    };
    switch (op) {
        case Op::Erode:
            return run(itk::GrayscaleErodeImageFilter<Img, Img, SE>::New());
        case Op::Dilate:
            return run(itk::GrayscaleDilateImageFilter<Img, Img, SE>::New());
        case Op::Open:
            return run(itk::GrayscaleMorphologicalOpeningImageFilter<Img, Img, SE>::New());
        case Op::Close:
            return run(itk::GrayscaleMorphologicalClosingImageFilter<Img, Img, SE>::New());
        case Op::Gradient:
            return run(itk::MorphologicalGradientImageFilter<Img, Img, SE>::New());
    }
    return {};
}

// Same grid as `like` (ITK 2D results come back as 2D geometry).
core::Image reshaped(const core::Image& img, const core::Image& like) {
    core::Image out(img.pixelType(), 1, like.geometry(), core::Image::Init::Uninitialized);
    std::memcpy(out.data(), img.data(), img.byteSize());
    return out;
}

core::Image itkGrayAny(const core::Image& image, Op op, Shape shape, const Radius& r) {
    const bool flat = image.size()[2] == 1;
    return reshaped(core::dispatchPixelType(image.pixelType(),
                                            [&](auto t) {
                                                using T = decltype(t);
                                                return flat ? itkGray<T, 2>(image, op, shape, r)
                                                            : itkGray<T, 3>(image, op, shape, r);
                                            }),
                    image);
}

core::Image ours(const core::Image& image, Op op, Shape shape, const Radius& r) {
    const StructuringElement se(shape, r);
    switch (op) {
        case Op::Erode:
            return processing::erode(image, se);
        case Op::Dilate:
            return processing::dilate(image, se);
        case Op::Open:
            return processing::open(image, se);
        case Op::Close:
            return processing::close(image, se);
        case Op::Gradient:
            return processing::gradient(image, se);
    }
    return {};
}

enum class BinOp { Erode, Dilate, Open, Close };

template <class T, unsigned D>
core::Image itkBinary(const core::Image& image, BinOp op, Shape shape, const Radius& r, T fg,
                      T bg) {
    using Img = itk::Image<T, D>;
    using SE = itk::FlatStructuringElement<D>;
    const SE se = itkElement<D>(shape, r);
    auto finish = [&](auto filter) {
        filter->SetInput(io::toItkImage<T, D>(image));
        filter->SetKernel(se);
        filter->SetForegroundValue(fg);
        filter->Update();
        typename Img::Pointer out = filter->GetOutput();
        out->DisconnectPipeline();
        return reshaped(io::fromItkImage<T, D>(out).clone(), image);
    };
    switch (op) {
        case BinOp::Erode: {
            auto f = itk::BinaryErodeImageFilter<Img, Img, SE>::New();
            f->SetBackgroundValue(bg);
            return finish(f);
        }
        case BinOp::Dilate: {
            auto f = itk::BinaryDilateImageFilter<Img, Img, SE>::New();
            f->SetBackgroundValue(bg);
            return finish(f);
        }
        case BinOp::Open: {
            auto f = itk::BinaryMorphologicalOpeningImageFilter<Img, Img, SE>::New();
            f->SetBackgroundValue(bg);
            return finish(f);
        }
        case BinOp::Close:
            return finish(itk::BinaryMorphologicalClosingImageFilter<Img, Img, SE>::New());
    }
    return {};
}

core::Image itkBinaryAny(const core::Image& image, BinOp op, Shape shape, const Radius& r,
                         double fg, double bg) {
    const bool flat = image.size()[2] == 1;
    return core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        return flat ? itkBinary<T, 2>(image, op, shape, r, static_cast<T>(fg), static_cast<T>(bg))
                    : itkBinary<T, 3>(image, op, shape, r, static_cast<T>(fg), static_cast<T>(bg));
    });
}

core::Image oursBinary(const core::Image& image, BinOp op, Shape shape, const Radius& r, double fg,
                       double bg) {
    const StructuringElement se(shape, r);
    const processing::BinaryValues v{fg, bg};
    switch (op) {
        case BinOp::Erode:
            return processing::binaryErode(image, se, v);
        case BinOp::Dilate:
            return processing::binaryDilate(image, se, v);
        case BinOp::Open:
            return processing::binaryOpen(image, se, v);
        case BinOp::Close:
            return processing::binaryClose(image, se, v);
    }
    return {};
}

const char* binName(BinOp op) {
    const char* names[] = {"binary erode", "binary dilate", "binary open", "binary close"};
    return names[static_cast<int>(op)];
}

const core::PixelType kTypes[] = {core::PixelType::UInt8, core::PixelType::Int16,
                                  core::PixelType::UInt16, core::PixelType::Float32};
const Shape kShapes[] = {Shape::Ball, Shape::Box, Shape::Cross};

std::string label(const char* op, core::PixelType t, Shape s, const Radius& r) {
    return std::string(op) + " " + core::pixelTypeName(t) + " " + processing::shapeName(s) + " " +
           processing::radiusText(r);
}

}  // namespace

TEST(StructuringElement, MatchesItkDefinitions) {
    for (Shape shape : kShapes)
        for (const Radius& r :
             {Radius{0, 0, 0}, Radius{1, 1, 1}, Radius{2, 2, 2}, Radius{3, 3, 3}, Radius{3, 1, 2},
              Radius{5, 5, 5}, Radius{4, 2, 0}, Radius{7, 7, 7}}) {
            const StructuringElement ours(shape, r);
            const auto theirs = itkElement<3>(shape, r);
            std::size_t count = 0;
            auto it = theirs.Begin();
            for (int dz = -r[2]; dz <= r[2]; ++dz)
                for (int dy = -r[1]; dy <= r[1]; ++dy)
                    for (int dx = -r[0]; dx <= r[0]; ++dx, ++it) {
                        EXPECT_EQ(ours.contains(dx, dy, dz), static_cast<bool>(*it))
                            << ours.text() << " at " << dx << "," << dy << "," << dz;
                        count += *it ? 1 : 0;
                    }
            EXPECT_EQ(ours.voxelCount(), count) << ours.text();
        }
}

TEST(StructuringElement, KnownBallOfRadiusOne) {
    // ITK's ball of radius 1 in 3D (sum (d / 1.5)^2 <= 1): the centre, 6 face and 12
    // edge neighbours, no corner...
    const StructuringElement ball = StructuringElement::ball({1, 1, 1});
    EXPECT_EQ(ball.voxelCount(), 19u);
    EXPECT_TRUE(ball.contains(1, 1, 0));
    EXPECT_FALSE(ball.contains(1, 1, 1));
    // ...and of radius 2 in 2D the 5x5 square less its 4 corners.
    EXPECT_EQ(StructuringElement::ball({2, 2, 0}).voxelCount(), 21u);
    EXPECT_THROW(StructuringElement::box({1, -1, 0}), core::InvalidArgument);
}

TEST(GrayscaleMorphology, KnownAnswerErodeDilate) {
    core::Image img(core::PixelType::UInt8, 1, gridOf(5, 5, 1));
    for (std::size_t y = 0; y < 5; ++y)
        for (std::size_t x = 0; x < 5; ++x) img.setValue(x, y, 0, 10);
    img.setValue(2, 2, 0, 200);
    img.setValue(0, 0, 0, 1);
    const core::Image d = processing::dilate(img, StructuringElement::cross({1, 1, 0}));
    EXPECT_EQ(d.value(2, 1, 0), 200.0);  // cross neighbour
    EXPECT_EQ(d.value(1, 1, 0), 10.0);   // diagonal: not in the cross
    const core::Image e = processing::erode(img, StructuringElement::box({1, 1, 0}));
    EXPECT_EQ(e.value(1, 1, 0), 1.0);   // sees the corner
    EXPECT_EQ(e.value(2, 2, 0), 10.0);  // the peak goes
    EXPECT_EQ(e.value(4, 4, 0), 10.0);  // outside the image is ignored, not 0
}

TEST(GrayscaleMorphology, MatchesItk2D) {
    unsigned seed = 10;
    for (core::PixelType type : kTypes)
        for (Shape shape : kShapes)
            for (const Radius& r : {Radius{1, 1, 0}, Radius{2, 3, 0}, Radius{4, 4, 0}}) {
                const core::Image img = randomFull(type, {41, 29, 1}, seed++);
                for (Op op : {Op::Erode, Op::Dilate, Op::Open, Op::Close, Op::Gradient}) {
                    if (op == Op::Gradient && type == core::PixelType::Int16)
                        continue;  // ITK wraps around
                    STRATUM_EXPECT_SAME_IMAGE(ours(img, op, shape, r),
                                              itkGrayAny(img, op, shape, r),
                                              label(opName(op), type, shape, r));
                }
            }
}

TEST(GrayscaleMorphology, MatchesItk3D) {
    unsigned seed = 50;
    for (core::PixelType type : kTypes)
        for (Shape shape : kShapes)
            for (const Radius& r : {Radius{1, 1, 1}, Radius{2, 2, 2}, Radius{3, 1, 2}}) {
                const core::Image img = randomFull(type, {23, 17, 13}, seed++);
                for (Op op : {Op::Erode, Op::Dilate, Op::Open, Op::Close}) {
                    // Keep the run short: ITK's brute-force ball is slow; one type does all ops.
                    if (type != core::PixelType::Int16 && (op == Op::Open || op == Op::Close))
                        continue;
                    STRATUM_EXPECT_SAME_IMAGE(ours(img, op, shape, r),
                                              itkGrayAny(img, op, shape, r),
                                              label(opName(op), type, shape, r));
                }
            }
}

TEST(GrayscaleMorphology, LargeBoxesMatchItk) {
    // Boxes of more than 49 rows take the separable passes.
    unsigned seed = 90;
    for (core::PixelType type : kTypes)
        for (const Radius& r : {Radius{2, 4, 3}, Radius{5, 5, 5}}) {
            const core::Image img = randomFull(type, {25, 19, 16}, seed++);
            for (Op op : {Op::Erode, Op::Dilate, Op::Open, Op::Close})
                STRATUM_EXPECT_SAME_IMAGE(ours(img, op, Shape::Box, r),
                                          itkGrayAny(img, op, Shape::Box, r),
                                          label(opName(op), type, Shape::Box, r));
        }
}

TEST(GrayscaleMorphology, MatchesItkOnAnMrVolume) {
    const auto path = mrVolume("breast1_image.nrrd");
    STRATUM_REQUIRE_DATA(path);
    const core::Image img = io::readImage(path).image;
    for (Shape shape : kShapes)
        for (Op op : {Op::Erode, Op::Dilate, Op::Open, Op::Close, Op::Gradient})
            STRATUM_EXPECT_SAME_IMAGE(ours(img, op, shape, {2, 2, 1}),
                                      itkGrayAny(img, op, shape, {2, 2, 1}),
                                      label(opName(op), img.pixelType(), shape, {2, 2, 1}));
}

TEST(GrayscaleMorphology, MatchesItkOnAChestXray) {
    const auto path = chestXray();
    STRATUM_REQUIRE_DATA(path);
    const core::Image img = io::readImage(path).image;
    for (Shape shape : kShapes)
        for (Op op : {Op::Erode, Op::Dilate, Op::Open, Op::Close})
            STRATUM_EXPECT_SAME_IMAGE(ours(img, op, shape, {3, 3, 0}),
                                      itkGrayAny(img, op, shape, {3, 3, 0}),
                                      label(opName(op), img.pixelType(), shape, {3, 3, 0}));
}

TEST(BinaryMorphology, MatchesItk2DAnd3D) {
    unsigned seed = 200;
    for (core::PixelType type : kTypes)
        for (Shape shape : kShapes)
            for (const core::Size3& size : {core::Size3{70, 45, 1}, core::Size3{67, 21, 15}})
                for (const Radius& r : {Radius{1, 1, 1}, Radius{3, 3, 3}, Radius{2, 1, 3}}) {
                    const Radius rr = size[2] == 1 ? Radius{r[0], r[1], 0} : r;
                    // Object value 5 among 0 and a few 2s (others keep their value).
                    const core::Image img = blobMask(type, size, seed++, 5, 2);
                    for (BinOp op : {BinOp::Erode, BinOp::Dilate, BinOp::Open, BinOp::Close}) {
                        const double bg = type == core::PixelType::Float32 ? -1.0 : 0.0;
                        if (type != core::PixelType::Float32 && type != core::PixelType::Int16 &&
                            bg < 0)
                            continue;
                        STRATUM_EXPECT_SAME_IMAGE(oursBinary(img, op, shape, rr, 5, bg),
                                                  itkBinaryAny(img, op, shape, rr, 5, bg),
                                                  label(binName(op), type, shape, rr));
                    }
                }
}

TEST(BinaryMorphology, MatchesItkOnALabelVolume) {
    const auto path = mrVolume("breast1_label.nrrd");
    STRATUM_REQUIRE_DATA(path);
    const core::Image img = io::readImage(path).image;
    for (Shape shape : kShapes)
        for (BinOp op : {BinOp::Erode, BinOp::Dilate, BinOp::Open, BinOp::Close})
            STRATUM_EXPECT_SAME_IMAGE(oursBinary(img, op, shape, {2, 2, 1}, 1, 0),
                                      itkBinaryAny(img, op, shape, {2, 2, 1}, 1, 0),
                                      label(binName(op), img.pixelType(), shape, {2, 2, 1}));
}

TEST(BinaryMorphology, WideRowsCrossWordBoundaries) {
    // Rows longer than 64 voxels, radii up to 70: shifts across several words.
    const core::Image img = blobMask(core::PixelType::UInt8, {300, 9, 5}, 77, 1, 0, 0.1);
    for (int rx : {63, 64, 70})
        for (BinOp op : {BinOp::Erode, BinOp::Dilate})
            STRATUM_EXPECT_SAME_IMAGE(oursBinary(img, op, Shape::Box, {rx, 1, 1}, 1, 0),
                                      itkBinaryAny(img, op, Shape::Box, {rx, 1, 1}, 1, 0),
                                      label(binName(op), img.pixelType(), Shape::Box, {rx, 1, 1}));
}

TEST(BinaryMorphology, FillHolesMatchesItk) {
    unsigned seed = 400;
    for (bool full : {false, true})
        for (const core::Size3& size : {core::Size3{60, 50, 1}, core::Size3{31, 27, 19}}) {
            const core::Image img = blobMask(core::PixelType::UInt8, size, seed++, 1, 0, 0.8);
            const core::Image theirs =
                size[2] == 1
                    ? runItkFilter<std::uint8_t, 2>(
                          img, itk::BinaryFillholeImageFilter<itk::Image<std::uint8_t, 2>>::New(),
                          [&](auto* f) { f->SetFullyConnected(full), f->SetForegroundValue(1); })
                    : runItkFilter<std::uint8_t, 3>(
                          img, itk::BinaryFillholeImageFilter<itk::Image<std::uint8_t, 3>>::New(),
                          [&](auto* f) { f->SetFullyConnected(full), f->SetForegroundValue(1); });
            const core::Image filled = processing::fillHoles(img, 1, full);
            STRATUM_EXPECT_SAME_IMAGE(filled, theirs,
                                      std::string("fill holes ") + (full ? "full" : "face"));
            EXPECT_GT(countDifferences(filled, img), 0u) << "the blobs have holes to fill";
        }
}

TEST(BinaryMorphology, KnownAnswerFillHoles) {
    core::Image ring(core::PixelType::UInt8, 1, gridOf(5, 5, 1));
    for (std::size_t y = 1; y <= 3; ++y)
        for (std::size_t x = 1; x <= 3; ++x) ring.setValue(x, y, 0, (x == 2 && y == 2) ? 0 : 1);
    const core::Image filled = processing::fillHoles(ring, 1);
    EXPECT_EQ(filled.value(2, 2, 0), 1.0);
    EXPECT_EQ(filled.value(0, 0, 0), 0.0);
}

TEST(Morphology, RejectsBadArguments) {
    const core::Image img = randomFull(core::PixelType::UInt8, {8, 8, 1}, 3);
    const auto se = StructuringElement::ball({1, 1, 0});
    EXPECT_THROW(processing::erode(core::Image{}, se), core::InvalidArgument);
    EXPECT_THROW(processing::binaryDilate(img, se, {300, 0}),
                 core::InvalidArgument);  // not a uint8
    EXPECT_THROW(processing::binaryErode(img, se, {1.5, 0}), core::InvalidArgument);
    EXPECT_THROW(processing::fillHoles(img, -1), core::InvalidArgument);
}

TEST(Morphology, CancelThrowsCancelled) {
    const core::Image img = randomFull(core::PixelType::Int16, {64, 64, 32}, 5);
    core::CancelToken token;
    token.cancel();
    const core::Task task(token);
    const auto ball = StructuringElement::ball({2, 2, 2});
    EXPECT_THROW(processing::erode(img, ball, task), core::Cancelled);
    EXPECT_THROW(processing::dilate(img, StructuringElement::box({2, 2, 2}), task),
                 core::Cancelled);
    EXPECT_THROW(processing::binaryDilate(img, ball, {1, 0}, task), core::Cancelled);
    EXPECT_THROW(processing::fillHoles(img, 1, false, task), core::Cancelled);
}
