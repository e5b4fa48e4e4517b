#include "eval/LinearProbe.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace dimerec {
namespace {

// 300 items in 3 classes, each item its class's axis (scaled by 3) plus N(0, 0.3²) noise in 8
// dimensions: after normalisation the classes are well apart, so a linear map separates them.
TEST(LinearProbe, RecoversLinearlySeparableCategories) {
    torch::manual_seed(7);
    std::vector<int32_t> labels;
    torch::Tensor embeddings = 0.3 * torch::randn({300, 8});
    for (int64_t item = 0; item < 300; ++item) {
        const auto label = static_cast<int32_t>(item % 3);
        labels.push_back(label);
        embeddings[item][label] += 3.0;
    }
    const LinearProbeResult result = linearProbe(embeddings, labels, 1);
    EXPECT_EQ(result.trainItems, 240);  // ⌊0.8 · 300⌋
    EXPECT_EQ(result.heldOutItems, 60);
    EXPECT_EQ(result.classes, 3);
    EXPECT_GE(result.accuracy, 0.98);
    // Balanced classes: the majority answer is right about a third of the time.
    EXPECT_NEAR(result.majority, 1.0 / 3.0, 0.15);
}

// Labels drawn independently of the embeddings (class 0 with probability 0.6): nothing to
// learn, so the probe can do no better than always answering class 0.
TEST(LinearProbe, RandomLabelsScoreAboutTheMajorityBaseline) {
    torch::manual_seed(8);
    const torch::Tensor embeddings = torch::randn({1000, 8});
    const torch::Tensor draws = torch::rand({1000});
    std::vector<int32_t> labels;
    for (int64_t item = 0; item < 1000; ++item) {
        const double u = draws[item].item<double>();
        labels.push_back(u < 0.6 ? 0 : (u < 0.8 ? 1 : 2));
    }
    const LinearProbeResult result = linearProbe(embeddings, labels, 2);
    EXPECT_NEAR(result.majority, 0.6, 0.08);  // 200 held-out items: standard error ≈ 0.035
    EXPECT_NEAR(result.accuracy, result.majority, 0.06);
}

TEST(LinearProbe, LeavesOutUnlabelledItemsAndRepeatsWithItsSeed) {
    torch::manual_seed(9);
    const torch::Tensor embeddings = torch::randn({20, 4});
    std::vector<int32_t> labels(20, -1);
    for (int item = 0; item < 10; ++item) labels[item] = item % 2 == 0 ? 4 : 7;
    const LinearProbeResult first = linearProbe(embeddings, labels, 3);
    EXPECT_EQ(first.trainItems + first.heldOutItems, 10);
    EXPECT_EQ(first.classes, 2);
    const LinearProbeResult again = linearProbe(embeddings, labels, 3);
    EXPECT_EQ(first.accuracy, again.accuracy);
    EXPECT_EQ(first.majority, again.majority);
}

// The probe runs inside evaluations during training; it must not move the global generator
// that training noise (and bit-identical resume) depends on.
TEST(LinearProbe, LeavesTheGlobalGeneratorAlone) {
    torch::manual_seed(10);
    const torch::Tensor embeddings = torch::randn({20, 4});
    const std::vector<int32_t> labels(20, 1);
    torch::manual_seed(11);
    const torch::Tensor expected = torch::rand({4});
    torch::manual_seed(11);
    linearProbe(embeddings, labels, 4);
    EXPECT_TRUE(torch::equal(torch::rand({4}), expected));
}

TEST(LinearProbe, RejectsMismatchedSizesAndTooFewLabels) {
    const torch::Tensor embeddings = torch::ones({3, 2});
    EXPECT_THROW(linearProbe(embeddings, {0, 1}, 1), std::invalid_argument);
    EXPECT_THROW(linearProbe(embeddings, {0, -1, -1}, 1), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
