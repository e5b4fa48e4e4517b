#include "util/SharedBlocks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace dimerec {
namespace {

TEST(SharedBlocks, EveryBlockRunsOnceWhileAnotherThreadHelps) {
    // Two owners (as two row shards) run loops of 2,000 blocks; each thread helps with the
    // other's loop once its own is done, until both are. Every block must run exactly once.
    constexpr int64_t kBlocks = 2000;
    std::vector<std::atomic<int>> runs(2 * kBlocks);
    std::atomic<int> finished{0};
    std::atomic<int64_t> helped{0};
    auto owner = [&](int which) {
        const std::thread::id self = std::this_thread::get_id();
        runSharedBlocks(kBlocks, [&, which, self](int64_t b) {
            runs[which * kBlocks + b].fetch_add(1);
            if (std::this_thread::get_id() != self) helped.fetch_add(1);
            volatile double work = 0;  // a few microseconds, so that the loops overlap
            for (int i = 0; i < 2000 * (which + 1); ++i) work = work + i;
        });
        finished.fetch_add(1);
        helpWithSharedBlocks([&] { return finished.load() == 2; });
    };
    std::thread other(owner, 1);
    owner(0);
    other.join();
    for (int64_t i = 0; i < 2 * kBlocks; ++i) ASSERT_EQ(runs[i].load(), 1) << "block " << i;
    // Loop 1's blocks take twice as long, so thread 0 finishes first and takes some of them
    // (not asserted: a scheduler may run one thread to the end before the other starts).
    RecordProperty("helped", static_cast<int>(helped.load()));  // blocks the other thread ran
}

TEST(SharedBlocks, AnExceptionReachesTheOwnerAfterEveryTakenBlockIsDone) {
    std::atomic<int> done{0};
    EXPECT_THROW(runSharedBlocks(50,
                                 [&](int64_t b) {
                                     if (b == 7) throw std::runtime_error("block 7");
                                     done.fetch_add(1);
                                 }),
                 std::runtime_error);
    EXPECT_EQ(done.load(), 49);  // the other blocks still ran
    // Nothing is left registered: a helper with nothing to do returns at once.
    helpWithSharedBlocks([] { return true; });
}

}  // namespace
}  // namespace dimerec
