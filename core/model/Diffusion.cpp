#include "model/Diffusion.h"

#include "kernels/NormalNoise.h"
#include "kernels/VectorMath.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace dimerec {
namespace {

constexpr double kCosineOffset = 0.008;  // Nichol & Dhariwal's s
constexpr double kMaxBeta = 0.999;  // keeps cosine's, and linear-scaled's at T <= 20, β below 1
constexpr double kMinNorm = 1e-12;  // below this a vector counts as zero
constexpr double kMinAngle = 1e-6;  // sin(r)/r is taken as 1 below this angle
constexpr double kScaledSteps = 1000.0;  // linear-scaled: the T its ends were made for
// Small-step walk: mean cos(x_T, x0) it is calibrated to. "≈ 0" within what 20,000 draws can
// tell in d = 64: a mean cos m shifts the law of cos(x_T, x0) from the uniform one's by a
// Kolmogorov–Smirnov distance of about 0.4·sqrt(d)·m = 0.003, a fifth of the test's critical
// 0.016 at α = 0.01.
constexpr double kWalkEndCos = 1e-3;

std::string text(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

// Fills buffer with standard normal draws keyed by one draw from generator (fillStandardNormal:
// twice as fast as torch::randn, whose draws were a tenth of DimeRec's full ranking).
void drawStandardNormal(torch::Tensor& buffer, at::Generator& generator) {
    uint64_t key = 0;
    {
        const std::lock_guard<std::mutex> lock(generator.mutex());
        key = at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
    }
    fillStandardNormal(buffer.data_ptr<float>(), buffer.numel(), key);
}

}  // namespace

ForwardProcess forwardProcessOf(NoiseGeometry geometry, NoiseScale noiseScale) {
    if (geometry == NoiseGeometry::Euclidean) return ForwardProcess::Euclidean;
    switch (noiseScale) {
        case NoiseScale::Literal:
            return ForwardProcess::Literal;
        case NoiseScale::PerDim:
            return ForwardProcess::PerDim;
        case NoiseScale::Monotone:
            return ForwardProcess::Monotone;
        case NoiseScale::SmallStepWalk:
            return ForwardProcess::SmallStepWalk;
        case NoiseScale::ProjectedDdpm:
            return ForwardProcess::ProjectedDdpm;
    }
    throw std::invalid_argument("model.noiseScale: unknown value");
}

DiffusionSchedule DiffusionSchedule::make(BetaSchedule kind, int steps, double betaStart,
                                          double betaEnd) {
    if (steps < 1) throw std::invalid_argument("diffusion steps: must be >= 1");
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor betas;
    switch (kind) {
        case BetaSchedule::Linear:
            betas = torch::linspace(betaStart, betaEnd, steps, f64);
            break;
        case BetaSchedule::LinearScaled: {
            // Capped as cosine is, so that small T (the default schedule's smoke runs) is a
            // valid schedule; with the default ends no β reaches the cap for T > 20.
            const double scale = kScaledSteps / steps;
            betas =
                torch::linspace(betaStart * scale, betaEnd * scale, steps, f64).clamp_max(kMaxBeta);
            break;
        }
        case BetaSchedule::Exp:
            betas = torch::exp(torch::linspace(std::log(betaStart), std::log(betaEnd), steps, f64));
            break;
        case BetaSchedule::Cosine: {
            auto f = [&](double t) {
                const double angle =
                    (t / steps + kCosineOffset) / (1.0 + kCosineOffset) * M_PI / 2.0;
                return std::cos(angle) * std::cos(angle);
            };
            betas = torch::empty({steps}, f64);
            auto b = betas.accessor<double, 1>();
            for (int t = 1; t <= steps; ++t) b[t - 1] = std::min(1.0 - f(t) / f(t - 1), kMaxBeta);
            break;
        }
    }
    const double smallest = betas.min().item<double>();
    const double largest = betas.max().item<double>();
    if (!(smallest > 0.0 && largest < 1.0))
        throw std::invalid_argument(std::string("schedule ") + nameOf(kind) + " with T = " +
                                    std::to_string(steps) + ": β ranges from " + text(smallest) +
                                    " to " + text(largest) + ", but every β must lie in (0, 1)");
    DiffusionSchedule s;
    s.betas = betas;
    s.alphaBars = torch::cumprod(1.0 - betas, 0);
    const torch::Tensor previous =
        torch::cat({torch::ones({1}, f64), s.alphaBars.slice(0, 0, steps - 1)});
    const torch::Tensor oneMinus = 1.0 - s.alphaBars;
    s.posteriorCoefX0 = torch::sqrt(previous) * betas / oneMinus;
    s.posteriorCoefXt = torch::sqrt(1.0 - betas) * (1.0 - previous) / oneMinus;
    s.posteriorVariance = betas * (1.0 - previous) / oneMinus;
    return s;
}

torch::Tensor l2Normalize(const torch::Tensor& x) {
    return x / x.norm(2, -1, true).clamp_min(kMinNorm);
}

torch::Tensor projectToTangent(const torch::Tensor& v, const torch::Tensor& base) {
    return v - (v * base).sum(-1, true) * base;
}

torch::Tensor sphereExp(const torch::Tensor& base, const torch::Tensor& tangent) {
    const torch::Tensor r = tangent.norm(2, -1, true);
    const torch::Tensor safe = r.clamp_min(kMinAngle);
    return torch::cos(r) * base + (torch::sin(safe) / safe) * tangent;
}

DiffusionProcess::Options DiffusionProcess::optionsOf(const ModelConfig& c) {
    Options o;
    o.schedule = c.schedule;
    o.steps = c.diffusionSteps;
    o.betaStart = c.betaStart;
    o.betaEnd = c.betaEnd;
    o.process = forwardProcessOf(c.geometry, c.noiseScale);
    o.reverseNoise = c.reverseNoise;
    o.thetaMax = c.thetaMaxDegrees * M_PI / 180.0;
    return o;
}

DiffusionProcess::DiffusionProcess(const Options& options)
    : options_(options),
      schedule_(DiffusionSchedule::make(options.schedule, options.steps, options.betaStart,
                                        options.betaEnd)) {
    sqrtAlphaBar_ = torch::sqrt(schedule_.alphaBars).to(torch::kFloat32);
    sqrtOneMinusAlphaBar_ = torch::sqrt(1.0 - schedule_.alphaBars).to(torch::kFloat32);
    const int steps = schedule_.steps();
    const auto betas = schedule_.betas.accessor<double, 1>();
    const auto alphaBars = schedule_.alphaBars.accessor<double, 1>();
    if (options_.process == ForwardProcess::Monotone) {
        if (!(options_.thetaMax > 0.0 && options_.thetaMax <= M_PI))
            throw std::invalid_argument("monotone process: θ_max must lie in (0, π], got " +
                                        text(options_.thetaMax));
        // θ_t = θ_max·sqrt(1−ᾱ_t)/sqrt(1−ᾱ_T): grows with t as DDPM's noise level does.
        angles_.push_back(0.0);
        for (int t = 1; t <= steps; ++t)
            angles_.push_back(options_.thetaMax * std::sqrt(1.0 - alphaBars[t - 1]) /
                              std::sqrt(1.0 - alphaBars[steps - 1]));
        angleTable_ = torch::tensor(angles_, torch::kFloat64).to(torch::kFloat32);
    } else if (options_.process == ForwardProcess::SmallStepWalk) {
        // One step x' = exp_x(v), v = σ·proj_x(ε)/sqrt(d−1), r = ‖v‖ (E[r²] = σ²):
        // cos(x', x0) = cos r·cos(x, x0) + (sin r/r)·⟨v, x0⟩, and v, −v are equally likely for
        // a given r, so E[cos(x', x0) | x] = E[cos r]·cos(x, x0): the walk's mean cos(x_t, x0)
        // is Π_{s≤t} E[cos r_s], exactly. For small steps E[cos r] = 1 − σ²/2 + O(σ⁴) ≈
        // exp(−σ²/2) (the same as angular diffusion: per-coordinate variance σ²/(d−1) times
        // the Laplace–Beltrami eigenvalue −(d−1) of cos, halved), so mean cos(x_T, x0) ≈
        // exp(−Σ_s σ_s²/2) = exp(−c·Σ_s β_s/2) with σ_s² = c·β_s, and it equals m for
        // c = 2·ln(1/m)/Σ_s β_s. The O(σ⁴) terms only lower it (to 0.0008 for linear β, T = 100).
        double sum = 0.0;
        for (int s = 0; s < steps; ++s) sum += betas[s];
        const double c = 2.0 * std::log(1.0 / kWalkEndCos) / sum;
        // θ_t: as d grows, r_s → σ_s and each step is orthogonal to everything before it, so the
        // angle concentrates at cos θ_t = Π_{s≤t} cos σ_s (for d = 64 and linear β within 1e-4
        // of the exact mean cos above).
        angles_.push_back(0.0);
        double cosine = 1.0;
        for (int s = 1; s <= steps; ++s) {
            const double sigma = std::sqrt(c * betas[s - 1]);
            if (sigma > M_PI / 2)
                throw std::invalid_argument(
                    std::string("small-step walk: the schedule ") + nameOf(options_.schedule) +
                    " at T = " + std::to_string(steps) + " needs a step of " + text(sigma) +
                    " rad at s = " + std::to_string(s) +
                    " (above π/2): its β are too uneven for small steps");
            walkSteps_.push_back(sigma);
            cosine *= std::cos(sigma);
            angles_.push_back(std::acos(cosine));
        }
    }
}

torch::Tensor DiffusionProcess::drawNoise(int64_t rows, int64_t dim,
                                          const c10::optional<at::Generator>& generator,
                                          torch::ScalarType dtype) const {
    const auto options = torch::TensorOptions().dtype(dtype);
    if (options_.process != ForwardProcess::SmallStepWalk)
        return torch::randn({rows, dim}, generator, options);
    const torch::Tensor direction = torch::randn({rows, dim}, generator, options);
    const torch::Tensor along = torch::randn({rows, steps()}, generator, options);
    // χ²_k = 2·Gamma(k/2).
    const torch::Tensor rest =
        2.0 *
        at::_standard_gamma(torch::full({rows, steps()}, (dim - 2) / 2.0, options), generator);
    return torch::cat({direction, along, rest}, 1);
}

torch::Tensor DiffusionProcess::walkCosines(const torch::Tensor& draws, int64_t dim) const {
    // The walk's law is unchanged by rotations that fix x0, so x_t = cos A_t·x0 + sin A_t·u with
    // u uniform among the unit tangent directions at x0 and independent of the angle A_t, which
    // is a chain of its own. Write step s's tangent Gaussian in a frame whose first axis points
    // away from x0 along the geodesic through x_{s−1}: its first coordinate g and the sum Q of
    // the squares of the other d − 2 are all that matter. With v = σ_s·(g, rest)/sqrt(d−1),
    // r = ‖v‖, a = σ_s·g/sqrt(d−1): exp_x(v) = cos r·x + sin r·v/r and the first axis has
    // ⟨·, x0⟩ = −sin A, so cos A_s = cos r·cos A_{s−1} − (sin r/r)·a·sin A_{s−1}.
    // Scalars per step instead of vectors in d: a batch of 256 took 80 ms with the walk in R^d
    // under autograd (13 ms of it LibTorch's normal draws).
    const int64_t steps = static_cast<int64_t>(walkSteps_.size());
    const double perDim = 1.0 / std::sqrt(static_cast<double>(dim - 1));
    const torch::Tensor both = draws.to(torch::kCPU, torch::kFloat64).contiguous();
    torch::Tensor cosines = torch::empty({both.size(0), steps}, both.options());
    const auto in = both.accessor<double, 2>();
    auto out = cosines.accessor<double, 2>();
    for (int64_t b = 0; b < both.size(0); ++b) {
        double cosine = 1.0;
        double sine = 0.0;
        for (int64_t s = 0; s < steps; ++s) {
            const double sigma = walkSteps_[s] * perDim;
            const double a = sigma * in[b][s];
            const double r = std::sqrt(a * a + sigma * sigma * in[b][steps + s]);
            const double sinc = r < kMinAngle ? 1.0 : std::sin(r) / r;
            cosine = std::clamp(std::cos(r) * cosine - sinc * a * sine, -1.0, 1.0);
            sine = std::sqrt(1.0 - cosine * cosine);
            out[b][s] = cosine;
        }
    }
    return cosines;
}

DiffusionProcess::Noised DiffusionProcess::diffuse(const torch::Tensor& target,
                                                   const torch::Tensor& t,
                                                   const torch::Tensor& noise) const {
    const torch::Tensor index = (t - 1).to(torch::kCPU);
    const torch::Tensor spread =
        sqrtOneMinusAlphaBar_.index_select(0, index).to(target.device()).unsqueeze(1);
    const torch::Tensor keep =
        sqrtAlphaBar_.index_select(0, index).to(target.device()).unsqueeze(1);
    const double dim = static_cast<double>(target.size(1));
    Noised out;
    out.x0 = onSphere() ? l2Normalize(target) : target;
    switch (options_.process) {
        case ForwardProcess::Literal:
            out.xt = sphereExp(out.x0, spread * projectToTangent(noise, out.x0));
            break;
        case ForwardProcess::PerDim:
            out.xt = sphereExp(out.x0,
                               spread * (projectToTangent(noise, out.x0) / std::sqrt(dim - 1.0)));
            break;
        case ForwardProcess::Monotone: {
            const torch::Tensor angle =
                angleTable_.index_select(0, index + 1).to(target.device()).unsqueeze(1);
            out.xt = sphereExp(out.x0, angle * l2Normalize(projectToTangent(noise, out.x0)));
            break;
        }
        case ForwardProcess::SmallStepWalk: {
            const int64_t width = target.size(1) + 2 * steps();
            if (noise.dim() != 2 || noise.size(1) != width)
                throw std::invalid_argument("small-step walk: noise must be [rows, " +
                                            std::to_string(width) + "] (drawNoise), got " +
                                            std::to_string(noise.size(-1)) + " columns");
            const torch::Tensor cosine = walkCosines(noise.slice(1, target.size(1)), target.size(1))
                                             .gather(1, index.unsqueeze(1));
            const torch::Tensor direction =
                l2Normalize(projectToTangent(noise.slice(1, 0, target.size(1)), out.x0));
            out.xt = sphereExp(
                out.x0, torch::acos(cosine).to(target.device(), target.scalar_type()) * direction);
            break;
        }
        case ForwardProcess::ProjectedDdpm:
            out.xt = l2Normalize(keep * out.x0 + spread * (noise / std::sqrt(dim)));
            break;
        case ForwardProcess::Euclidean:
            out.xt = keep * target + spread * noise;
            break;
    }
    return out;
}

double DiffusionProcess::reverseNoiseScale(int t, int64_t dim) const {
    const double variance = schedule_.posteriorVariance[t - 1].item<double>();
    switch (options_.reverseNoise) {
        case ReverseNoise::None:
            return 0.0;
        case ReverseNoise::Literal:
            return variance;
        case ReverseNoise::Sqrt:
            return std::sqrt(variance);
        case ReverseNoise::SqrtOverD:
            return std::sqrt(variance / static_cast<double>(dim));
    }
    return 0.0;  // unreachable: every value is handled above
}

torch::Tensor DiffusionProcess::geodesicStep(const torch::Tensor& xt, const torch::Tensor& x0Hat,
                                             int t, const torch::Tensor& noise,
                                             double sigma) const {
    const double angle = angles_[t - 1];
    const torch::Tensor toward = l2Normalize(x0Hat);
    const torch::Tensor away = projectToTangent(xt, toward);
    const torch::Tensor awayNorm = away.norm(2, -1, true);
    torch::Tensor next =
        std::cos(angle) * toward + std::sin(angle) * (away / awayNorm.clamp_min(kMinNorm));
    // x_t on the line through x̂_0 spans no great circle with it: such a row goes to x̂_0.
    next = torch::where(awayNorm < kMinNorm, toward, next);
    if (sigma > 0.0) next = sphereExp(next, sigma * projectToTangent(noise, next));
    return l2Normalize(next);
}

torch::Tensor DiffusionProcess::reverseStep(const torch::Tensor& xt, const torch::Tensor& x0Hat,
                                            int t, const torch::Tensor& noise) const {
    const double sigma = reverseNoiseScale(t, xt.size(-1));
    if (geodesicReverse()) return geodesicStep(xt, x0Hat, t, noise, sigma);
    const double coefX0 = schedule_.posteriorCoefX0[t - 1].item<double>();
    const double coefXt = schedule_.posteriorCoefXt[t - 1].item<double>();
    const bool plainCpu = [&] {
        for (const torch::Tensor* v : {&xt, &x0Hat, &noise}) {
            if (v == &noise && sigma == 0.0) continue;
            if (!v->is_cpu() || v->scalar_type() != torch::kFloat32 || v->requires_grad() ||
                v->sizes() != xt.sizes() || v->dim() != 2)
                return false;
        }
        return true;
    }();
    if (plainCpu) {
        // One pass over each row while in cache (posteriorStep), instead of six operators and
        // their temporaries: the reverse process runs this T times per batch of users.
        const torch::Tensor x = xt.contiguous();
        const torch::Tensor hat = x0Hat.contiguous();
        const torch::Tensor draws = sigma > 0.0 ? noise.contiguous() : torch::Tensor();
        torch::Tensor next = torch::empty_like(x);
        PosteriorStep step;
        step.coefXt = static_cast<float>(coefXt);
        step.coefX0 = static_cast<float>(coefX0);
        step.sigma = static_cast<float>(sigma);
        step.normalize = onSphere();
        step.minNorm = static_cast<float>(kMinNorm);
        posteriorStep(step, x.data_ptr<float>(), hat.data_ptr<float>(),
                      draws.defined() ? draws.data_ptr<float>() : nullptr, x.size(0), x.size(1),
                      next.data_ptr<float>());
        return next;
    }
    torch::Tensor next = xt * coefXt;
    next.add_(x0Hat, coefX0);
    if (sigma > 0.0) next.add_(noise, sigma);
    return onSphere() ? l2Normalize(next) : next;
}

torch::Tensor DiffusionProcess::prior(int64_t rows, int64_t dim, at::Generator& generator) const {
    torch::Tensor x = torch::empty({rows, dim}, torch::kFloat32);
    drawStandardNormal(x, generator);
    return onSphere() ? l2Normalize(x) : x;
}

DiffusionProcess::Profile DiffusionProcess::profile(int64_t dim, int64_t draws,
                                                    at::Generator& generator) const {
    auto summarize = [](const torch::Tensor& cosines, double& mean, double& sd) {
        const torch::Tensor c = cosines.to(torch::kFloat64);
        mean = c.mean().item<double>();
        sd = c.numel() > 1 ? c.std().item<double>() : 0.0;
    };
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    const torch::Tensor x0 = l2Normalize(torch::randn({draws, dim}, generator, f32));
    Profile out;
    out.mean.resize(steps());
    out.sd.resize(steps());
    // The walk is drawn once, its cosine read at every step.
    const bool walking = options_.process == ForwardProcess::SmallStepWalk;
    const torch::Tensor walks =
        walking ? walkCosines(drawNoise(draws, dim, generator, torch::kFloat32).slice(1, dim), dim)
                : torch::Tensor();
    for (int t = 1; t <= steps(); ++t) {
        torch::Tensor cosine;
        if (walking) {
            cosine = walks.select(1, t - 1);
        } else {
            const torch::Tensor x = diffuse(x0, torch::full({draws}, t, torch::kInt64),
                                            drawNoise(draws, dim, generator, torch::kFloat32))
                                        .xt;
            cosine = (x * x0).sum(1) / x.norm(2, 1).clamp_min(kMinNorm);
        }
        summarize(cosine, out.mean[t - 1], out.sd[t - 1]);
    }
    summarize((l2Normalize(prior(draws, dim, generator)) * x0).sum(1), out.startMean, out.startSd);
    return out;
}

torch::Tensor DiffusionProcess::sample(
    const std::function<torch::Tensor(const torch::Tensor&, int)>& denoise, int64_t rows,
    int64_t dim, at::Generator& generator, const torch::Device& device,
    const std::function<void(int, const torch::Tensor&)>& visit) const {
    torch::Tensor x = prior(rows, dim, generator).to(device);
    if (visit) visit(steps(), x);
    // One buffer for all steps' draws: each step's noise is used up before the next is drawn.
    torch::Tensor drawn = torch::empty({rows, dim}, torch::kFloat32);
    for (int t = steps(); t >= 1; --t) {
        const torch::Tensor x0Hat = denoise(x, t);
        torch::Tensor noise;
        if (t > 1) {
            drawStandardNormal(drawn, generator);
            noise = drawn.to(device);
        } else {
            noise = torch::zeros_like(x);
        }
        x = reverseStep(x, x0Hat, t, noise);
        if (visit) visit(t - 1, x);
    }
    return x;
}

}  // namespace dimerec
