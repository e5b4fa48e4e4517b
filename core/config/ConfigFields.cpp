#include "config/ConfigFields.h"

#include <algorithm>
#include <climits>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace dimerec {
namespace {

using nlohmann::json;

template <class>
constexpr bool kUnsupported = false;

template <class T>
FieldKind kindOf() {
    if constexpr (std::is_same_v<T, std::string>) {
        return FieldKind::Text;
    } else if constexpr (std::is_same_v<T, bool>) {
        return FieldKind::Bool;
    } else if constexpr (std::is_enum_v<T>) {
        return FieldKind::Choice;
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        return FieldKind::Seed;
    } else if constexpr (std::is_integral_v<T>) {
        return FieldKind::Integer;
    } else if constexpr (std::is_floating_point_v<T>) {
        return FieldKind::Real;
    } else if constexpr (std::is_same_v<T, std::vector<int>>) {
        return FieldKind::IntList;
    } else {
        static_assert(kUnsupported<T>, "add a FieldKind (and a form editor) for this type");
    }
}

template <class T>
json toJsonValue(const T& value) {
    if constexpr (std::is_enum_v<T>) {
        return nameOf(value);
    } else {
        return value;
    }
}

// Whether `value` is an integer that T holds.
template <class T>
bool fitsInteger(const json& value) {
    if (!value.is_number_integer()) return false;
    constexpr auto max = static_cast<uint64_t>(std::numeric_limits<T>::max());
    if (value.is_number_unsigned()) return value.get<uint64_t>() <= max;
    const auto number = value.get<int64_t>();
    if (number >= 0) return static_cast<uint64_t>(number) <= max;
    return std::is_signed_v<T> && number >= static_cast<int64_t>(std::numeric_limits<T>::min());
}

template <class T>
void readJsonValue(const json& value, const std::string& key, T& field) {
    if constexpr (std::is_enum_v<T>) {
        if (!value.is_string()) {
            throw std::invalid_argument("config key '" + key + "': expected string, got " +
                                        value.dump());
        }
        field = choiceNamed<T>(key, value.get<std::string>());
    } else {
        try {
            // json's get<int>() silently truncates 1.5, wraps an integer beyond the field's
            // type and is undefined for a double beyond it (5e21 for an int64_t field):
            // insist on an integer that fits before converting.
            if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
                if (!fitsInteger<T>(value)) throw std::invalid_argument("not an integer");
            } else if constexpr (std::is_same_v<T, std::vector<int>>) {
                if (!value.is_array()) throw std::invalid_argument("not a list");
                for (const json& element : value) {
                    if (!fitsInteger<int>(element)) throw std::invalid_argument("not an integer");
                }
            }
            field = value.get<T>();
        } catch (const std::exception&) {
            const std::string expected = std::is_same_v<T, std::vector<int>>
                                             ? "a list of integers"
                                             : json(field).type_name();
            throw std::invalid_argument("config key '" + key + "': expected " + expected +
                                        ", got " + value.dump());
        }
    }
}

// Builds one descriptor; the setters below read as the table's columns.
class Field {
public:
    // A member of a section: Field("model.lambda", &RunConfig::model, &ModelConfig::lambda).
    template <class S, class T>
    Field(std::string key, S RunConfig::*section, T S::*member) {
        init<T>(
            std::move(key),
            [section, member](const RunConfig& c) -> const T& { return (c.*section).*member; },
            [section, member](RunConfig& c) -> T& { return (c.*section).*member; });
    }
    // A top-level member (name).
    template <class T>
    Field(std::string key, T RunConfig::*member) {
        init<T>(
            std::move(key), [member](const RunConfig& c) -> const T& { return c.*member; },
            [member](RunConfig& c) -> T& { return c.*member; });
    }

    Field& label(std::string label, std::string tooltip) {
        d_.label = std::move(label);
        d_.tooltip = std::move(tooltip);
        return *this;
    }
    Field& group(FieldGroup group) {
        d_.group = group;
        return *this;
    }
    Field& scope(FieldScope scope) {
        d_.scope = scope;
        return *this;
    }
    Field& flags(unsigned flags) {
        d_.flags |= flags;
        if ((flags & kPreprocessing) != 0) d_.flags |= kChangesDataset;
        return *this;
    }
    // The field's default changed after it was added after hash v1: configs keep their hash
    // only if the field stays out of it at its first default.
    Field& firstDefault(json value) {
        d_.hashNeutral = std::move(value);
        return *this;
    }
    Field& atLeast(double minimum) {
        d_.minimum = minimum;
        return *this;
    }
    Field& above(double minimum) {
        d_.minimum = minimum;
        d_.minimumExclusive = true;
        return *this;
    }
    Field& below(double limit) {
        d_.below = limit;
        return *this;
    }
    // The form's editor: its upper end, and for reals the decimals and step.
    Field& editor(double maximum, int decimals = 0, double step = 1.0) {
        d_.editorMaximum = maximum;
        d_.decimals = decimals;
        d_.step = step;
        return *this;
    }
    // The form's text for 0 (a spin box's special value, a line edit's placeholder).
    Field& zero(std::string text) {
        d_.zeroText = std::move(text);
        return *this;
    }
    operator FieldDescriptor() && { return std::move(d_); }

private:
    template <class T, class Read, class Write>
    void init(std::string key, Read read, Write write) {
        d_.key = std::move(key);
        d_.kind = kindOf<T>();
        d_.get = [read](const RunConfig& c) { return toJsonValue(read(c)); };
        d_.set = [write, key = d_.key](RunConfig& c, const json& value) {
            readJsonValue(value, key, write(c));
        };
        d_.defaultValue = d_.get(RunConfig{});
        d_.hashNeutral = d_.defaultValue;
        if constexpr (std::is_enum_v<T>) {
            for (const auto& choice : choices(T{}))
                d_.choices.emplace_back(choice.name, choice.label);
        }
    }

    FieldDescriptor d_;
};

constexpr double kIntMax = INT_MAX;

std::vector<FieldDescriptor> buildTable() {
    using G = FieldGroup;
    using S = FieldScope;
    std::vector<FieldDescriptor> t;
    auto add = [&t](Field& field) { t.push_back(std::move(field)); };
    add(Field("name", &RunConfig::name)
            .label("Name", "Optional label shown in the run browser")
            .zero("(none)")
            .flags(kNotHashed));

    // Data
    add(Field("data.dataset", &RunConfig::data, &DataConfig::dataset)
            .label("Dataset",
                   "\"default\" (the embedded MovieLens latest-small) or the path of a dataset "
                   "file or folder; choosing a dataset in the Datasets panel fills this in")
            .group(G::Data)
            .flags(kChangesDataset));
    add(Field("data.format", &RunConfig::data, &DataConfig::format)
            .label("Format",
                   "How to read the dataset; auto detects MovieLens folders, sequence files and "
                   "CSV logs")
            .group(G::Data)
            .flags(kChangesDataset));
    add(Field("data.protocol", &RunConfig::data, &DataConfig::protocol)
            .label("Protocol",
                   "Evaluation protocol: leave-one-out (last item test, second-last validation), "
                   "ComiRec (held-out users, later items as targets) or DreamRec (8:1:1 "
                   "sequences)")
            .group(G::Data));
    add(Field("data.maxLength", &RunConfig::data, &DataConfig::maxLength)
            .label("History length N", "Most recent items of a history fed to the models")
            .group(G::Data)
            .atLeast(1)
            .editor(10000));
    add(Field("data.minRating", &RunConfig::data, &DataConfig::minRating)
            .label("Minimum rating", "Keep only interactions rated at least this (0 keeps all)")
            .group(G::Data)
            .atLeast(0.0)
            .editor(100.0, 1, 0.5)
            .zero("keep all")
            .flags(kPreprocessing));
    add(Field("data.userCore", &RunConfig::data, &DataConfig::userCore)
            .label("User k-core",
                   "Repeatedly drop users with fewer interactions than this (0 = off)")
            .group(G::Data)
            .atLeast(0)
            .editor(100000)
            .zero("off")
            .flags(kPreprocessing));
    add(Field("data.itemCore", &RunConfig::data, &DataConfig::itemCore)
            .label("Item k-core",
                   "Repeatedly drop items with fewer interactions than this (0 = off)")
            .group(G::Data)
            .atLeast(0)
            .editor(100000)
            .zero("off")
            .flags(kPreprocessing));
    add(Field("data.splitSeed", &RunConfig::data, &DataConfig::splitSeed)
            .label("Split seed", "Seed of the user / sequence split (ComiRec uses 1230)")
            .group(G::Data));

    // Model
    add(Field("model.model", &RunConfig::model, &ModelConfig::model)
            .label("Model", "DimeRec, or a baseline trained and evaluated the same way")
            .group(G::Model));
    add(Field("model.gem", &RunConfig::model, &ModelConfig::gem)
            .label("Guidance module (GEM)",
                   "How DimeRec extracts its K interest vectors: self-attention (ComiRec-SA, the "
                   "paper's main choice), dynamic routing (ComiRec-DR), the last K items (rule) "
                   "or the last K hidden states of a SASRec encoder over the history (sasrec; "
                   "its layers, heads and dropout are SASRec's fields)")
            .group(G::Model)
            .scope(S::DimeRec));
    add(Field("model.dim", &RunConfig::model, &ModelConfig::dim)
            .label("Embedding size d", "Width of item embeddings and of every hidden vector")
            .group(G::Model)
            .atLeast(2)
            .editor(4096));
    add(Field("model.interests", &RunConfig::model, &ModelConfig::interests)
            .label("Guidance length K", "Number of interest vectors the GEM extracts (K ≪ N)")
            .group(G::Model)
            .scope(S::MultiInterest)
            .atLeast(1)
            .editor(256));
    add(Field("model.layers", &RunConfig::model, &ModelConfig::layers)
            .label("Layers", "SASRec blocks (also of DimeRec's SASRec GEM) or GRU layers")
            .group(G::Model)
            .scope(S::SequenceEncoder)
            .atLeast(1)
            .editor(64));
    add(Field("model.heads", &RunConfig::model, &ModelConfig::heads)
            .label("Attention heads",
                   "SASRec attention heads (also of DimeRec's SASRec GEM); must divide the "
                   "embedding size")
            .group(G::Model)
            .scope(S::SasRec)
            .atLeast(1)
            .editor(64));
    add(Field("model.dropout", &RunConfig::model, &ModelConfig::dropout)
            .label("Dropout", "SASRec / GRU4Rec dropout rate (also of DimeRec's SASRec GEM)")
            .group(G::Model)
            .scope(S::SequenceEncoder)
            .atLeast(0.0)
            .below(1.0)
            .editor(0.99, 2, 0.05));

    // Diffusion (DimeRec's DAM)
    add(Field("model.diffusionSteps", &RunConfig::model, &ModelConfig::diffusionSteps)
            .label("Steps T", "Number of diffusion steps of the forward and reverse process")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion)
            .atLeast(1)
            .editor(10000));
    add(Field("model.schedule", &RunConfig::model, &ModelConfig::schedule)
            .label("β schedule",
                   "How the noise level β_t grows from step 1 to T; linear-scaled (the default) "
                   "multiplies both ends by 1000/T and cosine ignores them, so that ᾱ_T ≈ 0 at "
                   "any T (both cap β at 0.999); linear is the paper's printed schedule")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion));
    add(Field("model.betaStart", &RunConfig::model, &ModelConfig::betaStart)
            .label("β start", "First β of the linear / exponential schedule")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion)
            .above(0.0)
            .below(1.0)
            .editor(1.0, 6, 1e-4));
    add(Field("model.betaEnd", &RunConfig::model, &ModelConfig::betaEnd)
            .label("β end", "Last β of the linear / exponential schedule (at least β start)")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion)
            .editor(1.0, 6, 1e-3));  // range [betaStart, 1): a cross-field check
    add(Field("model.geometry", &RunConfig::model, &ModelConfig::geometry)
            .label("Noise geometry",
                   "Geodesic random walk on the unit sphere (DimeRec) or Euclidean DDPM noise")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion));
    add(Field("model.noiseScale", &RunConfig::model, &ModelConfig::noiseScale)
            .label("Forward process",
                   "How x_t leaves x_0 on the sphere, each with its own reverse step: literal = "
                   "Algorithm 1's jump exp(sqrt(1−ᾱ)·ε), which wraps around the sphere in d = 64; "
                   "per-dim = the same with ε/sqrt(d−1); monotone = an angle growing to θ_max at "
                   "T; small-step walk = t small geodesic steps; projected DDPM = "
                   "normalise(sqrt(ᾱ)x_0 + sqrt(1−ᾱ)ε/sqrt(d))")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion));
    add(Field("model.thetaMaxDegrees", &RunConfig::model, &ModelConfig::thetaMaxDegrees)
            .label("θ_max (monotone)",
                   "Angle between x_T and x_0 of the monotone process, in degrees (90 = "
                   "orthogonal)")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion)
            .above(0.0)
            .below(180.0)  // at 180° every great circle through x_0 meets x_T
            .editor(179.9, 1, 5.0)
            .flags(kAddedAfterHashV1));
    add(Field("model.reverseNoise", &RunConfig::model, &ModelConfig::reverseNoise)
            .label("Reverse noise",
                   "Noise added in each reverse step: sqrt(β̃_t)·ε' as in DDPM, β̃_t·ε' as "
                   "printed in the paper's Algorithm 2, none (deterministic chain), or "
                   "sqrt(β̃_t/d)·ε', DDPM's for unit vectors in d dimensions")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion)
            .flags(kInferenceOnly));
    add(Field("model.denoiser", &RunConfig::model, &ModelConfig::denoiser)
            .label("Denoiser",
                   "The DAM denoiser: an MLP over x_t, the step embedding and all K guidance "
                   "vectors (the paper's), or attention from x_t and the step over the K "
                   "guidance vectors followed by a residual MLP, which can pick one interest")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion)
            .flags(kAddedAfterHashV1));
    add(Field("model.denoiserHidden", &RunConfig::model, &ModelConfig::denoiserHidden)
            .label("Denoiser width",
                   "Hidden width of the DAM denoiser's MLP (either denoiser; 0 = 2d)")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion)
            .atLeast(0)
            .editor(65536)
            .zero("2d"));
    add(Field("model.samplesPerUser", &RunConfig::model, &ModelConfig::samplesPerUser)
            .label("Samples per user",
                   "Reverse-process samples drawn per user at inference; an item scores its best "
                   "inner product over them")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion)
            .atLeast(1)
            .editor(1000)
            .flags(kInferenceOnly));
    add(Field("model.readout", &RunConfig::model, &ModelConfig::readout)
            .label("Readout",
                   "What validation (early stopping, the best checkpoint) and test score the "
                   "items against: the reverse-process samples (Algorithm 2, the paper's) or "
                   "the GEM's K interests, an item scored by its best (as ComiRec). Every "
                   "readout is stored with a finished run either way")
            .group(G::Diffusion)
            .scope(S::DimeRecDiffusion)
            .flags(kInferenceOnly | kAddedAfterHashV1));

    // Losses & ablations
    add(Field("model.lambda", &RunConfig::model, &ModelConfig::lambda)
            .label("λ (reconstruction)",
                   "Weight of L_recon, the denoiser's squared error on the sphere (0 = off)")
            .group(G::Losses)
            .scope(S::DimeRecDiffusion)
            .atLeast(0.0)
            .editor(1000.0, 3, 0.1));
    add(Field("model.mu", &RunConfig::model, &ModelConfig::mu)
            .label("μ (sampled softmax)",
                   "Weight of L_ssm, the sampled softmax on the denoised vector (0 = off)")
            .group(G::Losses)
            .scope(S::DimeRecDiffusion)
            .atLeast(0.0)
            .editor(1000.0, 3, 0.1));
    add(Field("model.useGemLoss", &RunConfig::model, &ModelConfig::useGemLoss)
            .label("Use L_gem", "Train the guidance module with its own sampled-softmax loss")
            .group(G::Losses)
            .scope(S::DimeRec));
    add(Field("model.useDiffusion", &RunConfig::model, &ModelConfig::useDiffusion)
            .label("Use diffusion",
                   "Off: the GEM alone recommends (ablation without the diffusion module)")
            .group(G::Losses)
            .scope(S::DimeRec));
    add(Field("model.protectGem", &RunConfig::model, &ModelConfig::protectGem)
            .label("Protect the GEM",
                   "Stop L_recon and L_ssm gradients from reaching the guidance and the target "
                   "embedding: the GEM learns from L_gem alone (without L_gem it learns from "
                   "them, protected or not)")
            .group(G::Losses)
            .scope(S::DimeRecGemLoss)
            .flags(kAddedAfterHashV1)
            .firstDefault(false));  // on by default since issue 19's study
    add(Field("model.negatives", &RunConfig::model, &ModelConfig::negatives)
            .label("Negatives", "Sampled-softmax negatives per batch (0 = 10 × batch size)")
            .group(G::Losses)
            .atLeast(0)
            .editor(10000000)
            .zero("10 × batch"));
    add(Field("model.negativeSampler", &RunConfig::model, &ModelConfig::negativeSampler)
            .label("Negative sampler",
                   "Draw negatives uniformly or log-uniformly by popularity rank (as "
                   "TensorFlow's sampled softmax in ComiRec)")
            .group(G::Losses));
    add(Field("model.fullSoftmax", &RunConfig::model, &ModelConfig::fullSoftmax)
            .label("Full softmax",
                   "Score each target against every item (cross-entropy over the whole catalogue) "
                   "instead of the batch's sampled negatives")
            .group(G::Losses)
            .scope(S::Sequential)
            .flags(kAddedAfterHashV1));

    // Training
    add(Field("train.optimizer", &RunConfig::train, &TrainConfig::optimizer)
            .label("Optimiser", "Adam with L2 weight decay, or AdamW with decoupled weight decay")
            .group(G::Training));
    add(Field("train.learningRate", &RunConfig::train, &TrainConfig::learningRate)
            .label("Learning rate", "Optimiser step size")
            .group(G::Training)
            .above(0.0)
            .editor(10.0, 6, 1e-4));
    add(Field("train.weightDecay", &RunConfig::train, &TrainConfig::weightDecay)
            .label("Weight decay", "L2 (Adam) or decoupled (AdamW) weight decay")
            .group(G::Training)
            .atLeast(0.0)
            .editor(10.0, 6, 1e-5));
    add(Field("train.batchSize", &RunConfig::train, &TrainConfig::batchSize)
            .label("Batch size", "Training samples per step")
            .group(G::Training)
            .atLeast(1)
            .editor(1000000));
    add(Field("train.epochs", &RunConfig::train, &TrainConfig::epochs)
            .label("Epochs", "Passes over the training samples")
            .group(G::Training)
            .atLeast(1)
            .editor(100000));
    add(Field("train.maxSteps", &RunConfig::train, &TrainConfig::maxSteps)
            .label("Max steps", "Stop after this many optimiser steps (0 = no limit)")
            .group(G::Training)
            .atLeast(0)
            .editor(kIntMax)
            .zero("no limit"));
    add(Field("train.pretrainGemSteps", &RunConfig::train, &TrainConfig::pretrainGemSteps)
            .label("GEM pre-training steps",
                   "GEM-only optimiser steps (L_gem alone) before joint training")
            .group(G::Training)
            .scope(S::DimeRec)
            .atLeast(0)
            .editor(kIntMax)
            .zero("none")
            .flags(kAddedAfterHashV1));
    add(Field("train.clipGradNorm", &RunConfig::train, &TrainConfig::clipGradNorm)
            .label("Gradient clipping", "Clip the global gradient norm to this (0 = off)")
            .group(G::Training)
            .atLeast(0.0)
            .editor(1e6, 2, 0.5));
    add(Field("train.evalEvery", &RunConfig::train, &TrainConfig::evalEvery)
            .label("Validate every", "Validate every N steps (0 = once per epoch)")
            .group(G::Training)
            .atLeast(0)
            .editor(kIntMax)
            .zero("each epoch"));
    add(Field("train.earlyStopMetric", &RunConfig::train, &TrainConfig::earlyStopMetric)
            .label("Early-stopping metric",
                   "Validation metric that picks the best checkpoint: hr@K, ndcg@K, recall@K or "
                   "mrr@K, K one of the evaluation cut-offs")
            .group(G::Training));
    add(Field("train.patience", &RunConfig::train, &TrainConfig::patience)
            .label("Patience",
                   "Validations without improvement before stopping (0 = never stop early)")
            .group(G::Training)
            .atLeast(0)
            .editor(100000)
            .zero("off"));
    add(Field("train.seed", &RunConfig::train, &TrainConfig::seed)
            .label("Seed",
                   "Seed of initialisation, sampling and diffusion noise; runs differing only in "
                   "seed form a seed group")
            .group(G::Training)
            .flags(kNotHashed));
    add(Field("train.threads", &RunConfig::train, &TrainConfig::threads)
            .label("Threads", "LibTorch intra-op threads (0 = all cores)")
            .group(G::Training)
            .atLeast(0)
            .editor(1024)
            .zero("all cores")
            .flags(kNotHashed));
    add(Field("train.device", &RunConfig::train, &TrainConfig::device)
            .label("Device", "auto, cpu, cuda or cuda:N; auto picks a GPU when there is one")
            .group(G::Training)
            .flags(kNotHashed));

    // Evaluation: none of it changes the trained parameters.
    add(Field("eval.topK", &RunConfig::eval, &EvalConfig::topK)
            .label("Cut-offs K",
                   "Comma-separated cut-offs of every ranking metric (HR@K, NDCG@K, …)")
            .group(G::Evaluation)
            .atLeast(1)
            .flags(kInferenceOnly));
    add(Field("eval.batchUsers", &RunConfig::eval, &EvalConfig::batchUsers)
            .label("Users per batch", "Users scored per matrix product during full ranking")
            .group(G::Evaluation)
            .atLeast(1)
            .editor(1000000)
            .flags(kInferenceOnly));
    add(Field("eval.excludeHistory", &RunConfig::eval, &EvalConfig::excludeHistory)
            .label("Exclude history",
                   "Never recommend items the user has already interacted with (on by default, "
                   "as RecBole evaluates; a test target that repeats a history item can then not "
                   "be hit: `dimerec data stats` reports how often that happens)")
            .group(G::Evaluation)
            .flags(kInferenceOnly));
    return t;
}

// A bound as the messages print it: integers plainly, reals as JSON does (0.0).
std::string boundText(const FieldDescriptor& field, double bound) {
    const bool integral = field.kind == FieldKind::Integer || field.kind == FieldKind::IntList;
    return integral ? std::to_string(static_cast<long long>(bound)) : json(bound).dump();
}

std::string compact(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

}  // namespace

bool inScope(FieldScope scope, const ModelConfig& m) {
    const bool dimerec = m.model == ModelKind::DimeRec;
    // DimeRec's SASRec GEM is SASRec's encoder, built from SASRec's fields.
    const bool sasrec = m.model == ModelKind::SasRec || (dimerec && m.gem == GemKind::SasRec);
    switch (scope) {
        case FieldScope::AllModels:
            return true;
        case FieldScope::DimeRec:
            return dimerec;
        case FieldScope::MultiInterest:
            return dimerec || m.model == ModelKind::ComiRecSa || m.model == ModelKind::ComiRecDr;
        case FieldScope::Sequential:
            return m.model == ModelKind::SasRec || m.model == ModelKind::Gru4Rec;
        case FieldScope::SequenceEncoder:
            return sasrec || m.model == ModelKind::Gru4Rec;
        case FieldScope::SasRec:
            return sasrec;
        case FieldScope::DimeRecDiffusion:
            return dimerec && m.useDiffusion;
        case FieldScope::DimeRecGemLoss:
            return dimerec && m.useDiffusion && m.useGemLoss;
    }
    return true;
}

const std::vector<FieldDescriptor>& runConfigFields() {
    static const std::vector<FieldDescriptor> table = buildTable();
    return table;
}

const FieldDescriptor* findConfigField(const std::string& key) {
    for (const FieldDescriptor& field : runConfigFields()) {
        if (field.key == key) return &field;
    }
    return nullptr;
}

std::string unknownFieldHint(const std::string& key) {
    // Levenshtein distance, one row at a time.
    const auto distance = [](const std::string& a, const std::string& b) {
        std::vector<size_t> row(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            size_t diagonal = row[0];
            row[0] = i;
            for (size_t j = 1; j <= b.size(); ++j) {
                const size_t above = row[j];
                row[j] = std::min(
                    {row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
                diagonal = above;
            }
        }
        return row[b.size()];
    };
    constexpr size_t kMaxEdits = 2;
    const FieldDescriptor* closest = nullptr;
    size_t best = kMaxEdits + 1;
    for (const FieldDescriptor& field : runConfigFields()) {
        const size_t edits = distance(key, field.key);
        if (edits < best) {
            best = edits;
            closest = &field;
        }
    }
    const std::string list = "dimerec config --list-fields lists them all";
    return closest ? " (did you mean '" + closest->key + "'? " + list + ")" : " (" + list + ")";
}

std::string rangeText(const FieldDescriptor& field) {
    if (!field.minimum) return "";
    if (field.below) {
        return "must lie in " + std::string(field.minimumExclusive ? "(" : "[") +
               compact(*field.minimum) + ", " + compact(*field.below) + ")";
    }
    return std::string(field.minimumExclusive ? "must be > " : "must be >= ") +
           boundText(field, *field.minimum);
}

}  // namespace dimerec
