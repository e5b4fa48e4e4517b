#include "kernels/NormalNoise.h"
#include "kernels/VectorClones.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dimerec {
namespace {

constexpr int64_t kPairs = 64;                      // pairs of values drawn at once
constexpr uint64_t kGamma = 0x9e3779b97f4a7c15ULL;  // SplitMix64's increment
constexpr float kUnit = 1.0f / 16777216.0f;         // 2^-24
constexpr float kTwoPi = 6.28318530717958647692f;
constexpr float kHalfSqrt = 0.707106781186547524f;
// Cephes logf: log(1 + m) ≈ m − m²/2 + m³·P(m) on m ∈ [√½ − 1, √2 − 1].
constexpr float kLog[] = {7.0376836292E-2f,  -1.1514610310E-1f, 1.1676998740E-1f,
                          -1.2420140846E-1f, 1.4249322787E-1f,  -1.6668057665E-1f,
                          2.0000714765E-1f,  -2.4999993993E-1f, 3.3333331174E-1f};
constexpr float kLn2High = 0.693359375f;
constexpr float kLn2Low = -2.12194440E-4f;
// Cephes sinf / cosf on [−π/4, π/4].
constexpr float kSin[] = {-1.9515295891E-4f, 8.3321608736E-3f, -1.6666654611E-1f};
constexpr float kCos[] = {2.443315711809948E-5f, -1.388731625493765E-3f, 4.166664568298827E-2f};

uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Natural log of x ∈ (0, 1].
float logUnit(float x) {
    uint32_t bits = 0;
    std::memcpy(&bits, &x, sizeof bits);
    float exponent = static_cast<float>(static_cast<int32_t>(bits >> 23) - 126);
    bits = (bits & 0x007fffffu) | 0x3f000000u;  // mantissa m ∈ [0.5, 1)
    float m = 0.0f;
    std::memcpy(&m, &bits, sizeof m);
    const bool low = m < kHalfSqrt;
    exponent = low ? exponent - 1.0f : exponent;
    m = low ? m + m - 1.0f : m - 1.0f;
    const float z = m * m;
    float p = kLog[0];
    for (int i = 1; i < 9; ++i) p = p * m + kLog[i];
    float y = p * m * z + kLn2Low * exponent - 0.5f * z;
    return m + y + kLn2High * exponent;
}

}  // namespace

// On x86-64 a second copy for AVX2 + FMA (VectorClones.h); this file is compiled with
// -fno-trapping-math and -fno-math-errno so that the selects and the square root vectorise.
DIMEREC_VECTOR_CLONES
void fillStandardNormal(float* values, int64_t count, uint64_t key) {
    float radius[kPairs];
    float cosine[kPairs];
    float sine[kPairs];
    for (int64_t pair = 0; 2 * pair < count; pair += kPairs) {
        // The 64-bit hashes in a loop of their own: mixed with the float arithmetic below, the
        // loop ran at half the width (1.5 against 1.05 ns a value).
        int32_t high[kPairs];
        int32_t low[kPairs];
        for (int64_t j = 0; j < kPairs; ++j) {
            const uint64_t bits = mix(key + static_cast<uint64_t>(pair + j + 1) * kGamma);
            high[j] = static_cast<int32_t>(bits >> 40);
            low[j] = static_cast<int32_t>(bits >> 8) & 0xffffff;
        }
        for (int64_t j = 0; j < kPairs; ++j) {
            // u1 ∈ (0, 1] for the log, u2 ∈ [0, 1) for the angle.
            const float u1 = 1.0f - static_cast<float>(high[j]) * kUnit;
            const float u2 = static_cast<float>(low[j]) * kUnit;
            radius[j] = std::sqrt(-2.0f * logUnit(u1));
            // 2π·u2 = quadrant·π/2 + r with r ∈ [−π/4, π/4].
            const auto quadrant = static_cast<int32_t>(4.0f * u2 + 0.5f);  // u2 ≥ 0: rounds
            const float r = (u2 - 0.25f * static_cast<float>(quadrant)) * kTwoPi;
            const float r2 = r * r;
            const float s = r + r * r2 * ((kSin[0] * r2 + kSin[1]) * r2 + kSin[2]);
            const float c = 1.0f - 0.5f * r2 + r2 * r2 * ((kCos[0] * r2 + kCos[1]) * r2 + kCos[2]);
            const int32_t q = quadrant & 3;
            // (cos, sin) of r + q·π/2.
            cosine[j] = q == 0 ? c : q == 1 ? -s : q == 2 ? -c : s;
            sine[j] = q == 0 ? s : q == 1 ? c : q == 2 ? -s : -c;
        }
        // The first kPairs values of the block take the cosines, the next kPairs the sines.
        const int64_t first = 2 * pair;
        const int64_t left = count - first;
        const int64_t cosines = std::min(kPairs, left);
        for (int64_t j = 0; j < cosines; ++j) values[first + j] = radius[j] * cosine[j];
        const int64_t sines = std::min(kPairs, left - cosines);
        for (int64_t j = 0; j < sines; ++j) values[first + kPairs + j] = radius[j] * sine[j];
    }
}

DIMEREC_WIDE_VECTOR_CLONES
void applyDropoutMask(const float* in, const float* base, int64_t count, uint64_t key,
                      int64_t first, float keep, float* out) {
    const auto threshold = static_cast<int32_t>(keep * 16777216.0f);  // u < keep ⇔ bits < this
    const float scale = keep > 0.0f ? 1.0f / keep : 0.0f;
    const uint64_t start = key + static_cast<uint64_t>(first + 1) * kGamma;
    // in · mask, not a select of in · scale or 0, and the base added in a second loop, not
    // contracted into a fused multiply-add: the same values (signed zeros included) as
    // LibTorch's product with a stored mask and its sum, as on other devices.
    for (int64_t i = 0; i < count; ++i) {
        const auto bits =
            static_cast<int32_t>(mix(start + static_cast<uint64_t>(i) * kGamma) >> 40);
        out[i] = in[i] * (bits < threshold ? scale : 0.0f);
    }
    if (base == nullptr) return;
    for (int64_t i = 0; i < count; ++i) out[i] += base[i];
}

}  // namespace dimerec
