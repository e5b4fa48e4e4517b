#pragma once

#include "config/RunConfig.h"

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dimerec {

class Recommender;
class TargetRanks;
struct EvalCase;

// Right-aligned, padded history tensors for cases [begin, end): the last maxLength items of
// each history, padding id = padId.
struct HistoryBatch {
    torch::Tensor history;  // [B, maxLength] int64
    torch::Tensor lengths;  // [B] int64
};
HistoryBatch padHistories(const std::vector<EvalCase>& cases, size_t begin, size_t end,
                          int maxLength, int64_t padId, const torch::Device& device);

// Intra-list distance of ranked lists: for each row of `ranked` ([B, L] item ids, best first)
// and each cut-off K of `cutoffs` (sorted, each ≤ L), the mean over the K(K−1)/2 pairs of the
// top K of 1 − cos(e_i, e_j) on the rows of itemEmbeddings ([items, d]); a zero embedding has no
// direction and counts as orthogonal (distance 1); K < 2 gives 0. Returns [B, cutoffs] double.
// Computed from running sums of the unit vectors down each list (O(L·d) per list, not the
// O(L²·d) of a Gram matrix), which give every cut-off at once (prefixDistanceSums: float
// embeddings, double sums).
torch::Tensor intraListDistance(const torch::Tensor& itemEmbeddings, const torch::Tensor& ranked,
                                const std::vector<int>& cutoffs);

// Full-ranking evaluation (spec §5): every item scored for a batch of eval.batchUsers users in
// one call (Recommender::scoreAll: matrix products inside the model), then the top items with
// each user's history excluded (topItems); metrics as in RankingMetrics.
// On the CPU the batches run concurrently, each on one LibTorch thread; a thread with no batch
// left helps with the shared blocks of those still running.
// Models with an item table (Recommender::itemEmbeddings) also get
//   ild@K           intraListDistance of their top K on that table
// and, when item categories are given, the linear probe of the table on the primary categories
// (LinearProbe, seeded by the evaluator's seed):
//   probe_accuracy  held-out accuracy of the probe
//   probe_majority  accuracy of always answering the training items' most frequent category
class Evaluator {
public:
    // itemCategories: per item its category ids (empty = no diversity metrics). seed: the
    // inference noise of generative models: batch i of eval.batchUsers users draws from a
    // stream seeded with seed + i at every evaluate(), so results repeat whatever the threads.
    Evaluator(EvalConfig config, int maxLength,
              std::vector<std::vector<int32_t>> itemCategories = {}, uint64_t seed = 0);

    // Metrics averaged over the cases that have at least one target. Leaves the model in the
    // training mode it had. With `ranks`, it receives the rank of each distinct target of
    // those cases, in the order of `cases` (the per-user data of the run's test evaluation).
    std::map<std::string, double> evaluate(Recommender& model, const std::vector<EvalCase>& cases,
                                           TargetRanks* ranks = nullptr) const;

    // Several ways of scoring one batch of users (history [B, N], lengths [B]): one
    // [B, numItems] tensor per readout, as many as evaluateScores was told.
    using ReadoutScores = std::function<std::vector<torch::Tensor>(const torch::Tensor& history,
                                                                   const torch::Tensor& lengths)>;
    // evaluate() for `readouts` readouts of the model in one pass over the users (the batches,
    // their noise streams and the history exclusion are evaluate()'s): the metrics of each, in
    // the order scores returns them. Readouts that draw their noise as scoreAll does get
    // evaluate()'s numbers. With `ranks`, it receives the target ranks of each readout, in
    // the same order.
    std::vector<std::map<std::string, double>> evaluateScores(
        Recommender& model, const std::vector<EvalCase>& cases, size_t readouts,
        const ReadoutScores& scores, std::vector<TargetRanks>* ranks = nullptr) const;

private:
    EvalConfig config_;
    int maxLength_;
    std::vector<std::vector<int32_t>> itemCategories_;
    uint64_t seed_;
};

}  // namespace dimerec
