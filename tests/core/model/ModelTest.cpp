#include "config/RunConfig.h"
#include "data/Batch.h"
#include "model/DimeRec.h"
#include "model/Guidance.h"
#include "model/Recommender.h"
#include "model/SasRecEncoder.h"
#include "kernels/NormalNoise.h"
#include "kernels/VectorMath.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>

namespace dimerec {
namespace {

constexpr int32_t kItems = 20;
constexpr int kLength = 6;

// The model settings a GEM is built from: embedding size d and K interests.
ModelConfig gemConfig(int dim, int interests) {
    ModelConfig c;
    c.dim = dim;
    c.interests = interests;
    return c;
}

TEST(SampledSoftmax, MatchesHandComputedValue) {
    // user (1, 0), target (2, 0) → logit 2; negatives (0, 1) → 0 and (1, 0) → 1:
    // log(e² + e⁰ + e¹) − 2 = 0.40760596 (hand computation).
    const torch::Tensor user = torch::tensor({1.0f, 0.0f}).view({1, 2});
    const torch::Tensor target = torch::tensor({2.0f, 0.0f}).view({1, 2});
    const torch::Tensor negatives = torch::tensor({0.0f, 1.0f, 1.0f, 0.0f}).view({2, 2});
    const torch::Tensor value =
        sampledSoftmaxLosses(user, target, negatives, torch::tensor({int64_t{5}}),
                             torch::tensor({int64_t{7}, int64_t{8}}));
    EXPECT_NEAR(value.item<double>(), 0.40760596444438013, 1e-6);
    // A negative that is the target itself is dropped (accidental hit): log(e² + e⁰) − 2.
    const torch::Tensor hit =
        sampledSoftmaxLosses(user, target, negatives, torch::tensor({int64_t{8}}),
                             torch::tensor({int64_t{7}, int64_t{8}}));
    EXPECT_NEAR(hit.item<double>(), std::log(std::exp(2.0) + 1.0) - 2.0, 1e-6);
}

TEST(SampledSoftmax, ValuesAndGradientsMatchLibTorchsComposition) {
    // The loss is one autograd node over the [B, M] logits; the reference is the formula
    // composed from LibTorch's operators in double precision and differentiated by LibTorch's
    // autograd. Row 0's target is negative 3 and negative 7 (two accidental hits), row 1's is
    // negative 0; 37 negatives leave a tail after the vector loops' blocks of 16.
    torch::manual_seed(8);
    const int64_t rows = 5;
    const int64_t count = 37;
    const torch::Tensor user = torch::randn({rows, 6});
    const torch::Tensor target = torch::randn({rows, 6});
    const torch::Tensor negative = torch::randn({count, 6});
    const torch::Tensor targets =
        torch::tensor({int64_t{50}, int64_t{51}, int64_t{52}, int64_t{53}, int64_t{54}});
    torch::Tensor negatives = torch::arange(100, 100 + count, torch::kInt64);
    negatives[3] = 50;
    negatives[7] = 50;
    negatives[0] = 51;
    auto run = [&](bool reference) {
        const auto type = reference ? torch::kFloat64 : torch::kFloat32;
        std::vector<torch::Tensor> inputs = {user.to(type).requires_grad_(true),
                                             target.to(type).requires_grad_(true),
                                             negative.to(type).requires_grad_(true)};
        torch::Tensor losses;
        if (reference) {
            const torch::Tensor logits =
                inputs[0]
                    .mm(inputs[2].t())
                    .masked_fill(targets.unsqueeze(1) == negatives.unsqueeze(0),
                                 -std::numeric_limits<double>::infinity());
            const torch::Tensor positive = (inputs[0] * inputs[1]).sum(1, true);
            losses = torch::logsumexp(torch::cat({positive, logits}, 1), 1) - positive.squeeze(1);
        } else {
            losses = sampledSoftmaxLosses(inputs[0], inputs[1], inputs[2], targets, negatives);
        }
        const torch::Tensor weights = torch::arange(1, rows + 1, type);  // a generic upstream
        std::vector<torch::Tensor> result =
            torch::autograd::grad({(losses * weights).sum()}, inputs);
        result.push_back(losses.detach());
        return result;
    };
    const auto expected = run(true);
    const auto actual = run(false);
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_TRUE(torch::allclose(actual[i].to(torch::kFloat64), expected[i], 1e-5, 1e-5))
            << "output " << i << ": " << (actual[i].to(torch::kFloat64) - expected[i]).abs().max();
    }
}

TEST(SampledSoftmax, WithoutNegativesTheLossIsZeroOnEitherPath) {
    // model.negatives = 0 is a valid setting: the softmax is over the target alone. Float on
    // the CPU takes the row loops, double takes LibTorch's operators (as other devices do).
    for (const auto type : {torch::kFloat32, torch::kFloat64}) {
        const torch::Tensor user = torch::ones({2, 3}, type).requires_grad_(true);
        const torch::Tensor losses = sampledSoftmaxLosses(
            user, torch::ones({2, 3}, type), torch::zeros({0, 3}, type),
            torch::tensor({int64_t{1}, int64_t{2}}), torch::zeros({0}, torch::kInt64));
        EXPECT_TRUE(torch::equal(losses, torch::zeros({2}, type))) << type;
        losses.sum().backward();
        EXPECT_TRUE(torch::isfinite(user.grad()).all().item<bool>()) << type;
    }
}

TEST(SampledSoftmax, ARowWhoseNegativesAreAllItsTargetLosesNothingAndStaysFinite) {
    // Every negative is the target (id 4): the softmax is over the target alone, loss 0.
    const torch::Tensor user = torch::tensor({1.0f, 2.0f}).view({1, 2}).requires_grad_(true);
    const torch::Tensor negative = torch::ones({3, 2}).requires_grad_(true);
    const torch::Tensor losses =
        sampledSoftmaxLosses(user, torch::ones({1, 2}), negative, torch::tensor({int64_t{4}}),
                             torch::full({3}, int64_t{4}));
    EXPECT_EQ(losses.item<float>(), 0.0f);
    losses.sum().backward();
    EXPECT_TRUE(torch::isfinite(user.grad()).all().item<bool>());
    EXPECT_EQ(negative.grad().abs().sum().item<float>(), 0.0f);
}

TEST(Guidance, ArgmaxReadoutPicksTheInterestClosestToTheTarget) {
    // Interests e1, e2; target (0.2, 0.9) has the larger inner product with e2.
    const torch::Tensor interests =
        torch::tensor({1.0f, 0.0f, 0.0f, 1.0f, 3.0f, 0.0f, 0.0f, 1.0f}).view({2, 2, 2});
    const torch::Tensor target = torch::tensor({0.2f, 0.9f, 0.5f, 0.1f}).view({2, 2});
    const torch::Tensor picked = selectInterest(interests, target);
    EXPECT_TRUE(torch::equal(picked, torch::tensor({0.0f, 1.0f, 3.0f, 0.0f}).view({2, 2})));
}

TEST(Guidance, RuleTakesTheLastKItemsAndPadsShortHistories) {
    const auto rule = makeGuidance(GemKind::Rule, gemConfig(2, 3), 4);
    const torch::Tensor h = torch::arange(8, torch::kFloat32).view({1, 4, 2});
    EXPECT_TRUE(
        torch::equal(rule->forward(h, torch::ones({1, 4}, torch::kBool), {}), h.slice(1, 1, 4)));
    const torch::Tensor shortHistory = torch::ones({1, 2, 2});
    const torch::Tensor padded = rule->forward(shortHistory, torch::ones({1, 2}, torch::kBool), {});
    EXPECT_TRUE(
        torch::equal(padded, torch::tensor({0.0f, 0.0f, 1.0f, 1.0f, 1.0f, 1.0f}).view({1, 3, 2})));
}

TEST(Guidance, AttentionAndRoutingGiveKFiniteInterestsEvenForEmptyHistories) {
    torch::manual_seed(1);
    for (const GemKind kind : {GemKind::SelfAttention, GemKind::DynamicRouting}) {
        const auto gem = makeGuidance(kind, gemConfig(8, 4), kLength);
        torch::Tensor h = torch::randn({3, kLength, 8});
        torch::Tensor mask = torch::ones({3, kLength}, torch::kBool);
        mask[2].fill_(false);  // an all-padding row
        h[2].zero_();
        const torch::Tensor g = gem->forward(h, mask, {});
        EXPECT_EQ(g.sizes(), (std::vector<int64_t>{3, 4, 8})) << nameOf(kind);
        EXPECT_TRUE(torch::isfinite(g).all().item<bool>()) << nameOf(kind);
    }
}

TEST(Guidance, SelfAttentionIgnoresPaddedPositions) {
    // Changing what sits in a masked position must not change the interests.
    torch::manual_seed(2);
    const auto gem = makeGuidance(GemKind::SelfAttention, gemConfig(8, 2), 4);
    const torch::Tensor mask = torch::tensor({false, true, true, true}).view({1, 4});
    torch::Tensor h = torch::randn({1, 4, 8});
    h[0][0].zero_();
    const torch::Tensor a = gem->forward(h, mask, {});
    torch::Tensor other = h.clone();
    other[0][0].fill_(5.0f);
    // The weighted sum uses H, so the padded row only matters through its weight, which is 0.
    EXPECT_TRUE(torch::allclose(a, gem->forward(other, mask, {}).detach(), 1e-6, 1e-6));
}

TEST(VectorMath, TanhStaysWithinThreeTenMillionthsOfTheExactTanh) {
    // Reference: libm's tanh in double precision, on every float step of 1e-4 over [-12, 12]
    // (beyond ±7.905 the approximation returns ±1, whose gap to tanh is at most 2.7e-7).
    std::vector<float> inputs;
    for (double x = -12.0; x <= 12.0; x += 1e-4) inputs.push_back(static_cast<float>(x));
    std::vector<float> outputs = inputs;
    tanhInPlace(outputs.data(), static_cast<int64_t>(outputs.size()));
    double worst = 0.0;
    for (size_t i = 0; i < inputs.size(); ++i)
        worst = std::max(worst, std::abs(outputs[i] - std::tanh(static_cast<double>(inputs[i]))));
    EXPECT_LT(worst, 3e-7);
    float zero = 0.0f;
    tanhInPlace(&zero, 1);
    EXPECT_EQ(zero, 0.0f);  // odd function: exactly 0 at 0
}

TEST(VectorMath, ExpShiftedSumMatchesLibmAndMaxOfFindsTheLargest) {
    // Reference: libm's exp in double precision on a float grid over [−90, 0], shifted by the
    // largest value; Cephes' expf is within 2 ulp, i.e. 2.4e-7 relative, down to exp(−87).
    std::vector<float> inputs;
    for (double x = -90.0; x <= 0.5; x += 1e-3) inputs.push_back(static_cast<float>(x + 3.0));
    inputs.push_back(-std::numeric_limits<float>::infinity());  // an excluded entry
    const float shift = maxOf(inputs.data(), static_cast<int64_t>(inputs.size()));
    EXPECT_EQ(shift, *std::max_element(inputs.begin(), inputs.end()));
    std::vector<float> outputs = inputs;
    const float sum = expShiftedSum(outputs.data(), static_cast<int64_t>(outputs.size()), shift);
    double worst = 0.0;
    double expectedSum = 0.0;
    for (size_t i = 0; i + 1 < inputs.size(); ++i) {
        const double exact = std::exp(static_cast<double>(inputs[i] - shift));  // float difference
        expectedSum += exact;
        if (inputs[i] - shift >= -87.0f) {
            worst = std::max(worst, std::abs(outputs[i] - exact) / exact);
        } else {
            EXPECT_EQ(outputs[i], 0.0f);  // below exp(−87) ≈ 1.6e-38
        }
    }
    EXPECT_LT(worst, 2.4e-7);
    EXPECT_EQ(outputs.back(), 0.0f);  // exp(−∞) is exactly 0
    EXPECT_NEAR(sum, expectedSum, 1e-5 * expectedSum);
    // NaN is passed over, and the tail after the blocks of 16 is seen.
    const float mixed[] = {1.0f, std::nanf(""), -2.0f, 0.5f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f,
                           1.0f, 1.0f,          1.0f,  1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 7.0f};
    EXPECT_EQ(maxOf(mixed, 18), 7.0f);
    EXPECT_EQ(maxOf(mixed, 0), -std::numeric_limits<float>::infinity());
}

// The dropout mask a fused SASRec step draws from a generator of this seed: applyDropoutMask
// of ones with the generator's first 64-bit draw as key.
torch::Tensor fusedMask(uint64_t seed, at::IntArrayRef sizes, double keep) {
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const uint64_t key = generator.get<at::CPUGeneratorImpl>()->random64();
    const torch::Tensor ones = torch::ones(sizes);
    torch::Tensor mask = torch::empty(sizes);
    applyDropoutMask(ones.data_ptr<float>(), nullptr, ones.numel(), key, 0,
                     static_cast<float>(keep), mask.data_ptr<float>());
    return mask;
}

// Values and gradients (for a random upstream gradient) of f(inputs).
std::vector<torch::Tensor> valueAndGradients(
    const std::function<torch::Tensor(const std::vector<torch::Tensor>&)>& f,
    const std::vector<torch::Tensor>& inputs, const torch::Tensor& upstream) {
    std::vector<torch::Tensor> leaves;
    for (const auto& input : inputs) leaves.push_back(input.detach().requires_grad_(true));
    const torch::Tensor value = f(leaves);
    (value * upstream).sum().backward();
    std::vector<torch::Tensor> out{value.detach()};
    for (const auto& leaf : leaves) out.push_back(leaf.grad());
    return out;
}

// The residual and relu dropout nodes against LibTorch's composition with the same mask: the
// same products and sums in the same order, so equal to the bit, gradients included.
TEST(SasRecFusedSteps, DropoutNodesEqualLibTorchsCompositionToTheBit) {
    torch::manual_seed(3);
    const torch::Tensor x = torch::randn({3, 5, 8});
    const torch::Tensor base = torch::randn({3, 5, 8});
    const torch::Tensor upstream = torch::randn({3, 5, 8});
    const torch::Tensor mask = fusedMask(7, x.sizes(), 0.7);
    auto same = [](const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
        ASSERT_EQ(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << i;
    };
    auto generator = [] { return at::make_generator<at::CPUGeneratorImpl>(7); };
    same(valueAndGradients(
             [&](const auto& t) { return dropoutAdd(t[0], t[1], 0.3, true, generator()); },
             {x, base}, upstream),
         valueAndGradients([&](const auto& t) { return t[1] + t[0] * mask; }, {x, base}, upstream));
    same(valueAndGradients(
             [&](const auto& t) { return dropoutAdd(t[0], {}, 0.3, true, generator()); }, {x},
             upstream),
         valueAndGradients([&](const auto& t) { return t[0] * mask; }, {x}, upstream));
    same(valueAndGradients([&](const auto& t) { return reluDropout(t[0], 0.3, true, generator()); },
                           {x}, upstream),
         valueAndGradients([&](const auto& t) { return torch::relu(t[0]) * mask; }, {x}, upstream));
    // Doubles take LibTorch's composition (bernoulli_ masks, another stream): each entry is
    // base, or base + x / keep.
    const torch::Tensor composedPath =
        dropoutAdd(x.to(torch::kFloat64), base.to(torch::kFloat64), 0.3, true, generator()) -
        base.to(torch::kFloat64);
    EXPECT_TRUE(torch::logical_or(composedPath == 0,
                                  (composedPath - x.to(torch::kFloat64) / 0.7).abs() < 1e-12)
                    .all()
                    .item<bool>());
    // Not training: no dropout.
    EXPECT_TRUE(torch::equal(dropoutAdd(x, base, 0.3, false, {}), base + x));
    EXPECT_TRUE(torch::equal(reluDropout(x, 0.3, false, {}), torch::relu(x)));
}

// The blocked attention node against LibTorch's composition written out here: softmax of the
// scaled scores with −1e9 on later and padding keys, rows before the first real item set to 0,
// times the dropout mask of the whole [B·heads, N, N] square (fusedMask: the masks of a node
// over the whole square, which the node draws block by block), times the values. 4 sequences
// × 2 heads of N = 75 positions, so the row blocks (kAttentionRows) do not tile N: a full
// sequence, one left-padded by 10, one with a single real item at the end, and an empty one
// (every row attends to nothing). Keys and values are strided views of one [.., 2·dh] tensor,
// as the block's joint projection gives them. The node's exponentials are Cephes' (within
// 2 ulp) against LibTorch's Sleef, and its products are per block where LibTorch's are per
// square, so the values agree within float rounding of sums of ~75 terms of magnitude ~1, not
// to the bit (largest gaps seen: 1e-6 in the values, 3e-6 in the gradients; asserted within
// 1e-5); the padding rows and the gradients of padding keys are exactly 0.
TEST(SasRecFusedSteps, BlockedAttentionMatchesLibTorchsCompositionWithinFloatRounding) {
    torch::manual_seed(4);
    constexpr int64_t kN = 75;
    constexpr int64_t kHeads = 2;
    constexpr int64_t kDh = 4;
    const std::vector<int64_t> first = {0, 10, 74, kN};  // first real position per sequence
    const torch::Tensor real = torch::arange(kN).unsqueeze(0) >= torch::tensor(first).unsqueeze(1);
    const torch::Tensor q = 1.5 * torch::randn({4 * kHeads, kN, kDh});
    const torch::Tensor keyValue = 1.5 * torch::randn({4 * kHeads, kN, 2 * kDh});
    const torch::Tensor upstream = torch::randn({4 * kHeads, kN, kDh});
    const torch::Tensor allowed =
        torch::ones({kN, kN}, torch::kBool).tril().unsqueeze(0).logical_and(real.unsqueeze(1));
    const torch::Tensor bias = torch::zeros({4, 1, kN, kN})
                                   .masked_fill(allowed.logical_not().unsqueeze(1), -1e9)
                                   .expand({4, kHeads, kN, kN})
                                   .reshape({4 * kHeads, kN, kN});
    const torch::Tensor seesSomething = (real.to(torch::kLong).cumsum(1) > 0)
                                            .unsqueeze(1)
                                            .expand({4, kHeads, kN})
                                            .reshape({4 * kHeads, kN, 1});
    const double scale = 1.0 / std::sqrt(double(kDh));
    for (const bool training : {true, false}) {
        const torch::Tensor mask =
            training ? fusedMask(9, {4 * kHeads, kN, kN}, 0.8) : torch::ones({4 * kHeads, kN, kN});
        const auto fused = valueAndGradients(
            [&](const auto& t) {
                return causalAttention(t[0], t[1].slice(2, 0, kDh), t[1].slice(2, kDh), real, 0.2,
                                       training, at::make_generator<at::CPUGeneratorImpl>(9));
            },
            {q, keyValue}, upstream);
        const auto composed = valueAndGradients(
            [&](const auto& t) {
                const torch::Tensor scores = t[0].bmm(t[1].slice(2, 0, kDh).transpose(1, 2));
                const torch::Tensor attention =
                    torch::softmax(scores * scale + bias, -1) * seesSomething * mask;
                return attention.bmm(t[1].slice(2, kDh));
            },
            {q, keyValue}, upstream);
        for (size_t i = 0; i < fused.size(); ++i) {
            EXPECT_TRUE(torch::allclose(fused[i], composed[i], 1e-5, 1e-5))
                << training << " " << i << ": "
                << (fused[i] - composed[i]).abs().max().item<float>();
        }
        // Rows before the first real item attend to nothing; padding keys get no gradient.
        for (int64_t b = 0; b < 4; ++b) {
            const torch::Tensor heads = fused[0].slice(0, b * kHeads, (b + 1) * kHeads);
            EXPECT_TRUE(
                torch::equal(heads.slice(1, 0, first[b]), torch::zeros({kHeads, first[b], kDh})));
            for (size_t i = 1; i < fused.size(); ++i) {
                EXPECT_TRUE(torch::equal(
                    fused[i].slice(0, b * kHeads, (b + 1) * kHeads).slice(1, 0, first[b]),
                    torch::zeros({kHeads, first[b], fused[i].size(2)})));
            }
        }
        // Doubles take LibTorch's composition (the path of other devices and types): the same
        // values, padding rows included.
        if (!training) {
            const torch::Tensor composedPath =
                causalAttention(q.to(torch::kFloat64),
                                keyValue.slice(2, 0, kDh).to(torch::kFloat64),
                                keyValue.slice(2, kDh).to(torch::kFloat64), real, 0.2, false, {})
                    .to(torch::kFloat32);
            EXPECT_TRUE(torch::allclose(composedPath, fused[0], 1e-5, 1e-5));
        }
    }
}

TEST(VectorMath, FloorOfLargestHasKValuesAboveItAndIndicesAtLeastFindsThemInOrder) {
    // Hand case: 10 values, k = 2, so 4 groups by index mod 4: {0, 4, 8}, {1, 5, 9}, {2, 6},
    // {3, 7}, with maxima 9, 5, 7, 8 (NaN passed over); the 2nd largest of them is 8.
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<float> values = {1, 5, 7, 2, 9, nan, 0, 8, 3, 4};
    std::vector<float> maxima(4);
    const float floor = floorOfLargest(values.data(), 10, 2, maxima.data());
    EXPECT_EQ(floor, 8.0f);
    std::vector<int32_t> indices(values.size());
    ASSERT_EQ(indicesAtLeast(values.data(), 10, floor, indices.data()), 2);
    EXPECT_EQ(indices[0], 4);
    EXPECT_EQ(indices[1], 7);
    // Random values over several 16-lane blocks and a tail: the floor is at or below the k-th
    // largest (reference: a full sort), and indicesAtLeast agrees with a plain loop.
    std::mt19937 random(11);
    std::normal_distribution<float> normal;
    std::vector<float> many(3706);
    for (float& v : many) v = normal(random);
    std::vector<float> sorted = many;
    std::sort(sorted.begin(), sorted.end(), std::greater<float>());
    for (int64_t k : {1, 5, 50, 1853}) {
        std::vector<float> scratch(static_cast<size_t>(2 * k));
        const float bound = floorOfLargest(many.data(), 3706, k, scratch.data());
        EXPECT_LE(bound, sorted[static_cast<size_t>(k - 1)]) << "k " << k;
        std::vector<int32_t> found(many.size());
        found.resize(static_cast<size_t>(indicesAtLeast(many.data(), 3706, bound, found.data())));
        std::vector<int32_t> expected;
        for (int32_t i = 0; i < 3706; ++i) {
            if (many[static_cast<size_t>(i)] >= bound) expected.push_back(i);
        }
        EXPECT_EQ(found, expected) << "k " << k;
        EXPECT_LE(found.size(), static_cast<size_t>(3 * k) + 10) << "k " << k;
    }
    // copyReplacingNan: NaN becomes the replacement, everything else is copied.
    std::vector<float> copied(values.size());
    copyReplacingNan(values.data(), 10, -1.0f, copied.data());
    EXPECT_EQ(copied[5], -1.0f);
    EXPECT_EQ(copied[4], 9.0f);
}

TEST(Guidance, SelfAttentionMatchesItsUnfusedComposition) {
    // The SA guidance computes heads(tanh(hidden(h + positions))) as one autograd node in row
    // blocks; the reference is the same formula composed from LibTorch's own operators and
    // differentiated by LibTorch's autograd. 700 rows = 2 full blocks of 256 and a partial one;
    // d = 20 takes the weighted sums' 16-lane loops and a tail.
    torch::manual_seed(5);
    const auto gem = makeGuidance(GemKind::SelfAttention, gemConfig(20, 3), 7);
    const auto parameters = gem->named_parameters();
    const torch::Tensor h = torch::randn({100, 7, 20});
    torch::Tensor mask = torch::ones({100, 7}, torch::kBool);
    mask.slice(1, 0, 2).fill_(false);
    auto reference = [&](const torch::Tensor& history) {
        const torch::Tensor x = history + parameters["positions"];
        torch::Tensor logits = torch::nn::functional::linear(
            torch::tanh(torch::nn::functional::linear(x, parameters["hidden.weight"],
                                                      parameters["hidden.bias"])),
            parameters["heads.weight"], parameters["heads.bias"]);
        logits = logits.masked_fill(mask.logical_not().unsqueeze(-1), -4294967296.0);
        return torch::softmax(logits, 1).transpose(1, 2).bmm(history);
    };
    const torch::Tensor weights = torch::randn({100, 3, 20});  // a generic upstream gradient
    auto gradients = [&](const std::function<torch::Tensor(const torch::Tensor&)>& f) {
        const torch::Tensor input = h.clone().requires_grad_(true);
        std::vector<torch::Tensor> wrt = {input};
        for (const auto& p : parameters) wrt.push_back(p.value());
        const torch::Tensor out = f(input);
        std::vector<torch::Tensor> result = torch::autograd::grad({(out * weights).sum()}, wrt);
        result.push_back(out.detach());
        return result;
    };
    const auto fused = gradients([&](const torch::Tensor& x) { return gem->forward(x, mask, {}); });
    const auto composed = gradients(reference);
    ASSERT_EQ(fused.size(), composed.size());
    for (size_t i = 0; i < fused.size(); ++i)
        EXPECT_TRUE(torch::allclose(fused[i], composed[i], 1e-4, 1e-5)) << "tensor " << i;
}

// Items come in 4 groups of 5; a user's history stays in one group and its target is the
// next item of that group, so a sequence model can learn the structure.
Batch structuredBatch(int64_t rows, uint64_t seed) {
    std::mt19937_64 random(seed);
    Batch batch;
    batch.size = rows;
    batch.maxLength = kLength;
    for (int64_t r = 0; r < rows; ++r) {
        const int group = static_cast<int>(random() % 4);
        const int length = 2 + static_cast<int>(random() % (kLength - 1));
        const int start = static_cast<int>(random() % 5);
        for (int c = 0; c < kLength - length; ++c) batch.history.push_back(kItems);
        for (int c = 0; c < length; ++c) batch.history.push_back(group * 5 + (start + c) % 5);
        batch.lengths.push_back(length);
        batch.targets.push_back(group * 5 + (start + length) % 5);
    }
    for (int i = 0; i < 12; ++i) batch.negatives.push_back(static_cast<int64_t>(random() % kItems));
    return batch;
}

ModelConfig smallConfig(const std::string& model) {
    ModelConfig c;
    c.model = choiceNamed<ModelKind>("model.model", model);
    c.dim = 8;
    c.interests = 2;
    c.diffusionSteps = 10;
    c.noiseScale = NoiseScale::PerDim;
    c.layers = 1;
    c.dropout = 0.0;
    return c;
}

class EveryModel : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryModel, LossFallsAndScoresCoverEveryItem) {
    torch::manual_seed(11);
    const std::vector<int64_t> counts(kItems, 1);
    auto model = makeRecommender(smallConfig(GetParam()), kItems, kLength, counts);
    const Batch batch = structuredBatch(64, 3);
    const BatchTensors tensors = toTensors(batch, torch::kCPU);
    const LossTerms first = model->loss(tensors);
    ASSERT_TRUE(std::isfinite(first.total.item<double>()));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(0.05));
    for (int step = 0; step < 40; ++step) {
        optimizer.zero_grad();
        model->loss(tensors).total.backward();
        optimizer.step();
    }
    torch::manual_seed(11);  // the same diffusion draws as the first evaluation
    EXPECT_LT(model->loss(tensors).total.item<double>(), first.total.item<double>()) << GetParam();
    torch::NoGradGuard noGrad;
    model->eval();
    const torch::Tensor scores = model->scoreAll(tensors.history, tensors.lengths);
    EXPECT_EQ(scores.sizes(), (std::vector<int64_t>{64, kItems}));
    EXPECT_TRUE(torch::isfinite(scores).all().item<bool>());
}

INSTANTIATE_TEST_SUITE_P(Models, EveryModel,
                         ::testing::Values("dimerec", "comirec-sa", "comirec-dr", "mean-pool",
                                           "sasrec", "gru4rec"),
                         [](const auto& info) {
                             std::string name = info.param;
                             name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                             return name;
                         });

TEST(DimeRec, LossHasTheThreeTermsAndHonoursTheWeights) {
    ModelConfig c = smallConfig("dimerec");
    c.lambda = 0.5;
    c.mu = 2.0;
    torch::manual_seed(12);
    auto model = makeRecommender(c, kItems, kLength, {});
    const BatchTensors tensors = toTensors(structuredBatch(16, 4), torch::kCPU);
    const LossTerms terms = model->loss(tensors);
    ASSERT_EQ(terms.terms.size(), 3u);
    const double expected = terms.terms.at("gem").item<double>() +
                            0.5 * terms.terms.at("recon").item<double>() +
                            2.0 * terms.terms.at("ssm").item<double>();
    EXPECT_NEAR(terms.total.item<double>(), expected, 1e-5);

    c.useGemLoss = false;
    torch::manual_seed(12);
    auto withoutGem = makeRecommender(c, kItems, kLength, {});
    const LossTerms ablated = withoutGem->loss(tensors);
    EXPECT_NEAR(ablated.total.item<double>(),
                0.5 * ablated.terms.at("recon").item<double>() +
                    2.0 * ablated.terms.at("ssm").item<double>(),
                1e-5);
}

// model.protectGem: the gradients of L_recon and of L_ssm reach neither the GEM nor the item
// embeddings of history and target (exactly zero) when on, and do when off. L_ssm still trains
// the negatives' embeddings, so for it the GEM's parameters are checked.
TEST(DimeRec, ProtectedGemGetsNoGradientFromReconOrSsm) {
    const BatchTensors tensors = toTensors(structuredBatch(16, 4), torch::kCPU);
    // Sum of |gradient| over the parameters whose name starts with `prefix`.
    auto gradientOf = [&](bool protect, const std::string& term, const std::string& prefix,
                          bool gemLoss = true) {
        ModelConfig c = smallConfig("dimerec");
        c.protectGem = protect;
        c.useGemLoss = gemLoss;
        torch::manual_seed(12);
        auto model = makeRecommender(c, kItems, kLength, {});
        torch::manual_seed(3);
        model->loss(tensors).terms.at(term).backward();
        double sum = 0.0;
        for (const auto& parameter : model->named_parameters()) {
            if (parameter.key().rfind(prefix, 0) != 0 || !parameter.value().grad().defined())
                continue;
            sum += parameter.value().grad().abs().sum().item<double>();
        }
        return sum;
    };
    EXPECT_EQ(gradientOf(true, "recon", "gem."), 0.0);
    EXPECT_EQ(gradientOf(true, "recon", "items."), 0.0);
    EXPECT_EQ(gradientOf(true, "ssm", "gem."), 0.0);
    EXPECT_GT(gradientOf(false, "recon", "gem."), 0.0);
    EXPECT_GT(gradientOf(false, "recon", "items."), 0.0);
    EXPECT_GT(gradientOf(false, "ssm", "gem."), 0.0);
    // L_gem still trains the GEM.
    EXPECT_GT(gradientOf(true, "gem", "gem."), 0.0);
    // Without L_gem (the ablation) L_recon and L_ssm are all the GEM learns from: protection
    // does not apply, or the GEM would stay as initialised.
    EXPECT_EQ(gradientOf(true, "recon", "gem.", false), gradientOf(false, "recon", "gem.", false));
    EXPECT_GT(gradientOf(true, "recon", "gem.", false), 0.0);
    EXPECT_GT(gradientOf(true, "ssm", "gem.", false), 0.0);
}

TEST(DimeRec, EveryVariantTrainsAndScores) {
    std::vector<std::function<void(ModelConfig&)>> variants = {
        [](ModelConfig& c) { c.geometry = NoiseGeometry::Euclidean; },
        [](ModelConfig& c) { c.gem = GemKind::Rule; },
        [](ModelConfig& c) { c.gem = GemKind::DynamicRouting; },
        [](ModelConfig& c) { c.gem = GemKind::SasRec; },
        [](ModelConfig& c) {
            c.schedule = BetaSchedule::Cosine;
            c.reverseNoise = ReverseNoise::Literal;
        },
        [](ModelConfig& c) {
            c.schedule = BetaSchedule::Exp;
            c.noiseScale = NoiseScale::Literal;
        },
        [](ModelConfig& c) {
            c.lambda = 0.0;
            c.mu = 0.0;
        },
    };
    const BatchTensors tensors = toTensors(structuredBatch(64, 8), torch::kCPU);
    for (size_t v = 0; v < variants.size(); ++v) {
        ModelConfig c = smallConfig("dimerec");
        variants[v](c);
        torch::manual_seed(13);
        auto model = makeRecommender(c, kItems, kLength, {});
        const double before = model->loss(tensors).total.item<double>();
        torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(0.05));
        for (int step = 0; step < 30; ++step) {
            optimizer.zero_grad();
            model->loss(tensors).total.backward();
            optimizer.step();
        }
        torch::manual_seed(13);
        EXPECT_LT(model->loss(tensors).total.item<double>(), before) << "variant " << v;
        torch::NoGradGuard noGrad;
        EXPECT_TRUE(
            torch::isfinite(model->scoreAll(tensors.history, tensors.lengths)).all().item<bool>())
            << "variant " << v;
    }
}

TEST(DimeRec, GemOnlyAblationIsTheMultiInterestModel) {
    ModelConfig c = smallConfig("dimerec");
    c.useDiffusion = false;
    auto model = makeRecommender(c, kItems, kLength, {});
    EXPECT_FALSE(model->isGenerative());
    const LossTerms terms = model->loss(structuredBatch(8, 5));
    ASSERT_EQ(terms.terms.count("gem"), 1u);
    EXPECT_EQ(terms.terms.size(), 1u);
}

TEST(DimeRec, ReverseSamplesAreUnitVectorsAndSeeded) {
    auto model = makeRecommender(smallConfig("dimerec"), kItems, kLength, {});
    const BatchTensors tensors = toTensors(structuredBatch(5, 6), torch::kCPU);
    torch::NoGradGuard noGrad;
    model->setInferenceSeed(9);
    const torch::Tensor samples = model->sampleUserVectors(tensors.history, tensors.lengths, 3);
    EXPECT_EQ(samples.sizes(), (std::vector<int64_t>{5, 3, 8}));
    EXPECT_TRUE(torch::allclose(samples.norm(2, 2), torch::ones({5, 3}), 1e-5, 1e-5));
    model->setInferenceSeed(9);
    EXPECT_TRUE(
        torch::equal(samples, model->sampleUserVectors(tensors.history, tensors.lengths, 3)));
    // Different samples for one user differ: the reverse process is stochastic.
    EXPECT_FALSE(torch::equal(samples.select(1, 0), samples.select(1, 1)));
}

TEST(MultiInterest, ScoresAreTheMaximumOverInterests) {
    auto model = makeRecommender(smallConfig("comirec-sa"), kItems, kLength, {});
    const BatchTensors tensors = toTensors(structuredBatch(4, 7), torch::kCPU);
    torch::NoGradGuard noGrad;
    const torch::Tensor interests = model->userVectors(tensors.history, tensors.lengths);
    ASSERT_EQ(interests.size(1), 2);
    const torch::Tensor manual = torch::max(interests[0][0].matmul(model->itemEmbeddings().t()),
                                            interests[0][1].matmul(model->itemEmbeddings().t()));
    EXPECT_TRUE(torch::allclose(model->scoreAll(tensors.history, tensors.lengths)[0], manual));
    EXPECT_THROW(model->sampleUserVectors(tensors.history, tensors.lengths, 2), std::logic_error);
}

TEST(MultiInterest, BlockedBestScoresEqualTheMaximumOfAllProducts) {
    // Reference: LibTorch's amax over the [B, V, I] products, for 70 users (two whole blocks of
    // users and a partial one), V = 4 and V = 1. BLAS may round a product of a block of users
    // differently in the last bit than the product of all users.
    torch::manual_seed(3);
    const torch::Tensor items = torch::randn({37, 8});
    for (int64_t vectors : {4, 1}) {
        const torch::Tensor users = torch::randn({70, vectors, 8});
        EXPECT_TRUE(
            torch::allclose(bestScores(users, items), users.matmul(items.t()).amax(1), 1e-6, 1e-6))
            << vectors << " vectors";
    }
}

TEST(DimeRec, SeveralSamplesPerUserScoreItemsByTheirBestSample) {
    ModelConfig c = smallConfig("dimerec");
    c.samplesPerUser = 3;
    auto model = makeRecommender(c, kItems, kLength, {});
    const BatchTensors tensors = toTensors(structuredBatch(4, 7), torch::kCPU);
    torch::NoGradGuard noGrad;
    model->setInferenceSeed(4);
    const torch::Tensor samples = model->userVectors(tensors.history, tensors.lengths);
    ASSERT_EQ(samples.sizes(), (std::vector<int64_t>{4, 3, 8}));
    // The same seed draws the same three samples again; the score is their maximum.
    model->setInferenceSeed(4);
    const torch::Tensor scores = model->scoreAll(tensors.history, tensors.lengths);
    const torch::Tensor items = model->itemEmbeddings().t();
    const torch::Tensor manual =
        torch::max(torch::max(samples[1][0].matmul(items), samples[1][1].matmul(items)),
                   samples[1][2].matmul(items));
    EXPECT_TRUE(torch::allclose(scores[1], manual, 1e-6, 1e-6));
}

TEST(DimeRec, ReadoutScoresSamplesOrInterests) {
    ModelConfig c = smallConfig("dimerec");
    c.samplesPerUser = 2;
    torch::manual_seed(4);
    auto model = makeRecommender(c, kItems, kLength, {});
    auto& dimeRec = dynamic_cast<DimeRecRecommender&>(*model);
    c.readout = Readout::Interests;
    torch::manual_seed(4);  // the same parameters
    auto interestsModel = makeRecommender(c, kItems, kLength, {});
    const BatchTensors tensors = toTensors(structuredBatch(4, 7), torch::kCPU);
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::equal(interestsModel->userVectors(tensors.history, tensors.lengths),
                             dimeRec.guidanceOf(tensors.history)));
    model->setInferenceSeed(3);
    const torch::Tensor samples = model->userVectors(tensors.history, tensors.lengths);
    model->setInferenceSeed(3);
    EXPECT_TRUE(
        torch::equal(samples, dimeRec.sampleUserVectors(tensors.history, tensors.lengths, 2)));
}

// An every-position batch (as TrainSampler makes them): rows of 6, 3 and 1 real items,
// right-aligned, each position's target the next item of the row's sequence.
Batch everyPositionBatch() {
    const std::vector<std::vector<int64_t>> sequences = {
        {3, 7, 1, 12, 5, 9, 14}, {2, 2, 8, 11}, {19, 4}};
    Batch batch;
    batch.size = static_cast<int64_t>(sequences.size());
    batch.maxLength = kLength;
    batch.history.assign(static_cast<size_t>(batch.size * kLength), kItems);
    batch.positionTargets = batch.history;
    for (size_t r = 0; r < sequences.size(); ++r) {
        const auto length = static_cast<int64_t>(sequences[r].size()) - 1;
        for (int64_t i = 0; i < length; ++i) {
            const size_t cell = r * kLength + static_cast<size_t>(kLength - length + i);
            batch.history[cell] = sequences[r][static_cast<size_t>(i)];
            batch.positionTargets[cell] = sequences[r][static_cast<size_t>(i + 1)];
        }
        batch.lengths.push_back(length);
    }
    batch.negatives = {0, 5, 6, 10, 13, 17, 18, 14};  // 14 is a target: an accidental hit
    return batch;
}

// Training on every position at once must give the mean, over the real positions, of what
// each position's prefix alone gives through the evaluation path (userVectors of the columns
// up to that position): so no position sees a later item and padding adds nothing. Checked
// for the sampled softmax (against the batch's negatives, accidental hits dropped) and the
// full softmax (cross-entropy over all items, computed here from the user vector and the item
// table), for both sequential models.
TEST(SequenceModels, EveryPositionLossIsTheMeanOfEachPrefixsLoss) {
    const Batch batch = everyPositionBatch();
    EXPECT_EQ(batch.targetCount(), 6 + 3 + 1);
    const BatchTensors tensors = toTensors(batch, torch::kCPU);
    const torch::Tensor negatives = tensors.negatives;
    for (const char* name : {"sasrec", "gru4rec"}) {
        for (const bool full : {false, true}) {
            ModelConfig c = smallConfig(name);
            c.layers = 2;
            c.heads = 2;
            c.fullSoftmax = full;
            torch::manual_seed(5);
            auto model = makeRecommender(c, kItems, kLength, {});
            ASSERT_TRUE(model->trainsEveryPosition());
            const double all = model->loss(tensors).total.item<double>();

            torch::NoGradGuard noGrad;
            const torch::Tensor items = model->itemEmbeddings();
            double sum = 0.0;
            int count = 0;
            for (int64_t r = 0; r < batch.size; ++r) {
                for (int64_t column = kLength - batch.lengths[r]; column < kLength; ++column) {
                    const torch::Tensor prefix = tensors.history[r].slice(0, 0, column + 1);
                    const int64_t length = column + 1 - (kLength - batch.lengths[r]);
                    const torch::Tensor user =
                        model->userVectors(prefix.unsqueeze(0), torch::tensor({length}))[0];
                    const int64_t target = batch.positionTargets[r * kLength + column];
                    const torch::Tensor targetIds = torch::tensor({target});
                    if (full) {
                        const torch::Tensor logits = user.mm(items.t())[0];
                        sum += (logits.logsumexp(0) - logits[target]).item<double>();
                    } else {
                        sum += sampledSoftmaxLosses(user, items.index_select(0, targetIds),
                                                    items.index_select(0, negatives), targetIds,
                                                    negatives)
                                   .item<double>();
                    }
                    ++count;
                }
            }
            ASSERT_EQ(count, batch.targetCount());
            EXPECT_NEAR(all, sum / count, 1e-5) << name << (full ? " full" : " sampled");
        }
    }
}

TEST(DimeRec, AttentionDenoiserTrainsAndIgnoresTheOrderOfTheInterests) {
    torch::manual_seed(6);
    ModelConfig c = smallConfig("dimerec");
    c.denoiser = DenoiserKind::Attention;
    auto model = makeRecommender(c, kItems, kLength, {});
    const auto parameters = model->named_parameters();
    EXPECT_TRUE(parameters.contains("denoiser.query.weight"));
    EXPECT_FALSE(parameters.contains("denoiser.fromGuidance.weight"));
    const BatchTensors tensors = toTensors(structuredBatch(32, 5), torch::kCPU);
    torch::manual_seed(1);
    const double first = model->loss(tensors).total.item<double>();
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(0.05));
    for (int step = 0; step < 40; ++step) {
        optimizer.zero_grad();
        model->loss(tensors).total.backward();
        optimizer.step();
    }
    torch::manual_seed(1);  // the same diffusion draws as the first loss
    EXPECT_LT(model->loss(tensors).total.item<double>(), first);

    // The attention reads the K guidance vectors as a set: reversing their order leaves x̂_0 as
    // it is, while the MLP over vec(g) (the paper's) sees a different input.
    torch::NoGradGuard noGrad;
    const torch::Tensor xt = l2Normalize(torch::randn({3, 8}));
    const torch::Tensor t = torch::tensor({1, 4, 10}, torch::kInt64);
    const torch::Tensor g = torch::randn({3, 2, 8});
    AttentionDenoiserImpl attention(8, 16, 10);
    EXPECT_TRUE(torch::allclose(attention.forward(xt, t, attention.guidance(g)),
                                attention.forward(xt, t, attention.guidance(g.flip(1))), 1e-6,
                                1e-6));
    DenoiserImpl mlp(8, 2, 16, 10);
    EXPECT_FALSE(torch::allclose(mlp.forward(xt, t, mlp.guidance(g)),
                                 mlp.forward(xt, t, mlp.guidance(g.flip(1))), 1e-6, 1e-6));
    // atStep is forward at one step for every row.
    EXPECT_TRUE(torch::allclose(
        attention.atStep(xt, 4, attention.guidance(g)),
        attention.forward(xt, torch::full({3}, 4, torch::kInt64), attention.guidance(g))));
}

TEST(Gru4Rec, PaddingDoesNotChangeTheUserVector) {
    auto model = makeRecommender(smallConfig("gru4rec"), kItems, kLength, {});
    torch::NoGradGuard noGrad;
    const torch::Tensor padded =
        torch::tensor(std::vector<int64_t>{kItems, kItems, kItems, 3, 4, 5}).view({1, kLength});
    const torch::Tensor bare = torch::tensor(std::vector<int64_t>{3, 4, 5}).view({1, 3});
    const torch::Tensor length = torch::tensor({int64_t{3}});
    EXPECT_TRUE(torch::allclose(model->userVectors(padded, length),
                                model->userVectors(bare, length), 1e-6, 1e-6));
}

TEST(MostPop, RanksByTrainingCounts) {
    std::vector<int64_t> counts(kItems, 0);
    counts[7] = 10;
    counts[2] = 5;
    auto model = makeRecommender(smallConfig("most-pop"), kItems, kLength, counts);
    EXPECT_TRUE(model->parameters().empty());
    const torch::Tensor scores = model->scoreAll(torch::full({2, kLength}, kItems, torch::kInt64),
                                                 torch::zeros({2}, torch::kInt64));
    const torch::Tensor top = std::get<1>(scores.topk(2, 1));
    EXPECT_EQ(top[1][0].item<int64_t>(), 7);
    EXPECT_EQ(top[1][1].item<int64_t>(), 2);
}

TEST(Factory, RejectsMoreInterestsThanHistoryPositions) {
    ModelConfig c = smallConfig("comirec-sa");
    c.interests = kLength + 1;
    EXPECT_THROW(makeRecommender(c, kItems, kLength, {}), std::invalid_argument);
    EXPECT_THROW(makeRecommender(smallConfig("most-pop"), kItems, kLength, {1, 2}),
                 std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
