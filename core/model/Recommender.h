#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dimerec {

struct Batch;
struct ModelConfig;

// A training batch as tensors on the model's device (see Batch for the layout).
struct BatchTensors {
    torch::Tensor history;  // [B, N] int64, right-aligned, padding id = numItems
    torch::Tensor lengths;  // [B] int64, real items per row
    torch::Tensor targets;  // [B] int64 (undefined in an every-position batch)
    // Every-position batches (Batch::positionTargets): [B, N] int64, the item after each history
    // position, padding id where history is padding; undefined otherwise.
    torch::Tensor positionTargets;
    torch::Tensor negatives;  // [M] int64, shared by the whole batch
    at::Generator random;     // training draws (DimeRec's t and noise); undefined = LibTorch's
                              // global generator
};

BatchTensors toTensors(const Batch& batch, const torch::Device& device);

// The losses of one step: the total that is optimised and each named term
// ("gem", "recon", "ssm" for DimeRec, "ce" for the baselines).
struct LossTerms {
    torch::Tensor total;
    std::map<std::string, torch::Tensor> terms;
};

// Sampled softmax (ComiRec's objective, spec §1.3): for each row, −log of the target's share
// among the target and the batch's shared negatives, with raw inner products as logits.
// Negatives that coincide with a row's target are masked out (TF's remove_accidental_hits).
// user [B, d], targetEmb [B, d], negativeEmb [M, d]; returns each row's loss [B].
torch::Tensor sampledSoftmaxLosses(const torch::Tensor& user, const torch::Tensor& targetEmb,
                                   const torch::Tensor& negativeEmb, const torch::Tensor& targets,
                                   const torch::Tensor& negatives);

// [B, I] full-ranking scores of users [B, V, d] (from Recommender::userVectors) against items
// [I, d]: each item's best inner product over the user's V vectors (ComiRec's merge with λ = 0;
// V = 1: the plain inner product). On the CPU a block of users at a time: writing out all
// B·V·I products first costs more than the products themselves.
torch::Tensor bestScores(const torch::Tensor& users, const torch::Tensor& items);

// The item table every embedding model shares: numItems rows plus the padding row (id
// numItems, kept at zero), initialised N(0, 1/d) so embeddings start near unit norm.
torch::nn::Embedding makeItemTable(int32_t numItems, int dim);

// The common face of DimeRec and every baseline: training loss, full-ranking scores and the
// vectors users are retrieved with. The module holds all parameters (save/load, optimiser).
class Recommender : public torch::nn::Module {
public:
    Recommender(std::string name, int32_t numItems);

    const std::string& modelName() const { return name_; }
    int32_t numItems() const { return numItems_; }
    torch::Device device() const;

    virtual LossTerms loss(const BatchTensors& batch) = 0;
    LossTerms loss(const Batch& batch);

    // [B, numItems] scores for full ranking: by default bestScores of userVectors against
    // itemEmbeddings (multi-interest models take the max over their interests; DimeRec scores
    // its reverse-process samples).
    virtual torch::Tensor scoreAll(const torch::Tensor& history, const torch::Tensor& lengths);

    // [B, V, d]: the vectors a user is retrieved with (V = 1, or K interests).
    virtual torch::Tensor userVectors(const torch::Tensor& history,
                                      const torch::Tensor& lengths) = 0;

    // [numItems, d]: the item table used for retrieval (no padding row).
    virtual torch::Tensor itemEmbeddings() = 0;
    // False for models without an item table (most-pop), whose itemEmbeddings() throws.
    virtual bool hasItemEmbeddings() const { return true; }

    // Whether sampleUserVectors draws from a generative process (DimeRec with diffusion).
    virtual bool isGenerative() const { return false; }

    // Whether training gives loss() every-position batches (BatchTensors::positionTargets: every
    // history position's next item a target of one causal pass, as SASRec's and GRU4Rec's
    // authors train them) rather than one target per row. Such a model's loss() takes both.
    virtual bool trainsEveryPosition() const { return false; }

    // Whether loss() draws from LibTorch's global generator whatever BatchTensors::random says
    // (dropout inside LibTorch modules). Such a model cannot compute row shards of a batch
    // concurrently and stay reproducible (see computeGradients).
    virtual bool drawsFromGlobalGenerator() const { return false; }

    // [B, samples, d]: independent reverse-process samples of the next-interest vector.
    // Throws std::logic_error for models without a generative process.
    virtual torch::Tensor sampleUserVectors(const torch::Tensor& history,
                                            const torch::Tensor& lengths, int samples);

    // Inference noise comes from the model's own generator, so that evaluating in the middle of
    // training never disturbs the training random stream (needed for bit-identical resume).
    void setInferenceSeed(uint64_t seed);

    // While on, loss() trains the GEM alone (train.pretrainGemSteps, DimeRec's warm start: L_gem
    // with λ = μ = 0, the DAM not computed, so it gets no gradient and the optimiser leaves it
    // as it is). A model whose loss is its GEM's own (the baselines) trains as always.
    virtual void setGemOnly(bool) {}

protected:
    // The model's generator, or the calling thread's InferenceStream while one is alive.
    at::Generator& inferenceGenerator();

private:
    std::string name_;
    int32_t numItems_;
    at::Generator inferenceGenerator_;
};

// While alive, inference noise drawn on this thread (by any model) comes from `generator`
// instead of the model's own: the evaluator gives each batch of users its own stream, so that
// batches can be scored concurrently and still draw the same noise.
class InferenceStream {
public:
    explicit InferenceStream(at::Generator& generator);
    ~InferenceStream();
    InferenceStream(const InferenceStream&) = delete;
    InferenceStream& operator=(const InferenceStream&) = delete;

private:
    at::Generator* previous_;
};

// Builds the model named by config.model. itemCounts (training interactions per item) feeds
// most-pop. Throws std::invalid_argument for inconsistent settings (e.g. K > maxLength).
std::unique_ptr<Recommender> makeRecommender(const ModelConfig& config, int32_t numItems,
                                             int maxLength, const std::vector<int64_t>& itemCounts);

}  // namespace dimerec
