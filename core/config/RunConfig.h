#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dimerec {

// Choice fields are enums; each has ONE name table (choices(), in RunConfig.cpp) that JSON,
// --set, validation messages and the form read. The names are the config file's values.
enum class ModelKind { DimeRec, ComiRecSa, ComiRecDr, MeanPool, SasRec, Gru4Rec, MostPop };
enum class GemKind { Rule, SelfAttention, DynamicRouting, SasRec };
enum class BetaSchedule { Linear, LinearScaled, Cosine, Exp };
enum class NoiseGeometry { Geodesic, Euclidean };
// The forward process on the sphere (model/Diffusion.h has each one's reverse step).
enum class NoiseScale { Literal, PerDim, Monotone, SmallStepWalk, ProjectedDdpm };
// sqrt: sqrt(β̃_t)·ε' (DDPM) | literal: β̃_t·ε' (paper) | none: deterministic chain |
// sqrt-over-d: sqrt(β̃_t/d)·ε' (DDPM's for unit vectors in d dimensions, spec §2.5)
enum class ReverseNoise { Sqrt, Literal, None, SqrtOverD };
// The DAM denoiser: mlp: MLP over [x_t; s_t; vec(g)] (spec §1.4) | attention: x_t and s_t
// attend over the K guidance vectors, then a residual MLP (issue 19)
enum class DenoiserKind { Mlp, Attention };
// What DimeRec's retrieval scores items against, in validation (early stopping, best
// checkpoint) and test: diffusion: the reverse-process samples (Algorithm 2) | interests: the
// GEM's K interests, an item scored by its best (ComiRec's retrieval)
enum class Readout { Diffusion, Interests };
enum class NegativeSampler { Uniform, LogUniform };
enum class OptimizerKind { Adam, AdamW };
enum class DataFormat { Auto, MovieLens, Sequences, Csv };
enum class Protocol { Loo, ComiRec, DreamRec };

template <class E>
struct Choice {
    E value;
    const char* name;   // the value in JSON and --set ("comirec-sa")
    const char* label;  // the form's text ("ComiRec-SA")
};

const std::vector<Choice<ModelKind>>& choices(ModelKind);
const std::vector<Choice<GemKind>>& choices(GemKind);
const std::vector<Choice<BetaSchedule>>& choices(BetaSchedule);
const std::vector<Choice<NoiseGeometry>>& choices(NoiseGeometry);
const std::vector<Choice<NoiseScale>>& choices(NoiseScale);
const std::vector<Choice<ReverseNoise>>& choices(ReverseNoise);
const std::vector<Choice<DenoiserKind>>& choices(DenoiserKind);
const std::vector<Choice<Readout>>& choices(Readout);
const std::vector<Choice<NegativeSampler>>& choices(NegativeSampler);
const std::vector<Choice<OptimizerKind>>& choices(OptimizerKind);
const std::vector<Choice<DataFormat>>& choices(DataFormat);
const std::vector<Choice<Protocol>>& choices(Protocol);

// The config name of a choice ("comirec-sa").
template <class E>
std::string nameOf(E value) {
    for (const Choice<E>& choice : choices(value)) {
        if (choice.value == value) return choice.name;
    }
    return "?";  // unreachable while every enumerator is in its table (tested)
}

// The choice called `name`; throws std::invalid_argument "<key>: must be one of a, b, got 'x'".
template <class E>
E choiceNamed(const std::string& key, const std::string& name) {
    std::string list;
    for (const Choice<E>& choice : choices(E{})) {
        if (name == choice.name) return choice.value;
        list += std::string(list.empty() ? "" : ", ") + choice.name;
    }
    throw std::invalid_argument(key + ": must be one of " + list + ", got '" + name + "'");
}

// Everything that defines one run. Plain structs with the spec's defaults
// (../shared/dimerec-spec.md §3 and §7); serialised to canonical JSON, whose hash
// identifies a seed group (same config, different seeds). Every member has exactly one
// descriptor in config/ConfigFields.cpp (key, label, range, flags); see
// docs/architecture.md "Adding a config field".

struct DataConfig {
    std::string dataset = "default";       // "default" (embedded) or a path to a file / folder
    DataFormat format = DataFormat::Auto;  // auto | movielens | sequences | csv
    Protocol protocol = Protocol::Loo;     // loo (leave-one-out) | comirec | dreamrec
    int maxLength = 50;                    // history length N fed to the models
    float minRating = 0.0f;                // keep interactions with rating >= this (0 = all)
    int userCore = 0;                      // k-core on users (0 = off)
    int itemCore = 0;                      // k-core on items (0 = off)
    uint64_t splitSeed = 1230;             // seed of user/sequence splits (ComiRec uses 1230)
};

struct ModelConfig {
    ModelKind model = ModelKind::DimeRec;
    GemKind gem = GemKind::SelfAttention;  // DimeRec guidance module: rule | sa | dr | sasrec
    int dim = 64;                          // embedding size d
    int interests = 4;                     // guidance length K
    int diffusionSteps = 100;              // T
    // Linear β ending at ᾱ_T ≈ 0 for any T (both ends × 1000/T): validated at convergence on
    // Beauty and Yelp against the printed linear β (docs/reproduction.md, T × schedule).
    BetaSchedule schedule = BetaSchedule::LinearScaled;
    double betaStart = 1e-4;  // first β of the linear / exp schedule (linear-scaled: × 1000/T)
    double betaEnd = 0.02;    // last β of the linear / exp schedule (linear-scaled: × 1000/T)
    NoiseGeometry geometry = NoiseGeometry::Geodesic;   // sphere random walk | Euclidean DDPM
    NoiseScale noiseScale = NoiseScale::Literal;        // the forward process on the sphere
    double thetaMaxDegrees = 90.0;                      // monotone process: angle from x0 at T
    ReverseNoise reverseNoise = ReverseNoise::Literal;  // Algorithm 2's β̃_t (issue 19 study)
    double lambda = 1.0;                                // weight of L_recon
    double mu = 1.0;                                    // weight of L_ssm
    bool useGemLoss = true;                             // ablation: include L_gem
    bool useDiffusion = true;                           // ablation: false = GEM only (no DAM)
    bool protectGem = true;  // L_recon and L_ssm do not train the GEM or the target embedding
                             // (in effect with useGemLoss only: otherwise nothing would)
    DenoiserKind denoiser = DenoiserKind::Mlp;  // the DAM denoiser's architecture
    int denoiserHidden = 0;                     // hidden width of the DAM MLP (0 = 2d)
    int negatives = 0;  // sampled-softmax negatives per batch (0 = 10 × batch)
    NegativeSampler negativeSampler = NegativeSampler::Uniform;
    bool fullSoftmax = false;  // SASRec / GRU4Rec: softmax over every item, not the negatives
    // Reverse-process samples per user at inference; retrieval scores an item by its best inner
    // product over the samples, as ComiRec does over interests.
    int samplesPerUser = 1;
    Readout readout = Readout::Diffusion;  // DimeRec: what validation and test score against
    int layers = 2;                        // SASRec blocks (also of the SASRec GEM) / GRU layers
    int heads = 1;                         // SASRec attention heads (also of the SASRec GEM)
    double dropout = 0.2;                  // SASRec (also the SASRec GEM) / GRU4Rec dropout
};

struct TrainConfig {
    OptimizerKind optimizer = OptimizerKind::Adam;
    double learningRate = 1e-3;               // Adam step size
    double weightDecay = 0.0;                 // L2 (adam) or decoupled (adamw) weight decay
    int batchSize = 256;                      // training samples per step
    int epochs = 20;                          // passes over the training samples
    int64_t maxSteps = 0;                     // stop after this many steps (0 = no limit)
    double clipGradNorm = 0.0;                // clip the global gradient norm (0 = off)
    int64_t evalEvery = 0;                    // validate every N steps (0 = once per epoch)
    std::string earlyStopMetric = "ndcg@10";  // validation metric for early stopping and "best"
    int patience = 10;            // evaluations without improvement before stopping (0 = off)
    uint64_t seed = 42;           // seed of initialisation, sampling and diffusion noise
    int threads = 0;              // LibTorch intra-op threads (0 = all cores)
    std::string device = "auto";  // auto | cpu | cuda | cuda:N
    int pretrainGemSteps = 0;     // DimeRec: steps of L_gem alone before joint training
};

struct EvalConfig {
    std::vector<int> topK = {5, 10, 20, 50};  // cut-offs of every ranking metric
    int batchUsers = 1024;                    // users scored per matrix product
    bool excludeHistory = true;  // mask the user's history items when ranking (as RecBole)
};

struct RunConfig {
    std::string name;  // optional human label
    DataConfig data;
    ModelConfig model;
    TrainConfig train;
    EvalConfig eval;
};

// Throws std::invalid_argument naming the first invalid field ("model.lambda: must be >= 0,
// got -1").
void validate(const RunConfig& config);

nlohmann::json toJson(const RunConfig& config);
// Reads a config; missing keys keep their defaults, unknown keys and wrong types throw
// std::invalid_argument naming the key path. The result is validated.
RunConfig runConfigFromJson(const nlohmann::json& json);

// Canonical JSON (sorted keys, without name, seed, threads and device: they do not change
// what is computed) hashed with SHA-256, hex; equal for the runs of one seed group, and for a
// sweep's trial however many threads or which device it ran with. Fields added after hash v1
// are left out while at their first default, so adding a field never changes an existing hash.
std::string configHash(const RunConfig& config);

// Applies a "section.field=value" override (as given on the command line) to a config and
// checks the value against the field's range. Rules across fields (a warm start needs L_gem,
// heads divide d, …) are validate()'s, for the caller to run once every override is applied:
// `--set model.useGemLoss=false --set train.pretrainGemSteps=0` must not fail half-way.
void applyOverride(RunConfig& config, const std::string& assignment);

// Like applyOverride, for a trained model's config: only fields that change inference, not
// the trained parameters or the data (those marked inference-only: eval.*,
// model.reverseNoise, model.samplesPerUser), are accepted; any other field throws
// std::invalid_argument naming it.
void applyInferenceOverride(RunConfig& config, const std::string& assignment);

// Whether two configs load the same dataset (every field marked "changes the dataset" equal),
// so that a loaded dataset can be reused.
bool sameDataset(const DataConfig& a, const DataConfig& b);

}  // namespace dimerec
