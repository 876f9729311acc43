// stratum: the command-line tool. Parses arguments, runs jobs, prints, maps errors
// to exit codes (see Dispatch.cpp); the work itself lives in stratum::jobs.
#include <string>
#include <vector>

#include "Commands.h"
#include "Interrupt.h"
#include "stratum/jobs/ConsoleProgress.h"

int main(int argc, char** argv) {
    using namespace stratum;
    const std::vector<std::string> args(argv + 1, argv + argc);
    jobs::ConsoleProgress progress(stderr);
    core::CancelToken cancel;
    const cli::InterruptHandler interrupt(cancel);
    const core::Task task(&progress, cancel);
    return cli::runMain(args, cli::CommandContext{task, progress});
}
