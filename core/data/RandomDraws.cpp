#include "data/RandomDraws.h"

#include <limits>

namespace dimerec {
namespace {
uint64_t splitMix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}
}  // namespace

uint64_t uniformBelow(std::mt19937_64& engine, uint64_t bound) {
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    const uint64_t limit = max - (max % bound + 1) % bound;
    uint64_t value = engine();
    while (value > limit) value = engine();
    return value % bound;
}

double uniformUnit(std::mt19937_64& engine) {
    return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

uint64_t mixSeed(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    uint64_t h = splitMix(a);
    h = splitMix(h ^ b);
    h = splitMix(h ^ c);
    return splitMix(h ^ d);
}

}  // namespace dimerec
