#include "model/FastTanh.h"

namespace dimerec {
namespace {

constexpr float kClamp = 7.90531110763549805f;
// Numerator (odd powers 1 … 13) and denominator (even powers 0 … 6), from Eigen.
constexpr float kAlpha1 = 4.89352455891786e-03f;
constexpr float kAlpha3 = 6.37261928875436e-04f;
constexpr float kAlpha5 = 1.48572235717979e-05f;
constexpr float kAlpha7 = 5.12229709037114e-08f;
constexpr float kAlpha9 = -8.60467152213735e-11f;
constexpr float kAlpha11 = 2.00018790482477e-13f;
constexpr float kAlpha13 = -2.76076847742355e-16f;
constexpr float kBeta0 = 4.89352518554385e-03f;
constexpr float kBeta2 = 2.26843463243900e-03f;
constexpr float kBeta4 = 1.18534705686654e-04f;
constexpr float kBeta6 = 1.19825839466702e-06f;

}  // namespace

// The loop vectorises (this file is compiled with -fno-trapping-math so that the clamp's
// branches become selects); on x86-64 a second copy for AVX2 + FMA is chosen at load time.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
void tanhInPlace(float* values, int64_t count) {
    for (int64_t i = 0; i < count; ++i) {
        float x = values[i];
        x = x < -kClamp ? -kClamp : x;
        x = x > kClamp ? kClamp : x;
        const float x2 = x * x;
        float p = kAlpha13;
        p = p * x2 + kAlpha11;
        p = p * x2 + kAlpha9;
        p = p * x2 + kAlpha7;
        p = p * x2 + kAlpha5;
        p = p * x2 + kAlpha3;
        p = p * x2 + kAlpha1;
        float q = kBeta6;
        q = q * x2 + kBeta4;
        q = q * x2 + kBeta2;
        q = q * x2 + kBeta0;
        values[i] = x * p / q;
    }
}

}  // namespace dimerec
