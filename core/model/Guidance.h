#pragma once

#include "config/RunConfig.h"

#include <torch/torch.h>

#include <memory>
#include <string>

namespace dimerec {

// A guidance extraction module (GEM, spec §1.2): history embeddings [B, N, d] (right-aligned,
// padding rows zero) and their mask [B, N] (true = real item) → K interest vectors [B, K, d].
// random: the generator of a GEM's training draws (the SASRec GEM's dropout; undefined:
// LibTorch's global one).
class GuidanceModule : public torch::nn::Module {
public:
    virtual torch::Tensor forward(const torch::Tensor& history, const torch::Tensor& mask,
                                  const at::Generator& random) = 0;
};

// The GEM `kind`: rule (last K items), sa (ComiRec-SA self-attention), dr (ComiRec-DR dynamic
// routing) or sasrec (the last K hidden states of SASRec's encoder), with config's d and K
// (and, for sasrec, its layers, heads and dropout) over histories of at most maxLength items.
std::shared_ptr<GuidanceModule> makeGuidance(GemKind kind, const ModelConfig& config,
                                             int maxLength);

// The argmax readout of spec §1.3: per row, the interest with the largest inner product with
// the target embedding. interests [B, K, d], target [B, d] → [B, d].
torch::Tensor selectInterest(const torch::Tensor& interests, const torch::Tensor& target);

}  // namespace dimerec
