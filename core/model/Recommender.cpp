#include "model/Recommender.h"

#include "config/ConfigFields.h"
#include "data/Batch.h"
#include "model/Baselines.h"
#include "model/DimeRec.h"
#include "kernels/VectorMath.h"
#include "util/SharedBlocks.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <stdexcept>

namespace dimerec {
namespace {

// Users whose [V, I] scores are merged at once on the CPU: 1.9 MB for V = 4 interests and
// ML-1M's 3,706 items, so they are merged while in cache.
constexpr int64_t kScoreBlockUsers = 32;

torch::Tensor longTensor(const std::vector<int64_t>& values, std::initializer_list<int64_t> shape) {
    return torch::tensor(values, torch::kInt64).view(shape);
}

}  // namespace

BatchTensors toTensors(const Batch& batch, const torch::Device& device) {
    const int64_t cells = batch.size * batch.maxLength;
    if (static_cast<int64_t>(batch.history.size()) != cells ||
        static_cast<int64_t>(batch.lengths.size()) != batch.size ||
        (batch.everyPosition()
             ? static_cast<int64_t>(batch.positionTargets.size()) != cells || !batch.targets.empty()
             : static_cast<int64_t>(batch.targets.size()) != batch.size)) {
        throw std::invalid_argument("batch: history/lengths/targets do not match size " +
                                    std::to_string(batch.size) + " × maxLength " +
                                    std::to_string(batch.maxLength));
    }
    BatchTensors out;
    out.history = longTensor(batch.history, {batch.size, batch.maxLength}).to(device);
    out.lengths = longTensor(batch.lengths, {batch.size}).to(device);
    if (batch.everyPosition()) {
        out.positionTargets =
            longTensor(batch.positionTargets, {batch.size, batch.maxLength}).to(device);
    } else {
        out.targets = longTensor(batch.targets, {batch.size}).to(device);
    }
    out.negatives =
        longTensor(batch.negatives, {static_cast<int64_t>(batch.negatives.size())}).to(device);
    return out;
}

namespace {

// log Σ_j exp(u_r · n_j) over the shared negatives j whose id is not row r's target, as one
// autograd node. LibTorch's composition (equality mask, masked_fill, logsumexp, and the same
// again backward) takes about eight passes over the [R, M] logits, the largest tensor of the
// step; here the logits become exp(l − max) in place, row by row while in cache, and are kept
// for backward, which is then two matrix products: with w_rj = exp(l_rj − max_r) / Σ_j (0 for
// excluded j), ∂lse_r/∂u_r = Σ_j w_rj n_j and ∂lse_r/∂n_j = w_rj u_r.
class NegativeLogSumExp : public torch::autograd::Function<NegativeLogSumExp> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* context,
                                 const torch::Tensor& users, const torch::Tensor& negativeEmb,
                                 const torch::Tensor& targets, const torch::Tensor& negatives) {
        torch::Tensor weights = users.mm(negativeEmb.t());  // [R, M] logits, then exp(l − max)
        torch::Tensor lse;
        torch::Tensor inverseSum;  // 1 / Σ_j exp(l_rj − max_r), 0 where nothing is kept
        if (weights.is_cpu() && weights.scalar_type() == torch::kFloat32) {
            std::tie(lse, inverseSum) = expRows(weights, targets, negatives);
        } else {
            constexpr float kInf = std::numeric_limits<float>::infinity();
            weights.masked_fill_(targets.unsqueeze(1) == negatives.unsqueeze(0), -kInf);
            torch::Tensor shift = weights.size(1) > 0
                                      ? std::get<0>(weights.max(1, true))
                                      : torch::zeros({weights.size(0), 1}, weights.options());
            shift.masked_fill_(shift == -kInf, 0.0);  // rows with nothing kept: exp(−∞) = 0
            weights.sub_(shift).exp_();
            const torch::Tensor sum = weights.sum(1);
            lse = shift.squeeze(1) + sum.log();
            inverseSum = torch::where(sum > 0, sum.reciprocal(), torch::zeros_like(sum));
        }
        context->save_for_backward({users, negativeEmb, weights, inverseSum});
        return lse;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const auto saved = context->get_saved_variables();
        const torch::Tensor& users = saved[0];
        const torch::Tensor& negativeEmb = saved[1];
        const torch::Tensor& weights = saved[2];
        const torch::Tensor coefficient = (gradients[0] * saved[3]).unsqueeze(1);  // [R, 1]
        torch::Tensor gradUsers = weights.mm(negativeEmb).mul_(coefficient);
        torch::Tensor gradNegatives = weights.t().mm(users * coefficient);
        return {gradUsers, gradNegatives, {}, {}};
    }

private:
    // The CPU pass: per row, the excluded entries set to −∞, then the maximum and
    // exp(l − max) with its sum (VectorMath), rows spread over LibTorch's threads.
    static std::pair<torch::Tensor, torch::Tensor> expRows(torch::Tensor& weights,
                                                           const torch::Tensor& targets,
                                                           const torch::Tensor& negatives) {
        const int64_t rows = weights.size(0);
        const int64_t count = weights.size(1);
        // Negative ids with their columns, sorted: a row's exclusions are one equal_range.
        const torch::Tensor negativeIds = negatives.contiguous();
        const int64_t* ids = negativeIds.data_ptr<int64_t>();
        std::vector<std::pair<int64_t, int64_t>> columns(static_cast<size_t>(count));
        for (int64_t j = 0; j < count; ++j) columns[j] = {ids[j], j};
        std::sort(columns.begin(), columns.end());
        const torch::Tensor rowIds = targets.contiguous();
        const int64_t* target = rowIds.data_ptr<int64_t>();
        torch::Tensor lse = torch::empty({rows}, weights.options());
        torch::Tensor inverseSum = torch::empty({rows}, weights.options());
        float* logits = weights.data_ptr<float>();
        float* lseOut = lse.data_ptr<float>();
        float* inverseOut = inverseSum.data_ptr<float>();
        at::parallel_for(0, rows, 16, [&](int64_t first, int64_t last) {
            for (int64_t r = first; r < last; ++r) {
                float* row = logits + r * count;
                const auto excluded = std::equal_range(
                    columns.begin(), columns.end(), std::pair<int64_t, int64_t>{target[r], 0},
                    [](const auto& a, const auto& b) { return a.first < b.first; });
                for (auto it = excluded.first; it != excluded.second; ++it)
                    row[it->second] = -std::numeric_limits<float>::infinity();
                const float best = maxOf(row, count);
                const float shift = std::isinf(best) ? 0.0f : best;  // nothing kept: all −∞
                const float sum = expShiftedSum(row, count, shift);
                lseOut[r] = shift + std::log(sum);
                inverseOut[r] = sum > 0.0f ? 1.0f / sum : 0.0f;
            }
        });
        return {lse, inverseSum};
    }
};

}  // namespace

torch::Tensor sampledSoftmaxLosses(const torch::Tensor& user, const torch::Tensor& targetEmb,
                                   const torch::Tensor& negativeEmb, const torch::Tensor& targets,
                                   const torch::Tensor& negatives) {
    const torch::Tensor positive = (user * targetEmb).sum(1);  // [B]
    // log(e^pos + Σ e^neg) − pos = softplus(logsumexp(neg) − pos).
    return torch::softplus(NegativeLogSumExp::apply(user, negativeEmb, targets, negatives) -
                           positive);
}

torch::nn::Embedding makeItemTable(int32_t numItems, int dim) {
    torch::nn::Embedding table(
        torch::nn::EmbeddingOptions(numItems + 1, dim).padding_idx(numItems));
    torch::NoGradGuard noGrad;
    table->weight.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(dim)));
    table->weight[numItems].zero_();
    return table;
}

Recommender::Recommender(std::string name, int32_t numItems)
    : name_(std::move(name)),
      numItems_(numItems),
      inferenceGenerator_(at::make_generator<at::CPUGeneratorImpl>(0)) {}

torch::Device Recommender::device() const {
    for (const auto& buffer : buffers()) return buffer.device();
    for (const auto& parameter : parameters()) return parameter.device();
    return torch::kCPU;
}

LossTerms Recommender::loss(const Batch& batch) {
    return loss(toTensors(batch, device()));
}

torch::Tensor bestScores(const torch::Tensor& users, const torch::Tensor& items) {
    const torch::Tensor table = items.t();
    const int64_t vectors = users.size(1);
    if (vectors == 1) return users.squeeze(1).mm(table);
    if (!users.is_cpu() || users.scalar_type() != torch::kFloat32)
        return users.matmul(table).amax(1);
    const int64_t rows = users.size(0);
    const int64_t count = items.size(0);
    torch::Tensor scores = torch::empty({rows, count}, users.options());
    float* out = scores.data_ptr<float>();
    // Blocks of users any thread may take (runSharedBlocks): in evaluation, a thread done with
    // its own batches takes over blocks of another's.
    runSharedBlocks((rows + kScoreBlockUsers - 1) / kScoreBlockUsers, [&](int64_t block) {
        const int64_t first = block * kScoreBlockUsers;
        const int64_t last = std::min(rows, first + kScoreBlockUsers);
        const torch::Tensor products = users.slice(0, first, last).matmul(table).contiguous();
        const float* in = products.data_ptr<float>();  // [b, V, I]
        // A plain loop: LibTorch's amax over the middle dimension (or pairwise maximum) takes
        // longer than the products themselves here.
        for (int64_t user = first; user < last; ++user) {
            const float* row = in + (user - first) * vectors * count;
            float* best = out + user * count;
            std::copy(row, row + count, best);
            for (int64_t v = 1; v < vectors; ++v) {
                const float* next = row + v * count;
                for (int64_t i = 0; i < count; ++i) best[i] = next[i] > best[i] ? next[i] : best[i];
            }
        }
    });
    return scores;
}

torch::Tensor Recommender::scoreAll(const torch::Tensor& history, const torch::Tensor& lengths) {
    return bestScores(userVectors(history, lengths), itemEmbeddings());
}

torch::Tensor Recommender::sampleUserVectors(const torch::Tensor&, const torch::Tensor&, int) {
    throw std::logic_error("model '" + name_ + "' has no generative process to sample from");
}

namespace {
thread_local at::Generator* threadInferenceStream = nullptr;
}  // namespace

InferenceStream::InferenceStream(at::Generator& generator) : previous_(threadInferenceStream) {
    threadInferenceStream = &generator;
}

InferenceStream::~InferenceStream() {
    threadInferenceStream = previous_;
}

at::Generator& Recommender::inferenceGenerator() {
    return threadInferenceStream != nullptr ? *threadInferenceStream : inferenceGenerator_;
}

void Recommender::setInferenceSeed(uint64_t seed) {
    std::lock_guard<std::mutex> lock(inferenceGenerator_.mutex());
    inferenceGenerator_.set_current_seed(seed);
}

std::unique_ptr<Recommender> makeRecommender(const ModelConfig& config, int32_t numItems,
                                             int maxLength,
                                             const std::vector<int64_t>& itemCounts) {
    if (numItems < 1) throw std::invalid_argument("model: the dataset has no items");
    if (maxLength < 1) throw std::invalid_argument("data.maxLength: must be >= 1");
    if (inScope(FieldScope::MultiInterest, config) && config.interests > maxLength) {
        throw std::invalid_argument("model.interests (" + std::to_string(config.interests) +
                                    ") must not exceed data.maxLength (" +
                                    std::to_string(maxLength) + ")");
    }
    if (inScope(FieldScope::SasRec, config) && config.dim % config.heads != 0) {
        throw std::invalid_argument("model.heads must divide model.dim");
    }
    const std::string name = nameOf(config.model);
    switch (config.model) {
        case ModelKind::DimeRec:
            if (config.useDiffusion)
                return std::make_unique<DimeRecRecommender>(config, numItems, maxLength);
            return std::make_unique<MultiInterestRecommender>(name, "gem", config.gem, numItems,
                                                              config, maxLength);
        case ModelKind::ComiRecSa:
        case ModelKind::ComiRecDr:
            return std::make_unique<MultiInterestRecommender>(name, "ce",
                                                              config.model == ModelKind::ComiRecSa
                                                                  ? GemKind::SelfAttention
                                                                  : GemKind::DynamicRouting,
                                                              numItems, config, maxLength);
        case ModelKind::MeanPool:
            return std::make_unique<MeanPoolRecommender>(numItems, config.dim);
        case ModelKind::Gru4Rec:
            return std::make_unique<Gru4RecRecommender>(numItems, config.dim, config.layers,
                                                        config.dropout, config.fullSoftmax);
        case ModelKind::SasRec:
            return std::make_unique<SasRecRecommender>(numItems, config.dim, maxLength,
                                                       config.layers, config.heads, config.dropout,
                                                       config.fullSoftmax);
        case ModelKind::MostPop:
            return std::make_unique<MostPopRecommender>(numItems, itemCounts);
    }
    throw std::invalid_argument("model.model: unknown model '" + name + "'");
}

}  // namespace dimerec
