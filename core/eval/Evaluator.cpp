#include "eval/Evaluator.h"

#include "data/Splits.h"
#include "eval/RankingMetrics.h"
#include "model/Recommender.h"

#include <algorithm>
#include <limits>

namespace dimerec {

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
                                                  const std::vector<EvalCase>& cases) const {
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

    RankingMetrics metrics(config_.topK, numItems, itemCategories_);
    const torch::Device device = model.device();
    const bool wasTraining = model.is_training();
    model.eval();
    model.setInferenceSeed(seed_);
    torch::NoGradGuard noGrad;
    const size_t step = static_cast<size_t>(config_.batchUsers);
    for (size_t begin = 0; begin < usable.size(); begin += step) {
        const size_t end = std::min(usable.size(), begin + step);
        const HistoryBatch batch = padHistories(usable, begin, end, maxLength_, numItems, device);
        torch::Tensor scores = model.scoreAll(batch.history, batch.lengths);
        if (config_.excludeHistory) {
            std::vector<int64_t> rows;
            std::vector<int64_t> items;
            for (size_t r = begin; r < end; ++r) {
                for (int32_t item : usable[r].history) {
                    rows.push_back(static_cast<int64_t>(r - begin));
                    items.push_back(item);
                }
            }
            scores = scores.contiguous().clone();
            scores.index_put_({torch::tensor(rows, torch::kInt64).to(device),
                               torch::tensor(items, torch::kInt64).to(device)},
                              -std::numeric_limits<float>::infinity());
        }
        const torch::Tensor top =
            std::get<1>(scores.topk(metrics.maxCutoff(), 1)).to(torch::kCPU).contiguous();
        const int64_t* ranked = top.data_ptr<int64_t>();
        for (size_t r = begin; r < end; ++r) {
            metrics.add(ranked + static_cast<int64_t>(r - begin) * metrics.maxCutoff(),
                        usable[r].targets);
        }
    }
    model.train(wasTraining);
    return metrics.result();
}

}  // namespace dimerec
