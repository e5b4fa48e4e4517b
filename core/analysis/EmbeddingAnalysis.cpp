#include "analysis/EmbeddingAnalysis.h"

#include "analysis/Diversity.h"
#include "analysis/Projection.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/Protocols.h"
#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "model/DimeRec.h"
#include "model/Recommender.h"
#include "train/Checkpoint.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

namespace dimerec {
namespace {

constexpr int kBatchUsers = 256;

std::vector<float> toVector(const torch::Tensor& tensor) {
    const torch::Tensor flat =
        tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous().view(-1);
    return std::vector<float>(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
}

std::vector<int32_t> toIds(const torch::Tensor& tensor) {
    const torch::Tensor flat = tensor.to(torch::kCPU, torch::kInt64).contiguous().view(-1);
    std::vector<int32_t> ids(static_cast<size_t>(flat.numel()));
    for (int64_t i = 0; i < flat.numel(); ++i)
        ids[static_cast<size_t>(i)] = static_cast<int32_t>(flat[i].item<int64_t>());
    return ids;
}

std::string joinCategories(const Dataset& data, int32_t item) {
    std::string text;
    for (int32_t category : data.itemCategories[static_cast<size_t>(item)]) {
        if (!text.empty()) text += ", ";
        text += data.categoryNames[static_cast<size_t>(category)];
    }
    return text;
}

}  // namespace

EmbeddingAnalysis analyseCheckpoint(const EmbeddingRequest& request) {
    const RunConfig config = readCheckpointConfig(request.checkpoint);
    const Dataset data = loadDataset(config.data);
    const Splits splits = makeSplits(data, config.data);
    auto model =
        makeRecommender(config.model, splits.numItems, config.data.maxLength, splits.itemCounts);
    loadCheckpoint(request.checkpoint, *model, nullptr);
    model->to(torch::kCPU);
    model->eval();
    model->setInferenceSeed(config.train.seed);
    torch::NoGradGuard noGrad;

    EmbeddingAnalysis result;
    result.modelName = model->modelName();
    result.datasetName = data.name;
    SphereScene& scene = result.scene;

    const torch::Tensor items = model->itemEmbeddings();
    const int64_t dim = items.size(1);
    const std::vector<float> itemData = toVector(items);
    const SphereBasis basis = fitSphereBasis(itemData, dim);
    scene.items = projectToSphere(basis, itemData);
    result.tableShape = itemTableShape(itemData, dim, splits.itemCounts);
    scene.explainedVariance = basis.explainedVariance;
    scene.principalAxes = dim != 3;
    scene.categoryNames = data.categoryNames;
    const int32_t numItems = splits.numItems;
    scene.itemCategory.resize(static_cast<size_t>(numItems));
    scene.itemTitles.resize(static_cast<size_t>(numItems));
    scene.itemCategoryText.resize(static_cast<size_t>(numItems));
    for (int32_t i = 0; i < numItems; ++i) {
        const auto at = static_cast<size_t>(i);
        scene.itemCategory[at] = data.primaryCategory(i);
        scene.itemTitles[at] = at < data.itemTitles.size() && !data.itemTitles[at].empty()
                                   ? data.itemTitles[at]
                                   : "item " + data.itemIds[at];
        if (at < data.itemCategories.size()) scene.itemCategoryText[at] = joinCategories(data, i);
    }

    for (const EmbeddingSnapshot& snapshot : request.snapshots) {
        if (snapshot.rows != numItems || snapshot.dim != dim) continue;
        result.snapshotLabels.push_back(snapshot.label);
        result.snapshotSteps.push_back(snapshot.step);
        result.snapshotItems.push_back(projectToSphere(basis, snapshot.data));
        result.snapshotShapes.push_back(itemTableShape(snapshot.data, dim, splits.itemCounts));
    }

    const std::vector<EvalCase>& cases = splits.test;
    result.testUsers = static_cast<int>(cases.size());
    if (cases.empty()) return result;
    result.user = std::clamp(request.user, 0, result.testUsers - 1);
    const EvalCase& chosen = cases[static_cast<size_t>(result.user)];
    const HistoryBatch one =
        padHistories(cases, static_cast<size_t>(result.user), static_cast<size_t>(result.user) + 1,
                     config.data.maxLength, numItems, torch::kCPU);
    scene.userLabel = "user " + data.userIds[static_cast<size_t>(chosen.user)] + " (test case " +
                      std::to_string(result.user + 1) + " of " + std::to_string(result.testUsers) +
                      ")";
    const size_t shown =
        std::min<size_t>(chosen.history.size(), static_cast<size_t>(config.data.maxLength));
    scene.historyItems.assign(chosen.history.end() - static_cast<std::ptrdiff_t>(shown),
                              chosen.history.end());
    scene.targets = chosen.targets;
    const int topN = std::clamp(request.topN, 1, numItems);
    scene.recommendations =
        toIds(std::get<1>(model->scoreAll(one.history, one.lengths).topk(topN, 1)));
    if (auto* dimeRec = dynamic_cast<DimeRecRecommender*>(model.get())) {
        scene.guidance = projectToSphere(basis, toVector(dimeRec->guidanceOf(one.history)));
    } else {
        scene.guidance =
            projectToSphere(basis, toVector(model->userVectors(one.history, one.lengths)));
    }
    if (model->isGenerative() && request.samples > 0) {
        scene.samples = projectToSphere(
            basis, toVector(model->sampleUserVectors(one.history, one.lengths, request.samples)));
    }

    // Category distribution over the first test users' histories and top-N lists.
    if (data.numCategories() > 0 && request.distributionUsers > 0) {
        const size_t users = std::min(cases.size(), static_cast<size_t>(request.distributionUsers));
        std::vector<std::vector<int32_t>> histories;
        std::vector<std::vector<int32_t>> lists;
        model->setInferenceSeed(config.train.seed);
        for (size_t begin = 0; begin < users; begin += kBatchUsers) {
            const size_t end = std::min(users, begin + kBatchUsers);
            const HistoryBatch batch =
                padHistories(cases, begin, end, config.data.maxLength, numItems, torch::kCPU);
            const torch::Tensor top =
                std::get<1>(model->scoreAll(batch.history, batch.lengths).topk(topN, 1));
            for (size_t row = 0; row < end - begin; ++row) {
                lists.push_back(toIds(top[static_cast<int64_t>(row)]));
                histories.push_back(cases[begin + row].history);
            }
        }
        result.historyShares =
            categoryShares(histories, 0, data.itemCategories, data.numCategories());
        result.recommendationShares =
            categoryShares(lists, topN, data.itemCategories, data.numCategories());
        result.distributionUsers = static_cast<int>(users);
    }
    return result;
}

}  // namespace dimerec
