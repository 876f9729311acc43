#pragma once
// Minimal data-parallel loop on std::thread with exception propagation.
#include <cstddef>
#include <functional>

namespace stratum::core {

// Threads to use by default: STRATUM_THREADS if set, else hardware concurrency (>= 1).
unsigned defaultThreadCount();

// Calls body(index) for every index in [begin, end) on up to `threads` threads
// (0 = defaultThreadCount()), handing out indices dynamically (one at a time), so
// uneven items balance. The first exception thrown by any body stops handing out
// new items and is rethrown in the caller after all threads finished.
void parallelFor(std::size_t begin, std::size_t end, const std::function<void(std::size_t)>& body,
                 unsigned threads = 0);

}  // namespace stratum::core
