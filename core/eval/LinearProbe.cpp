#include "eval/LinearProbe.h"

#include "data/RandomDraws.h"

#include <algorithm>
#include <map>
#include <random>
#include <stdexcept>
#include <string>

namespace dimerec {

LinearProbeResult linearProbe(const torch::Tensor& embeddings, const std::vector<int32_t>& labels,
                              uint64_t seed, const LinearProbeConfig& config) {
    if (embeddings.dim() != 2 || embeddings.size(0) != static_cast<int64_t>(labels.size())) {
        throw std::invalid_argument("linear probe: " + std::to_string(labels.size()) +
                                    " labels for embeddings of shape " +
                                    c10::str(embeddings.sizes()));
    }
    std::vector<int64_t> items;
    std::map<int32_t, int64_t> classOf;  // category id → dense class
    for (size_t item = 0; item < labels.size(); ++item) {
        if (labels[item] < 0) continue;
        items.push_back(static_cast<int64_t>(item));
        classOf.emplace(labels[item], 0);
    }
    if (items.size() < 2) {
        throw std::invalid_argument("linear probe: needs at least two items with a category, got " +
                                    std::to_string(items.size()));
    }
    int64_t next = 0;
    for (auto& entry : classOf) entry.second = next++;
    std::mt19937_64 engine(seed);
    shuffleInPlace(items, engine);
    const auto trainCount = std::clamp<int64_t>(
        static_cast<int64_t>(config.trainShare * static_cast<double>(items.size())), 1,
        static_cast<int64_t>(items.size()) - 1);

    std::vector<int64_t> classes(items.size());
    for (size_t i = 0; i < items.size(); ++i) classes[i] = classOf.at(labels[items[i]]);
    const torch::Tensor y = torch::tensor(classes, torch::kInt64);
    const torch::Tensor x =
        torch::nn::functional::normalize(embeddings.detach()
                                             .to(torch::kCPU, torch::kFloat)
                                             .index_select(0, torch::tensor(items, torch::kInt64)),
                                         torch::nn::functional::NormalizeFuncOptions().dim(1));
    const torch::Tensor xTrain = x.slice(0, 0, trainCount);
    const torch::Tensor yTrain = y.slice(0, 0, trainCount);
    const torch::Tensor xTest = x.slice(0, trainCount);
    const torch::Tensor yTest = y.slice(0, trainCount);

    const auto numClasses = static_cast<int64_t>(classOf.size());
    torch::AutoGradMode enableGrad(true);  // callers evaluate under NoGradGuard
    torch::Tensor weight = torch::zeros({x.size(1), numClasses}, torch::requires_grad());
    torch::Tensor bias = torch::zeros({numClasses}, torch::requires_grad());
    torch::optim::Adam optimizer({weight, bias}, torch::optim::AdamOptions(config.learningRate));
    for (int epoch = 0; epoch < config.epochs; ++epoch) {
        optimizer.zero_grad();
        const torch::Tensor loss =
            torch::nn::functional::cross_entropy(xTrain.matmul(weight) + bias, yTrain) +
            0.5 * config.l2 * weight.pow(2).sum();
        loss.backward();
        optimizer.step();
    }

    torch::NoGradGuard noGrad;
    LinearProbeResult result;
    result.trainItems = trainCount;
    result.heldOutItems = xTest.size(0);
    result.classes = static_cast<int32_t>(numClasses);
    const torch::Tensor predicted = (xTest.matmul(weight) + bias).argmax(1);
    result.accuracy = predicted.eq(yTest).to(torch::kDouble).mean().item<double>();
    const int64_t majorityClass = yTrain.bincount({}, numClasses).argmax().item<int64_t>();
    result.majority = yTest.eq(majorityClass).to(torch::kDouble).mean().item<double>();
    return result;
}

}  // namespace dimerec
