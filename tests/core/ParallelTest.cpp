#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "stratum/core/Parallel.h"

using namespace stratum::core;

TEST(Parallel, VisitsEveryIndexOnce) {
    std::vector<std::atomic<int>> hits(1000);
    parallelFor(0, hits.size(), [&](std::size_t i) { hits[i]++; }, 4);
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(Parallel, EmptyRangeDoesNothing) {
    int calls = 0;
    parallelFor(5, 5, [&](std::size_t) { ++calls; });
    EXPECT_EQ(calls, 0);
}

TEST(Parallel, RethrowsFirstExceptionAndStops) {
    // Each other item takes 50 us, so 100,000 would take seconds on one thread: the
    // others must stop soon after the throw. (With instant items, the second thread
    // could finish all of them while the first was still unwinding, as it did under
    // AddressSanitizer on a loaded machine.)
    std::atomic<int> calls{0};
    EXPECT_THROW(parallelFor(0, 100000,
                             [&](std::size_t i) {
                                 ++calls;
                                 if (i == 10) throw std::runtime_error("boom");
                                 std::this_thread::sleep_for(std::chrono::microseconds(50));
                             },
                             2),
                 std::runtime_error);
    EXPECT_LT(calls.load(), 1000);
}
