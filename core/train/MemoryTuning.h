#pragma once

namespace dimerec {

// Makes freed tensor memory get reused instead of fresh pages faulting in on first touch (16 µs
// a page on this virtual machine). A training step allocates and frees tens of megabytes of
// activations, a full ranking hundreds. Two parts: glibc keeps large freed blocks in the heap
// instead of returning them to the system (by default each is a fresh mmap: ComiRec-SA, batch
// 128, one thread: 113 ms → 20 ms per step), and LibTorch's CPU tensors take their memory from
// malloc instead of posix_memalign, whose blocks glibc does not hand out again for a request of
// the same size (a [4,096 × 3,706] product: 137 ms → 27 ms). Process-wide and idempotent; call
// it first thing; the heap part is a no-op on other C libraries.
void retainLargeAllocations();

}  // namespace dimerec
