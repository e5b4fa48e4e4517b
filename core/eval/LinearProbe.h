#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace dimerec {

// Settings of the linear probe (spec §7: logistic regression on frozen item embeddings →
// category, 80/20 item split). Fixed, so that probe figures of different runs compare.
struct LinearProbeConfig {
    double trainShare = 0.8;     // share of the labelled items the probe is fitted on
    int epochs = 150;            // full-batch Adam steps
    double learningRate = 0.05;  // Adam step size
    double l2 = 1e-4;            // L2 penalty on the weights (not the biases)
};

struct LinearProbeResult {
    double accuracy = 0.0;     // share of held-out items whose category the probe predicts
    double majority = 0.0;     // share of held-out items in the training items' largest class
    int64_t trainItems = 0;    // labelled items fitted on
    int64_t heldOutItems = 0;  // labelled items measured on
    int32_t classes = 0;       // distinct categories among the labelled items
};

// How well a linear map recovers the items' primary categories from their L2-normalised
// embeddings: multinomial logistic regression (softmax over the categories, zero-initialised,
// full-batch Adam for a fixed number of epochs), fitted on a seeded random share of the
// labelled items and scored on the rest. embeddings: [items, d]; labels: per item its primary
// category, -1 = none (left out). The split uses its own generator (RandomDraws), never
// LibTorch's global one, so probing in the middle of training changes nothing there.
// Throws std::invalid_argument when the sizes disagree or fewer than two items are labelled.
LinearProbeResult linearProbe(const torch::Tensor& embeddings, const std::vector<int32_t>& labels,
                              uint64_t seed, const LinearProbeConfig& config = {});

}  // namespace dimerec
