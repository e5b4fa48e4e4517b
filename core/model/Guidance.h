#pragma once

#include "config/RunConfig.h"

#include <torch/torch.h>

#include <memory>
#include <string>

namespace dimerec {

// A guidance extraction module (GEM, spec §1.2): history embeddings [B, N, d] (padding rows
// zero) and their mask [B, N] (true = real item) → K interest vectors [B, K, d].
class GuidanceModule : public torch::nn::Module {
public:
    virtual torch::Tensor forward(const torch::Tensor& history, const torch::Tensor& mask) = 0;
};

// rule (last K items), sa (ComiRec-SA self-attention), dr (ComiRec-DR dynamic routing).
std::shared_ptr<GuidanceModule> makeGuidance(GemKind kind, int dim, int interests, int maxLength);

// The argmax readout of spec §1.3: per row, the interest with the largest inner product with
// the target embedding. interests [B, K, d], target [B, d] → [B, d].
torch::Tensor selectInterest(const torch::Tensor& interests, const torch::Tensor& target);

}  // namespace dimerec
