#include "eval/Evaluator.h"

#include "data/Splits.h"
#include "eval/LinearProbe.h"
#include "eval/RankingMetrics.h"
#include "eval/TopItems.h"
#include "model/Recommender.h"
#include "kernels/VectorMath.h"
#include "util/SharedBlocks.h"
#include "util/TargetRanks.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>

namespace dimerec {

namespace {

// The model's item table, or an undefined tensor for models without one (most-pop).
torch::Tensor itemTable(Recommender& model) {
    if (!model.hasItemEmbeddings()) return {};
    const torch::Tensor table = model.itemEmbeddings();
    return table.defined() ? table.detach() : table;
}

// Evaluation mode for a scope: the model gets back the mode it had, also when evaluating throws.
class EvalModeGuard {
public:
    explicit EvalModeGuard(Recommender& model) : model_(model), wasTraining_(model.is_training()) {
        model_.eval();
    }
    ~EvalModeGuard() { model_.train(wasTraining_); }
    EvalModeGuard(const EvalModeGuard&) = delete;
    EvalModeGuard& operator=(const EvalModeGuard&) = delete;

private:
    Recommender& model_;
    const bool wasTraining_;
};

}  // namespace

torch::Tensor intraListDistance(const torch::Tensor& itemEmbeddings, const torch::Tensor& ranked,
                                const std::vector<int>& cutoffs) {
    const int64_t length = ranked.size(1);
    for (int k : cutoffs) {
        if (k < 1 || k > length) {
            throw std::invalid_argument("intraListDistance: cut-off " + std::to_string(k) +
                                        " outside lists of " + std::to_string(length) + " items");
        }
    }
    const torch::Tensor table = itemEmbeddings.to(torch::kCPU, torch::kFloat32).contiguous();
    const torch::Tensor lists = ranked.to(torch::kCPU, torch::kInt64).contiguous();
    const int64_t dim = table.size(1);
    const auto cuts = static_cast<int64_t>(cutoffs.size());
    torch::Tensor result = torch::empty({lists.size(0), cuts}, torch::kDouble);
    const float* rows = table.data_ptr<float>();
    const int64_t* items = lists.data_ptr<int64_t>();
    double* out = result.data_ptr<double>();
    at::parallel_for(0, lists.size(0), 1, [&](int64_t first, int64_t last) {
        std::vector<double> sum(static_cast<size_t>(dim));
        std::vector<double> prefix(static_cast<size_t>(length));  // summed distances, top k
        for (int64_t list = first; list < last; ++list) {
            prefixDistanceSums(rows, dim, items + list * length, length, sum.data(), prefix.data());
            for (int64_t c = 0; c < cuts; ++c) {
                const int k = cutoffs[static_cast<size_t>(c)];
                out[list * cuts + c] =
                    prefix[static_cast<size_t>(k - 1)] / (k < 2 ? 1.0 : k * (k - 1) / 2.0);
            }
        }
    });
    return result;
}

HistoryBatch padHistories(const std::vector<EvalCase>& cases, size_t begin, size_t end,
                          int maxLength, int64_t padId, const torch::Device& device) {
    const int64_t rows = static_cast<int64_t>(end - begin);
    torch::Tensor history = torch::full({rows, maxLength}, padId, torch::kInt64);
    torch::Tensor lengths = torch::empty({rows}, torch::kInt64);
    auto h = history.accessor<int64_t, 2>();
    auto l = lengths.accessor<int64_t, 1>();
    for (int64_t r = 0; r < rows; ++r) {
        const std::vector<int32_t>& items = cases[begin + r].history;
        const int64_t used = std::min<int64_t>(maxLength, static_cast<int64_t>(items.size()));
        const size_t first = items.size() - static_cast<size_t>(used);
        for (int64_t c = 0; c < used; ++c) h[r][maxLength - used + c] = items[first + c];
        l[r] = used;
    }
    return {history.to(device), lengths.to(device)};
}

Evaluator::Evaluator(EvalConfig config, int maxLength,
                     std::vector<std::vector<int32_t>> itemCategories, uint64_t seed)
    : config_(std::move(config)),
      maxLength_(maxLength),
      itemCategories_(std::move(itemCategories)),
      seed_(seed) {}

std::map<std::string, double> Evaluator::evaluate(Recommender& model,
                                                  const std::vector<EvalCase>& cases,
                                                  TargetRanks* ranks) const {
    std::vector<TargetRanks> readoutRanks;
    const std::map<std::string, double> metrics =
        evaluateScores(
            model, cases, 1,
            [&](const torch::Tensor& history, const torch::Tensor& lengths) {
                return std::vector<torch::Tensor>{model.scoreAll(history, lengths)};
            },
            ranks != nullptr ? &readoutRanks : nullptr)
            .front();
    if (ranks != nullptr) *ranks = std::move(readoutRanks.front());
    return metrics;
}

std::vector<std::map<std::string, double>> Evaluator::evaluateScores(
    Recommender& model, const std::vector<EvalCase>& cases, size_t readouts,
    const ReadoutScores& scoreReadouts, std::vector<TargetRanks>* ranks) const {
    if (readouts == 0) throw std::invalid_argument("evaluation: no readout to score");
    const int32_t numItems = model.numItems();
    if (!itemCategories_.empty() && static_cast<int32_t>(itemCategories_.size()) != numItems) {
        throw std::invalid_argument("evaluation: " + std::to_string(itemCategories_.size()) +
                                    " item category lists for " + std::to_string(numItems) +
                                    " items");
    }
    std::vector<EvalCase> usable;
    usable.reserve(cases.size());
    std::copy_if(cases.begin(), cases.end(), std::back_inserter(usable),
                 [](const EvalCase& c) { return !c.targets.empty(); });
    // A target listed twice (ComiRec's held-out rest may repeat an item) counts once.
    std::vector<std::vector<int32_t>> distinctTargets(usable.size());
    for (size_t c = 0; c < usable.size(); ++c) {
        std::vector<int32_t>& targets = distinctTargets[c];
        targets = usable[c].targets;
        std::sort(targets.begin(), targets.end());
        targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    }

    std::vector<RankingMetrics> metrics(readouts,
                                        RankingMetrics(config_.topK, numItems, itemCategories_));
    const int maxCutoff = metrics.front().maxCutoff();
    const torch::Device device = model.device();
    const EvalModeGuard evalMode(model);
    torch::NoGradGuard noGrad;
    const torch::Tensor items = itemTable(model);
    const bool withDistances = items.defined();
    std::vector<int> cuts;
    for (int k : metrics.front().cutoffs()) cuts.push_back(std::min(k, maxCutoff));
    const size_t step = static_cast<size_t>(config_.batchUsers);
    const auto batches = static_cast<int64_t>((usable.size() + step - 1) / step);
    // Per readout, per batch: [users, maxCutoff] item ids and [users, cut-offs] ild, CPU; per
    // readout, per case: the ranks of its distinct targets.
    std::vector<std::vector<torch::Tensor>> tops(readouts, std::vector<torch::Tensor>(batches));
    std::vector<std::vector<torch::Tensor>> distances(readouts,
                                                      std::vector<torch::Tensor>(batches));
    std::vector<std::vector<std::vector<int32_t>>> targetRanks(
        readouts, std::vector<std::vector<int32_t>>(usable.size()));
    auto rank = [&](int64_t index) {
        const size_t begin = static_cast<size_t>(index) * step;
        const size_t end = std::min(usable.size(), begin + step);
        const HistoryBatch batch = padHistories(usable, begin, end, maxLength_, numItems, device);
        const auto rows = static_cast<int64_t>(end - begin);
        std::vector<const std::vector<int32_t>*> excluded(static_cast<size_t>(rows), nullptr);
        if (config_.excludeHistory) {
            for (int64_t row = 0; row < rows; ++row)
                excluded[static_cast<size_t>(row)] =
                    &usable[begin + static_cast<size_t>(row)].history;
        }
        std::vector<const std::vector<int32_t>*> targets;
        for (size_t c = begin; c < end; ++c) targets.push_back(&distinctTargets[c]);
        const std::vector<torch::Tensor> scores = scoreReadouts(batch.history, batch.lengths);
        if (scores.size() != readouts)
            throw std::logic_error("evaluation: " + std::to_string(scores.size()) +
                                   " readouts scored, expected " + std::to_string(readouts));
        for (size_t r = 0; r < readouts; ++r) {
            std::vector<std::vector<int32_t>> batchRanks;
            const torch::Tensor top =
                topItems(scores[r], excluded, maxCutoff, targets, &batchRanks);
            std::move(batchRanks.begin(), batchRanks.end(),
                      targetRanks[r].begin() + static_cast<std::ptrdiff_t>(begin));
            tops[r][index] = top;
            if (withDistances) distances[r][index] = intraListDistance(items, top, cuts);
        }
    };
    // On the CPU the batches are spread over LibTorch's threads, each batch on one thread: one
    // batch's products are too small to keep several threads busy (docs/performance.md). Each
    // thread takes the next batch as it becomes free; with none left, it takes over blocks of
    // the batches still running (runSharedBlocks: the attention, the scores and the top-k), so
    // that the run does not wait for the slower core. Each batch draws its inference noise from
    // a stream of its own (seed + batch index), so the results do not depend on the thread
    // count or the order the batches finish in.
    const at::ThreadLocalState state;
    std::atomic<int64_t> nextBatch{0};
    std::atomic<int64_t> doneBatches{0};
    auto work = [&] {
        const at::ThreadLocalStateGuard guard(state);
        try {
            for (int64_t index = nextBatch++; index < batches; index = nextBatch++) {
                at::Generator stream =
                    at::make_generator<at::CPUGeneratorImpl>(seed_ + static_cast<uint64_t>(index));
                const InferenceStream noise(stream);
                rank(index);
                ++doneBatches;
            }
        } catch (...) {
            // This batch and those no thread has taken will not run: nobody waits for them.
            doneBatches += 1 + std::max<int64_t>(0, batches - nextBatch.exchange(batches));
            throw;
        }
        helpWithSharedBlocks([&] { return doneBatches.load() >= batches; });
    };
    if (device.is_cpu()) {
        at::parallel_for(0, at::get_num_threads(), 1, [&](int64_t, int64_t) { work(); });
    } else {
        work();
    }
    for (size_t r = 0; r < readouts; ++r) {
        for (int64_t index = 0; index < batches; ++index) {
            const torch::Tensor& top = tops[r][index];
            const int64_t* ranked = top.data_ptr<int64_t>();
            const size_t begin = static_cast<size_t>(index) * step;
            for (int64_t row = 0; row < top.size(0); ++row) {
                const std::vector<int32_t>& caseRanks =
                    targetRanks[r][begin + static_cast<size_t>(row)];
                metrics[r].add(
                    ranked + row * maxCutoff, caseRanks.data(), caseRanks.data() + caseRanks.size(),
                    withDistances
                        ? distances[r][index].data_ptr<double>() + row * distances[r][index].size(1)
                        : nullptr);
            }
        }
    }
    if (ranks != nullptr) {
        ranks->assign(readouts, TargetRanks());
        for (size_t r = 0; r < readouts; ++r) {
            for (size_t c = 0; c < usable.size(); ++c)
                (*ranks)[r].addCase(usable[c].user, std::move(targetRanks[r][c]));
        }
    }
    std::vector<std::map<std::string, double>> results;
    for (const RankingMetrics& readout : metrics) results.push_back(readout.result());
    // The probe reads the item table alone, so every readout gets the same values.
    if (withDistances && !itemCategories_.empty() && !results.front().empty()) {
        std::vector<int32_t> primary;
        primary.reserve(itemCategories_.size());
        for (const auto& labels : itemCategories_)
            primary.push_back(labels.empty() ? -1 : labels[0]);
        const auto labelled =
            std::count_if(primary.begin(), primary.end(), [](int32_t label) { return label >= 0; });
        if (labelled >= 2) {
            const LinearProbeResult probe = linearProbe(items, primary, seed_);
            for (std::map<std::string, double>& result : results) {
                result["probe_accuracy"] = probe.accuracy;
                result["probe_majority"] = probe.majority;
            }
        }
    }
    return results;
}

}  // namespace dimerec
