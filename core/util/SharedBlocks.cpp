#include "util/SharedBlocks.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <list>
#include <mutex>
#include <omp.h>
#include <thread>

namespace dimerec {
namespace {

struct Loop {
    const std::function<void(int64_t)>* body = nullptr;
    int64_t count = 0;
    int64_t next = 0;  // the next block to hand out (under the registry's lock)
    std::atomic<int64_t> done{0};
    std::exception_ptr error;  // the first exception (under the registry's lock)
};

// The loops running now. Blocks are handed out under this lock, and a loop leaves the list
// under it, so once its owner has taken it out no thread can take a block of it.
std::mutex registryLock;
std::list<Loop*> loops;

// Hands out the next block of `loop`, or false if none is left.
bool claim(Loop& loop, int64_t& block) {
    if (loop.next >= loop.count) return false;
    block = loop.next++;
    return true;
}

void run(Loop& loop, int64_t block) {
    try {
        (*loop.body)(block);
    } catch (...) {
        const std::lock_guard<std::mutex> lock(registryLock);
        if (!loop.error) loop.error = std::current_exception();
    }
    loop.done.fetch_add(1, std::memory_order_release);
}

}  // namespace

void runSharedBlocks(int64_t count, const std::function<void(int64_t)>& body) {
    Loop loop;
    loop.body = &body;
    loop.count = count;
    std::list<Loop*>::iterator entry;
    {
        const std::lock_guard<std::mutex> lock(registryLock);
        entry = loops.insert(loops.end(), &loop);
    }
    auto work = [&loop] {
        for (;;) {
            int64_t block = 0;
            {
                const std::lock_guard<std::mutex> lock(registryLock);
                if (!claim(loop, block)) return;
            }
            run(loop, block);
        }
    };
    const int threads = omp_get_max_threads();  // LibTorch's thread count (at::set_num_threads)
    if (!omp_in_parallel() && threads > 1 && count > 1) {
#pragma omp parallel num_threads(static_cast <int>(std::min <int64_t>(threads, count)))
        work();
    } else {
        work();
    }
    int64_t claimed = 0;
    {
        const std::lock_guard<std::mutex> lock(registryLock);
        loops.erase(entry);
        claimed = loop.next;
    }
    // Blocks taken by threads of other loops may still be running.
    while (loop.done.load(std::memory_order_acquire) < claimed) std::this_thread::yield();
    if (loop.error) std::rethrow_exception(loop.error);
}

void helpWithSharedBlocks(const std::function<bool()>& finished) {
    // Nothing to take: yield for about the length of a block, then sleep in short naps, so that
    // a long wait (another thread's last evaluation batch, 0.1 s) does not keep a core busy.
    constexpr int kYieldsBeforeNaps = 256;
    constexpr std::chrono::microseconds kNap(50);
    int idle = 0;
    for (;;) {
        Loop* loop = nullptr;
        int64_t block = 0;
        {
            const std::lock_guard<std::mutex> lock(registryLock);
            for (Loop* candidate : loops) {
                if (claim(*candidate, block)) {
                    loop = candidate;
                    break;
                }
            }
        }
        if (loop != nullptr) {
            run(*loop, block);  // the owner waits for this block before it returns
            idle = 0;
        } else if (finished()) {
            return;
        } else if (++idle < kYieldsBeforeNaps) {
            std::this_thread::yield();
        } else {
            std::this_thread::sleep_for(kNap);
        }
    }
}

}  // namespace dimerec
