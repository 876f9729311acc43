// Built-in architectures: the reference networks' published parameter counts.
#include <gtest/gtest.h>

#include "stratum/ai/Architecture.h"
#include "stratum/core/Error.h"

using namespace stratum;

TEST(Architecture, ResNet18HasTorchvisionsParameterCount) {
    // torchvision.models.resnet18(): 11,689,512 parameters (3 channels, 1000 classes).
    EXPECT_EQ(ai::parameterCount(ai::ArchitectureSpec::resnet18(3, 1000)), 11689512);
}

TEST(Architecture, DenseNet121HasTorchvisionsParameterCount) {
    // torchvision.models.densenet121(): 7,978,856 parameters.
    EXPECT_EQ(ai::parameterCount(ai::ArchitectureSpec::densenet121(3, 1000)), 7978856);
}

TEST(Architecture, NarrowResNetScalesWithWidthSquared) {
    // Convolutions scale with width^2: width 16 has about 1/16 of ResNet-18's.
    const auto full = ai::parameterCount(ai::ArchitectureSpec::resnet18(1, 2, 64));
    const auto narrow = ai::parameterCount(ai::ArchitectureSpec::resnet18(1, 2, 16));
    EXPECT_NEAR(static_cast<double>(narrow) / static_cast<double>(full), 1.0 / 16.0, 0.002);
}

TEST(Architecture, TargetsAndValidation) {
    EXPECT_EQ(ai::ArchitectureSpec::resnet18(1, 2).gradCamTarget(), "layer4");
    EXPECT_EQ(ai::ArchitectureSpec::densenet121(1, 2).gradCamTarget(), "features");
    EXPECT_EQ(ai::ArchitectureSpec::simpleCnn(1, 2, 8, {1, 2}).gradCamTarget(), "stage2");
    ai::ArchitectureSpec bad = ai::ArchitectureSpec::resnet18(1, 2);
    bad.name = "vgg";
    EXPECT_THROW(bad.validate(), core::InvalidArgument);
    bad = ai::ArchitectureSpec::resnet18(1, 2);
    bad.blocks.clear();
    EXPECT_THROW(ai::parameterCount(bad), core::InvalidArgument);
    EXPECT_EQ(ai::ArchitectureSpec::resnet18(1, 2, 16).describe(), "resnet (blocks 2,2,2,2, width 16, 1 -> 2)");
}
