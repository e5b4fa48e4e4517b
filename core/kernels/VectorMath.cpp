#include "kernels/VectorMath.h"
#include "kernels/VectorClones.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <cstring>
#include <limits>

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

// Cephes expf: exp(x) = 2^n · exp(r), n = round(x / ln 2), r = x − n·ln 2 (ln 2 in two parts),
// exp(r) ≈ 1 + r + r²·P(r).
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2High = 0.693359375f;
constexpr float kLn2Low = -2.12194440e-4f;
constexpr float kExp[] = {1.9875691500E-4f, 1.3981999507E-3f, 8.3334519073E-3f,
                          4.1665795894E-2f, 1.6666665459E-1f, 5.0000001201E-1f};
constexpr float kExpFloor = -87.0f;       // exp(−87) ≈ 1.6e-38, near the smallest normal float
constexpr float kRounding = 12582912.0f;  // 1.5 · 2^23: adding it rounds to an integer
// Independent partial results per loop, so that sums and maxima vectorise without reordering
// a single running value (which the compiler may not do for floats).
constexpr int kLanes = 16;
constexpr float kInfinity = std::numeric_limits<float>::infinity();

// exp(x) for x ≤ 0; 0 below kExpFloor; NaN for NaN. A NaN fails both comparisons: it is
// clamped to the floor for the arithmetic (NaN as an integer, then shifted, is undefined:
// UBSan, scripts/sanitize.sh asan, in a run whose loss became NaN) and returned itself.
inline float expNonPositive(float x) {
    const float clamped = x >= kExpFloor ? x : kExpFloor;
    const float n = (clamped * kLog2e + kRounding) - kRounding;
    const float r = clamped - n * kLn2High - n * kLn2Low;
    float p = kExp[0];
    for (int i = 1; i < 6; ++i) p = p * r + kExp[i];
    p = p * r * r + r + 1.0f;
    const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
    float power = 0.0f;
    std::memcpy(&power, &bits, sizeof power);
    return x >= kExpFloor ? p * power : x < kExpFloor ? 0.0f : x;
}

// Σ a[i]·b[i] over count values, accumulated in Sum (float or double) in kLanes independent
// partial sums, so that the loop vectorises.
template <typename Sum, typename A, typename B>
inline Sum laneDot(const A* a, const B* b, int64_t count) {
    Sum lanes[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= count; i += kLanes) {
        for (int l = 0; l < kLanes; ++l)
            lanes[l] += static_cast<Sum>(a[i + l]) * static_cast<Sum>(b[i + l]);
    }
    Sum dot = 0;
    for (; i < count; ++i) dot += static_cast<Sum>(a[i]) * static_cast<Sum>(b[i]);
    for (const Sum lane : lanes) dot += lane;
    return dot;
}

}  // namespace

DIMEREC_VECTOR_CLONES
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

DIMEREC_VECTOR_CLONES
float maxOf(const float* values, int64_t count) {
    float lanes[kLanes];
    for (float& lane : lanes) lane = -kInfinity;
    int64_t i = 0;
    for (; i + kLanes <= count; i += kLanes) {
        for (int k = 0; k < kLanes; ++k)
            lanes[k] = values[i + k] > lanes[k] ? values[i + k] : lanes[k];
    }
    float best = -kInfinity;
    for (; i < count; ++i) best = values[i] > best ? values[i] : best;
    for (const float lane : lanes) best = lane > best ? lane : best;
    return best;
}

DIMEREC_VECTOR_CLONES
float expShiftedSum(float* values, int64_t count, float shift) {
    for (int64_t i = 0; i < count; ++i) values[i] = expNonPositive(values[i] - shift);
    float lanes[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= count; i += kLanes) {
        for (int k = 0; k < kLanes; ++k) lanes[k] += values[i + k];
    }
    float sum = 0.0f;
    for (; i < count; ++i) sum += values[i];
    for (const float lane : lanes) sum += lane;
    return sum;
}

DIMEREC_VECTOR_CLONES
void softmaxRow(const float* scores, float scale, const float* bias, int64_t count, float* out) {
    if (bias == nullptr) {
        for (int64_t i = 0; i < count; ++i) out[i] = scale * scores[i];
    } else {
        for (int64_t i = 0; i < count; ++i) out[i] = scale * scores[i] + bias[i];
    }
    const float inverse = 1.0f / expShiftedSum(out, count, maxOf(out, count));
    for (int64_t i = 0; i < count; ++i) out[i] *= inverse;
}

DIMEREC_VECTOR_CLONES
void softmaxRowBackward(const float* probabilities, const float* attention,
                        const float* gradAttention, float scale, int64_t count, float* gradScores) {
    const float dot = laneDot<float>(attention, gradAttention, count);
    for (int64_t i = 0; i < count; ++i)
        gradScores[i] = scale * (attention[i] * gradAttention[i] - probabilities[i] * dot);
}

DIMEREC_VECTOR_CLONES
void relu(const float* in, int64_t count, float* out) {
    for (int64_t i = 0; i < count; ++i) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

DIMEREC_VECTOR_CLONES
void scaleWherePositive(const float* values, const float* grad, float scale, int64_t count,
                        float* out) {
    for (int64_t i = 0; i < count; ++i) out[i] = values[i] > 0.0f ? grad[i] * scale : 0.0f;
}

DIMEREC_VECTOR_CLONES
void posteriorStep(const PosteriorStep& step, const float* x, const float* x0Hat,
                   const float* noise, int64_t rows, int64_t dim, float* out) {
    const float sigma = noise == nullptr ? 0.0f : step.sigma;
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t first = r * dim;
        float* row = out + first;
        for (int64_t j = 0; j < dim; ++j)
            row[j] = step.coefXt * x[first + j] + step.coefX0 * x0Hat[first + j];
        if (sigma != 0.0f) {
            for (int64_t j = 0; j < dim; ++j) row[j] += sigma * noise[first + j];
        }
        if (!step.normalize) continue;
        const float norm = std::sqrt(laneDot<float>(row, row, dim));
        const float divisor = norm < step.minNorm ? step.minNorm : norm;
        for (int64_t j = 0; j < dim; ++j) row[j] /= divisor;
    }
}

DIMEREC_VECTOR_CLONES
void weightedRowSums(const float* weights, const float* rows, int64_t n, int64_t heads, int64_t dim,
                     float* out) {
    for (int64_t i = 0; i < heads * dim; ++i) out[i] = 0.0f;
    for (int64_t j = 0; j < n; ++j) {
        const float* row = rows + j * dim;
        for (int64_t k = 0; k < heads; ++k) {
            const float weight = weights[j * heads + k];
            float* sum = out + k * dim;
            for (int64_t x = 0; x < dim; ++x) sum[x] += weight * row[x];
        }
    }
}

DIMEREC_VECTOR_CLONES
void weightedRowSumsBackward(const float* weights, const float* rows, const float* gradOut,
                             int64_t n, int64_t heads, int64_t dim, float* gradWeights,
                             float* gradRows) {
    for (int64_t j = 0; j < n; ++j) {
        const float* row = rows + j * dim;
        float* gradRow = gradRows + j * dim;
        for (int64_t x = 0; x < dim; ++x) gradRow[x] = 0.0f;
        for (int64_t k = 0; k < heads; ++k) {
            const float* grad = gradOut + k * dim;
            const float weight = weights[j * heads + k];
            gradWeights[j * heads + k] = laneDot<float>(grad, row, dim);
            for (int64_t x = 0; x < dim; ++x) gradRow[x] += weight * grad[x];
        }
    }
}

DIMEREC_VECTOR_CLONES
void prefixDistanceSums(const float* table, int64_t dim, const int64_t* items, int64_t length,
                        double* sum, double* prefix) {
    constexpr double kMinNorm = 1e-12;  // torch::nn::functional::normalize's default
    // First every row's |e|² into prefix (independent of each other, so the square roots do not
    // hold up the running sums below), then the running sums.
    for (int64_t j = 0; j < length; ++j) {
        const float* e = table + items[j] * dim;
        prefix[j] = laneDot<double>(e, e, dim);
    }
    for (int64_t x = 0; x < dim; ++x) sum[x] = 0.0;
    double squares = 0.0;  // Σ |u_i|²
    double summed = 0.0;   // |Σ u_i|²
    for (int64_t j = 0; j < length; ++j) {
        const float* e = table + items[j] * dim;
        const double norm = prefix[j];
        const double root = std::sqrt(norm);
        const double scale = 1.0 / (root < kMinNorm ? kMinNorm : root);
        // |S + u|² = |S|² + 2·S·u + |u|² with u = scale·e.
        summed += 2.0 * scale * laneDot<double>(sum, e, dim) + scale * scale * norm;
        squares += scale * scale * norm;
        for (int64_t x = 0; x < dim; ++x) sum[x] += static_cast<double>(e[x]) * scale;
        const double k = static_cast<double>(j + 1);
        prefix[j] = k * (k - 1.0) / 2.0 - (summed - squares) / 2.0;
    }
}

DIMEREC_VECTOR_CLONES
void copyReplacingNan(const float* in, int64_t count, float replacement, float* out) {
    for (int64_t i = 0; i < count; ++i) out[i] = std::isnan(in[i]) ? replacement : in[i];
}

DIMEREC_VECTOR_CLONES
float floorOfLargest(const float* values, int64_t count, int64_t k, float* maxima) {
    // Rows of 2k values, maxima taken column by column: a vector loop over each row.
    const int64_t groups = 2 * k;
    for (int64_t j = 0; j < groups; ++j) maxima[j] = -kInfinity;
    int64_t i = 0;
    for (; i + groups <= count; i += groups) {
        const float* row = values + i;
        for (int64_t j = 0; j < groups; ++j) maxima[j] = row[j] > maxima[j] ? row[j] : maxima[j];
    }
    for (int64_t j = 0; i + j < count; ++j)
        maxima[j] = values[i + j] > maxima[j] ? values[i + j] : maxima[j];
    std::nth_element(maxima, maxima + (k - 1), maxima + groups, std::greater<float>());
    return maxima[k - 1];
}

DIMEREC_VECTOR_CLONES
int64_t indicesAtLeast(const float* values, int64_t count, float floor, int32_t* indices) {
    // Blocks of kLanes values are tested at once; most have none at or above the floor.
    constexpr int64_t kBlock = kLanes;
    int64_t found = 0;
    auto collect = [&](int64_t first, int64_t last) {
        for (int64_t i = first; i < last; ++i) {
            indices[found] = static_cast<int32_t>(i);
            found += values[i] >= floor ? 1 : 0;
        }
    };
    int64_t i = 0;
    for (; i + kBlock <= count; i += kBlock) {
        int any = 0;
        for (int64_t j = 0; j < kBlock; ++j) any |= values[i + j] >= floor ? 1 : 0;
        if (any != 0) collect(i, i + kBlock);
    }
    collect(i, count);
    return found;
}

DIMEREC_VECTOR_CLONES
void adamUpdate(const AdamUpdate& u, float* parameter, const float* gradient, float* average,
                float* squareAverage, int64_t count) {
    const bool l2 = u.l2 != 0.0f;  // LibTorch adds l2·p only then (0·∞ would be NaN)
    for (int64_t i = 0; i < count; ++i) {
        const float p = parameter[i] * u.decayFactor;
        const float g = l2 ? gradient[i] + u.l2 * p : gradient[i];
        const float m = average[i] * u.beta1 + u.oneMinusBeta1 * g;
        const float v = squareAverage[i] * u.beta2 + u.oneMinusBeta2 * g * g;
        average[i] = m;
        squareAverage[i] = v;
        parameter[i] = p + -u.stepSize * m / (std::sqrt(v) / u.rootCorrection2 + u.epsilon);
    }
}

}  // namespace dimerec
