#include "stratum/core/Parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace stratum::core {

unsigned defaultThreadCount() {
    if (const char* env = std::getenv("STRATUM_THREADS")) {
        const int n = std::atoi(env);
        if (n > 0) return static_cast<unsigned>(n);
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

void parallelFor(std::size_t begin, std::size_t end, const std::function<void(std::size_t)>& body,
                 unsigned threads) {
    if (end <= begin) return;
    const std::size_t count = end - begin;
    if (threads == 0) threads = defaultThreadCount();
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, count));
    if (threads <= 1) {
        for (std::size_t i = begin; i < end; ++i) body(i);
        return;
    }
    std::atomic<std::size_t> next{begin};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto worker = [&] {
        for (;;) {
            if (failed.load(std::memory_order_relaxed)) return;
            const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
            if (i >= end) return;
            try {
                body(i);
            } catch (...) {
                std::lock_guard lock(errorMutex);
                if (!error) error = std::current_exception();
                failed.store(true, std::memory_order_relaxed);
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace stratum::core
