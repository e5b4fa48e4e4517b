#pragma once

#include "model/Recommender.h"
#include "model/SasRecEncoder.h"

namespace dimerec {

// YouTube-DNN style (ComiRec's "DNN"): masked mean of the history embeddings, then a linear map.
class MeanPoolRecommender : public Recommender {
public:
    MeanPoolRecommender(int32_t numItems, int dim);
    LossTerms loss(const BatchTensors& batch) override;
    torch::Tensor userVectors(const torch::Tensor& history, const torch::Tensor& lengths) override;
    torch::Tensor itemEmbeddings() override;

private:
    torch::nn::Embedding items_;
    torch::nn::Linear project_;
};

// GRU4Rec: the last hidden state of a GRU over the (unpadded) history. Trained on every
// position at once (the GRU's output after each item predicts the next), with the sampled
// softmax or, with fullSoftmax, the cross-entropy over every item.
class Gru4RecRecommender : public Recommender {
public:
    Gru4RecRecommender(int32_t numItems, int dim, int layers, double dropout, bool fullSoftmax);
    LossTerms loss(const BatchTensors& batch) override;
    torch::Tensor userVectors(const torch::Tensor& history, const torch::Tensor& lengths) override;
    torch::Tensor itemEmbeddings() override;
    bool trainsEveryPosition() const override { return true; }
    bool drawsFromGlobalGenerator() const override { return gru_->options.dropout() > 0.0; }

private:
    // [B, N, d] the last layer's output after each history item, left-aligned (column c holds
    // the output after the c-th real item; columns from the row's length on are zero), and the
    // gather index [B, N] that left-aligns a right-aligned [B, N] tensor.
    std::pair<torch::Tensor, torch::Tensor> outputs(const torch::Tensor& history,
                                                    const torch::Tensor& lengths);

    torch::nn::Embedding items_;
    torch::nn::GRU gru_;
    bool fullSoftmax_;
};

// SASRec (Kang & McAuley 2018). Trained as its authors train it: one causal pass over a window
// of the sequence, every position's output predicting the next item, here with the shared
// sampled softmax or, with fullSoftmax, the cross-entropy over every item; the user vector is
// the output at the most recent position. Dropout draws from the batch's generator, so row
// shards of a batch train concurrently (computeGradients).
class SasRecRecommender : public Recommender {
public:
    SasRecRecommender(int32_t numItems, int dim, int maxLength, int layers, int heads,
                      double dropout, bool fullSoftmax);
    LossTerms loss(const BatchTensors& batch) override;
    torch::Tensor userVectors(const torch::Tensor& history, const torch::Tensor& lengths) override;
    torch::Tensor itemEmbeddings() override;
    bool trainsEveryPosition() const override { return true; }

private:
    // [B, N, d]: the encoder's states of the history's items (SasRecEncoder::states).
    torch::Tensor states(const torch::Tensor& history, const at::Generator& random);

    torch::nn::Embedding items_;
    SasRecEncoder encoder_;  // after items_: the parameters keep their order in checkpoints
    bool fullSoftmax_;
};

// MostPopular: every user gets the items ranked by training interactions. No parameters.
class MostPopRecommender : public Recommender {
public:
    MostPopRecommender(int32_t numItems, const std::vector<int64_t>& itemCounts);
    LossTerms loss(const BatchTensors& batch) override;
    torch::Tensor scoreAll(const torch::Tensor& history, const torch::Tensor& lengths) override;
    torch::Tensor userVectors(const torch::Tensor& history, const torch::Tensor& lengths) override;
    torch::Tensor itemEmbeddings() override;
    bool hasItemEmbeddings() const override { return false; }

private:
    torch::Tensor popularity_;
};

}  // namespace dimerec
