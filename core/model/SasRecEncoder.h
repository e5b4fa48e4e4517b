#pragma once

#include <torch/torch.h>

namespace dimerec {

// The steps of a SASRec block with dropout p while training (masks keyed by one draw of
// `random` each, undefined: LibTorch's global generator). On CPU floats each is one autograd
// node with a hand-written backward and masks from applyDropoutMask at the entries' flat
// indices; elsewhere LibTorch's composition (bernoulli_ masks). Declared here for their tests.
//
// base + dropout(x); base may be undefined (none).
torch::Tensor dropoutAdd(const torch::Tensor& x, const torch::Tensor& base, double p, bool training,
                         const at::Generator& random);
// dropout(relu(x)).
torch::Tensor reluDropout(const torch::Tensor& x, double p, bool training,
                          const at::Generator& random);
// Causal self-attention over the real keys, dropout(softmax(q·kᵀ/√dh + bias))·v for q, k, v
// [B·heads, N, dh] and real [B, N] (true = a real item): bias 0 where query i may see key j
// (j ≤ i, j real) and −1e9 elsewhere; a query before the first real item sees no real key and
// attends to nothing (its row of the result is 0). [B·heads, N, dh].
torch::Tensor causalAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, const torch::Tensor& real, double p,
                              bool training, const at::Generator& random);

// One SASRec block: pre-norm causal self-attention (queries normalised, keys and values not,
// as in the reference implementation) and a point-wise feed-forward layer, both residual.
class SasRecBlockImpl : public torch::nn::Module {
public:
    SasRecBlockImpl(int dim, int heads, double dropout);
    // x [B, N, d]; real [B, N] (true = a real item: a query sees the real keys up to
    // itself); random: the dropout masks' generator (undefined: LibTorch's global one).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& real,
                          const at::Generator& random);

private:
    int64_t heads_;
    torch::nn::LayerNorm attentionNorm_;
    torch::nn::Linear query_;
    torch::nn::Linear keyValue_;
    torch::nn::Linear output_;
    torch::nn::LayerNorm feedForwardNorm_;
    torch::nn::Linear feedForward1_;
    torch::nn::Linear feedForward2_;
    double dropout_;
};
TORCH_MODULE(SasRecBlock);

// SASRec's encoder (Kang & McAuley 2018), shared by the SASRec baseline and DimeRec's SASRec
// GEM: learned absolute positions, `layers` causal blocks and a final layer norm. It is not a
// module of its own: it registers its parameters in the module that owns it ("positions",
// "blocks.<i>.…", "finalNorm.…"), so that SASRec's parameter names, and the checkpoints
// written under them, stayed what they were before the GEM shared the encoder. Dropout is on
// while the owner is in training mode.
class SasRecEncoder {
public:
    SasRecEncoder(torch::nn::Module& owner, int dim, int maxLength, int layers, int heads,
                  double dropout);

    // [B, N, d]: the last block's output at every position, before the final norm, for the
    // history embeddings [B, N, d] (N ≤ maxLength) and real [B, N] (true = a real item). A
    // real position sees the real positions up to itself only; padding positions keep
    // whatever values they get (nothing real attends to them), so readers must not use them.
    // random: the dropout masks' generator (undefined: LibTorch's global one).
    torch::Tensor states(const torch::Tensor& embeddings, const torch::Tensor& real,
                         const at::Generator& random);

    // The final layer norm, applied to the states that are read out (SASRec normalises only
    // the rows it scores).
    torch::Tensor finish(const torch::Tensor& states);

private:
    int64_t dim_;
    double dropout_;
    torch::Tensor positions_;
    torch::nn::ModuleList blocks_;
    torch::nn::LayerNorm finalNorm_;
};

}  // namespace dimerec
