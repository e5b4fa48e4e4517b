#pragma once

#include <cstdint>

// Float loops the compiler vectorises (VectorMath.cpp is built with -fno-trapping-math and
// -fno-math-errno, and on x86-64 carries a second copy for AVX2 + FMA chosen at load time),
// for the passes of training and ranking where LibTorch's operators take several passes or a
// slower function.
namespace dimerec {

// tanh of count floats in place, by the rational approximation Eigen uses for float
// (generic_fast_tanh_float: odd degree-13 over even degree-6 polynomial, input clamped to
// ±7.905, where tanh rounds to ±1 in float). Within 3e-7 of the exact tanh everywhere (the
// largest gap is at the clamp), and about 7× faster than LibTorch's Sleef tanh on this machine
// (1.0 against 7.5 ms for the 3.3 M activations of ComiRec-SA's hidden layer at batch 256).
void tanhInPlace(float* values, int64_t count);

// The largest of count floats (−∞ for none; NaN is passed over).
float maxOf(const float* values, int64_t count);

// values[i] = exp(values[i] − shift) in place for values[i] ≤ shift, and their sum. Cephes'
// expf (range reduction by ln 2, degree-5 polynomial; within 2 ulp), exactly 0 below
// exp(−87), so that −∞ (an excluded entry) gives 0.
float expShiftedSum(float* values, int64_t count, float shift);

// out = softmax(scale · scores + bias) of one row of count floats (bias may be nullptr: 0):
// maxOf, then expShiftedSum, then a multiply by the sum's reciprocal. A bias entry of −1e9
// blocks its entry (exp gives exactly 0) unless the whole row is blocked.
void softmaxRow(const float* scores, float scale, const float* bias, int64_t count, float* out);

// The gradient of the row's scores given that of its attention after dropout, for
// attention = probabilities ⊙ mask (mask ∈ {0, 1/keep}, or 1 without dropout):
// gradScores[j] = scale · (attention[j]·gradAttention[j] − probabilities[j] · Σ_k
// attention[k]·gradAttention[k]), the softmax's Jacobian applied to mask ⊙ gradAttention.
void softmaxRowBackward(const float* probabilities, const float* attention,
                        const float* gradAttention, float scale, int64_t count, float* gradScores);

// out[i] = max(in[i], 0) (0 for NaN).
void relu(const float* in, int64_t count, float* out);

// out[i] = grad[i] · scale where values[i] > 0, else 0: the gradient through relu and an
// inverted-dropout mask of value scale, given their output `values`.
void scaleWherePositive(const float* values, const float* grad, float scale, int64_t count,
                        float* out);

// One reverse step of the diffusion over rows of dim floats (DiffusionProcess::reverseStep):
// out = coefXt·x + coefX0·x0Hat + sigma·noise (noise may be nullptr: no noise), then, when
// normalize, each row divided by its norm, or by minNorm if that is larger.
struct PosteriorStep {
    float coefXt = 0.0f;
    float coefX0 = 0.0f;
    float sigma = 0.0f;
    bool normalize = true;
    float minNorm = 1e-12f;
};
void posteriorStep(const PosteriorStep& step, const float* x, const float* x0Hat,
                   const float* noise, int64_t rows, int64_t dim, float* out);

// One user's attention-weighted sums of n rows (ComiRec-SA's interests, one per head):
// out[k·dim + x] = Σ_j weights[j·heads + k] · rows[j·dim + x].
void weightedRowSums(const float* weights, const float* rows, int64_t n, int64_t heads, int64_t dim,
                     float* out);

// The gradients of weightedRowSums given gradOut (the shape of out):
// gradWeights[j·heads + k] = Σ_x gradOut[k·dim + x] · rows[j·dim + x] and
// gradRows[j·dim + x] = Σ_k weights[j·heads + k] · gradOut[k·dim + x].
void weightedRowSumsBackward(const float* weights, const float* rows, const float* gradOut,
                             int64_t n, int64_t heads, int64_t dim, float* gradWeights,
                             float* gradRows);

// Intra-list distances by running sums: for a list of `length` rows of table (each dim floats,
// row items[j]), prefix[k − 1] = Σ_{i<j<k} (1 − u_i·u_j) for every k, where u = row / ‖row‖
// (a row of norm below 1e-12, as torch's normalize, is divided by 1e-12). In double precision:
// over the first k rows, Σ_{i<j} u_i·u_j = (|Σ u_i|² − Σ |u_i|²) / 2. sum: scratch room for dim
// doubles.
void prefixDistanceSums(const float* table, int64_t dim, const int64_t* items, int64_t length,
                        double* sum, double* prefix);

// out[i] = in[i], or replacement where in[i] is NaN.
void copyReplacingNan(const float* in, int64_t count, float replacement, float* out);

// A floor under the k-th largest of values[0..count) (k ≥ 1; NaN never counts): the values
// are dealt into 2k groups by index (index mod 2k), and the floor is the k-th largest of the
// groups' maxima. k groups reach it, so at least k values do; for values in random order, about
// 1.3·k do. maxima: scratch room for 2k floats.
float floorOfLargest(const float* values, int64_t count, int64_t k, float* maxima);

// The indices of the values ≥ floor, in increasing order, into indices (room for count
// entries); returns how many there are.
int64_t indicesAtLeast(const float* values, int64_t count, float floor, int32_t* indices);

// One step of Adam on count values, in LibTorch's formula and order (torch::optim::Adam):
// g ← g + l2·p; p ← decayFactor·p (AdamW's decoupled decay); m ← β1·m + (1 − β1)·g;
// v ← β2·v + (1 − β2)·g²; p ← p − stepSize·m / (√v / rootCorrection2 + ε), with stepSize =
// lr / (1 − β1^t) and rootCorrection2 = √(1 − β2^t).
struct AdamUpdate {
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float oneMinusBeta1 = 0.1f;
    float oneMinusBeta2 = 0.001f;
    float stepSize = 0.0f;
    float rootCorrection2 = 1.0f;
    float epsilon = 1e-8f;
    float l2 = 0.0f;
    float decayFactor = 1.0f;
};
void adamUpdate(const AdamUpdate& update, float* parameter, const float* gradient, float* average,
                float* squareAverage, int64_t count);

}  // namespace dimerec
