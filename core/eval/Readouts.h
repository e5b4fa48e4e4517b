#pragma once

#include "eval/ReadoutNames.h"
#include "util/TargetRanks.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace dimerec {

class DimeRecRecommender;
class Evaluator;
struct Splits;

// DimeRec's readouts (issue 19): the ways one trained model can score items, evaluated beside
// the run's own readout (model.samplesPerUser reverse-process samples) and stored with the run
// as the final metrics of the splits "valid/<name>" and "test/<name>":
//   algorithm2  Algorithm 2's single reverse-process vector x̂0 (spec §2.4)
//   samples     the best over ReadoutOptions::samples reverse-process samples per user
//   interests   the GEM's K interests, an item scored by its best (ComiRec's retrieval)
//   fused       max(max_k ⟨g_k, e_i⟩, w·⟨x̂0, e_i⟩) with x̂0 the algorithm2 vector and w ≥ 0
//               the weight of ReadoutOptions::fusedWeights best on validation; stored as
//               "fused_w" among the "valid/fused" metrics
// algorithm2 and samples are DAM readouts; interests and fused are not, and tables label
// them as such (analysis/RunReadouts.h).
struct ReadoutOptions {
    int samples = 4;  // reverse-process samples per user of the samples readout
    // The grid w is chosen from (the samples are unit vectors, interests have the item
    // table's norms, so w spans a factor of 32 around 1).
    std::vector<double> fusedWeights = {0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0};
    std::string selectBy = "ndcg@10";  // the validation metric w maximises (ties: smaller w)
};

struct ReadoutMetrics {
    std::map<std::string, std::map<std::string, double>> splits;  // "test/fused" → metrics
    std::map<std::string, TargetRanks> testRanks;  // "test/fused" → its per-user target ranks
    double fusedWeight = 0.0;                      // the chosen w
};

// The fused score of each item: max(interestScores, w·sampleScores), both [B, I].
torch::Tensor fusedScores(const torch::Tensor& interestScores, const torch::Tensor& sampleScores,
                          double weight);

// Every readout of `model` on splits.valid and splits.test with `evaluator` (whose batches and
// noise streams make algorithm2 equal to evaluate() with model.samplesPerUser = 1), w chosen on
// validation first. Throws std::invalid_argument for an empty weight grid, a negative weight,
// samples < 1 or a selection metric the validation metrics lack.
ReadoutMetrics evaluateReadouts(DimeRecRecommender& model, const Evaluator& evaluator,
                                const Splits& splits, const ReadoutOptions& options = {});

}  // namespace dimerec
