#include "model/Guidance.h"

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

    torch::Tensor forward(const torch::Tensor& history, const torch::Tensor&) override {
        const int64_t n = history.size(1);
        if (n >= interests_) return history.slice(1, n - interests_, n);
        // Histories shorter than K are left-padded with zero vectors, like padding items.
        return torch::constant_pad_nd(history, {0, 0, interests_ - n, 0});
    }

private:
    int64_t interests_;
};

class SelfAttentiveGuidance : public GuidanceModule {
public:
    SelfAttentiveGuidance(int dim, int interests, int maxLength)
        : positions_(register_parameter("positions",
                                        torch::randn({maxLength, dim}) * (1.0 / std::sqrt(dim)))),
          hidden_(register_module("hidden", torch::nn::Linear(dim, 4 * dim))),
          heads_(register_module("heads", torch::nn::Linear(4 * dim, interests))) {}

    torch::Tensor forward(const torch::Tensor& history, const torch::Tensor& mask) override {
        // Positions steer the attention weights only; the weighted sum uses H (ComiRec's code).
        torch::Tensor logits = heads_(torch::tanh(hidden_(history + positions_)));  // [B, N, K]
        logits = logits.masked_fill(mask.logical_not().unsqueeze(-1), kMaskedLogit);
        const torch::Tensor weights = torch::softmax(logits, 1);
        return weights.transpose(1, 2).bmm(history);
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

    torch::Tensor forward(const torch::Tensor& history, const torch::Tensor& mask) override {
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

}  // namespace

std::shared_ptr<GuidanceModule> makeGuidance(const std::string& kind, int dim, int interests,
                                             int maxLength) {
    if (kind == "rule") return std::make_shared<RuleGuidance>(interests);
    if (kind == "sa") return std::make_shared<SelfAttentiveGuidance>(dim, interests, maxLength);
    if (kind == "dr") return std::make_shared<DynamicRoutingGuidance>(dim, interests, maxLength);
    throw std::invalid_argument("model.gem: expected rule, sa or dr, got '" + kind + "'");
}

torch::Tensor selectInterest(const torch::Tensor& interests, const torch::Tensor& target) {
    const torch::Tensor scores = interests.bmm(target.unsqueeze(2)).squeeze(2);  // [B, K]
    const torch::Tensor best = scores.argmax(1);
    return interests.gather(1, best.view({-1, 1, 1}).expand({-1, 1, interests.size(2)})).squeeze(1);
}

}  // namespace dimerec
