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

// GRU4Rec: the last hidden state of a GRU over the (unpadded) history.
class Gru4RecRecommender : public Recommender {
public:
    Gru4RecRecommender(int32_t numItems, int dim, int layers, double dropout);
    LossTerms loss(const BatchTensors& batch) override;
    torch::Tensor userVectors(const torch::Tensor& history, const torch::Tensor& lengths) override;
    torch::Tensor itemEmbeddings() override;
    bool drawsFromGlobalGenerator() const override { return gru_->options.dropout() > 0.0; }

private:
    torch::nn::Embedding items_;
    torch::nn::GRU gru_;
};

// One SASRec block: pre-norm causal self-attention (queries normalised, keys and values not,
// as in the reference implementation) and a point-wise feed-forward layer, both residual.
class SasRecBlockImpl : public torch::nn::Module {
public:
    SasRecBlockImpl(int dim, int heads, double dropout);
    // x [B, N, d]; bias [B, 1, N, N] additive attention mask; keep [B, N, 1] real positions.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias,
                          const torch::Tensor& keep);

private:
    int64_t heads_;
    torch::nn::LayerNorm attentionNorm_;
    torch::nn::Linear query_;
    torch::nn::Linear keyValue_;
    torch::nn::Linear output_;
    torch::nn::LayerNorm feedForwardNorm_;
    torch::nn::Linear feedForward1_;
    torch::nn::Linear feedForward2_;
    torch::nn::Dropout dropout_;
};
TORCH_MODULE(SasRecBlock);

// SASRec (Kang & McAuley 2018), trained here with the shared sampled softmax; the user vector
// is the output at the most recent position.
class SasRecRecommender : public Recommender {
public:
    SasRecRecommender(int32_t numItems, int dim, int maxLength, int layers, int heads,
                      double dropout);
    LossTerms loss(const BatchTensors& batch) override;
    torch::Tensor userVectors(const torch::Tensor& history, const torch::Tensor& lengths) override;
    torch::Tensor itemEmbeddings() override;
    bool drawsFromGlobalGenerator() const override { return dropout_->options.p() > 0.0; }

private:
    int64_t dim_;
    torch::nn::Embedding items_;
    torch::Tensor positions_;
    torch::nn::Dropout dropout_;
    torch::nn::ModuleList blocks_;
    torch::nn::LayerNorm finalNorm_;
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
