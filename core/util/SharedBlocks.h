#pragma once

#include <cstdint>
#include <functional>

namespace dimerec {

// Blocks of one loop that threads take as they become free (dynamic scheduling), also across
// the row shards of a training step (computeGradients), which run one per thread and would
// otherwise take as long as the slower thread. On this 2-vCPU virtual machine the two cores' speeds
// differ by up to 25 % for minutes at a time, so the thread that finishes its shard first waits for
// the other; with these, it takes over blocks of the other shard's largest loop (ComiRec-SA's
// attention logits) instead. Which thread runs a block does not change what the block computes, so
// results stay reproducible when each block writes its own output.

// Runs body(b) for every b in [0, count), each thread taking the next block as it becomes
// free: outside a parallel region on LibTorch's threads (an OpenMP region of its own), inside
// one (a row shard) on this thread and on any thread inside helpWithSharedBlocks meanwhile.
// Returns when every block is done; rethrows the first exception a block threw. Blocks run
// inside a parallel region, so LibTorch's operators in them run on one thread.
void runSharedBlocks(int64_t count, const std::function<void(int64_t)>& body);

// Takes blocks of the loops other threads are running in runSharedBlocks until finished()
// returns true (checked whenever no block is left to take; the thread yields in between, and
// after a while sleeps 50 µs at a time).
void helpWithSharedBlocks(const std::function<bool()>& finished);

}  // namespace dimerec
