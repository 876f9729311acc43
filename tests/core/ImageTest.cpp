#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "stratum/core/Image.h"

using namespace stratum::core;

namespace {
Geometry small(std::size_t x, std::size_t y, std::size_t z) {
    Geometry g;
    g.size = {x, y, z};
    return g;
}
}  // namespace

TEST(Image, AllocatesZeroedAlignedBuffer) {
    Image img(PixelType::Int16, 1, small(5, 4, 3));
    EXPECT_EQ(img.voxelCount(), 60u);
    EXPECT_EQ(img.byteSize(), 120u);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(img.data()) % 64, 0u);
    for (auto v : img.pixels<std::int16_t>()) EXPECT_EQ(v, 0);
}

TEST(Image, LayoutIsXFastestComponentsInterleaved) {
    Image img(PixelType::UInt8, 3, small(4, 3, 2));
    EXPECT_EQ(img.offset(1, 0, 0, 0), 3u);
    EXPECT_EQ(img.offset(0, 1, 0, 0), 12u);
    EXPECT_EQ(img.offset(0, 0, 1, 2), 38u);
    img.setValue(3, 2, 1, 200, 1);
    EXPECT_EQ(img.pixels<std::uint8_t>()[img.offset(3, 2, 1, 1)], 200);
    EXPECT_EQ(img.value(3, 2, 1, 1), 200.0);
}

TEST(Image, TypedAccessChecksPixelType) {
    Image img(PixelType::Float32, 1, small(2, 2, 2));
    EXPECT_NO_THROW(img.data<float>());
    EXPECT_THROW(img.data<std::int16_t>(), InvalidArgument);
    EXPECT_THROW(img.value(2, 0, 0), InvalidArgument);
}

TEST(Image, CopiesShareCloneCopies) {
    Image a(PixelType::UInt16, 1, small(3, 3, 1));
    a.metadata().series.modality = "MR";
    Image b = a;
    EXPECT_TRUE(b.sharesBufferWith(a));
    b.setValue(1, 1, 0, 77);
    EXPECT_EQ(a.value(1, 1, 0), 77.0);
    Image c = a.clone();
    EXPECT_FALSE(c.sharesBufferWith(a));
    c.setValue(1, 1, 0, 5);
    EXPECT_EQ(a.value(1, 1, 0), 77.0);
    EXPECT_EQ(c.metadata().series.modality, "MR");
}

TEST(Image, WrapsForeignMemoryWithoutCopy) {
    auto storage = std::make_shared<std::vector<float>>(24);
    std::iota(storage->begin(), storage->end(), 0.0f);
    Image img = Image::wrap(PixelType::Float32, 1, small(2, 3, 4), storage, storage->data());
    EXPECT_EQ(img.data(), storage->data());
    EXPECT_EQ(img.value(1, 2, 3), 23.0);
    std::weak_ptr<std::vector<float>> weak = storage;
    storage.reset();
    EXPECT_FALSE(weak.expired());  // the image keeps the owner alive
    img = Image();
    EXPECT_TRUE(weak.expired());
}

TEST(Image, RejectsBadComponentsAndEmptyGeometry) {
    EXPECT_THROW(Image(PixelType::UInt8, 2, small(2, 2, 2)), InvalidArgument);
    EXPECT_THROW(Image(PixelType::UInt8, 1, small(0, 2, 2)), InvalidArgument);
}

TEST(Image, SetGeometryKeepsSize) {
    Image img(PixelType::UInt8, 1, small(2, 2, 2));
    Geometry g = img.geometry();
    g.spacing = {0.5, 0.5, 2};
    img.setGeometry(g);
    EXPECT_EQ(img.geometry().spacing[2], 2.0);
    g.size = {3, 2, 2};
    EXPECT_THROW(img.setGeometry(g), InvalidArgument);
}

TEST(Image, MinMax) {
    Image img(PixelType::Int16, 1, small(3, 1, 1));
    img.setValue(0, 0, 0, -1024);
    img.setValue(2, 0, 0, 3071);
    const auto [lo, hi] = img.minMax();
    EXPECT_EQ(lo, -1024.0);
    EXPECT_EQ(hi, 3071.0);
}

TEST(Image, DispatchPixelTypeCallsMatchingType) {
    EXPECT_EQ(dispatchPixelType(PixelType::UInt16, [](auto t) { return sizeof(t); }), 2u);
    EXPECT_EQ(dispatchPixelType(PixelType::Float32, [](auto t) { return sizeof(t); }), 4u);
    EXPECT_EQ(bytesPerComponent(PixelType::UInt8), 1u);
    EXPECT_STREQ(pixelTypeName(PixelType::Int16), "int16");
}
