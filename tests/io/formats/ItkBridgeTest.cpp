#include <gtest/gtest.h>

#include <itkImageRegionConstIterator.h>

#include "Phantom.h"
#include "stratum/io/ItkBridge.h"

using namespace stratum;
using stratum::test::makePhantom;
using stratum::test::phantomGeometry;

namespace {

template <unsigned D, class TImage>
void expectGeometry(const TImage* itkImage, const core::Geometry& g) {
    for (unsigned r = 0; r < D; ++r) {
        EXPECT_EQ(itkImage->GetLargestPossibleRegion().GetSize(r), g.size[r]);
        EXPECT_DOUBLE_EQ(itkImage->GetSpacing()[r], g.spacing[r]);
        EXPECT_DOUBLE_EQ(itkImage->GetOrigin()[r], g.origin[r]);
        for (unsigned c = 0; c < D; ++c) EXPECT_DOUBLE_EQ(itkImage->GetDirection()(r, c), g.direction(r, c));
    }
}

}  // namespace

TEST(ItkBridge, CoreToItkSharesTheBufferAndGeometry) {
    core::Image img = makePhantom(core::PixelType::Int16);
    auto itkImage = io::toItkImage<std::int16_t>(img);
    EXPECT_EQ(static_cast<void*>(itkImage->GetBufferPointer()), img.data());
    expectGeometry<3>(itkImage.GetPointer(), img.geometry());
    // ITK's index -> physical mapping is ours.
    itk::Index<3> idx{{3, 5, 2}};
    itk::Point<double, 3> p;
    itkImage->TransformIndexToPhysicalPoint(idx, p);
    const core::Vec3 q = img.geometry().indexToPatient({3, 5, 2});
    for (int r = 0; r < 3; ++r) EXPECT_NEAR(p[r], q[r], 1e-9);
    // Voxels seen through ITK are the image's voxels; writes go through.
    EXPECT_EQ(itkImage->GetPixel(idx), static_cast<std::int16_t>(img.value(3, 5, 2)));
    itkImage->SetPixel(idx, 1234);
    EXPECT_EQ(img.value(3, 5, 2), 1234.0);
}

TEST(ItkBridge, ItkImageKeepsTheCoreBufferAlive) {
    itk::Image<float, 3>::Pointer itkImage;
    const void* buffer = nullptr;
    {
        core::Image img = makePhantom(core::PixelType::Float32);
        buffer = img.data();
        itkImage = io::toItkImage<float>(img);
    }  // the core::Image handle is gone; the ITK image still owns a reference
    EXPECT_EQ(static_cast<const void*>(itkImage->GetBufferPointer()), buffer);
    EXPECT_FLOAT_EQ(itkImage->GetPixel({{4, 6, 3}}),
                    static_cast<float>(test::phantomValue(core::PixelType::Float32, 4, 6, 3)));
}

TEST(ItkBridge, ItkToCoreSharesTheBufferAndKeepsItAlive) {
    using ImageType = itk::Image<std::uint16_t, 3>;
    core::Geometry g = phantomGeometry();
    core::Image img;
    const void* buffer = nullptr;
    {
        auto itkImage = ImageType::New();
        ImageType::RegionType region;
        region.SetSize({{g.size[0], g.size[1], g.size[2]}});
        itkImage->SetRegions(region);
        ImageType::DirectionType d;
        for (unsigned r = 0; r < 3; ++r)
            for (unsigned c = 0; c < 3; ++c) d(r, c) = g.direction(r, c);
        itkImage->SetDirection(d);
        itkImage->SetSpacing(g.spacing.data());
        itkImage->SetOrigin(g.origin.data());
        itkImage->Allocate();
        itkImage->FillBuffer(7);
        itkImage->SetPixel({{1, 2, 3}}, 999);
        buffer = itkImage->GetBufferPointer();
        img = io::fromItkImage(itkImage);
    }  // the ITK smart pointer is gone; the core::Image keeps the ITK image alive
    EXPECT_EQ(img.data(), buffer);
    EXPECT_EQ(img.pixelType(), core::PixelType::UInt16);
    EXPECT_EQ(img.components(), 1);
    EXPECT_TRUE(img.geometry().approxEqual(g, 1e-12));
    EXPECT_EQ(img.value(1, 2, 3), 999.0);
    EXPECT_EQ(img.value(0, 0, 0), 7.0);
}

TEST(ItkBridge, RoundTripCoreItkCoreIsTheSameBuffer) {
    core::Image img = makePhantom(core::PixelType::UInt8);
    core::Image back = io::fromItkImage(io::toItkImage<std::uint8_t>(img));
    EXPECT_TRUE(back.sharesBufferWith(img));
    EXPECT_TRUE(back.geometry().approxEqual(img.geometry(), 1e-12));
}

TEST(ItkBridge, NonZeroStartIndexMovesTheOrigin) {
    using ImageType = itk::Image<float, 3>;
    auto itkImage = ImageType::New();
    ImageType::RegionType region;
    region.SetIndex({{2, 3, 4}});
    region.SetSize({{5, 6, 7}});
    itkImage->SetRegions(region);
    const double spacing[3] = {0.5, 2.0, 3.0};
    itkImage->SetSpacing(spacing);
    itkImage->Allocate();
    itkImage->FillBuffer(0.0f);
    itkImage->SetPixel({{2, 3, 4}}, 42.0f);
    core::Image img = io::fromItkImage(itkImage);
    EXPECT_EQ(img.size(), (core::Size3{5, 6, 7}));
    EXPECT_DOUBLE_EQ(img.geometry().origin[0], 1.0);
    EXPECT_DOUBLE_EQ(img.geometry().origin[1], 6.0);
    EXPECT_DOUBLE_EQ(img.geometry().origin[2], 12.0);
    EXPECT_EQ(img.value(0, 0, 0), 42.0);
}

TEST(ItkBridge, RgbImagesShareAsRgbPixelAndVectorImage) {
    core::Image rgb = makePhantom(core::PixelType::UInt8, 3);
    auto asRgb = io::toItkImage<itk::RGBPixel<std::uint8_t>>(rgb);
    EXPECT_EQ(static_cast<void*>(asRgb->GetBufferPointer()), rgb.data());
    const auto px = asRgb->GetPixel({{5, 4, 3}});
    for (int c = 0; c < 3; ++c) EXPECT_EQ(px[c], rgb.value(5, 4, 3, c));

    auto asVector = io::toItkVectorImage<std::uint8_t>(rgb);
    EXPECT_EQ(static_cast<void*>(asVector->GetBufferPointer()), rgb.data());
    EXPECT_EQ(asVector->GetNumberOfComponentsPerPixel(), 3u);
    const auto v = asVector->GetPixel({{5, 4, 3}});
    for (unsigned c = 0; c < 3; ++c) EXPECT_EQ(v[c], rgb.value(5, 4, 3, static_cast<int>(c)));
    expectGeometry<3>(asVector.GetPointer(), rgb.geometry());

    core::Image back = io::fromItkImage(asRgb);
    EXPECT_TRUE(back.sharesBufferWith(rgb));
    EXPECT_EQ(back.components(), 3);
}

TEST(ItkBridge, TwoDimensionalViewOfOneSlice) {
    core::Geometry g = phantomGeometry({9, 8, 1});
    g.direction = core::Mat3::identity();
    core::Image img = makePhantom(core::PixelType::UInt16, 1, g);
    auto flat = io::toItkImage<std::uint16_t, 2>(img);
    EXPECT_EQ(static_cast<void*>(flat->GetBufferPointer()), img.data());
    expectGeometry<2>(flat.GetPointer(), g);
    core::Image back = io::fromItkImage(flat);
    EXPECT_TRUE(back.sharesBufferWith(img));
    EXPECT_EQ(back.size(), (core::Size3{9, 8, 1}));

    core::Image volume = makePhantom(core::PixelType::UInt16);
    EXPECT_THROW((io::toItkImage<std::uint16_t, 2>(volume)), core::InvalidArgument);
}

TEST(ItkBridge, WrongPixelTypeIsRefused) {
    core::Image img = makePhantom(core::PixelType::Int16);
    EXPECT_THROW(io::toItkImage<float>(img), core::InvalidArgument);
    EXPECT_THROW((io::toItkImage<itk::RGBPixel<std::int16_t>>(img)), core::InvalidArgument);
    EXPECT_THROW(io::toItkImage<std::int16_t>(core::Image{}), core::InvalidArgument);
}
