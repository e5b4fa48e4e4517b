#pragma once

#include <cstdint>
#include <random>

namespace dimerec {

// Draws built directly on std::mt19937_64 output. The standard distributions are
// implementation-defined, so splits and batches would differ between standard libraries;
// these do not.

// Uniform integer in [0, bound); bound must be > 0. Rejection sampling, no modulo bias.
uint64_t uniformBelow(std::mt19937_64& engine, uint64_t bound);

// Uniform double in [0, 1) from the top 53 bits of one draw.
double uniformUnit(std::mt19937_64& engine);

// Fisher-Yates shuffle with uniformBelow, identical on every platform.
template <typename T>
void shuffleInPlace(T& values, std::mt19937_64& engine) {
    for (size_t i = values.size(); i > 1; --i) {
        const auto j = static_cast<size_t>(uniformBelow(engine, i));
        std::swap(values[i - 1], values[j]);
    }
}

// Mixes several 64-bit values into one well-spread seed (SplitMix64 finaliser chain), so
// that (seed, epoch, batch) triples give independent streams.
uint64_t mixSeed(uint64_t a, uint64_t b, uint64_t c = 0, uint64_t d = 0);

}  // namespace dimerec
