#pragma once
// Runs a program with arguments (no shell), capturing stdout, stderr and the exit status.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace stratum::test {

struct ProcessResult {
    int exitCode = -1;  // the exit status, or 128 + signal when killed by a signal
    std::string out;
    std::string err;
    std::vector<std::string> errLines() const;
};

// Starts `program args...` with stdin from /dev/null and stdout/stderr into the given files.
pid_t startProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
                   const std::filesystem::path& outFile, const std::filesystem::path& errFile);
// Waits for `pid`; returns the exit status (128 + signal when killed).
int waitProcess(pid_t pid);

ProcessResult runProcess(const std::filesystem::path& program, const std::vector<std::string>& args);

}  // namespace stratum::test
