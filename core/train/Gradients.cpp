#include "train/Gradients.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

#include <algorithm>
#include <mutex>

namespace dimerec {
namespace {

// Below this many rows per slice the matrix products get too short to pay for a thread.
constexpr int64_t kMinShardRows = 32;

BatchTensors slice(const BatchTensors& batch, int64_t begin, int64_t end) {
    BatchTensors part;
    part.history = batch.history.slice(0, begin, end);
    part.lengths = batch.lengths.slice(0, begin, end);
    part.targets = batch.targets.slice(0, begin, end);
    part.negatives = batch.negatives;
    return part;
}

uint64_t drawSeed() {
    at::Generator global = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(global.mutex());
    return global.get<at::CPUGeneratorImpl>()->random64();
}

}  // namespace

int gradientShards(const Recommender& model, const torch::Device& device, int64_t rows) {
    if (!device.is_cpu() || model.drawsFromGlobalGenerator()) return 1;
    const int64_t byRows = std::max<int64_t>(1, rows / kMinShardRows);
    return static_cast<int>(std::min<int64_t>(at::get_num_threads(), byRows));
}

LossTerms computeGradients(Recommender& model, const BatchTensors& batch, int shards) {
    const int64_t rows = batch.targets.size(0);
    const int64_t count = std::clamp<int64_t>(shards, 1, std::max<int64_t>(rows, 1));
    std::vector<BatchTensors> parts;
    std::vector<double> shares;  // each slice's share of the rows
    for (int64_t s = 0; s < count; ++s) {
        const int64_t begin = s * rows / count;
        const int64_t end = (s + 1) * rows / count;
        parts.push_back(count == 1 ? batch : slice(batch, begin, end));
        if (count > 1) parts.back().random = at::make_generator<at::CPUGeneratorImpl>(drawSeed());
        shares.push_back(rows > 0 ? static_cast<double>(end - begin) / static_cast<double>(rows)
                                  : 1.0);
    }
    std::vector<torch::Tensor> parameters = model.parameters();
    std::vector<LossTerms> losses(count);
    std::vector<std::vector<torch::Tensor>> gradients(count);
    // Worker threads start without this thread's LibTorch state (grad mode and the like).
    const at::ThreadLocalState state;
    at::parallel_for(0, count, 1, [&](int64_t first, int64_t last) {
        const at::ThreadLocalStateGuard guard(state);
        for (int64_t s = first; s < last; ++s) {
            losses[s] = model.loss(parts[s]);
            if (!losses[s].total.requires_grad()) continue;
            gradients[s] = torch::autograd::grad({losses[s].total * shares[s]}, parameters, {},
                                                 /*retain_graph=*/false, /*create_graph=*/false,
                                                 /*allow_unused=*/true);
        }
    });

    torch::NoGradGuard noGrad;
    LossTerms result;
    for (int64_t s = 0; s < count; ++s) {
        auto add = [&](torch::Tensor& sum, const torch::Tensor& value) {
            const torch::Tensor weighted = value.detach() * shares[s];
            sum = sum.defined() ? sum + weighted : weighted;
        };
        add(result.total, losses[s].total);
        for (const auto& [name, value] : losses[s].terms) add(result.terms[name], value);
    }
    for (size_t p = 0; p < parameters.size(); ++p) {
        torch::Tensor sum;
        for (const auto& shard : gradients) {
            if (shard.empty() || !shard[p].defined()) continue;
            sum = sum.defined() ? sum + shard[p] : shard[p];
        }
        if (!sum.defined()) continue;
        // Into the existing buffer where there is one; a fresh one must not be a view (the
        // optimiser's zero_grad detaches gradients in place).
        torch::Tensor& grad = parameters[p].mutable_grad();
        if (grad.defined()) {
            grad.copy_(sum);
        } else {
            grad = sum.is_view() ? sum.clone() : sum;
        }
    }
    return result;
}

}  // namespace dimerec
