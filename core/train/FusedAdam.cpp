#include "train/FusedAdam.h"

#include "kernels/VectorMath.h"
#include "util/ParallelSegments.h"

#include <cmath>
#include <type_traits>
#include <vector>

namespace dimerec {
namespace {

// Values per task of the parallel region: below this a parameter set is updated on one thread.
constexpr int64_t kGrain = 32768;

template <class Base>
struct AdamKind;
template <>
struct AdamKind<torch::optim::Adam> {
    using Options = torch::optim::AdamOptions;
    using State = torch::optim::AdamParamState;
    static constexpr bool decoupledDecay = false;
};
template <>
struct AdamKind<torch::optim::AdamW> {
    using Options = torch::optim::AdamWOptions;
    using State = torch::optim::AdamWParamState;
    static constexpr bool decoupledDecay = true;
};

// The optimiser's state key of a parameter: a string in LibTorch 1.x, the TensorImpl pointer
// in 2.x.
template <class Map>
typename Map::key_type stateKey(const Map&, const torch::Tensor& parameter) {
    if constexpr (std::is_same_v<typename Map::key_type, std::string>) {
        return c10::guts::to_string(parameter.unsafeGetTensorImpl());
    } else {
        return parameter.unsafeGetTensorImpl();
    }
}

bool fusable(const torch::Tensor& t) {
    return t.defined() && t.is_cpu() && t.layout() == torch::kStrided &&
           t.scalar_type() == torch::kFloat32 && t.is_contiguous();
}

struct Work {
    AdamUpdate update;
    float* parameter;
    const float* gradient;
    float* average;
    float* squareAverage;
};

}  // namespace

template <class Base>
torch::Tensor FusedAdamStep<Base>::step(typename Base::LossClosure closure) {
    using Kind = AdamKind<Base>;
    for (const torch::optim::OptimizerParamGroup& group : this->param_groups()) {
        if (static_cast<const typename Kind::Options&>(group.options()).amsgrad())
            return Base::step(closure);
        for (const torch::Tensor& p : group.params()) {
            if (p.grad().defined() && !(fusable(p) && fusable(p.grad())))
                return Base::step(closure);
        }
    }
    torch::NoGradGuard noGrad;
    torch::Tensor loss;
    if (closure != nullptr) {
        at::AutoGradMode enableGrad(true);
        loss = closure();
    }
    auto& states = this->state();
    std::vector<Work> work;
    std::vector<int64_t> ends;  // running totals of the counts
    for (torch::optim::OptimizerParamGroup& group : this->param_groups()) {
        const auto& options = static_cast<const typename Kind::Options&>(group.options());
        for (torch::Tensor& p : group.params()) {
            if (!p.grad().defined()) continue;
            const auto key = stateKey(states, p);
            auto found = states.find(key);
            if (found == states.end()) {  // as LibTorch initialises it
                auto fresh = std::make_unique<typename Kind::State>();
                fresh->step(0);
                fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                found = states.insert({key, std::move(fresh)}).first;
            }
            auto& state = static_cast<typename Kind::State&>(*found->second);
            state.step(state.step() + 1);
            const double beta1 = std::get<0>(options.betas());
            const double beta2 = std::get<1>(options.betas());
            const double step = static_cast<double>(state.step());
            AdamUpdate update;
            update.beta1 = static_cast<float>(beta1);
            update.beta2 = static_cast<float>(beta2);
            update.oneMinusBeta1 = static_cast<float>(1.0 - beta1);
            update.oneMinusBeta2 = static_cast<float>(1.0 - beta2);
            update.stepSize = static_cast<float>(options.lr() / (1.0 - std::pow(beta1, step)));
            update.rootCorrection2 = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, step)));
            update.epsilon = static_cast<float>(options.eps());
            if (Kind::decoupledDecay) {
                update.decayFactor =
                    static_cast<float>(1.0 - options.lr() * options.weight_decay());
            } else {
                update.l2 = static_cast<float>(options.weight_decay());
            }
            const torch::Tensor& average = state.exp_avg();
            const torch::Tensor& squareAverage = state.exp_avg_sq();
            work.push_back(Work{update, p.data_ptr<float>(), p.grad().data_ptr<float>(),
                                average.data_ptr<float>(), squareAverage.data_ptr<float>()});
            ends.push_back((ends.empty() ? 0 : ends.back()) + p.numel());
        }
    }
    forEachSegmentPart(ends, kGrain, [&](size_t index, int64_t first, int64_t last) {
        const Work& w = work[index];
        adamUpdate(w.update, w.parameter + first, w.gradient + first, w.average + first,
                   w.squareAverage + first, last - first);
    });
    return loss;
}

template class FusedAdamStep<torch::optim::Adam>;
template class FusedAdamStep<torch::optim::AdamW>;

}  // namespace dimerec
