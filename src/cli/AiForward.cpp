// The ai commands as `stratum` runs them: it replaces itself (exec) with the
// `stratum-ai` binary beside it, which has the same dispatcher and the real commands.
// Only that binary links LibTorch, whose libraries take about 0.7 s to load and
// initialise: `stratum info`, `convert`, `mesh`... start without that cost.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "Commands.h"
#include "stratum/core/Error.h"

namespace stratum::cli {
namespace {

std::filesystem::path aiBinary() {
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) throw core::Error("cannot find the stratum-ai program: /proc/self/exe: " + ec.message());
    return self.parent_path() / "stratum-ai";
}

std::vector<char*> argvOf(std::vector<std::string>& words) {
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    return argv;
}

// Replaces this process with `stratum-ai COMMAND ARGS...` (same pid, so Ctrl-C, exit
// status and output behave as if the command ran here). Returns only on failure.
int execAi(const char* command, std::span<const std::string> args, const CommandContext& context) {
    const std::filesystem::path binary = aiBinary();
    std::vector<std::string> words{binary.string(), command};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv = argvOf(words);
    context.progress.clear();
    std::cout.flush();
    std::cerr.flush();
    ::execv(binary.c_str(), argv.data());
    throw core::Error("cannot run " + binary.string() + ": " + std::strerror(errno));
}

// `stratum-ai COMMAND --help`'s output (for `stratum help COMMAND`).
std::string aiUsage(const char* command) {
    const std::filesystem::path binary = aiBinary();
    int fds[2];
    if (::pipe(fds) != 0) return std::string("usage: stratum ") + command + " ... (see stratum-ai)\n";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        std::vector<std::string> words{binary.string(), command, "--help"};
        std::vector<char*> argv = argvOf(words);
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; pid > 0 && (n = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    if (pid > 0) ::waitpid(pid, &status, 0);
    if (text.empty()) text = std::string("usage: stratum ") + command + " ... (" + binary.string() + " is missing)\n";
    return text;
}

}  // namespace

int runClassify(std::span<const std::string> args, const CommandContext& context) {
    return execAi("classify", args, context);
}
std::string classifyUsage() { return aiUsage("classify"); }

int runEvaluate(std::span<const std::string> args, const CommandContext& context) {
    return execAi("evaluate", args, context);
}
std::string evaluateUsage() { return aiUsage("evaluate"); }

int runTrainClassifier(std::span<const std::string> args, const CommandContext& context) {
    return execAi("train-classifier", args, context);
}
std::string trainClassifierUsage() { return aiUsage("train-classifier"); }

int runSegment(std::span<const std::string> args, const CommandContext& context) {
    return execAi("segment", args, context);
}
std::string segmentUsage() { return aiUsage("segment"); }

int runMakePhantoms(std::span<const std::string> args, const CommandContext& context) {
    return execAi("make-phantoms", args, context);
}
std::string makePhantomsUsage() { return aiUsage("make-phantoms"); }
int runTrainSegmenter(std::span<const std::string> args, const CommandContext& context) {
    return execAi("train-segmenter", args, context);
}
std::string trainSegmenterUsage() { return aiUsage("train-segmenter"); }
int runEvaluateSegmentation(std::span<const std::string> args, const CommandContext& context) {
    return execAi("evaluate-segmentation", args, context);
}
std::string evaluateSegmentationUsage() { return aiUsage("evaluate-segmentation"); }

}  // namespace stratum::cli
