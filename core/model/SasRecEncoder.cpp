#include "model/SasRecEncoder.h"

#include "kernels/NormalNoise.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <mutex>

namespace dimerec {
namespace {

constexpr double kBlockedAttention = -1e9;  // finite, so all-padding rows stay NaN-free

// Inverted dropout with masks from `random` (undefined: LibTorch's global generator). On the
// CPU the mask comes from fillDropoutMask, keyed by one draw of the generator. On other
// devices the device's default generator draws: a CPU generator cannot draw there (bernoulli_
// refuses it), and training on a device runs in one shard, without a batch generator.
torch::Tensor dropout(const torch::Tensor& x, double p, bool training,
                      const at::Generator& random) {
    if (!training || p <= 0.0) return x;
    if (!x.is_cpu()) return x * torch::empty_like(x).bernoulli_(1.0 - p).div_(1.0 - p);
    at::Generator generator = random.defined() ? random : at::detail::getDefaultCPUGenerator();
    if (x.scalar_type() != torch::kFloat32) {
        return x * torch::empty_like(x).bernoulli_(1.0 - p, generator).div_(1.0 - p);
    }
    uint64_t key = 0;
    {
        std::lock_guard<std::mutex> lock(generator.mutex());
        key = generator.get<at::CPUGeneratorImpl>()->random64();
    }
    torch::Tensor mask = torch::empty(x.sizes(), x.options());
    fillDropoutMask(mask.data_ptr<float>(), mask.numel(), key, static_cast<float>(1.0 - p));
    return x * mask;
}

}  // namespace

SasRecBlockImpl::SasRecBlockImpl(int dim, int heads, double dropout)
    : heads_(heads),
      attentionNorm_(register_module("attentionNorm",
                                     torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      query_(register_module("query", torch::nn::Linear(dim, dim))),
      keyValue_(register_module("keyValue", torch::nn::Linear(dim, 2 * dim))),
      output_(register_module("output", torch::nn::Linear(dim, dim))),
      feedForwardNorm_(register_module("feedForwardNorm",
                                       torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      feedForward1_(register_module("feedForward1", torch::nn::Linear(dim, dim))),
      feedForward2_(register_module("feedForward2", torch::nn::Linear(dim, dim))),
      dropout_(dropout) {}

torch::Tensor SasRecBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& bias,
                                       const at::Generator& random) {
    const int64_t b = x.size(0);
    const int64_t n = x.size(1);
    const int64_t d = x.size(2);
    const int64_t headDim = d / heads_;
    // [B·heads, N, d/heads]: a view for one head.
    auto split = [&](const torch::Tensor& t) {
        return t.view({b, n, heads_, headDim}).transpose(1, 2).reshape({b * heads_, n, headDim});
    };
    auto drop = [&](const torch::Tensor& t) { return dropout(t, dropout_, is_training(), random); };
    const torch::Tensor normed = attentionNorm_(x);
    const auto keyValue = keyValue_(x).chunk(2, -1);
    const torch::Tensor q = split(query_(normed));
    const torch::Tensor k = split(keyValue[0]);
    const torch::Tensor v = split(keyValue[1]);
    // The mask and the 1/sqrt(d/heads) scale inside the product (one pass less each way).
    const torch::Tensor scores =
        torch::baddbmm(bias.expand({b, heads_, n, n}).reshape({b * heads_, n, n}), q,
                       k.transpose(1, 2), 1.0, 1.0 / std::sqrt(double(headDim)));
    const torch::Tensor attention = drop(torch::softmax(scores, -1));
    const torch::Tensor mixed =
        attention.bmm(v).view({b, heads_, n, headDim}).transpose(1, 2).reshape({b, n, d});
    const torch::Tensor attended = normed + drop(output_(mixed));
    const torch::Tensor y = feedForwardNorm_(attended);
    return y + drop(feedForward2_(drop(torch::relu(feedForward1_(y)))));
}

SasRecEncoder::SasRecEncoder(torch::nn::Module& owner, int dim, int maxLength, int layers,
                             int heads, double dropout)
    : dim_(dim),
      dropout_(dropout),
      positions_(owner.register_parameter("positions",
                                          torch::randn({maxLength, dim}) * (1.0 / std::sqrt(dim)))),
      blocks_(owner.register_module("blocks", torch::nn::ModuleList())),
      finalNorm_(owner.register_module("finalNorm",
                                       torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))) {
    for (int i = 0; i < layers; ++i) blocks_->push_back(SasRecBlock(dim, heads, dropout));
}

torch::Tensor SasRecEncoder::states(const torch::Tensor& embeddings, const torch::Tensor& real,
                                    const at::Generator& random) {
    const int64_t n = embeddings.size(1);
    // The blocks are the owner's children, so their mode is the owner's.
    const bool training = blocks_->is_training();
    torch::Tensor x = dropout(embeddings * std::sqrt(double(dim_)) + positions_.slice(0, 0, n),
                              dropout_, training, random);
    const torch::Tensor causal = torch::ones({n, n}, real.options()).tril();
    const torch::Tensor allowed = causal.unsqueeze(0).logical_and(real.unsqueeze(1)).unsqueeze(1);
    const torch::Tensor bias = torch::zeros(allowed.sizes(), x.options())
                                   .masked_fill(allowed.logical_not(), kBlockedAttention);
    for (const auto& block : *blocks_) x = block->as<SasRecBlockImpl>()->forward(x, bias, random);
    return x;
}

torch::Tensor SasRecEncoder::finish(const torch::Tensor& states) {
    return finalNorm_(states);
}

}  // namespace dimerec
