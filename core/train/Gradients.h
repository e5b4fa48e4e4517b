#pragma once

#include "model/Recommender.h"

namespace dimerec {

// How many row shards computeGradients cuts a batch of `rows` rows into: on the CPU one per
// LibTorch thread, each of at least kMinShardRows rows; 1 on other devices and for models that
// draw from LibTorch's global generator (Recommender::drawsFromGlobalGenerator).
int gradientShards(const Recommender& model, const torch::Device& device, int64_t rows);

// Forward and backward of one batch: leaves the gradient of the batch's mean loss in every
// parameter's grad, in place of what was there (parameters the loss does not reach get a zero
// gradient, or none if they had none), so callers need no zero_grad; returns the loss terms of
// the whole batch (detached).
//
// With shards > 1 the rows are cut into that many contiguous slices (the shared negatives go to
// every slice) that run concurrently, each on one thread with LibTorch's operators running
// single-threaded inside it; each slice's loss is weighted by its share of the batch's targets
// (rows, or real positions in an every-position batch), so the sum of the slices' gradients
// (added in slice order) is the gradient of the mean over the batch's targets. On a
// 2-core machine this doubles what op-level threading gives (docs/performance.md): the
// operators of one step are too small to keep two threads busy. Each slice draws its training
// noise from its own generator, seeded in slice order from LibTorch's global CPU generator, so
// a run is reproducible for a given shard count (and, with one shard, draws as before).
LossTerms computeGradients(Recommender& model, const BatchTensors& batch, int shards);

}  // namespace dimerec
