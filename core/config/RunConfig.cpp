#include "config/RunConfig.h"

#include "config/ConfigFields.h"
#include "util/Hash.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace dimerec {

// The name tables of the choice fields; the names are what config files hold, so they never
// change once written (a renamed value would make stored configs unreadable).
const std::vector<Choice<ModelKind>>& choices(ModelKind) {
    static const std::vector<Choice<ModelKind>> table = {
        {ModelKind::DimeRec, "dimerec", "DimeRec"},
        {ModelKind::ComiRecSa, "comirec-sa", "ComiRec-SA"},
        {ModelKind::ComiRecDr, "comirec-dr", "ComiRec-DR"},
        {ModelKind::MeanPool, "mean-pool", "mean pooling"},
        {ModelKind::SasRec, "sasrec", "SASRec"},
        {ModelKind::Gru4Rec, "gru4rec", "GRU4Rec"},
        {ModelKind::MostPop, "most-pop", "most popular"}};
    return table;
}

const std::vector<Choice<GemKind>>& choices(GemKind) {
    static const std::vector<Choice<GemKind>> table = {
        {GemKind::Rule, "rule", "rule: last K items"},
        {GemKind::SelfAttention, "sa", "self-attention (ComiRec-SA)"},
        {GemKind::DynamicRouting, "dr", "dynamic routing (ComiRec-DR)"},
        {GemKind::SasRec, "sasrec", "SASRec: last K hidden states"}};
    return table;
}

const std::vector<Choice<BetaSchedule>>& choices(BetaSchedule) {
    static const std::vector<Choice<BetaSchedule>> table = {
        {BetaSchedule::Linear, "linear", "linear"},
        {BetaSchedule::LinearScaled, "linear-scaled", "linear, ends × 1000/T"},
        {BetaSchedule::Cosine, "cosine", "cosine"},
        {BetaSchedule::Exp, "exp", "exponential"}};
    return table;
}

const std::vector<Choice<NoiseGeometry>>& choices(NoiseGeometry) {
    static const std::vector<Choice<NoiseGeometry>> table = {
        {NoiseGeometry::Geodesic, "geodesic", "geodesic (sphere)"},
        {NoiseGeometry::Euclidean, "euclidean", "Euclidean (DDPM)"}};
    return table;
}

const std::vector<Choice<NoiseScale>>& choices(NoiseScale) {
    static const std::vector<Choice<NoiseScale>> table = {
        {NoiseScale::Literal, "literal", "literal sqrt(1−ᾱ)·ε"},
        {NoiseScale::PerDim, "per-dim", "per dimension ε/sqrt(d−1)"},
        {NoiseScale::Monotone, "monotone", "monotone angle to θ_max"},
        {NoiseScale::SmallStepWalk, "small-step-walk", "walk of small geodesic steps"},
        {NoiseScale::ProjectedDdpm, "projected-ddpm", "projected DDPM"}};
    return table;
}

const std::vector<Choice<ReverseNoise>>& choices(ReverseNoise) {
    static const std::vector<Choice<ReverseNoise>> table = {
        {ReverseNoise::Sqrt, "sqrt", "DDPM sqrt(β̃)·ε'"},
        {ReverseNoise::Literal, "literal", "paper β̃·ε'"},
        {ReverseNoise::None, "none", "none (deterministic)"},
        {ReverseNoise::SqrtOverD, "sqrt-over-d", "sqrt(β̃/d)·ε' (unit vectors)"}};
    return table;
}

const std::vector<Choice<DenoiserKind>>& choices(DenoiserKind) {
    static const std::vector<Choice<DenoiserKind>> table = {
        {DenoiserKind::Mlp, "mlp", "MLP over [x_t; s_t; g]"},
        {DenoiserKind::Attention, "attention", "attention over the interests"}};
    return table;
}

const std::vector<Choice<Readout>>& choices(Readout) {
    static const std::vector<Choice<Readout>> table = {
        {Readout::Diffusion, "diffusion", "diffusion (Algorithm 2)"},
        {Readout::Interests, "interests", "the GEM's interests"}};
    return table;
}

const std::vector<Choice<NegativeSampler>>& choices(NegativeSampler) {
    static const std::vector<Choice<NegativeSampler>> table = {
        {NegativeSampler::Uniform, "uniform", "uniform"},
        {NegativeSampler::LogUniform, "log-uniform", "log-uniform"}};
    return table;
}

const std::vector<Choice<OptimizerKind>>& choices(OptimizerKind) {
    static const std::vector<Choice<OptimizerKind>> table = {
        {OptimizerKind::Adam, "adam", "Adam"}, {OptimizerKind::AdamW, "adamw", "AdamW"}};
    return table;
}

const std::vector<Choice<DataFormat>>& choices(DataFormat) {
    static const std::vector<Choice<DataFormat>> table = {
        {DataFormat::Auto, "auto", "auto-detect"},
        {DataFormat::MovieLens, "movielens", "MovieLens"},
        {DataFormat::Sequences, "sequences", "sequences (one user per line)"},
        {DataFormat::Csv, "csv", "CSV log"}};
    return table;
}

const std::vector<Choice<Protocol>>& choices(Protocol) {
    static const std::vector<Choice<Protocol>> table = {
        {Protocol::Loo, "loo", "leave-one-out"},
        {Protocol::ComiRec, "comirec", "ComiRec (strong generalisation)"},
        {Protocol::DreamRec, "dreamrec", "DreamRec (8:1:1)"}};
    return table;
}

namespace {

using nlohmann::json;

json::json_pointer pointerOf(const std::string& key) {
    std::string path = "/" + key;
    std::replace(path.begin(), path.end(), '.', '/');
    return json::json_pointer(path);
}

void collectLeafKeys(const json& node, const std::string& prefix, std::vector<std::string>& out) {
    if (node.is_object()) {
        for (const auto& [key, value] : node.items()) {
            collectLeafKeys(value, prefix.empty() ? key : prefix + "." + key, out);
        }
    } else {
        out.push_back(prefix);
    }
}

[[noreturn]] void invalid(const std::string& field, const std::string& what) {
    throw std::invalid_argument(field + ": " + what);
}

// The descriptor's range, for one value.
void checkRange(const FieldDescriptor& field, const json& value) {
    if (!field.minimum) return;
    const double v = value.get<double>();
    const bool low = field.minimumExclusive ? v > *field.minimum : v >= *field.minimum;
    const bool high = !field.below || v < *field.below;
    if (!low || !high) invalid(field.key, rangeText(field) + ", got " + value.dump());
}

// The field's value in the config against its descriptor's range (each element of a list).
void checkField(const FieldDescriptor& field, const RunConfig& c) {
    const json value = field.get(c);
    if (field.kind == FieldKind::IntList) {
        for (const json& element : value) checkRange(field, element);
    } else {
        checkRange(field, value);
    }
}

}  // namespace

void validate(const RunConfig& c) {
    for (const FieldDescriptor& field : runConfigFields()) checkField(field, c);
    // Checks across fields.
    if (!(c.model.betaEnd >= c.model.betaStart && c.model.betaEnd < 1.0)) {
        invalid("model.betaEnd", "must lie in [betaStart, 1), got " + json(c.model.betaEnd).dump());
    }
    if (c.model.dim % c.model.heads != 0) {
        invalid("model.heads", "must divide model.dim (" + std::to_string(c.model.dim) + "), got " +
                                   std::to_string(c.model.heads));
    }
    // The warm start trains the GEM with L_gem, which the w/o L_gem ablation leaves out.
    if (c.model.model == ModelKind::DimeRec && c.model.useDiffusion && !c.model.useGemLoss &&
        c.train.pretrainGemSteps > 0) {
        invalid("train.pretrainGemSteps",
                "must be 0 without L_gem (model.useGemLoss false): the warm start trains the GEM "
                "with L_gem, got " +
                    std::to_string(c.train.pretrainGemSteps));
    }
    const std::string& metric = c.train.earlyStopMetric;
    const size_t at = metric.find('@');
    const std::string base = metric.substr(0, at);
    if (at == std::string::npos ||
        (base != "hr" && base != "ndcg" && base != "recall" && base != "mrr")) {
        invalid("train.earlyStopMetric",
                "expected hr@K, ndcg@K, recall@K or mrr@K, got '" + metric + "'");
    }
    const int cut = std::atoi(metric.c_str() + at + 1);
    if (std::find(c.eval.topK.begin(), c.eval.topK.end(), cut) == c.eval.topK.end()) {
        invalid("train.earlyStopMetric",
                "its cut-off must be one of eval.topK, got '" + metric + "'");
    }
    if (c.eval.topK.empty()) invalid("eval.topK", "needs at least one cut-off");
}

json toJson(const RunConfig& config) {
    json out = json::object();
    for (const FieldDescriptor& field : runConfigFields())
        out[pointerOf(field.key)] = field.get(config);
    return out;
}

RunConfig runConfigFromJson(const json& in) {
    if (!in.is_object()) throw std::invalid_argument("config: expected a JSON object");
    RunConfig config;
    std::vector<std::string> present;
    collectLeafKeys(in, "", present);
    for (const std::string& key : present) {
        if (!findConfigField(key)) {
            throw std::invalid_argument("config: unknown key '" + key + "'" +
                                        unknownFieldHint(key));
        }
    }
    for (const FieldDescriptor& field : runConfigFields()) {
        const auto pointer = pointerOf(field.key);
        if (in.contains(pointer)) field.set(config, in.at(pointer));
    }
    validate(config);
    return config;
}

std::string configHash(const RunConfig& config) {
    json canonical = json::object();
    for (const FieldDescriptor& field : runConfigFields()) {
        if (field.has(kNotHashed)) continue;
        json value = field.get(config);
        if (field.has(kAddedAfterHashV1) && value == field.hashNeutral) continue;
        canonical[pointerOf(field.key)] = std::move(value);
    }
    return sha256Hex(canonical.dump());
}

void applyOverride(RunConfig& config, const std::string& assignment) {
    const size_t equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw std::invalid_argument("override '" + assignment + "': expected key=value");
    }
    const std::string key = assignment.substr(0, equals);
    const std::string text = assignment.substr(equals + 1);
    const FieldDescriptor* field = findConfigField(key);
    if (!field) {
        throw std::invalid_argument("config: unknown key '" + key + "'" + unknownFieldHint(key));
    }
    json value;
    if (field->kind == FieldKind::Text || field->kind == FieldKind::Choice) {
        value = text;
        // A config is stored and hashed as JSON, which holds UTF-8 only: dump() would throw
        // nlohmann's type error, naming no key, later (e.g. a path in Latin-1).
        try {
            (void)value.dump();
        } catch (const json::type_error&) {
            throw std::invalid_argument("config key '" + key +
                                        "': the value is not UTF-8 text; give it in UTF-8 (rename "
                                        "a file or folder whose name is in another encoding)");
        }
    } else {
        value = json::parse(text, nullptr, false);
        if (value.is_discarded()) {
            throw std::invalid_argument("config key '" + key + "': cannot read '" + text + "'");
        }
    }
    field->set(config, value);
    checkField(*field, config);
}

void applyInferenceOverride(RunConfig& config, const std::string& assignment) {
    const std::string key = assignment.substr(0, assignment.find('='));
    const FieldDescriptor* field = findConfigField(key);
    if (field && !field->has(kInferenceOnly)) {
        std::string allowed;
        for (const FieldDescriptor& f : runConfigFields()) {
            if (f.has(kInferenceOnly)) allowed += (allowed.empty() ? "" : ", ") + f.key;
        }
        throw std::invalid_argument("config key '" + key + "': fixed by the trained model; only " +
                                    allowed + " can change at inference");
    }
    applyOverride(config, assignment);
}

bool sameDataset(const DataConfig& a, const DataConfig& b) {
    RunConfig left;
    RunConfig right;
    left.data = a;
    right.data = b;
    for (const FieldDescriptor& field : runConfigFields()) {
        if (field.has(kChangesDataset) && field.get(left) != field.get(right)) return false;
    }
    return true;
}

}  // namespace dimerec
