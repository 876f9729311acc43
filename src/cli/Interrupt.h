#pragma once
// Ctrl-C cancels the running job through its CancelToken, so it stops at its next
// progress check, cleans up (atomic writes leave nothing behind) and the CLI exits
// with 130. A second Ctrl-C terminates at once.
#include "stratum/core/Progress.h"

namespace stratum::cli {

class InterruptHandler {
public:
    explicit InterruptHandler(core::CancelToken token);  // installs the SIGINT handler
    ~InterruptHandler();                                 // restores the previous one
    InterruptHandler(const InterruptHandler&) = delete;
    InterruptHandler& operator=(const InterruptHandler&) = delete;

private:
    core::CancelToken token_;
};

}  // namespace stratum::cli
