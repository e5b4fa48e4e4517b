#pragma once

#include "config/RunConfig.h"

#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace dimerec {

// How x_t is drawn from x_0 in training (spec §2.2, §2.5; issue 19). Each has its own reverse
// step and its own start of the reverse chain (DiffusionProcess).
enum class ForwardProcess {
    // The paper's letter: one geodesic jump x_t = exp_{x0}(sqrt(1−ᾱ_t)·ε), ε tangent Gaussian.
    // In d = 64 the angle sqrt(1−ᾱ_t)·‖ε‖ passes π and comes back towards x0. DDPM's posterior.
    Literal,
    // The same jump with ε/sqrt(d−1): angle ≈ sqrt(1−ᾱ_t) rad. DDPM's posterior.
    PerDim,
    // x_t at angle θ_t = θ_max·sqrt(1−ᾱ_t)/sqrt(1−ᾱ_T) from x0 along a uniform tangent direction;
    // the geodesic reverse step. The sampler starts uniform on the sphere, which matches x_T's
    // direction from x0 (all the reverse step reads) but not its angle θ_max.
    Monotone,
    // A walk of t small geodesic steps x_s = exp_{x_{s−1}}(σ_s·ε_s/sqrt(d−1)) (the paper's
    // figure), simulated by its angle to x0; the geodesic reverse step.
    SmallStepWalk,
    // normalise(sqrt(ᾱ_t)·x0 + sqrt(1−ᾱ_t)·ε/sqrt(d)); DDPM's posterior, re-normalised.
    ProjectedDdpm,
    // Plain DDPM off the sphere (the geometry ablation): sqrt(ᾱ_t)·x0 + sqrt(1−ᾱ_t)·ε.
    Euclidean,
};

// The config's model.geometry and model.noiseScale as a forward process.
ForwardProcess forwardProcessOf(NoiseGeometry geometry, NoiseScale noiseScale);

// β schedule and the DDPM quantities derived from it, in double precision on the CPU; index
// t−1 holds step t (t = 1..T), with ᾱ_0 = 1.
struct DiffusionSchedule {
    torch::Tensor betas;              // β_t
    torch::Tensor alphaBars;          // ᾱ_t = Π_{s≤t} (1 − β_s)
    torch::Tensor posteriorCoefX0;    // sqrt(ᾱ_{t−1}) β_t / (1 − ᾱ_t)
    torch::Tensor posteriorCoefXt;    // sqrt(α_t) (1 − ᾱ_{t−1}) / (1 − ᾱ_t)
    torch::Tensor posteriorVariance;  // β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t)

    int steps() const { return static_cast<int>(betas.size(0)); }

    // linear: β from betaStart to betaEnd evenly; linear-scaled: the same from betaStart·1000/T
    // to betaEnd·1000/T; exp: geometric from betaStart to betaEnd; cosine: Nichol & Dhariwal's
    // ᾱ(t) = cos²(((t/T)+s)/(1+s)·π/2), s = 0.008, β clipped to 0.999. Throws
    // std::invalid_argument unless every β lies in (0, 1).
    static DiffusionSchedule make(BetaSchedule kind, int steps, double betaStart, double betaEnd);
};

// x / ‖x‖ along the last dimension (rows of norm 0 stay 0).
torch::Tensor l2Normalize(const torch::Tensor& x);

// Removes from v its component along the unit vector base: v − ⟨v, base⟩ base.
torch::Tensor projectToTangent(const torch::Tensor& v, const torch::Tensor& base);

// Exponential map of the unit sphere at base: cos(‖v‖) base + sin(‖v‖) v/‖v‖, with
// sin(r)/r → 1 as r → 0.
torch::Tensor sphereExp(const torch::Tensor& base, const torch::Tensor& tangent);

// The forward and reverse processes of DimeRec (spec §2, issue 19).
class DiffusionProcess {
public:
    struct Options {
        BetaSchedule schedule = BetaSchedule::Linear;
        int steps = 100;          // T
        double betaStart = 1e-4;  // first β (linear, linear-scaled before scaling, exp)
        double betaEnd = 0.02;    // last β (linear, linear-scaled before scaling, exp)
        ForwardProcess process = ForwardProcess::Literal;
        ReverseNoise reverseNoise = ReverseNoise::Sqrt;
        double thetaMax = M_PI / 2;  // Monotone: the angle θ_T from x0 at t = T, in (0, π]
    };

    struct Noised {
        torch::Tensor x0;  // [B, d] clean sample: e_a/‖e_a‖ (sphere) or e_a (Euclidean)
        torch::Tensor xt;  // [B, d] noised sample
    };

    // Throws std::invalid_argument for a bad schedule, θ_max outside (0, π], or a schedule too
    // uneven for the small-step walk (a step angle above π/2).
    explicit DiffusionProcess(const Options& options);
    // The process a model config names (schedule, T, β ends, forward process, reverse noise,
    // θ_max).
    static Options optionsOf(const ModelConfig& config);

    const Options& options() const { return options_; }
    const DiffusionSchedule& schedule() const { return schedule_; }
    int steps() const { return schedule_.steps(); }

    // Monotone and SmallStepWalk: θ_t for t = 0..T (θ_0 = 0), the angle between x_t and x0
    // that the forward process gives and the reverse step restores; empty for the others.
    const std::vector<double>& angles() const { return angles_; }
    // SmallStepWalk: the step sizes σ_s for s = 1..T (index s − 1); empty for the others.
    const std::vector<double>& walkSteps() const { return walkSteps_; }

    // The draws that diffuse takes for rows of dim, on the CPU from generator (LibTorch's
    // default if none), of type dtype: [rows, dim] standard normal; for the small-step walk
    // [rows, dim + 2T]: the direction of x_t (dim standard normals), then for each step s the
    // first coordinate g_s ~ N(0, 1) of its tangent Gaussian in a frame along the geodesic to x0,
    // then for each step the sum Q_s ~ χ²_{d−2} of the squares of the other d − 2 (all that the
    // walk's angle depends on; Diffusion.cpp).
    torch::Tensor drawNoise(int64_t rows, int64_t dim,
                            const c10::optional<at::Generator>& generator,
                            torch::ScalarType dtype) const;

    // Forward jump to step t ([B] int64, 1-based) from target [B, d] with noise from drawNoise
    // (or of its shape and law); see ForwardProcess for each formula.
    Noised diffuse(const torch::Tensor& target, const torch::Tensor& t,
                   const torch::Tensor& noise) const;

    // σ_t of a reverse step at step t for vectors of dim (Options::reverseNoise).
    double reverseNoiseScale(int t, int64_t dim) const;

    // x_{t−1} from x_t and the denoiser's x̂_0 at step t (scalar), with noise [B, d] ~ N(0, I).
    // Literal, PerDim, ProjectedDdpm: posterior mean + σ_t·noise, re-normalised onto the sphere;
    // Euclidean: the same without re-normalising. Monotone, SmallStepWalk (the geodesic step):
    // the point at angle θ_{t−1} from x̂_0/‖x̂_0‖ on the great circle through x_t, on x_t's side,
    // then moved by exp with σ_t·(noise projected onto its tangent space).
    torch::Tensor reverseStep(const torch::Tensor& xt, const torch::Tensor& x0Hat, int t,
                              const torch::Tensor& noise) const;

    // The start of the reverse chain, x_T for rows of dim, drawn on the CPU from generator:
    // uniform on the sphere, or N(0, I) for Euclidean.
    torch::Tensor prior(int64_t rows, int64_t dim, at::Generator& generator) const;

    // The data of a forward-process inspector: over draws random x0 in dim, the mean and
    // standard deviation of cos(x_t, x0) for t = 1..T (index t − 1), and of cos(x_T, x0) for
    // the sampler's start (prior). Draws on the CPU from generator; the walk is simulated once
    // and read at every step.
    struct Profile {
        std::vector<double> mean;
        std::vector<double> sd;
        double startMean = 0.0;
        double startSd = 0.0;
    };
    Profile profile(int64_t dim, int64_t draws, at::Generator& generator) const;

    // Algorithm 2: x_T from prior, then T reverse steps. denoise(x_t, t) returns x̂_0. Noise is
    // drawn on the CPU from generator, so results do not depend on device. visit, when given,
    // sees every state of the chain: (T, x_T), then (t − 1, x_{t−1}) after each step.
    torch::Tensor sample(const std::function<torch::Tensor(const torch::Tensor&, int)>& denoise,
                         int64_t rows, int64_t dim, at::Generator& generator,
                         const torch::Device& device,
                         const std::function<void(int, const torch::Tensor&)>& visit = {}) const;

private:
    bool onSphere() const { return options_.process != ForwardProcess::Euclidean; }
    bool geodesicReverse() const {
        return options_.process == ForwardProcess::Monotone ||
               options_.process == ForwardProcess::SmallStepWalk;
    }
    torch::Tensor geodesicStep(const torch::Tensor& xt, const torch::Tensor& x0Hat, int t,
                               const torch::Tensor& noise, double sigma) const;
    // The small-step walk's cos(x_s, x0) after each step s, [B, T] double on the CPU, from the
    // per-step columns (all g_s, then all Q_s) of drawNoise's draws for vectors of dim.
    torch::Tensor walkCosines(const torch::Tensor& draws, int64_t dim) const;

    Options options_;
    DiffusionSchedule schedule_;
    torch::Tensor sqrtOneMinusAlphaBar_;  // float, [T]
    torch::Tensor sqrtAlphaBar_;          // float, [T]
    std::vector<double> angles_;          // θ_t, t = 0..T (Monotone, SmallStepWalk)
    torch::Tensor angleTable_;            // the same as floats (Monotone)
    std::vector<double> walkSteps_;       // σ_s, s = 1..T (SmallStepWalk)
};

}  // namespace dimerec
