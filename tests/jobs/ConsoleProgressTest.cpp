#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

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

namespace {

std::string contentOf(std::FILE* file) {
    std::string text;
    std::rewind(file);
    char buffer[256];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
    return text;
}

}  // namespace

TEST(ConsoleProgress, JsonLinesWriteOneObjectPerChangeAndEvents) {
    std::FILE* file = std::tmpfile();
    ASSERT_NE(file, nullptr);
    {
        ConsoleProgress progress(file, ConsoleProgress::Format::JsonLines);
        EXPECT_TRUE(progress.enabled());  // even though a file is not a terminal
        EXPECT_TRUE(progress.jsonLines());
        progress.report(0.0, "reading \"a.png\"");
        progress.report(0.0004, {});  // same permille, same message: nothing
        progress.report(0.425, {});   // the message stays
        progress.event(R"({"event":"epoch","epoch":1})");
        progress.report(2.0, "done");  // clamped
        progress.clear();              // nothing to erase in this mode
    }
    EXPECT_EQ(contentOf(file),
              "{\"progress\":0.0,\"message\":\"reading \\\"a.png\\\"\"}\n"
              "{\"progress\":0.425,\"message\":\"reading \\\"a.png\\\"\"}\n"
              "{\"event\":\"epoch\",\"epoch\":1}\n"
              "{\"progress\":1.0,\"message\":\"done\"}\n");
    std::fclose(file);
}

TEST(ConsoleProgress, EventsAreDroppedOnATerminalStreamOrWithoutOne) {
    std::FILE* file = std::tmpfile();
    ASSERT_NE(file, nullptr);
    {
        ConsoleProgress progress(file, ConsoleProgress::Format::Terminal);
        progress.event(R"({"event":"epoch"})");
    }
    EXPECT_EQ(std::ftell(file), 0L);
    std::fclose(file);
    ConsoleProgress none(nullptr, ConsoleProgress::Format::JsonLines);
    EXPECT_FALSE(none.enabled());
    EXPECT_NO_THROW(none.event("{}"));
}

TEST(ConsoleProgress, FormatFromTheEnvironment) {
    ::setenv("STRATUM_PROGRESS", "jsonl", 1);
    EXPECT_EQ(ConsoleProgress::formatFromEnvironment(), ConsoleProgress::Format::JsonLines);
    ::setenv("STRATUM_PROGRESS", "tty", 1);
    EXPECT_EQ(ConsoleProgress::formatFromEnvironment(), ConsoleProgress::Format::Terminal);
    ::unsetenv("STRATUM_PROGRESS");
    EXPECT_EQ(ConsoleProgress::formatFromEnvironment(), ConsoleProgress::Format::Terminal);
}
