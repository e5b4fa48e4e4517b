#include "train/MemoryTuning.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdint>

namespace dimerec {
namespace {

long minorFaults() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

TEST(MemoryTuning, CpuTensorsReuseFreedMemoryAndStayAligned) {
    // A tensor from LibTorch's own allocator, freed after the switch: each keeps its deleter.
    torch::Tensor before = torch::ones({1000});
    retainLargeAllocations();
    before = torch::Tensor();
    for (int64_t elements : {1, 3, 1000, 1 << 20}) {
        const torch::Tensor t = torch::empty({elements});
        EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data_ptr()) % 64, 0u) << elements;
    }
    EXPECT_EQ(torch::empty({0}).numel(), 0);
    // The block of a freed 60 MB tensor is taken again by the next tensor of that size, so
    // filling it faults (almost) no page in: 14,824 pages of 4 KiB would fault with fresh
    // memory (LibTorch's posix_memalign blocks did, every time).
    constexpr int64_t kElements = 4096LL * 3706;
    torch::empty({kElements}).fill_(1.0f);
    const long faults = minorFaults();
    torch::empty({kElements}).fill_(2.0f);
    EXPECT_LT(minorFaults() - faults, 500);
}

}  // namespace
}  // namespace dimerec
