#pragma once
// Zero-copy sharing of pixel buffers between core::Image and ITK images.
//
//   core::Image -> ITK:  toItkImage<T>(image)      itk::Image<T, D>            (grey)
//                        toItkImage<RGBPixel<T>>   itk::Image<RGBPixel<T>, D>  (3 components)
//                        toItkVectorImage<T>       itk::VectorImage<T, D>      (any components)
//   ITK -> core::Image:  fromItkImage(itkImage)    (itk::Image of a scalar or RGBPixel)
//
// Both directions share the buffer, never copy it, and carry the geometry
// (origin, spacing, direction; ITK's physical space is LPS like ours):
// - An ITK image made from a core::Image holds the core::Image's owner() in its
//   pixel container, so the buffer stays alive as long as either side needs it.
//   Writing through the ITK image writes into the core::Image (also when the
//   core::Image was passed as const: ITK has no read-only images; writers and
//   filter inputs only read).
// - A core::Image made from an ITK image keeps the ITK image (and so its pixel
//   container) alive through core::Image::owner().
// D = 2 gives a 2D ITK image of a one-slice core::Image (for 2D file formats).
//
// Header-only; needs ITKCommon.
#include <itkImage.h>
#include <itkImportImageContainer.h>
#include <itkRGBPixel.h>
#include <itkVectorImage.h>

#include <memory>
#include <string>
#include <type_traits>

#include "stratum/core/Error.h"
#include "stratum/core/Image.h"

namespace stratum::io {

// An ITK pixel container over memory owned by someone else (a core::Image), which
// it keeps alive through a shared_ptr. ITK never frees that memory.
template <class TElement>
class SharedBufferContainer : public itk::ImportImageContainer<itk::SizeValueType, TElement> {
public:
    using Self = SharedBufferContainer;
    using Superclass = itk::ImportImageContainer<itk::SizeValueType, TElement>;
    using Pointer = itk::SmartPointer<Self>;
    using ConstPointer = itk::SmartPointer<const Self>;

    static Pointer New() {
        Pointer p = new Self;
        p->UnRegister();
        return p;
    }
    itkTypeMacro(SharedBufferContainer, ImportImageContainer);

    void share(std::shared_ptr<void> owner, TElement* data, itk::SizeValueType count) {
        owner_ = std::move(owner);
        this->SetImportPointer(data, count, false);
    }
    const std::shared_ptr<void>& owner() const noexcept { return owner_; }

protected:
    SharedBufferContainer() = default;
    ~SharedBufferContainer() override = default;

private:
    std::shared_ptr<void> owner_;
};

namespace itk_bridge_detail {

template <class TPixel>
struct PixelTraits {
    using Component = TPixel;
    static constexpr int components = 1;
};
template <class T>
struct PixelTraits<itk::RGBPixel<T>> {
    using Component = T;
    static constexpr int components = 3;
};

template <unsigned D, class TItkImage>
void setItkGeometry(TItkImage* itkImage, const core::Geometry& g) {
    typename TItkImage::RegionType region;
    typename TItkImage::SpacingType spacing;
    typename TItkImage::PointType origin;
    typename TItkImage::DirectionType direction;
    for (unsigned r = 0; r < D; ++r) {
        region.SetIndex(r, 0);
        region.SetSize(r, g.size[r]);
        spacing[r] = g.spacing[r];
        origin[r] = g.origin[r];
        for (unsigned c = 0; c < D; ++c) direction(r, c) = g.direction(static_cast<int>(r), static_cast<int>(c));
    }
    itkImage->SetRegions(region);
    itkImage->SetSpacing(spacing);
    itkImage->SetOrigin(origin);
    itkImage->SetDirection(direction);
}

template <unsigned D, class TItkImage>
core::Geometry itkGeometry(const TItkImage* itkImage) {
    const auto region = itkImage->GetLargestPossibleRegion();
    if (itkImage->GetBufferedRegion() != region)
        throw core::InvalidArgument("the ITK image holds only part of its region in memory");
    core::Geometry g;
    g.size = {1, 1, 1};
    g.spacing = {1, 1, 1};
    // The buffer starts at the region's index, which need not be 0: voxel 0 of the
    // core image is that index.
    typename TItkImage::PointType first;
    itkImage->TransformIndexToPhysicalPoint(region.GetIndex(), first);
    for (unsigned r = 0; r < D; ++r) {
        g.size[r] = region.GetSize(r);
        g.spacing[r] = itkImage->GetSpacing()[r];
        g.origin[r] = first[r];
        for (unsigned c = 0; c < D; ++c)
            g.direction(static_cast<int>(r), static_cast<int>(c)) = itkImage->GetDirection()(r, c);
    }
    return g;
}

template <unsigned D>
void checkDimension(const core::Image& image) {
    static_assert(D == 2 || D == 3, "ITK images of 2 or 3 dimensions");
    if (image.empty()) throw core::InvalidArgument("cannot share an empty image with ITK");
    if (D == 2 && image.size()[2] != 1)
        throw core::InvalidArgument("a 2D ITK image needs a one-slice image, this one has " +
                                    std::to_string(image.size()[2]) + " slices");
}

}  // namespace itk_bridge_detail

// A core::Image as an itk::Image<TPixel, D>, sharing the buffer. TPixel is the
// scalar type of a grey image (uint8_t, int16_t, uint16_t, float) or itk::RGBPixel of
// it for a 3-component image; anything else throws core::InvalidArgument.
template <class TPixel, unsigned D = 3>
typename itk::Image<TPixel, D>::Pointer toItkImage(const core::Image& image) {
    using Traits = itk_bridge_detail::PixelTraits<TPixel>;
    using Component = typename Traits::Component;
    static_assert(sizeof(TPixel) == sizeof(Component) * Traits::components, "packed pixels");
    itk_bridge_detail::checkDimension<D>(image);
    if (image.pixelType() != core::pixelTypeOf<Component>() || image.components() != Traits::components)
        throw core::InvalidArgument(std::string("the image holds ") + std::to_string(image.components()) +
                                    "-component " + core::pixelTypeName(image.pixelType()) +
                                    " pixels, not the requested ITK pixel type");
    using ItkImage = itk::Image<TPixel, D>;
    auto itkImage = ItkImage::New();
    itk_bridge_detail::setItkGeometry<D>(itkImage.GetPointer(), image.geometry());
    auto container = SharedBufferContainer<TPixel>::New();
    auto* data = static_cast<TPixel*>(const_cast<void*>(image.data()));
    container->share(image.owner(), data, image.voxelCount());
    itkImage->SetPixelContainer(container);
    return itkImage;
}

// A core::Image (any number of components) as an itk::VectorImage<T, D>, sharing the buffer.
template <class T, unsigned D = 3>
typename itk::VectorImage<T, D>::Pointer toItkVectorImage(const core::Image& image) {
    itk_bridge_detail::checkDimension<D>(image);
    if (image.pixelType() != core::pixelTypeOf<T>())
        throw core::InvalidArgument(std::string("the image holds ") + core::pixelTypeName(image.pixelType()) +
                                    " pixels, not the requested ITK component type");
    using ItkImage = itk::VectorImage<T, D>;
    auto itkImage = ItkImage::New();
    itkImage->SetVectorLength(static_cast<unsigned>(image.components()));
    itk_bridge_detail::setItkGeometry<D>(itkImage.GetPointer(), image.geometry());
    auto container = SharedBufferContainer<T>::New();
    auto* data = static_cast<T*>(const_cast<void*>(image.data()));
    container->share(image.owner(), data, image.valueCount());
    itkImage->SetPixelContainer(container);
    return itkImage;
}

// An itk::Image<TPixel, D> (scalar or RGBPixel of uint8_t/int16_t/uint16_t/float) as
// a core::Image sharing its buffer; the core::Image keeps the ITK image alive.
// Metadata is left empty. Throws core::InvalidArgument for an image without a buffer.
template <class TPixel, unsigned D>
core::Image fromItkImage(const itk::Image<TPixel, D>* itkImage) {
    using Traits = itk_bridge_detail::PixelTraits<TPixel>;
    using Component = typename Traits::Component;
    static_assert(D == 2 || D == 3, "ITK images of 2 or 3 dimensions");
    static_assert(sizeof(TPixel) == sizeof(Component) * Traits::components, "packed pixels");
    if (!itkImage || !itkImage->GetBufferPointer())
        throw core::InvalidArgument("the ITK image has no pixel buffer");
    const core::Geometry g = itk_bridge_detail::itkGeometry<D>(itkImage);
    using ConstPointer = typename itk::Image<TPixel, D>::ConstPointer;
    std::shared_ptr<void> owner = std::make_shared<ConstPointer>(itkImage);
    void* data = const_cast<TPixel*>(itkImage->GetBufferPointer());
    return core::Image::wrap(core::pixelTypeOf<Component>(), Traits::components, g, std::move(owner), data);
}

template <class TPixel, unsigned D>
core::Image fromItkImage(const itk::SmartPointer<itk::Image<TPixel, D>>& itkImage) {
    return fromItkImage<TPixel, D>(itkImage.GetPointer());
}

}  // namespace stratum::io
