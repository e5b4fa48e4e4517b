#include "train/Gradients.h"

#include "util/ParallelSegments.h"
#include "util/SharedBlocks.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>

namespace dimerec {
namespace {

// Below this many rows per slice the matrix products get too short to pay for a thread.
constexpr int64_t kMinShardRows = 32;
// Values per task when the slices' gradients are added up.
constexpr int64_t kSumGrain = 32768;

BatchTensors slice(const BatchTensors& batch, int64_t begin, int64_t end) {
    BatchTensors part;
    part.history = batch.history.slice(0, begin, end);
    part.lengths = batch.lengths.slice(0, begin, end);
    if (batch.targets.defined()) part.targets = batch.targets.slice(0, begin, end);
    if (batch.positionTargets.defined())
        part.positionTargets = batch.positionTargets.slice(0, begin, end);
    part.negatives = batch.negatives;
    return part;
}

uint64_t drawSeed() {
    at::Generator global = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(global.mutex());
    return global.get<at::CPUGeneratorImpl>()->random64();
}

// Leaves in each parameter's grad the sum of the slices' gradients, added in slice order; a
// parameter that no slice reached gets a zero gradient where it has one (as after zero_grad).
// One slice's gradient becomes the grad itself. Several are added on the CPU in one parallel
// region over all parameters' values, into the existing buffers: each LibTorch operator on the
// item table would open a parallel region of its own, and with LibTorch's operators the sums
// and copies after the slices took 0.6 ms of a 2-thread DimeRec step.
void sumIntoGradients(std::vector<torch::Tensor>& parameters,
                      const std::vector<std::vector<torch::Tensor>>& gradients) {
    struct Sum {
        float* out;
        std::vector<const float*> parts;
    };
    std::vector<Sum> sums;
    std::vector<int64_t> ends;  // running totals of the counts
    for (size_t p = 0; p < parameters.size(); ++p) {
        std::vector<torch::Tensor> parts;
        for (const auto& shard : gradients) {
            if (!shard.empty() && shard[p].defined()) parts.push_back(shard[p]);
        }
        torch::Tensor& grad = parameters[p].mutable_grad();
        if (parts.empty()) {
            if (grad.defined()) grad.zero_();
            continue;
        }
        // A fresh gradient must not be a view: the optimiser's zero_grad detaches in place.
        if (parts.size() == 1) {
            grad = parts[0].is_view() ? parts[0].clone() : parts[0];
            continue;
        }
        const bool plainFloats = std::all_of(parts.begin(), parts.end(), [](const auto& t) {
            return t.is_cpu() && t.scalar_type() == torch::kFloat32 && t.is_contiguous();
        });
        if (!plainFloats) {
            torch::Tensor sum = parts[0];
            for (size_t s = 1; s < parts.size(); ++s) sum = sum + parts[s];
            grad = sum;
            continue;
        }
        if (!grad.defined() || !grad.is_cpu() || grad.scalar_type() != torch::kFloat32 ||
            !grad.is_contiguous() || grad.sizes() != parts[0].sizes()) {
            grad = torch::empty_like(parts[0]);
        }
        Sum sum{grad.data_ptr<float>(), {}};
        for (const auto& part : parts) sum.parts.push_back(part.data_ptr<float>());
        sums.push_back(std::move(sum));
        ends.push_back((ends.empty() ? 0 : ends.back()) + grad.numel());
    }
    forEachSegmentPart(ends, kSumGrain, [&](size_t index, int64_t first, int64_t last) {
        const Sum& sum = sums[index];
        float* out = sum.out;
        const float* a = sum.parts[0];
        const float* b = sum.parts[1];
        for (int64_t i = first; i < last; ++i) out[i] = a[i] + b[i];
        for (size_t s = 2; s < sum.parts.size(); ++s) {
            const float* c = sum.parts[s];
            for (int64_t i = first; i < last; ++i) out[i] += c[i];
        }
    });
}

}  // namespace

int gradientShards(const Recommender& model, const torch::Device& device, int64_t rows) {
    if (!device.is_cpu() || model.drawsFromGlobalGenerator()) return 1;
    const int64_t byRows = std::max<int64_t>(1, rows / kMinShardRows);
    return static_cast<int>(std::min<int64_t>(at::get_num_threads(), byRows));
}

LossTerms computeGradients(Recommender& model, const BatchTensors& batch, int shards) {
    const int64_t rows = batch.history.size(0);
    const int64_t count = std::clamp<int64_t>(shards, 1, std::max<int64_t>(rows, 1));
    // Targets per row: one, or in an every-position batch the row's real positions.
    const bool everyPosition = batch.positionTargets.defined();
    const torch::Tensor lengths =
        everyPosition ? batch.lengths.to(torch::kCPU).contiguous() : torch::Tensor();
    auto targetsIn = [&](int64_t begin, int64_t end) {
        if (!everyPosition) return static_cast<double>(end - begin);
        const int64_t* length = lengths.data_ptr<int64_t>();
        return static_cast<double>(std::accumulate(length + begin, length + end, int64_t{0}));
    };
    const double targets = targetsIn(0, rows);
    std::vector<BatchTensors> parts;
    std::vector<double> shares;  // each slice's share of the targets
    for (int64_t s = 0; s < count; ++s) {
        const int64_t begin = s * rows / count;
        const int64_t end = (s + 1) * rows / count;
        parts.push_back(count == 1 ? batch : slice(batch, begin, end));
        if (count > 1) parts.back().random = at::make_generator<at::CPUGeneratorImpl>(drawSeed());
        shares.push_back(targets > 0 ? targetsIn(begin, end) / targets : 1.0);
    }
    std::vector<torch::Tensor> parameters = model.parameters();
    std::vector<LossTerms> losses(count);
    std::vector<std::vector<torch::Tensor>> gradients(count);
    // Worker threads start without this thread's LibTorch state (grad mode and the like).
    const at::ThreadLocalState state;
    // A thread done with its slices takes over shared blocks of the slices still running
    // (util/SharedBlocks.h) until every slice is done.
    std::atomic<int64_t> finished{0};
    at::parallel_for(0, count, 1, [&](int64_t first, int64_t last) {
        const at::ThreadLocalStateGuard guard(state);
        for (int64_t s = first; s < last; ++s) {
            try {
                losses[s] = model.loss(parts[s]);
                if (losses[s].total.requires_grad()) {
                    gradients[s] = torch::autograd::grad(
                        {losses[s].total * shares[s]}, parameters, {}, /*retain_graph=*/false,
                        /*create_graph=*/false, /*allow_unused=*/true);
                }
            } catch (...) {
                finished.fetch_add(last - s);  // the other threads must not wait for these
                throw;
            }
            finished.fetch_add(1);
        }
        if (count > 1) helpWithSharedBlocks([&] { return finished.load() == count; });
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
    sumIntoGradients(parameters, gradients);
    return result;
}

}  // namespace dimerec
