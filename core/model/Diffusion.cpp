#include "model/Diffusion.h"

#include "model/NormalNoise.h"
#include "model/VectorMath.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <mutex>
#include <stdexcept>

namespace dimerec {
namespace {

constexpr double kCosineOffset = 0.008;  // Nichol & Dhariwal's s
constexpr double kMaxBeta = 0.999;       // keeps the cosine schedule's last step finite
constexpr double kMinNorm = 1e-12;       // below this a vector counts as zero
constexpr double kMinAngle = 1e-6;       // sin(r)/r is taken as 1 below this angle

}  // namespace

DiffusionSchedule DiffusionSchedule::make(BetaSchedule kind, int steps, double betaStart,
                                          double betaEnd) {
    if (steps < 1) throw std::invalid_argument("diffusion steps: must be >= 1");
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor betas;
    if (kind == BetaSchedule::Linear) {
        betas = torch::linspace(betaStart, betaEnd, steps, f64);
    } else if (kind == BetaSchedule::Exp) {
        betas = torch::exp(torch::linspace(std::log(betaStart), std::log(betaEnd), steps, f64));
    } else if (kind == BetaSchedule::Cosine) {
        auto f = [&](double t) {
            const double angle = (t / steps + kCosineOffset) / (1.0 + kCosineOffset) * M_PI / 2.0;
            return std::cos(angle) * std::cos(angle);
        };
        betas = torch::empty({steps}, f64);
        auto b = betas.accessor<double, 1>();
        for (int t = 1; t <= steps; ++t) b[t - 1] = std::min(1.0 - f(t) / f(t - 1), kMaxBeta);
    } else {
        throw std::invalid_argument("schedule: unknown kind " + nameOf(kind));
    }
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

DiffusionProcess::DiffusionProcess(const Options& options)
    : options_(options),
      schedule_(DiffusionSchedule::make(options.schedule, options.steps, options.betaStart,
                                        options.betaEnd)) {
    sqrtAlphaBar_ = torch::sqrt(schedule_.alphaBars).to(torch::kFloat32);
    sqrtOneMinusAlphaBar_ = torch::sqrt(1.0 - schedule_.alphaBars).to(torch::kFloat32);
}

DiffusionProcess::Noised DiffusionProcess::diffuse(const torch::Tensor& target,
                                                   const torch::Tensor& t,
                                                   const torch::Tensor& noise) const {
    const torch::Tensor index = (t - 1).to(torch::kCPU);
    const torch::Tensor spread =
        sqrtOneMinusAlphaBar_.index_select(0, index).to(target.device()).unsqueeze(1);
    Noised out;
    if (options_.geodesic) {
        out.x0 = l2Normalize(target);
        torch::Tensor tangent = projectToTangent(noise, out.x0);
        if (options_.perDimNoise)
            tangent = tangent / std::sqrt(static_cast<double>(target.size(1) - 1));
        out.xt = sphereExp(out.x0, spread * tangent);
    } else {
        out.x0 = target;
        const torch::Tensor keep =
            sqrtAlphaBar_.index_select(0, index).to(target.device()).unsqueeze(1);
        out.xt = keep * target + spread * noise;
    }
    return out;
}

torch::Tensor DiffusionProcess::reverseStep(const torch::Tensor& xt, const torch::Tensor& x0Hat,
                                            int t, const torch::Tensor& noise) const {
    const double coefX0 = schedule_.posteriorCoefX0[t - 1].item<double>();
    const double coefXt = schedule_.posteriorCoefXt[t - 1].item<double>();
    const double variance = schedule_.posteriorVariance[t - 1].item<double>();
    const double sigma = options_.reverseNoise == ReverseNoise::Literal ? variance
                         : options_.reverseNoise == ReverseNoise::None  ? 0.0
                                                                        : std::sqrt(variance);
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
        step.normalize = options_.geodesic;
        step.minNorm = static_cast<float>(kMinNorm);
        posteriorStep(step, x.data_ptr<float>(), hat.data_ptr<float>(),
                      draws.defined() ? draws.data_ptr<float>() : nullptr, x.size(0), x.size(1),
                      next.data_ptr<float>());
        return next;
    }
    torch::Tensor next = xt * coefXt;
    next.add_(x0Hat, coefX0);
    if (sigma > 0.0) next.add_(noise, sigma);
    return options_.geodesic ? l2Normalize(next) : next;
}

torch::Tensor DiffusionProcess::sample(
    const std::function<torch::Tensor(const torch::Tensor&, int)>& denoise, int64_t rows,
    int64_t dim, at::Generator& generator, const torch::Device& device) const {
    // Standard normal draws on the CPU (fillStandardNormal), each keyed by one draw from
    // `generator`: twice as fast as torch::randn, whose draws were a tenth of DimeRec's full
    // ranking.
    // One buffer for all draws: each step's noise is used up before the next is drawn.
    torch::Tensor drawn = torch::empty({rows, dim}, torch::kFloat32);
    auto draw = [&] {
        uint64_t key = 0;
        {
            const std::lock_guard<std::mutex> lock(generator.mutex());
            key = at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
        }
        fillStandardNormal(drawn.data_ptr<float>(), drawn.numel(), key);
        return drawn.to(device);
    };
    torch::Tensor x = draw().clone();
    if (options_.geodesic) x = l2Normalize(x);
    for (int t = steps(); t >= 1; --t) {
        const torch::Tensor x0Hat = denoise(x, t);
        x = reverseStep(x, x0Hat, t, t > 1 ? draw() : torch::zeros_like(x));
    }
    return x;
}

}  // namespace dimerec
