#include "model/SasRecEncoder.h"

#include "kernels/NormalNoise.h"
#include "kernels/VectorMath.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <vector>

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

// Query rows per block of the blocked attention: a block multiplies only the keys up to its
// last row, so the smaller the block the fewer of the causal zeros are computed (58 % of the
// full square at history 200 with 32 rows, against the triangle's 50 %) and the more, smaller
// BLAS calls it takes. Between 16 and 64 rows a training step took the same time within the
// noise (docs/performance.md).
constexpr int64_t kAttentionRows = 32;

// One matrix of a [B·heads, N, dh] tensor whose rows are unit-strided: the start of each
// sequence-head's [N, dh] and its row stride.
struct Rows {
    float* data;
    int64_t batchStride;
    int64_t rowStride;
    float* at(int64_t sequenceHead, int64_t row) const {
        return data + sequenceHead * batchStride + row * rowStride;
    }
};

Rows rowsOf(const torch::Tensor& t) {
    return {t.data_ptr<float>(), t.stride(0), t.stride(1)};
}

// c (m × n, row stride ldc) = a · bᵀ (transposeB) or a · b, plus beta · c; row-major, by the
// BLAS LibTorch calls (the same libblas.so.3 in the process).
void gemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
                static_cast<int>(k), 1.0f, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta,
                c, static_cast<int>(ldc));
}

// Causal attention over the real keys, dropout(softmax(scale · q·kᵀ + bias)) · v with dropout
// mask(key) (keep 1: none), as one autograd node for q, k, v [B·heads, N, dh] and real [B, N].
// Each sequence-head's query rows from its first real item f on are taken in blocks of
// kAttentionRows; a block [r0, r1) multiplies only the keys f … r1 − 1: the keys after r1 are
// causal zeros and those before f padding, both exactly 0 in LibTorch's composition (exp of
// the −1e9 bias). The rows before f see no real key and attend to nothing (output and
// gradients 0), as in the composition's path below. Per block, the scores' product, each row's
// softmax and dropout and the product with the values run while the block is in cache; the
// masks are applyDropoutMask's at the entries' indices in the full [B·heads, N, N] attention,
// so they are those of a node over the whole square. Backward keeps only the blocks'
// probabilities and attention after dropout (packed, about half the square at history 200),
// and per block: dA = dO·vᵀ, dv += Aᵀ·dO, dS = softmaxRowBackward, dq = dS·k, dk += dSᵀ·q.
// Sequence-heads run on LibTorch's threads, one BLAS call per block and product; every output
// row has one writer, so the result does not depend on the threads.
class BlockedAttention : public torch::autograd::Function<BlockedAttention> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& q,
                                 const torch::Tensor& k, const torch::Tensor& v,
                                 const torch::Tensor& real, double scale, double keep,
                                 int64_t key) {
        const torch::Tensor queries = unitRows(q);
        const torch::Tensor keys = unitRows(k);
        const torch::Tensor values = unitRows(v);
        const int64_t n = queries.size(1);
        const int64_t dh = queries.size(2);
        const int64_t heads = queries.size(0) / real.size(0);
        const Layout layout(real, heads);
        const torch::Tensor keyBias = torch::zeros(real.sizes(), queries.options())
                                          .masked_fill(real.logical_not(), kBlockedAttention);
        const bool dropout = keep < 1.0;
        const torch::Tensor probabilities = torch::empty({layout.total()}, queries.options());
        const torch::Tensor attention =
            dropout ? torch::empty({layout.total()}, queries.options()) : probabilities;
        torch::Tensor out = torch::empty(queries.sizes(), queries.options());
        const Rows qs = rowsOf(queries);
        const Rows ks = rowsOf(keys);
        const Rows vs = rowsOf(values);
        const Rows os = rowsOf(out);
        const float* bias = keyBias.data_ptr<float>();
        float* p = probabilities.data_ptr<float>();
        float* a = attention.data_ptr<float>();
        at::parallel_for(0, queries.size(0), 1, [&](int64_t begin, int64_t end) {
            for (int64_t sh = begin; sh < end; ++sh) {
                const int64_t f = layout.first(sh);
                std::fill(os.at(sh, 0), os.at(sh, 0) + f * dh, 0.0f);
                layout.forBlocks(sh, [&](int64_t r0, int64_t r1, int64_t offset) {
                    const int64_t cols = r1 - f;
                    float* pb = p + offset;
                    float* ab = a + offset;
                    gemm(false, true, r1 - r0, cols, dh, qs.at(sh, r0), qs.rowStride, ks.at(sh, f),
                         ks.rowStride, 0.0f, pb, cols);
                    for (int64_t i = r0; i < r1; ++i) {
                        float* pr = pb + (i - r0) * cols;
                        const int64_t seen = i + 1 - f;
                        softmaxRow(pr, static_cast<float>(scale),
                                   bias + layout.sequence(sh) * n + f, seen, pr);
                        std::fill(pr + seen, pr + cols, 0.0f);
                        if (dropout) {
                            float* ar = ab + (i - r0) * cols;
                            applyDropoutMask(pr, nullptr, seen, static_cast<uint64_t>(key),
                                             (sh * n + i) * n + f, static_cast<float>(keep), ar);
                            std::fill(ar + seen, ar + cols, 0.0f);
                        }
                    }
                    gemm(false, false, r1 - r0, dh, cols, ab, cols, vs.at(sh, f), vs.rowStride,
                         0.0f, os.at(sh, r0), os.rowStride);
                });
            }
        });
        context->save_for_backward({queries, keys, values, real, probabilities, attention});
        context->saved_data["scale"] = scale;
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const auto saved = context->get_saved_variables();
        const torch::Tensor& queries = saved[0];
        const torch::Tensor& keys = saved[1];
        const torch::Tensor& values = saved[2];
        const torch::Tensor grad = gradients[0].contiguous();
        const auto scale = static_cast<float>(context->saved_data["scale"].toDouble());
        const int64_t n = queries.size(1);
        const int64_t dh = queries.size(2);
        const Layout layout(saved[3], queries.size(0) / saved[3].size(0));
        torch::Tensor gradQ = torch::zeros(queries.sizes(), queries.options());
        torch::Tensor gradK = torch::zeros(queries.sizes(), queries.options());
        torch::Tensor gradV = torch::zeros(queries.sizes(), queries.options());
        const Rows qs = rowsOf(queries);
        const Rows ks = rowsOf(keys);
        const Rows vs = rowsOf(values);
        const Rows gs = rowsOf(grad);
        const Rows gq = rowsOf(gradQ);
        const Rows gk = rowsOf(gradK);
        const Rows gv = rowsOf(gradV);
        const float* p = saved[4].data_ptr<float>();
        const float* a = saved[5].data_ptr<float>();
        at::parallel_for(0, queries.size(0), 1, [&](int64_t begin, int64_t end) {
            // ∂L/∂attention, then in place ∂L/∂scores, of one block.
            std::vector<float> gradBlock(static_cast<size_t>(kAttentionRows * n));
            for (int64_t sh = begin; sh < end; ++sh) {
                const int64_t f = layout.first(sh);
                layout.forBlocks(sh, [&](int64_t r0, int64_t r1, int64_t offset) {
                    const int64_t rows = r1 - r0;
                    const int64_t cols = r1 - f;
                    const float* pb = p + offset;
                    const float* ab = a + offset;
                    float* g = gradBlock.data();
                    gemm(false, true, rows, cols, dh, gs.at(sh, r0), gs.rowStride, vs.at(sh, f),
                         vs.rowStride, 0.0f, g, cols);
                    gemm(true, false, cols, dh, rows, ab, cols, gs.at(sh, r0), gs.rowStride, 1.0f,
                         gv.at(sh, f), gv.rowStride);
                    for (int64_t i = r0; i < r1; ++i) {
                        const int64_t row = (i - r0) * cols;
                        const int64_t seen = i + 1 - f;
                        softmaxRowBackward(pb + row, ab + row, g + row, scale, seen, g + row);
                        std::fill(g + row + seen, g + row + cols, 0.0f);
                    }
                    gemm(false, false, rows, dh, cols, g, cols, ks.at(sh, f), ks.rowStride, 0.0f,
                         gq.at(sh, r0), gq.rowStride);
                    gemm(true, false, cols, dh, rows, g, cols, qs.at(sh, r0), qs.rowStride, 1.0f,
                         gk.at(sh, f), gk.rowStride);
                });
            }
        });
        return {gradQ, gradK, gradV, {}, {}, {}, {}};
    }

private:
    // t itself where its rows are unit-strided (as the keys' and values' views of the joint
    // projection are, one head), else a contiguous copy.
    static torch::Tensor unitRows(const torch::Tensor& t) {
        return t.stride(2) == 1 ? t : t.contiguous();
    }

    // Where each sequence-head's blocks lie: its first real row f (N: none) and the offsets of
    // its blocks' (r1 − r0) × (r1 − f) probabilities in the packed buffer.
    class Layout {
    public:
        Layout(const torch::Tensor& real, int64_t heads)
            : n_(real.size(1)), heads_(heads), first_(real.size(0)), start_(real.size(0) + 1, 0) {
            const torch::Tensor realKeys = real.to(torch::kBool).contiguous();
            for (int64_t b = 0; b < real.size(0); ++b) {
                const bool* row = realKeys.data_ptr<bool>() + b * n_;
                first_[b] = std::find(row, row + n_, true) - row;
                int64_t size = 0;
                forBlocksFrom(first_[b], [&](int64_t r0, int64_t r1, int64_t) {
                    size += (r1 - r0) * (r1 - first_[b]);
                });
                start_[b + 1] = start_[b] + size * heads_;
            }
        }
        int64_t total() const { return start_.back(); }
        int64_t sequence(int64_t sequenceHead) const { return sequenceHead / heads_; }
        int64_t first(int64_t sequenceHead) const { return first_[sequence(sequenceHead)]; }
        // body(r0, r1, offset) for each block of the sequence-head's rows, in order.
        template <typename Body>
        void forBlocks(int64_t sequenceHead, const Body& body) const {
            const int64_t b = sequence(sequenceHead);
            const int64_t perHead = (start_[b + 1] - start_[b]) / heads_;
            forBlocksFrom(first_[b], [&](int64_t r0, int64_t r1, int64_t offset) {
                body(r0, r1, start_[b] + (sequenceHead % heads_) * perHead + offset);
            });
        }

    private:
        template <typename Body>
        void forBlocksFrom(int64_t f, const Body& body) const {
            int64_t offset = 0;
            for (int64_t r0 = f; r0 < n_; r0 += kAttentionRows) {
                const int64_t r1 = std::min(n_, r0 + kAttentionRows);
                body(r0, r1, offset);
                offset += (r1 - r0) * (r1 - f);
            }
        }

        int64_t n_;
        int64_t heads_;
        std::vector<int64_t> first_;
        std::vector<int64_t> start_;
    };
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

torch::Tensor causalAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, const torch::Tensor& real, double p,
                              bool training, const at::Generator& random) {
    const bool drop = training && p > 0.0;
    const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(2)));
    if (fusable(q)) {
        return BlockedAttention::apply(q, k, v, real, scale, drop ? 1.0 - p : 1.0,
                                       drop ? maskKey(random) : 0);
    }
    const int64_t b = real.size(0);
    const int64_t heads = q.size(0) / b;
    const int64_t n = real.size(1);
    const torch::Tensor bias =
        attentionBias(real, q.options()).expand({b, heads, n, n}).reshape({b * heads, n, n});
    // Rows before the first real item (no real key up to them) attend to nothing.
    const torch::Tensor seesNothing = (real.to(torch::kLong).cumsum(1) == 0)
                                          .unsqueeze(1)
                                          .expand({b, heads, n})
                                          .reshape({b * heads, n, 1});
    const torch::Tensor probabilities =
        torch::softmax(torch::baddbmm(bias, q, k.transpose(1, 2), 1.0, scale), -1)
            .masked_fill(seesNothing, 0.0);
    return (drop ? composedDropout(probabilities, p, random) : probabilities).bmm(v);
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
    const torch::Tensor mixed = causalAttention(q, k, v, real, p, training, random)
                                    .view({b, heads_, n, headDim})
                                    .transpose(1, 2)
                                    .reshape({b, n, d});
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
