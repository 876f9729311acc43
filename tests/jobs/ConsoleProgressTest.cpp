#include <gtest/gtest.h>

#include <cstdio>

#include "stratum/jobs/ConsoleProgress.h"

using stratum::jobs::ConsoleProgress;

TEST(ConsoleProgress, PrintsNothingWhenTheStreamIsNotATerminal) {
    std::FILE* file = std::tmpfile();
    ASSERT_NE(file, nullptr);
    {
        ConsoleProgress progress(file);
        EXPECT_FALSE(progress.enabled());
        progress.report(0.0, "scanning");
        progress.report(0.42, "decoding");
        progress.report(1.0, {});
        progress.clear();
    }
    EXPECT_EQ(std::ftell(file), 0L);
    std::fclose(file);
}

TEST(ConsoleProgress, WorksAsTheSinkOfATask) {
    ConsoleProgress progress(nullptr);  // no stream: disabled
    const stratum::core::Task task(&progress, stratum::core::CancelToken{});
    EXPECT_NO_THROW(task.sub(0.5, 1.0).progress(0.5, "half"));
}
