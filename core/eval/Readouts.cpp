#include "eval/Readouts.h"

#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "model/DimeRec.h"

#include <stdexcept>

namespace dimerec {
namespace {

// A batch's scores under every readout but the fused ones, and the fused ones for `weights`,
// in the order of readoutNames() (fused last, one per weight). The Algorithm 2 vector is drawn
// first, as scoreAll draws it with model.samplesPerUser = 1.
std::vector<torch::Tensor> readoutScores(DimeRecRecommender& model, const torch::Tensor& history,
                                         const torch::Tensor& lengths, int samples,
                                         const std::vector<double>& weights) {
    const torch::Tensor items = model.itemEmbeddings();
    const torch::Tensor single = bestScores(model.sampleUserVectors(history, lengths, 1), items);
    const torch::Tensor best =
        bestScores(model.sampleUserVectors(history, lengths, samples), items);
    const torch::Tensor interests = bestScores(model.guidanceOf(history), items);
    std::vector<torch::Tensor> scores = {single, best, interests};
    for (double weight : weights) scores.push_back(fusedScores(interests, single, weight));
    return scores;
}

std::vector<std::map<std::string, double>> evaluateAll(
    DimeRecRecommender& model, const Evaluator& evaluator, const std::vector<EvalCase>& cases,
    int samples, const std::vector<double>& weights, std::vector<TargetRanks>* ranks = nullptr) {
    return evaluator.evaluateScores(
        model, cases, 3 + weights.size(),
        [&](const torch::Tensor& history, const torch::Tensor& lengths) {
            return readoutScores(model, history, lengths, samples, weights);
        },
        ranks);
}

}  // namespace

torch::Tensor fusedScores(const torch::Tensor& interestScores, const torch::Tensor& sampleScores,
                          double weight) {
    return torch::maximum(interestScores, sampleScores * weight);
}

ReadoutMetrics evaluateReadouts(DimeRecRecommender& model, const Evaluator& evaluator,
                                const Splits& splits, const ReadoutOptions& options) {
    if (options.samples < 1)
        throw std::invalid_argument("readouts: samples must be >= 1, got " +
                                    std::to_string(options.samples));
    if (options.fusedWeights.empty())
        throw std::invalid_argument("readouts: the fused readout needs at least one weight");
    for (double weight : options.fusedWeights) {
        if (!(weight >= 0.0))
            throw std::invalid_argument("readouts: fused weights must be >= 0, got " +
                                        std::to_string(weight));
    }
    const std::vector<std::map<std::string, double>> valid =
        evaluateAll(model, evaluator, splits.valid, options.samples, options.fusedWeights);
    size_t chosen = 0;
    for (size_t w = 0; w < options.fusedWeights.size(); ++w) {
        const auto& metrics = valid[3 + w];
        const auto found = metrics.find(options.selectBy);
        if (found == metrics.end())
            throw std::invalid_argument("readouts: the validation metrics have no '" +
                                        options.selectBy + "' to choose the fused weight by");
        if (found->second > valid[3 + chosen].at(options.selectBy)) chosen = w;
    }
    ReadoutMetrics out;
    out.fusedWeight = options.fusedWeights[chosen];
    std::vector<TargetRanks> ranks;
    const std::vector<std::map<std::string, double>> test =
        evaluateAll(model, evaluator, splits.test, options.samples, {out.fusedWeight}, &ranks);
    const std::vector<std::string>& names = readoutNames();
    for (size_t r = 0; r < names.size(); ++r) {
        out.splits["valid/" + names[r]] = valid[r == 3 ? 3 + chosen : r];
        out.splits["test/" + names[r]] = test[r];
        out.testRanks["test/" + names[r]] = std::move(ranks[r]);
    }
    out.splits["valid/fused"]["fused_w"] = out.fusedWeight;
    return out;
}

}  // namespace dimerec
