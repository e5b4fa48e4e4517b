#include "train/MemoryTuning.h"

#include <c10/core/CPUAllocator.h>
#include <c10/util/Exception.h>

#include <cstdint>
#include <cstdlib>  // defines __GLIBC__ on glibc systems
#include <cstring>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace dimerec {
namespace {

// LibTorch's CPU tensors with their memory from malloc instead of posix_memalign. glibc's
// memalign cuts the alignment padding off the front and back of a freed block, so the next
// request of the same size no longer fits into it and takes fresh memory, whose pages fault in
// again (16 µs a page on this virtual machine): a [4,096 × 3,706] product took 137 ms, of which
// 110 ms were page faults, against 27 ms with this allocator. malloc's blocks are reused
// whole; the alignment is made by hand, the block's start is kept in front of the data.
class MallocCpuAllocator final : public c10::Allocator {
public:
    // LibTorch 1.13 declares allocate const and has no copy_data; current releases declare
    // allocate non-const and copy_data pure virtual. Each spelling overrides the base class's
    // where it has one (no `override`, so that both build).
    c10::DataPtr allocate(size_t bytes) const { return allocateAligned(bytes); }
    c10::DataPtr allocate(size_t bytes) { return allocateAligned(bytes); }
    void copy_data(void* destination, const void* source, std::size_t bytes) const {
        std::memcpy(destination, source, bytes);
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release; }

private:
    static constexpr uintptr_t kAlignment = 64;  // LibTorch's own CPU alignment (AVX-512)

    static c10::DataPtr allocateAligned(size_t bytes) {
        const c10::Device cpu(c10::DeviceType::CPU);
        if (bytes == 0) return {nullptr, nullptr, &release, cpu};
        void* block = std::malloc(bytes + kAlignment + sizeof(void*));
        TORCH_CHECK(block != nullptr, "CPU allocator: not enough memory: you tried to allocate ",
                    bytes, " bytes.");
        const uintptr_t start = reinterpret_cast<uintptr_t>(block) + sizeof(void*);
        void* data = reinterpret_cast<void*>((start + kAlignment - 1) & ~(kAlignment - 1));
        static_cast<void**>(data)[-1] = block;
        return {data, data, &release, cpu};
    }

    static void release(void* data) {
        if (data != nullptr) std::free(static_cast<void**>(data)[-1]);
    }
};

}  // namespace

void retainLargeAllocations() {
    // Once per process: LibTorch's allocator registry is not meant to change while other
    // threads allocate, so later calls (each training run, each command) leave it alone.
    static std::once_flag once;
    std::call_once(once, [] {
        static MallocCpuAllocator allocator;
        // Above LibTorch's default CPU allocator (priority 0). Tensors allocated before keep their
        // own deleter.
        constexpr uint8_t kPriority = 1;
        c10::SetCPUAllocator(&allocator, kPriority);
#if defined(__GLIBC__)
        // Blocks below 1 GiB come from the heap. (32 MiB, glibc's own ceiling for its dynamic
        // threshold, measured no better than the default here: 25 + 88 ms vs 10 + 10 ms for the
        // forward + backward pass of ComiRec-SA at batch 128.)
        constexpr int kMmapThreshold = 1 << 30;
        constexpr int kTrimThreshold = 1 << 30;  // keep up to 1 GiB of free heap for reuse
        mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
        mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
        // Each thread keeps its own malloc arena (glibc's default). One arena for all threads
        // (M_ARENA_MAX = 1) helped while LibTorch's memalign blocks were not reused; with the
        // allocator above it only makes the two row shards of a training step wait for each
        // other's mallocs: the 2-thread DimeRec step took 22.3–22.5 ms with one arena and
        // 20.6–20.8 ms with several, full ranking 500–506 ms and 456–470 ms (interleaved runs,
        // same minutes).
#endif
    });
}

}  // namespace dimerec
