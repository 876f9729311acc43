// Device names and the run-time choice.
#include <gtest/gtest.h>

#include "stratum/ai/Device.h"
#include "stratum/core/Error.h"

using namespace stratum;

TEST(Device, ParsesNamesAndRejectsUnknownOnes) {
    EXPECT_EQ(ai::resolveDevice("cpu"), ai::Device::cpu());
    EXPECT_EQ(ai::resolveDevice("auto"), ai::cudaAvailable() ? ai::Device::cuda(0) : ai::Device::cpu());
    EXPECT_EQ(ai::Device::cuda(1).name(), "cuda:1");
    EXPECT_THROW(ai::resolveDevice("gpu"), core::InvalidArgument);
    EXPECT_THROW(ai::resolveDevice("cuda:x"), core::InvalidArgument);
    EXPECT_THROW(ai::resolveDevice("cuda:-1"), core::InvalidArgument);
    EXPECT_THROW(ai::resolveDevice("cuda:99"), core::InvalidArgument);
}

TEST(Device, CudaRequestWithoutCudaSaysSo) {
    if (ai::cudaAvailable()) GTEST_SKIP() << "a CUDA device is present";
    try {
        ai::resolveDevice("cuda");
        FAIL();
    } catch (const core::InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("no CUDA device"), std::string::npos) << e.what();
    }
}

TEST(Device, ThreadCountIsSetExplicitly) {
    ai::setThreadCount(2);
    EXPECT_EQ(ai::threadCount(), 2u);
    ai::setThreadCount(1);
    EXPECT_EQ(ai::threadCount(), 1u);
    ai::setThreadCount(0);
    EXPECT_GE(ai::threadCount(), 1u);
}
