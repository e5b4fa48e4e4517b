#pragma once

#include "model/Recommender.h"

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

// One SASRec block: pre-norm causal self-attention (queries normalised, keys and values not,
// as in the reference implementation) and a point-wise feed-forward layer, both residual.
class SasRecBlockImpl : public torch::nn::Module {
public:
    SasRecBlockImpl(int dim, int heads, double dropout);
    // x [B, N, d]; bias [B, 1, N, N] additive attention mask (0, or blocked for a future or
    // padding key); random: the dropout masks' generator (undefined: LibTorch's global one).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias,
                          const at::Generator& random);

private:
    int64_t heads_;
    torch::nn::LayerNorm attentionNorm_;
    torch::nn::Linear query_;
    torch::nn::Linear keyValue_;
    torch::nn::Linear output_;
    torch::nn::LayerNorm feedForwardNorm_;
    torch::nn::Linear feedForward1_;
    torch::nn::Linear feedForward2_;
    double dropout_;
};
TORCH_MODULE(SasRecBlock);

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
    // [B, N, d]: the last block's output at every position (before the final norm); position
    // i sees the items at positions ≤ i only, padding none.
    torch::Tensor states(const torch::Tensor& history, const at::Generator& random);

    int64_t dim_;
    torch::nn::Embedding items_;
    torch::Tensor positions_;
    double dropout_;
    torch::nn::ModuleList blocks_;
    torch::nn::LayerNorm finalNorm_;
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
