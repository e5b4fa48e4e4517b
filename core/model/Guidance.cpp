#include "model/Guidance.h"

#include "kernels/VectorMath.h"
#include "model/SasRecEncoder.h"
#include "util/SharedBlocks.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <stdexcept>

namespace dimerec {
namespace {

// ComiRec masks padded attention logits with −2^32 rather than −inf, so that an all-padding
// history yields uniform (zero-vector) interests instead of NaN.
constexpr double kMaskedLogit = -4294967296.0;
constexpr int kRoutingIterations = 3;    // ComiRec-DR
constexpr double kSquashEpsilon = 1e-9;  // ComiRec-DR's guard inside the squash norm

class RuleGuidance : public GuidanceModule {
public:
    explicit RuleGuidance(int interests) : interests_(interests) {}

    torch::Tensor forward(const torch::Tensor& history, const torch::Tensor&,
                          const at::Generator&) override {
        const int64_t n = history.size(1);
        if (n >= interests_) return history.slice(1, n - interests_, n);
        // Histories shorter than K are left-padded with zero vectors, like padding items.
        return torch::constant_pad_nd(history, {0, 0, interests_ - n, 0});
    }

private:
    int64_t interests_;
};

// Rows of history positions per block of the SA attention logits: a block's hidden activations
// (rows × 4d floats, 256 KB at d = 64) stay in the core's cache between the product, the tanh
// and the heads, forward and backward.
constexpr int64_t kAttentionBlockRows = 256;

// ComiRec-SA's attention logits, heads(tanh(hidden(x))) for x [R, d] → [R, K], as one autograd
// node. LibTorch's composition runs three passes over the [R, 4d] hidden activations (13 MB at
// batch 256) with its products spread over all threads; here each thread takes whole row blocks
// and does product, tanh and heads (and in backward: the tanh derivative and every gradient)
// while the block is in cache, with one single-threaded BLAS call per block and product. The
// weight gradients are kept per block and added up in block order at the end, so the result
// does not depend on the threads. On other devices than the CPU the whole input is one block.
class AttentionLogits : public torch::autograd::Function<AttentionLogits> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& x,
                                 const torch::Tensor& hiddenWeight, const torch::Tensor& hiddenBias,
                                 const torch::Tensor& headWeight, const torch::Tensor& headBias) {
        const torch::Tensor input = x.contiguous();
        const torch::Tensor hidden =
            torch::empty({input.size(0), hiddenWeight.size(0)}, input.options());
        const torch::Tensor logits =
            compute(input, hiddenWeight, hiddenBias, headWeight, headBias, hidden);
        context->save_for_backward({input, hiddenWeight, headWeight, hidden});
        return logits;
    }

    // Without autograd (inference): the same logits, each block's activations in a scratch
    // block that stays in cache instead of an [R, 4d] tensor kept for backward.
    static torch::Tensor evaluate(const torch::Tensor& x, const torch::Tensor& hiddenWeight,
                                  const torch::Tensor& hiddenBias, const torch::Tensor& headWeight,
                                  const torch::Tensor& headBias) {
        return compute(x.contiguous(), hiddenWeight, hiddenBias, headWeight, headBias, {});
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const auto saved = context->get_saved_variables();
        const torch::Tensor& input = saved[0];
        const torch::Tensor& hiddenWeight = saved[1];
        const torch::Tensor& headWeight = saved[2];
        const torch::Tensor& hidden = saved[3];
        const torch::Tensor gradLogits = gradients[0].contiguous();
        const torch::Tensor gradInput = torch::empty_like(input);
        // One slot of weight gradients per block, added up in block order at the end: the sums
        // do not depend on which thread ran a block.
        const int64_t blocks = blockCount(input);
        const torch::Tensor gradHiddenWeight =
            torch::empty({blocks, hiddenWeight.size(0), hiddenWeight.size(1)}, input.options());
        const torch::Tensor gradHiddenBias =
            torch::empty({blocks, hiddenWeight.size(0)}, input.options());
        const torch::Tensor gradHeadWeight =
            torch::empty({blocks, headWeight.size(0), headWeight.size(1)}, input.options());
        forEachBlock(input, [&](int64_t block, int64_t begin, int64_t end) {
            const torch::Tensor x = input.slice(0, begin, end);
            const torch::Tensor h = hidden.slice(0, begin, end);
            const torch::Tensor gradL = gradLogits.slice(0, begin, end);
            // ∂L/∂(pre-activation) = (∂L/∂logits · headWeight) ⊙ (1 − h²)
            torch::Tensor gradPre = gradL.mm(headWeight);
            torch::tanh_backward_out(gradPre, gradPre, h);
            torch::Tensor gx = gradInput.slice(0, begin, end);
            torch::mm_out(gx, gradPre, hiddenWeight);
            torch::Tensor gw = gradHiddenWeight[block];
            torch::mm_out(gw, gradPre.t(), x);
            torch::Tensor gb = gradHiddenBias[block];
            torch::sum_out(gb, gradPre, 0);
            torch::Tensor gh = gradHeadWeight[block];
            torch::mm_out(gh, gradL.t(), h);
        });
        return {gradInput, gradHiddenWeight.sum(0), gradHiddenBias.sum(0), gradHeadWeight.sum(0),
                gradLogits.sum(0)};
    }

private:
    // hidden: [R, 4d] to keep the activations in, or undefined for a scratch block per block.
    static torch::Tensor compute(const torch::Tensor& input, const torch::Tensor& hiddenWeight,
                                 const torch::Tensor& hiddenBias, const torch::Tensor& headWeight,
                                 const torch::Tensor& headBias, const torch::Tensor& hidden) {
        const torch::Tensor logits =
            torch::empty({input.size(0), headWeight.size(0)}, input.options());
        forEachBlock(input, [&](int64_t, int64_t begin, int64_t end) {
            torch::Tensor h = hidden.defined() ? hidden.slice(0, begin, end)
                                               : torch::empty({end - begin, hiddenWeight.size(0)},
                                                              input.options());
            torch::addmm_out(h, hiddenBias, input.slice(0, begin, end), hiddenWeight.t());
            activate(h);
            torch::Tensor l = logits.slice(0, begin, end);
            torch::addmm_out(l, headBias, h, headWeight.t());
        });
        return logits;
    }

    static void activate(torch::Tensor& h) {
        if (h.is_cpu() && h.scalar_type() == torch::kFloat32 && h.is_contiguous()) {
            tanhInPlace(h.data_ptr<float>(), h.numel());
        } else {
            h.tanh_();
        }
    }

    // Row blocks of x: whole-input on other devices than the CPU.
    static int64_t blockRows(const torch::Tensor& x) {
        return x.is_cpu() ? kAttentionBlockRows : std::max<int64_t>(x.size(0), 1);
    }
    static int64_t blockCount(const torch::Tensor& x) {
        return (x.size(0) + blockRows(x) - 1) / blockRows(x);
    }

    // Calls body(block, begin, end) for the row blocks of x, each thread taking the next block
    // as it becomes free; inside a row shard of the training step (one thread per shard), a
    // thread done with its own shard takes over blocks of the other (util/SharedBlocks.h).
    // Inside, tensors are used without autograd (other threads do not share this thread's
    // state).
    template <typename Body>
    static void forEachBlock(const torch::Tensor& x, const Body& body) {
        const int64_t rows = x.size(0);
        const int64_t size = blockRows(x);
        runSharedBlocks(blockCount(x), [&](int64_t b) {
            torch::NoGradGuard noGrad;
            body(b, b * size, std::min(rows, (b + 1) * size));
        });
    }
};

// The attention-weighted sums of ComiRec-SA, weights [B, N, K] and history [B, N, d] → [B, K, d]
// (weightsᵀ·history per user), as one autograd node on the CPU: LibTorch's bmm runs one small
// matrix product (and its dispatch) per user, forward and twice backward: 1.4 ms per training
// step of 256 users on one thread. Here vector loops per user (weightedRowSums) in one parallel
// loop over users. Other devices and types take bmm.
class WeightedSum : public torch::autograd::Function<WeightedSum> {
public:
    static torch::Tensor apply(const torch::Tensor& weights, const torch::Tensor& history) {
        if (!weights.is_cpu() || weights.scalar_type() != torch::kFloat32 ||
            history.scalar_type() != torch::kFloat32)
            return weights.transpose(1, 2).bmm(history);
        return torch::autograd::Function<WeightedSum>::apply(weights, history);
    }

    static torch::Tensor forward(torch::autograd::AutogradContext* context,
                                 const torch::Tensor& weights, const torch::Tensor& history) {
        const torch::Tensor w = weights.contiguous();
        const torch::Tensor h = history.contiguous();
        context->save_for_backward({w, h});
        const int64_t users = h.size(0);
        const int64_t n = h.size(1);
        const int64_t dim = h.size(2);
        const int64_t heads = w.size(2);
        torch::Tensor out = torch::empty({users, heads, dim}, h.options());
        const float* wp = w.data_ptr<float>();
        const float* hp = h.data_ptr<float>();
        float* op = out.data_ptr<float>();
        at::parallel_for(0, users, kUsersPerTask, [&](int64_t first, int64_t last) {
            for (int64_t u = first; u < last; ++u)
                weightedRowSums(wp + u * n * heads, hp + u * n * dim, n, heads, dim,
                                op + u * heads * dim);
        });
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const auto saved = context->get_saved_variables();
        const torch::Tensor& w = saved[0];
        const torch::Tensor& h = saved[1];
        const torch::Tensor gradOut = gradients[0].contiguous();
        const int64_t users = h.size(0);
        const int64_t n = h.size(1);
        const int64_t dim = h.size(2);
        const int64_t heads = w.size(2);
        torch::Tensor gradWeights = torch::empty_like(w);
        torch::Tensor gradHistory = torch::empty_like(h);
        const float* wp = w.data_ptr<float>();
        const float* hp = h.data_ptr<float>();
        const float* gp = gradOut.data_ptr<float>();
        float* gwp = gradWeights.data_ptr<float>();
        float* ghp = gradHistory.data_ptr<float>();
        at::parallel_for(0, users, kUsersPerTask, [&](int64_t first, int64_t last) {
            for (int64_t u = first; u < last; ++u)
                weightedRowSumsBackward(wp + u * n * heads, hp + u * n * dim, gp + u * heads * dim,
                                        n, heads, dim, gwp + u * n * heads, ghp + u * n * dim);
        });
        return {gradWeights, gradHistory};
    }

private:
    static constexpr int64_t kUsersPerTask = 16;
};

class SelfAttentiveGuidance : public GuidanceModule {
public:
    SelfAttentiveGuidance(int dim, int interests, int maxLength)
        : positions_(register_parameter("positions",
                                        torch::randn({maxLength, dim}) * (1.0 / std::sqrt(dim)))),
          hidden_(register_module("hidden", torch::nn::Linear(dim, 4 * dim))),
          heads_(register_module("heads", torch::nn::Linear(4 * dim, interests))) {}

    torch::Tensor forward(const torch::Tensor& history, const torch::Tensor& mask,
                          const at::Generator&) override {
        // Positions steer the attention weights only; the weighted sum uses H (ComiRec's code).
        const torch::Tensor x = (history + positions_).flatten(0, 1);
        const torch::Tensor& w1 = hidden_->weight;
        const torch::Tensor& b1 = hidden_->bias;
        const torch::Tensor& w2 = heads_->weight;
        const torch::Tensor& b2 = heads_->bias;
        torch::Tensor logits =
            (torch::GradMode::is_enabled() ? AttentionLogits::apply(x, w1, b1, w2, b2)
                                           : AttentionLogits::evaluate(x, w1, b1, w2, b2))
                .view({history.size(0), history.size(1), -1});  // [B, N, K]
        logits = logits.masked_fill(mask.logical_not().unsqueeze(-1), kMaskedLogit);
        const torch::Tensor weights = torch::softmax(logits, 1);
        return WeightedSum::apply(weights, history);
    }

private:
    torch::Tensor positions_;
    torch::nn::Linear hidden_;
    torch::nn::Linear heads_;
};

class DynamicRoutingGuidance : public GuidanceModule {
public:
    DynamicRoutingGuidance(int dim, int interests, int maxLength)
        : interests_(interests),
          dim_(dim),
          // ComiRec-DR's per-position bilinear maps, initialised N(0, 1) as in its code.
          maps_(register_parameter("maps", torch::randn({maxLength, dim, interests * dim}))) {}

    torch::Tensor forward(const torch::Tensor& history, const torch::Tensor& mask,
                          const at::Generator&) override {
        const int64_t b = history.size(0);
        const int64_t n = history.size(1);
        // ê_{j|i} = W_i e_i for every position i and interest j: [B, K, N, d].
        const torch::Tensor predictions =
            history.transpose(0, 1).bmm(maps_).view({n, b, interests_, dim_}).permute({1, 2, 0, 3});
        const torch::Tensor validity = mask.to(history.dtype()).unsqueeze(1);  // [B, 1, N]
        torch::Tensor logits = torch::zeros({b, interests_, n}, history.options());
        torch::Tensor capsules;
        for (int iteration = 0; iteration < kRoutingIterations; ++iteration) {
            const bool last = iteration == kRoutingIterations - 1;
            const torch::Tensor coupling = torch::softmax(logits, 1) * validity;
            const torch::Tensor votes = last ? predictions : predictions.detach();
            const torch::Tensor summed =
                coupling.unsqueeze(2).matmul(votes).squeeze(2);  // [B, K, d]
            const torch::Tensor squaredNorm = summed.pow(2).sum(-1, true);
            capsules = summed * (squaredNorm / (1.0 + squaredNorm) /
                                 torch::sqrt(squaredNorm + kSquashEpsilon));
            if (!last) logits = logits + votes.matmul(capsules.unsqueeze(-1)).squeeze(-1);
        }
        return capsules;
    }

private:
    int64_t interests_;
    int64_t dim_;
    torch::Tensor maps_;
};

// SASRec as a GEM (spec §1.2, item 4; issue 19): SASRec's encoder over the history, and its
// last K hidden states, after the final norm (what SASRec scores items with), as the K
// interests: the states at positions n−K+1..n, i.e. after the K most recent items. A history
// of m < K items has only m real states: the K − m slots before them repeat the state after
// its first (oldest) item, so every interest is a real state of the encoder and none is a
// padding position's (whose attention sees nothing real) or a constant zero vector (which
// would tie every negatively scored item at 0 in the max-over-interests ranking). An empty
// history gives the state of the last position K times, as SASRec's user vector does.
class SasRecGuidance : public GuidanceModule {
public:
    SasRecGuidance(const ModelConfig& config, int maxLength)
        : interests_(config.interests),
          encoder_(*this, config.dim, maxLength, config.layers, config.heads, config.dropout) {}

    torch::Tensor forward(const torch::Tensor& history, const torch::Tensor& mask,
                          const at::Generator& random) override {
        const int64_t n = history.size(1);
        const torch::Tensor states = encoder_.states(history, mask, random);  // [B, N, d]
        // Histories are right-aligned: the first real item sits at column n − length.
        const torch::Tensor first = n - mask.sum(1, /*keepdim=*/true);  // [B, 1]
        const torch::Tensor slots =
            torch::arange(n - interests_, n, first.options()).unsqueeze(0);          // [1, K]
        const torch::Tensor columns = torch::maximum(slots, first).clamp(0, n - 1);  // [B, K]
        return encoder_.finish(
            states.gather(1, columns.unsqueeze(2).expand({-1, -1, states.size(2)})));
    }

private:
    int64_t interests_;
    SasRecEncoder encoder_;
};

}  // namespace

std::shared_ptr<GuidanceModule> makeGuidance(GemKind kind, const ModelConfig& config,
                                             int maxLength) {
    switch (kind) {
        case GemKind::Rule:
            return std::make_shared<RuleGuidance>(config.interests);
        case GemKind::SelfAttention:
            return std::make_shared<SelfAttentiveGuidance>(config.dim, config.interests, maxLength);
        case GemKind::DynamicRouting:
            return std::make_shared<DynamicRoutingGuidance>(config.dim, config.interests,
                                                            maxLength);
        case GemKind::SasRec:
            return std::make_shared<SasRecGuidance>(config, maxLength);
    }
    throw std::invalid_argument("model.gem: unknown kind");
}

torch::Tensor selectInterest(const torch::Tensor& interests, const torch::Tensor& target) {
    const torch::Tensor scores = interests.bmm(target.unsqueeze(2)).squeeze(2);  // [B, K]
    const torch::Tensor best = scores.argmax(1);
    return interests.gather(1, best.view({-1, 1, 1}).expand({-1, 1, interests.size(2)})).squeeze(1);
}

}  // namespace dimerec
