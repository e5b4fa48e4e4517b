#include "train/FusedAdam.h"

#include <gtest/gtest.h>

#include <sstream>

namespace dimerec {
namespace {

// Parameters of three sizes: one above the parallel grain (split across threads), one small,
// and one without a gradient (skipped, as LibTorch skips it).
std::vector<torch::Tensor> makeParameters() {
    torch::manual_seed(4);
    return {torch::randn({40000}).requires_grad_(true), torch::randn({3, 7}).requires_grad_(true),
            torch::randn({5}).requires_grad_(true)};
}

// Five steps of each optimiser on the same gradients; the reference is LibTorch's own
// optimiser on copies of the same parameters. The fused update evaluates the same formula in
// float in the same order, but the compiler may contract a product and a sum into one
// rounding, so values agree to float rounding rather than bit for bit.
template <class Fused, class Reference, class State, class Options>
void expectSameSteps(const Options& options) {
    std::vector<torch::Tensor> fusedParameters = makeParameters();
    std::vector<torch::Tensor> referenceParameters;
    for (const auto& p : fusedParameters)
        referenceParameters.push_back(p.detach().clone().requires_grad_(true));
    Fused fused(fusedParameters, options);
    Reference reference(referenceParameters, options);
    torch::manual_seed(9);
    for (int step = 0; step < 5; ++step) {
        for (size_t i = 0; i + 1 < fusedParameters.size(); ++i) {
            const torch::Tensor gradient = torch::randn_like(fusedParameters[i]);
            fusedParameters[i].mutable_grad() = gradient.clone();
            referenceParameters[i].mutable_grad() = gradient.clone();
        }
        fused.step();
        reference.step();
    }
    for (size_t i = 0; i < fusedParameters.size(); ++i) {
        EXPECT_TRUE(torch::allclose(fusedParameters[i], referenceParameters[i], 1e-5, 1e-6))
            << "parameter " << i << ": "
            << (fusedParameters[i] - referenceParameters[i]).abs().max();
    }
    EXPECT_TRUE(torch::equal(fusedParameters[2], makeParameters()[2]));  // no gradient: unchanged

    // The state is LibTorch's: a checkpoint of the fused optimiser loads into LibTorch's, and
    // both then hold the same step counts and moments.
    std::stringstream buffer;
    torch::serialize::OutputArchive out;
    fused.save(out);
    out.save_to(buffer);
    Reference restored(referenceParameters, options);
    torch::serialize::InputArchive in;
    in.load_from(buffer);
    restored.load(in);
    ASSERT_EQ(restored.state().size(), reference.state().size());
    for (const auto& [key, state] : reference.state()) {
        const auto& expected = static_cast<const State&>(*state);
        const auto& loaded = static_cast<const State&>(*restored.state().at(key));
        EXPECT_EQ(loaded.step(), expected.step());
        EXPECT_TRUE(torch::allclose(loaded.exp_avg(), expected.exp_avg(), 1e-5, 1e-7));
        EXPECT_TRUE(torch::allclose(loaded.exp_avg_sq(), expected.exp_avg_sq(), 1e-5, 1e-9));
    }
}

TEST(FusedAdam, StepsLikeLibTorchsAdamWithL2Decay) {
    expectSameSteps<FusedAdam, torch::optim::Adam, torch::optim::AdamParamState>(
        torch::optim::AdamOptions(1e-2).weight_decay(0.01));
}

TEST(FusedAdam, StepsLikeLibTorchsAdamW) {
    expectSameSteps<FusedAdamW, torch::optim::AdamW, torch::optim::AdamWParamState>(
        torch::optim::AdamWOptions(1e-2).weight_decay(0.05));
}

}  // namespace
}  // namespace dimerec
