#pragma once

#include <cstdint>

namespace dimerec {

// Fills values[0..count) with independent standard normal draws that are a function of `key`
// alone. Uniforms come from the SplitMix64 stream started at `key` (Steele, Lea & Flood 2014;
// counter-based, so a block of them is computed at once), two 24-bit uniforms per 64-bit
// output, as LibTorch's uniform floats; each pair becomes two normals by the Box–Muller
// transform, with Cephes' single-precision log, sin and cos polynomials (within a few units in
// the last place). Like torch::randn on floats, the largest magnitude is √(2·ln 2^24) ≈ 5.77.
// Branch-free, so the loop vectorises: 6.5 M values in 7 ms, against 20 ms for torch::randn
// with a generator (which calls mt19937 once per value), docs/performance.md.
void fillStandardNormal(float* values, int64_t count, uint64_t key);

// Inverted dropout of in[0..count) with a mask that is a function of `key` and the entries'
// indices alone: out[i] = base[i] + in[i] · mask(first + i) (base may be nullptr: 0), where
// mask(k) is 1/keep if the k-th 24-bit uniform of the SplitMix64 stream started at `key` is
// below keep, else 0. So a tensor's mask can be applied in chunks, on any thread, and applied
// again in backward without being stored. A vector loop: LibTorch's bernoulli_ with a
// generator calls mt19937 once per value, and the dropout masks took a fifth of a SASRec
// training step (docs/performance.md). in and out may be the same array.
void applyDropoutMask(const float* in, const float* base, int64_t count, uint64_t key,
                      int64_t first, float keep, float* out);

}  // namespace dimerec
