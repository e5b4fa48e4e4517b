#pragma once

#include "model/Diffusion.h"
#include "model/Guidance.h"
#include "model/Recommender.h"

namespace dimerec {

// DAM denoiser (spec §1.4): MLP([x_t; s_t; vec(g)]) → x̂_0 with a learnable step table. The
// first layer is kept as three blocks (x_t, step, guidance) — the same map as one Linear over
// the concatenation — so the reverse process can compute the guidance block once per user.
class DenoiserImpl : public torch::nn::Module {
public:
    DenoiserImpl(int dim, int interests, int hidden, int steps);

    // Guidance block of the first layer: g [B, K, d] → [B, hidden].
    torch::Tensor guidance(const torch::Tensor& interests);
    // x̂_0 for x_t [B, d] at steps t ([B] int64, 1-based) given guidance(g).
    torch::Tensor forward(const torch::Tensor& xt, const torch::Tensor& t,
                          const torch::Tensor& guidancePart);
    // x̂_0 for every row at the same step t.
    torch::Tensor atStep(const torch::Tensor& xt, int t, const torch::Tensor& guidancePart);

private:
    torch::Tensor finish(const torch::Tensor& preActivation);

    torch::nn::Embedding steps_;
    torch::nn::Linear fromX_;
    torch::nn::Linear fromStep_;
    torch::nn::Linear fromGuidance_;
    torch::nn::Linear out_;
};
TORCH_MODULE(Denoiser);

// K-interest retrieval model trained with the argmax readout and sampled softmax: ComiRec-SA/DR,
// and DimeRec's GEM on its own (the useDiffusion = false ablation).
class MultiInterestRecommender : public Recommender {
public:
    MultiInterestRecommender(const std::string& name, std::string lossName, GemKind gem,
                             int32_t numItems, int dim, int interests, int maxLength);

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

    // What retrieval scores against the items: the reverse-process samples (Algorithm 2) or
    // the GEM's K interests (as ComiRec: the diagnostic of what the DAM adds to its GEM); an
    // item scores its best inner product over the vectors.
    enum class Readout { Diffusion, Interests };
    void setReadout(Readout readout) { readout_ = readout; }
    // "diffusion" | "interests"; throws std::invalid_argument naming the value.
    static Readout readoutFromName(const std::string& name);

    const DiffusionProcess& diffusion() const { return diffusion_; }
    // [B, K, d]: the GEM's interest vectors that guide the reverse process (sphere view).
    torch::Tensor guidanceOf(const torch::Tensor& history);
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
    Denoiser denoiser_;
    DiffusionProcess diffusion_;
    const ModelConfig config_;  // the loss weights and switches, samples per user
    Readout readout_ = Readout::Diffusion;
    bool gemOnly_ = false;
};

}  // namespace dimerec
