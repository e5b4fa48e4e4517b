#pragma once

#include "config/RunConfig.h"

#include <torch/torch.h>

#include <functional>
#include <string>

namespace dimerec {

// β schedule and the DDPM quantities derived from it, in double precision on the CPU; index
// t−1 holds step t (t = 1..T), with ᾱ_0 = 1.
struct DiffusionSchedule {
    torch::Tensor betas;              // β_t
    torch::Tensor alphaBars;          // ᾱ_t = Π_{s≤t} (1 − β_s)
    torch::Tensor posteriorCoefX0;    // sqrt(ᾱ_{t−1}) β_t / (1 − ᾱ_t)
    torch::Tensor posteriorCoefXt;    // sqrt(α_t) (1 − ᾱ_{t−1}) / (1 − ᾱ_t)
    torch::Tensor posteriorVariance;  // β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t)

    int steps() const { return static_cast<int>(betas.size(0)); }

    // linear: β from betaStart to betaEnd evenly; exp: geometric from betaStart to betaEnd;
    // cosine: Nichol & Dhariwal's ᾱ(t) = cos²(((t/T)+s)/(1+s)·π/2), s = 0.008, β clipped to 0.999.
    static DiffusionSchedule make(BetaSchedule kind, int steps, double betaStart, double betaEnd);
};

// x / ‖x‖ along the last dimension (rows of norm 0 stay 0).
torch::Tensor l2Normalize(const torch::Tensor& x);

// Removes from v its component along the unit vector base: v − ⟨v, base⟩ base.
torch::Tensor projectToTangent(const torch::Tensor& v, const torch::Tensor& base);

// Exponential map of the unit sphere at base: cos(‖v‖) base + sin(‖v‖) v/‖v‖, with
// sin(r)/r → 1 as r → 0.
torch::Tensor sphereExp(const torch::Tensor& base, const torch::Tensor& tangent);

// The forward and reverse processes of DimeRec (spec §2): the geodesic random walk on the unit
// sphere, or plain Euclidean DDPM for the ablation.
class DiffusionProcess {
public:
    struct Options {
        BetaSchedule schedule = BetaSchedule::Linear;
        int steps = 100;           // T
        double betaStart = 1e-4;   // first β (linear, exp)
        double betaEnd = 0.02;     // last β (linear, exp)
        bool geodesic = true;      // false = Euclidean DDPM
        bool perDimNoise = false;  // scale tangent noise by 1/sqrt(d−1) (spec §2.5)
        // Noise of a reverse step: sqrt(β̃_t)·ε' (DDPM), "literal" β̃_t·ε' (the paper's
        // Algorithm 2) or "none" (the deterministic chain of posterior means, a diagnostic).
        ReverseNoise reverseNoise = ReverseNoise::Sqrt;
    };

    struct Noised {
        torch::Tensor x0;  // [B, d] clean sample: e_a/‖e_a‖ (geodesic) or e_a (Euclidean)
        torch::Tensor xt;  // [B, d] noised sample
    };

    explicit DiffusionProcess(const Options& options);

    const DiffusionSchedule& schedule() const { return schedule_; }
    int steps() const { return schedule_.steps(); }

    // One-shot forward jump to step t ([B] int64, 1-based) with the given Gaussian draw
    // noise [B, d] ~ N(0, I): geodesic x_t = exp_{x0}[sqrt(1−ᾱ_t)·proj(noise)], Euclidean
    // x_t = sqrt(ᾱ_t) x0 + sqrt(1−ᾱ_t) noise.
    Noised diffuse(const torch::Tensor& target, const torch::Tensor& t,
                   const torch::Tensor& noise) const;

    // x_{t−1} from x_t and the denoiser's x̂_0 at step t (scalar), with noise [B, d] ~ N(0, I):
    // posterior mean + σ_t noise (σ_t per Options::reverseNoise), re-normalised onto the
    // sphere in the geodesic case.
    torch::Tensor reverseStep(const torch::Tensor& xt, const torch::Tensor& x0Hat, int t,
                              const torch::Tensor& noise) const;

    // Algorithm 2: x_T (uniform on the sphere, or N(0, I)), then T reverse steps. denoise(x_t, t)
    // returns x̂_0. Noise is drawn on the CPU from generator, so results do not depend on device.
    torch::Tensor sample(const std::function<torch::Tensor(const torch::Tensor&, int)>& denoise,
                         int64_t rows, int64_t dim, at::Generator& generator,
                         const torch::Device& device) const;

private:
    Options options_;
    DiffusionSchedule schedule_;
    torch::Tensor sqrtOneMinusAlphaBar_;  // float, [T]
    torch::Tensor sqrtAlphaBar_;          // float, [T]
};

}  // namespace dimerec
