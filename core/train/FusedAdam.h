#pragma once

#include <torch/torch.h>

namespace dimerec {

// Adam and AdamW as LibTorch defines them (torch::optim::Adam / AdamW: the same options, the
// same per-parameter state, the same checkpoints), with the update of every parameter in one
// pass over its values instead of seven operators with two temporaries, all parameters spread
// over LibTorch's threads in one parallel region. On this machine the 2-thread step of
// torch::optim::Adam took 1.2 ms per DimeRec training step, longer than on one thread (each
// operator on the item table opens a parallel region). Parameters that are not dense,
// contiguous float tensors on the CPU, and AMSGrad, take LibTorch's own step.
template <class Base>
class FusedAdamStep : public Base {
public:
    using Base::Base;
    torch::Tensor step(typename Base::LossClosure closure = nullptr) override;
};

using FusedAdam = FusedAdamStep<torch::optim::Adam>;
using FusedAdamW = FusedAdamStep<torch::optim::AdamW>;

}  // namespace dimerec
