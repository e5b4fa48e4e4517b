#pragma once

#include "model/Diffusion.h"
#include "model/Guidance.h"
#include "model/Recommender.h"

namespace dimerec {

// The DAM's denoiser: x̂_0 from x_t, the step t and the guidance g, with what depends on g
// alone computed once per user (guidance()), so that the reverse process reuses it every step.
class DenoiserBase : public torch::nn::Module {
public:
    // The per-user part: g [B, K, d] → a tensor whose rows are the users.
    virtual torch::Tensor guidance(const torch::Tensor& interests) = 0;
    // x̂_0 for x_t [B, d] at steps t ([B] int64, 1-based) given guidance(g).
    virtual torch::Tensor forward(const torch::Tensor& xt, const torch::Tensor& t,
                                  const torch::Tensor& guidancePart) = 0;
    // x̂_0 for every row at the same step t.
    virtual torch::Tensor atStep(const torch::Tensor& xt, int t,
                                 const torch::Tensor& guidancePart) = 0;
};

// DAM denoiser (spec §1.4): MLP([x_t; s_t; vec(g)]) → x̂_0 with a learnable step table. The
// first layer is kept as three blocks (x_t, step, guidance) — the same map as one Linear over
// the concatenation — so the reverse process can compute the guidance block once per user
// (guidance(): [B, hidden]).
class DenoiserImpl : public DenoiserBase {
public:
    DenoiserImpl(int dim, int interests, int hidden, int steps);

    torch::Tensor guidance(const torch::Tensor& interests) override;
    torch::Tensor forward(const torch::Tensor& xt, const torch::Tensor& t,
                          const torch::Tensor& guidancePart) override;
    torch::Tensor atStep(const torch::Tensor& xt, int t,
                         const torch::Tensor& guidancePart) override;

private:
    torch::Tensor finish(const torch::Tensor& preActivation);

    torch::nn::Embedding steps_;
    torch::nn::Linear fromX_;
    torch::nn::Linear fromStep_;
    torch::nn::Linear fromGuidance_;
    torch::nn::Linear out_;
};

// The attention denoiser (issue 19): h = W_x x_t + s_t queries the K guidance vectors
// (single-head scaled dot-product attention, keys and values linear maps of g, computed once
// per user: guidance() is [B, K, 2d]), z = h + W_o·attended, x̂_0 = W_out(z + MLP(z)) with
// the MLP d → hidden → d (GELU). Unlike the MLP over vec(g), its softmax can pick one interest.
class AttentionDenoiserImpl : public DenoiserBase {
public:
    AttentionDenoiserImpl(int dim, int hidden, int steps);

    torch::Tensor guidance(const torch::Tensor& interests) override;
    torch::Tensor forward(const torch::Tensor& xt, const torch::Tensor& t,
                          const torch::Tensor& guidancePart) override;
    torch::Tensor atStep(const torch::Tensor& xt, int t,
                         const torch::Tensor& guidancePart) override;

private:
    int dim_;
    torch::nn::Embedding steps_;
    torch::nn::Linear fromX_;
    torch::nn::Linear query_;
    torch::nn::Linear keys_;
    torch::nn::Linear values_;
    torch::nn::Linear mix_;
    torch::nn::Linear hidden_;
    torch::nn::Linear back_;
    torch::nn::Linear out_;
};

// K-interest retrieval model trained with the argmax readout and sampled softmax: ComiRec-SA/DR,
// and DimeRec's GEM on its own (the useDiffusion = false ablation). The GEM `gem` is built
// from config (makeGuidance).
class MultiInterestRecommender : public Recommender {
public:
    MultiInterestRecommender(const std::string& name, std::string lossName, GemKind gem,
                             int32_t numItems, const ModelConfig& config, int maxLength);

    LossTerms loss(const BatchTensors& batch) override;
    torch::Tensor userVectors(const torch::Tensor& history, const torch::Tensor& lengths) override;
    torch::Tensor itemEmbeddings() override;

private:
    std::string lossName_;
    torch::nn::Embedding items_;
    std::shared_ptr<GuidanceModule> gem_;
};

// DimeRec (spec §1–2): GEM → guidance g, DAM denoiser over the geodesic random walk (or the
// Euclidean DDPM ablation); L = [L_gem] + λ L_recon + μ L_ssm; retrieval with the
// reverse-process sample (Algorithm 2).
class DimeRecRecommender : public Recommender {
public:
    DimeRecRecommender(const ModelConfig& config, int32_t numItems, int maxLength);

    LossTerms loss(const BatchTensors& batch) override;
    torch::Tensor userVectors(const torch::Tensor& history, const torch::Tensor& lengths) override;
    torch::Tensor itemEmbeddings() override;
    bool isGenerative() const override { return true; }
    torch::Tensor sampleUserVectors(const torch::Tensor& history, const torch::Tensor& lengths,
                                    int samples) override;

    const DiffusionProcess& diffusion() const { return diffusion_; }
    // [B, K, d]: the GEM's interest vectors that guide the reverse process (sphere view);
    // random: the generator of the GEM's training draws (GuidanceModule::forward).
    torch::Tensor guidanceOf(const torch::Tensor& history, const at::Generator& random = {});
    // [T + 1, B, d]: one reverse chain per user, its states x_T, …, x_0 (the diffusion
    // inspector); x_0 is what sampleUserVectors(history, ·, 1) returns from the same stream.
    torch::Tensor reverseChain(const torch::Tensor& history);

    // The warm start: loss() is L_gem alone (the only term reported) and leaves the DAM alone.
    void setGemOnly(bool on) override { gemOnly_ = on; }

private:
    // [B·samples, d]: the reverse process for each user's samples (rows of a user together),
    // visit seeing each state (DiffusionProcess::sample).
    torch::Tensor reverseProcess(const torch::Tensor& history, int samples,
                                 const std::function<void(int, const torch::Tensor&)>& visit);

    torch::nn::Embedding items_;
    std::shared_ptr<GuidanceModule> gem_;
    std::shared_ptr<DenoiserBase> denoiser_;
    DiffusionProcess diffusion_;
    const ModelConfig config_;  // the loss weights and switches, samples per user
    bool gemOnly_ = false;
};

}  // namespace dimerec
