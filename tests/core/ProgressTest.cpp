#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "stratum/core/Error.h"
#include "stratum/core/Progress.h"

using namespace stratum::core;

TEST(Progress, SubTasksMapOntoParentRange) {
    RecordingProgressSink sink;
    Task task(&sink, CancelToken{});
    Task second = task.sub(0.5, 1.0);
    Task quarter = second.sub(0.5, 1.0);  // [0.75, 1.0] of the whole
    quarter.progress(0.0, "step");
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 0.75);
    EXPECT_EQ(sink.lastMessage(), "step");
    quarter.progress(1.0);
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 1.0);
}

TEST(Progress, CancelThrowsCancelledEverywhere) {
    CancelToken token;
    Task task(token);
    Task sub = task.sub(0.2, 0.4);
    EXPECT_NO_THROW(sub.progress(0.5));
    token.cancel();
    EXPECT_TRUE(sub.isCancelled());
    EXPECT_THROW(sub.progress(0.6), Cancelled);
    EXPECT_THROW(task.checkCancel(), Cancelled);
}

TEST(Progress, ThrottlesTinySteps) {
    RecordingProgressSink sink;
    Task task(&sink, CancelToken{});
    for (int i = 0; i <= 100000; ++i) task.progress(i / 100000.0);
    EXPECT_LE(sink.reportCount(), 205);
    EXPECT_GE(sink.reportCount(), 150);
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 1.0);
}

TEST(Progress, CounterCountsFromManyThreads) {
    RecordingProgressSink sink;
    Task task(&sink, CancelToken{});
    ProgressCounter counter(task, 4000, "decoding");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) counter.advance();
        });
    for (auto& t : threads) t.join();
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 1.0);
    EXPECT_EQ(sink.lastMessage(), "decoding");
}

TEST(Progress, CounterBuiltFromATemporarySubTask) {
    RecordingProgressSink sink;
    Task task(&sink, CancelToken{});
    ProgressCounter counter(task.sub(0.5, 1.0), 10);  // the sub-task is a temporary
    for (int i = 0; i < 10; ++i) counter.advance();
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 1.0);
    ProgressCounter half(task.sub(0.0, 0.5), 4);
    half.advance(2);
    EXPECT_DOUBLE_EQ(sink.lastFraction(), 0.25);
}
