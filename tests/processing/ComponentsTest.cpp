// Connected components against ITK's ConnectedComponent + RelabelComponent filters.
#include <itkConnectedComponentImageFilter.h>
#include <itkRelabelComponentImageFilter.h>

#include "Support.h"
#include "stratum/processing/Components.h"

using namespace stratum;
using namespace stratum::test;

namespace {

template <unsigned D>
core::Image itkLabels(const core::Image& mask, bool full) {
    using In = itk::Image<std::uint8_t, D>;
    using Out = itk::Image<std::uint16_t, D>;
    auto cc = itk::ConnectedComponentImageFilter<In, Out>::New();
    cc->SetInput(io::toItkImage<std::uint8_t, D>(mask));
    cc->SetFullyConnected(full);
    auto relabel = itk::RelabelComponentImageFilter<Out, Out>::New();
    relabel->SetInput(cc->GetOutput());
    relabel->Update();
    typename Out::Pointer out = relabel->GetOutput();
    out->DisconnectPipeline();
    const core::Image result = io::fromItkImage<std::uint16_t, D>(out);
    core::Image shaped(core::PixelType::UInt16, 1, mask.geometry(),
                       core::Image::Init::Uninitialized);
    std::memcpy(shaped.data(), result.data(), result.byteSize());
    return shaped;
}

}  // namespace

TEST(Components, LabelsMatchItk) {
    unsigned seed = 1;
    for (bool full : {false, true})
        for (const core::Size3& size : {core::Size3{80, 61, 1}, core::Size3{40, 33, 21}}) {
            // Sparse blobs: many components of different sizes.
            const core::Image mask = blobMask(core::PixelType::UInt8, size, seed++, 1, 0, 0.3);
            const processing::ComponentLabels ours = processing::connectedComponents(mask, 1, full);
            const core::Image theirs =
                size[2] == 1 ? itkLabels<2>(mask, full) : itkLabels<3>(mask, full);
            STRATUM_EXPECT_SAME_IMAGE(ours.labels, theirs,
                                      std::string("components ") + (full ? "full" : "face"));
            EXPECT_GT(ours.sizes.size(), 3u);
            EXPECT_TRUE(std::is_sorted(ours.sizes.rbegin(), ours.sizes.rend()));
        }
}

TEST(Components, KnownAnswer) {
    // Two diagonal voxels: two components face-connected, one fully connected.
    core::Image img(core::PixelType::UInt8, 1, gridOf(4, 4, 1));
    img.setValue(0, 0, 0, 1);
    img.setValue(1, 1, 0, 1);
    img.setValue(3, 3, 0, 1);
    img.setValue(3, 2, 0, 1);
    EXPECT_EQ(processing::connectedComponents(img, 1, false).sizes,
              (std::vector<std::size_t>{2, 1, 1}));
    const auto full = processing::connectedComponents(img, 1, true);
    EXPECT_EQ(full.sizes, (std::vector<std::size_t>{2, 2}));
    // Ties: the component met first in scan order is label 1.
    EXPECT_EQ(full.labels.value(0, 0, 0), 1.0);
    EXPECT_EQ(full.labels.value(3, 3, 0), 2.0);

    const core::Image largest = processing::keepLargestComponent(img, 1, 0, false);
    EXPECT_EQ(largest.value(3, 3, 0), 1.0);
    EXPECT_EQ(largest.value(0, 0, 0), 0.0);
    const core::Image noIslands = processing::removeSmallComponents(img, 2, 1, 0, false);
    EXPECT_EQ(noIslands.value(3, 2, 0), 1.0);
    EXPECT_EQ(noIslands.value(1, 1, 0), 0.0);
}

TEST(Components, KeepLargestAndRemoveIslandsAgreeWithLabels) {
    const core::Image mask = blobMask(core::PixelType::Int16, {50, 40, 12}, 9, 7, 3, 0.3);
    const auto labels = processing::connectedComponents(mask, 7, false);
    const core::Image largest = processing::keepLargestComponent(mask, 7, 0, false);
    const core::Image kept = processing::removeSmallComponents(mask, 20, 7, 0, false);
    std::size_t inLargest = 0, inKept = 0, expectKept = 0;
    for (std::size_t i = 0; i < mask.voxelCount(); ++i) {
        const auto l = labels.labels.data<std::uint16_t>()[i];
        const auto v = mask.data<std::int16_t>()[i];
        EXPECT_EQ(largest.data<std::int16_t>()[i], l == 1 ? 7 : (v == 7 ? 0 : v));
        inLargest += largest.data<std::int16_t>()[i] == 7;
        inKept += kept.data<std::int16_t>()[i] == 7;
        expectKept += l > 0 && labels.sizes[l - 1] >= 20;
    }
    EXPECT_EQ(inLargest, labels.sizes[0]);
    EXPECT_EQ(inKept, expectKept);
}

TEST(Components, CancelAndBadArguments) {
    const core::Image mask = blobMask(core::PixelType::UInt8, {30, 30, 10}, 3, 1, 0);
    core::CancelToken token;
    token.cancel();
    EXPECT_THROW(processing::connectedComponents(mask, 1, false, core::Task(token)),
                 core::Cancelled);
    EXPECT_THROW(processing::connectedComponents(mask, 256), core::InvalidArgument);
    EXPECT_THROW(processing::keepLargestComponent(core::Image{}), core::InvalidArgument);
}
