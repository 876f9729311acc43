#include "Interrupt.h"

#include <atomic>
#include <csignal>

namespace stratum::cli {
namespace {

// The token the handler cancels. Lock-free atomics are safe in signal handlers, and
// CancelToken::cancel() is a relaxed store to one.
std::atomic<core::CancelToken*> activeToken{nullptr};
struct sigaction previousAction {};

void onInterrupt(int) {
    if (core::CancelToken* token = activeToken.load()) token->cancel();
}

}  // namespace

InterruptHandler::InterruptHandler(core::CancelToken token) : token_(std::move(token)) {
    activeToken.store(&token_);
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;  // the next Ctrl-C gets the default action: terminate
    sigaction(SIGINT, &action, &previousAction);
}

InterruptHandler::~InterruptHandler() {
    sigaction(SIGINT, &previousAction, nullptr);
    activeToken.store(nullptr);
}

}  // namespace stratum::cli
