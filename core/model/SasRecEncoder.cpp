#include "model/SasRecEncoder.h"

#include "kernels/NormalNoise.h"
#include "kernels/VectorMath.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace dimerec {
namespace {

constexpr double kBlockedAttention = -1e9;  // finite, so all-padding rows stay NaN-free
constexpr int64_t kChunk = 1 << 14;         // values per task of the fused passes

// The fused nodes below run on CPU floats; elsewhere the LibTorch composition does.
bool fusable(const torch::Tensor& x) {
    return x.is_cpu() && x.scalar_type() == torch::kFloat32;
}

// The key of one dropout mask (applyDropoutMask): one draw of `random`, or of LibTorch's
// global CPU generator where it is undefined.
int64_t maskKey(const at::Generator& random) {
    at::Generator generator = random.defined() ? random : at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return static_cast<int64_t>(generator.get<at::CPUGeneratorImpl>()->random64());
}

// Inverted dropout by LibTorch's operators. On other devices the device's default generator
// draws: a CPU generator cannot draw there (bernoulli_ refuses it), and training on a device
// runs in one shard, without a batch generator.
torch::Tensor composedDropout(const torch::Tensor& x, double p, const at::Generator& random) {
    torch::Tensor mask = torch::empty_like(x);
    if (x.is_cpu()) {
        mask.bernoulli_(1.0 - p, random.defined() ? random : at::detail::getDefaultCPUGenerator());
    } else {
        mask.bernoulli_(1.0 - p);
    }
    return x * mask.div_(1.0 - p);
}

// Splits [0, count) into chunks over LibTorch's threads.
template <typename Body>
void forChunks(int64_t count, const Body& body) {
    at::parallel_for(0, count, kChunk, [&](int64_t begin, int64_t end) { body(begin, end); });
}

// base + x ⊙ mask(key) (without hasBase: x ⊙ mask(key), and base is x again, since an
// autograd input cannot be undefined) as one autograd node. The mask is applied again in
// backward from the key instead of being kept: ∂/∂x = grad ⊙ mask, ∂/∂base = grad.
class DropoutAdd : public torch::autograd::Function<DropoutAdd> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& x,
                                 const torch::Tensor& base, bool hasBase, double keep,
                                 int64_t key) {
        const torch::Tensor input = x.contiguous();
        const torch::Tensor residual = hasBase ? base.contiguous() : torch::Tensor();
        torch::Tensor out = torch::empty_like(input);
        const float* in = input.data_ptr<float>();
        const float* add = residual.defined() ? residual.data_ptr<float>() : nullptr;
        float* result = out.data_ptr<float>();
        forChunks(input.numel(), [&](int64_t begin, int64_t end) {
            applyDropoutMask(in + begin, add == nullptr ? nullptr : add + begin, end - begin,
                             static_cast<uint64_t>(key), begin, static_cast<float>(keep),
                             result + begin);
        });
        context->saved_data["keep"] = keep;
        context->saved_data["key"] = key;
        context->saved_data["hasBase"] = hasBase;
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const torch::Tensor grad = gradients[0].contiguous();
        torch::Tensor gradX = torch::empty_like(grad);
        const auto keep = static_cast<float>(context->saved_data["keep"].toDouble());
        const auto key = static_cast<uint64_t>(context->saved_data["key"].toInt());
        const float* in = grad.data_ptr<float>();
        float* out = gradX.data_ptr<float>();
        forChunks(grad.numel(), [&](int64_t begin, int64_t end) {
            applyDropoutMask(in + begin, nullptr, end - begin, key, begin, keep, out + begin);
        });
        const bool hasBase = context->saved_data["hasBase"].toBool();
        return {gradX, hasBase ? gradients[0] : torch::Tensor(), {}, {}, {}};
    }
};

// relu(x) ⊙ mask(key) as one autograd node. Backward needs only the output y, which the next
// linear layer keeps anyway: y > 0 exactly where x > 0 and the mask is 1/keep, so
// ∂/∂x = grad / keep where y > 0 and 0 elsewhere (where the mask is 0, grad ⊙ mask is 0 too).
class ReluDropout : public torch::autograd::Function<ReluDropout> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& x,
                                 double keep, int64_t key) {
        const torch::Tensor input = x.contiguous();
        torch::Tensor out = torch::empty_like(input);
        const float* in = input.data_ptr<float>();
        float* result = out.data_ptr<float>();
        forChunks(input.numel(), [&](int64_t begin, int64_t end) {
            relu(in + begin, end - begin, result + begin);
            applyDropoutMask(result + begin, nullptr, end - begin, static_cast<uint64_t>(key),
                             begin, static_cast<float>(keep), result + begin);
        });
        context->save_for_backward({out});
        context->saved_data["keep"] = keep;
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const torch::Tensor out = context->get_saved_variables()[0];
        const torch::Tensor grad = gradients[0].contiguous();
        torch::Tensor gradX = torch::empty_like(grad);
        // 1/keep in float, as the mask's value.
        const float scale = 1.0f / static_cast<float>(context->saved_data["keep"].toDouble());
        const float* y = out.data_ptr<float>();
        const float* g = grad.data_ptr<float>();
        float* result = gradX.data_ptr<float>();
        forChunks(grad.numel(), [&](int64_t begin, int64_t end) {
            scaleWherePositive(y + begin, g + begin, scale, end - begin, result + begin);
        });
        return {gradX, {}, {}};
    }
};

// [B, 1, N, N] additive attention mask: 0 where query i may see key j (j ≤ i and j real),
// else kBlockedAttention.
torch::Tensor attentionBias(const torch::Tensor& real, const torch::TensorOptions& options) {
    const int64_t n = real.size(1);
    const torch::Tensor causal = torch::ones({n, n}, real.options()).tril();
    const torch::Tensor allowed = causal.unsqueeze(0).logical_and(real.unsqueeze(1)).unsqueeze(1);
    return torch::zeros(allowed.sizes(), options)
        .masked_fill(allowed.logical_not(), kBlockedAttention);
}

// Causal attention over the real keys, softmax(scale · scores + attentionBias(real)), then
// dropout with mask(key) (keep 1: none), as one autograd node: scores [B·heads, N, N], real
// [B, N]. LibTorch's composition (the [B, 1, N, N] bias built and copied in by baddbmm,
// softmax, the mask, its product, and backward the same again) takes about eight passes over
// the attention, the step's largest tensor at history 200; here each row is done while in
// cache, and only over the keys up to the query (the later ones get exactly 0, as exp of the
// blocked bias gives). A row with no real key up to the query (padding before the first real
// item) is uniform over all N keys, as with the bias. Backward keeps the probabilities and
// the attention after dropout (which the product with the values keeps anyway):
// softmaxRowBackward.
class AttentionSoftmax : public torch::autograd::Function<AttentionSoftmax> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* context,
                                 const torch::Tensor& scores, const torch::Tensor& real,
                                 double scale, double keep, int64_t key) {
        const torch::Tensor input = scores.contiguous();
        const int64_t n = input.size(1);
        const torch::Tensor keyBias = torch::zeros(real.sizes(), input.options())
                                          .masked_fill(real.logical_not(), kBlockedAttention);
        // The first real key of each sequence (N: none).
        const torch::Tensor realKeys = real.to(torch::kBool).contiguous();
        const torch::Tensor firstReal = torch::empty({real.size(0)}, torch::kInt64);
        for (int64_t b = 0; b < real.size(0); ++b) {
            const bool* row = realKeys.data_ptr<bool>() + b * n;
            firstReal.data_ptr<int64_t>()[b] = std::find(row, row + n, true) - row;
        }
        const bool dropout = keep < 1.0;
        torch::Tensor probabilities = torch::empty_like(input);
        torch::Tensor attention = dropout ? torch::empty_like(input) : probabilities;
        const int64_t heads = input.size(0) / real.size(0);
        const float* in = input.data_ptr<float>();
        const float* bias = keyBias.data_ptr<float>();
        const int64_t* first = firstReal.data_ptr<int64_t>();
        float* p = probabilities.data_ptr<float>();
        float* a = attention.data_ptr<float>();
        forRows(input, heads, first, [&](int64_t row, int64_t sequence, int64_t seen) {
            const int64_t offset = row * n;
            if (seen > 0) {
                softmaxRow(in + offset, static_cast<float>(scale), bias + sequence * n, seen,
                           p + offset);
                // Backward reads the probabilities up to `seen` only; past it they are the
                // output's zeros where there is no dropout.
                if (!dropout) std::fill(p + offset + seen, p + offset + n, 0.0f);
            } else {
                std::fill(p + offset, p + offset + n, 1.0f / static_cast<float>(n));
                seen = n;
            }
            if (dropout) {
                applyDropoutMask(p + offset, nullptr, seen, static_cast<uint64_t>(key), offset,
                                 static_cast<float>(keep), a + offset);
                std::fill(a + offset + seen, a + offset + n, 0.0f);
            }
        });
        context->save_for_backward({probabilities, attention, firstReal});
        context->saved_data["scale"] = scale;
        return attention;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const auto saved = context->get_saved_variables();
        const torch::Tensor grad = gradients[0].contiguous();
        torch::Tensor gradScores = torch::empty_like(grad);
        const auto scale = static_cast<float>(context->saved_data["scale"].toDouble());
        const int64_t n = grad.size(1);
        const int64_t heads = grad.size(0) / saved[2].size(0);
        const float* p = saved[0].data_ptr<float>();
        const float* a = saved[1].data_ptr<float>();
        const int64_t* first = saved[2].data_ptr<int64_t>();
        const float* g = grad.data_ptr<float>();
        float* out = gradScores.data_ptr<float>();
        // Past the keys a row sees, p = a = 0 and so is the gradient; a uniform row's
        // gradient is the softmax's over the whole row.
        forRows(grad, heads, first, [&](int64_t row, int64_t, int64_t seen) {
            const int64_t offset = row * n;
            if (seen == 0) seen = n;
            softmaxRowBackward(p + offset, a + offset, g + offset, scale, seen, out + offset);
            std::fill(out + offset + seen, out + offset + n, 0.0f);
        });
        return {gradScores, {}, {}, {}, {}};
    }

private:
    // body(row, sequence, seen) for each row of t [B·heads, N, N] over LibTorch's threads:
    // row = (sequence·heads + head)·N + i, seen = the keys the softmax runs over: i + 1, or 0
    // where no real key is at or before i (the row is uniform over all N).
    template <typename Body>
    static void forRows(const torch::Tensor& t, int64_t heads, const int64_t* firstReal,
                        const Body& body) {
        const int64_t n = t.size(1);
        at::parallel_for(0, t.size(0) * n, std::max<int64_t>(1, kChunk / std::max<int64_t>(n, 1)),
                         [&](int64_t begin, int64_t end) {
                             for (int64_t row = begin; row < end; ++row) {
                                 const int64_t sequence = row / (n * heads);
                                 const int64_t i = row % n;
                                 body(row, sequence, i >= firstReal[sequence] ? i + 1 : 0);
                             }
                         });
    }
};

}  // namespace

torch::Tensor dropoutAdd(const torch::Tensor& x, const torch::Tensor& base, double p, bool training,
                         const at::Generator& random) {
    if (!training || p <= 0.0) return base.defined() ? base + x : x;
    if (!fusable(x)) {
        const torch::Tensor dropped = composedDropout(x, p, random);
        return base.defined() ? base + dropped : dropped;
    }
    return DropoutAdd::apply(x, base.defined() ? base : x, base.defined(), 1.0 - p,
                             maskKey(random));
}

torch::Tensor reluDropout(const torch::Tensor& x, double p, bool training,
                          const at::Generator& random) {
    if (!training || p <= 0.0) return torch::relu(x);
    if (!fusable(x)) return composedDropout(torch::relu(x), p, random);
    return ReluDropout::apply(x, 1.0 - p, maskKey(random));
}

torch::Tensor attentionSoftmax(const torch::Tensor& scores, const torch::Tensor& real, double scale,
                               double p, bool training, const at::Generator& random) {
    const bool drop = training && p > 0.0;
    if (fusable(scores)) {
        return AttentionSoftmax::apply(scores, real, scale, drop ? 1.0 - p : 1.0,
                                       drop ? maskKey(random) : 0);
    }
    const int64_t b = real.size(0);
    const int64_t n = real.size(1);
    const torch::Tensor bias = attentionBias(real, scores.options())
                                   .expand({b, scores.size(0) / b, n, n})
                                   .reshape(scores.sizes());
    const torch::Tensor probabilities = torch::softmax(torch::add(bias, scores, scale), -1);
    return drop ? composedDropout(probabilities, p, random) : probabilities;
}

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

torch::Tensor SasRecBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& real,
                                       const at::Generator& random) {
    const int64_t b = x.size(0);
    const int64_t n = x.size(1);
    const int64_t d = x.size(2);
    const int64_t headDim = d / heads_;
    // [B·heads, N, d/heads]: a view for one head.
    auto split = [&](const torch::Tensor& t) {
        return t.view({b, n, heads_, headDim}).transpose(1, 2).reshape({b * heads_, n, headDim});
    };
    const double p = dropout_;
    const bool training = is_training();
    const torch::Tensor normed = attentionNorm_(x);
    const auto keyValue = keyValue_(x).chunk(2, -1);
    const torch::Tensor q = split(query_(normed));
    const torch::Tensor k = split(keyValue[0]);
    const torch::Tensor v = split(keyValue[1]);
    const torch::Tensor attention = attentionSoftmax(
        q.bmm(k.transpose(1, 2)), real, 1.0 / std::sqrt(double(headDim)), p, training, random);
    const torch::Tensor mixed =
        attention.bmm(v).view({b, heads_, n, headDim}).transpose(1, 2).reshape({b, n, d});
    const torch::Tensor attended = dropoutAdd(output_(mixed), normed, p, training, random);
    const torch::Tensor y = feedForwardNorm_(attended);
    const torch::Tensor hidden = reluDropout(feedForward1_(y), p, training, random);
    return dropoutAdd(feedForward2_(hidden), y, p, training, random);
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
    torch::Tensor x = dropoutAdd(embeddings * std::sqrt(double(dim_)) + positions_.slice(0, 0, n),
                                 {}, dropout_, training, random);
    for (const auto& block : *blocks_) x = block->as<SasRecBlockImpl>()->forward(x, real, random);
    return x;
}

torch::Tensor SasRecEncoder::finish(const torch::Tensor& states) {
    return finalNorm_(states);
}

}  // namespace dimerec
