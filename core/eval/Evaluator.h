#pragma once

#include "experiment/RunConfig.h"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dimerec {

class Recommender;
struct EvalCase;

// Right-aligned, padded history tensors for cases [begin, end): the last maxLength items of
// each history, padding id = padId.
struct HistoryBatch {
    torch::Tensor history;  // [B, maxLength] int64
    torch::Tensor lengths;  // [B] int64
};
HistoryBatch padHistories(const std::vector<EvalCase>& cases, size_t begin, size_t end,
                          int maxLength, int64_t padId, const torch::Device& device);

// Full-ranking evaluation (spec §5): every item scored for a batch of eval.batchUsers users in
// one call (matrix products inside the model), then torch::topk; metrics as in RankingMetrics.
class Evaluator {
public:
    // itemCategories: per item its category ids (empty = no diversity metrics). seed: the
    // inference noise of generative models, reset at every evaluate() so results repeat.
    Evaluator(EvalConfig config, int maxLength,
              std::vector<std::vector<int32_t>> itemCategories = {}, uint64_t seed = 0);

    // Metrics averaged over the cases that have at least one target. Leaves the model in the
    // training mode it had.
    std::map<std::string, double> evaluate(Recommender& model,
                                           const std::vector<EvalCase>& cases) const;

private:
    EvalConfig config_;
    int maxLength_;
    std::vector<std::vector<int32_t>> itemCategories_;
    uint64_t seed_;
};

}  // namespace dimerec
