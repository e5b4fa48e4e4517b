#include "config/RunConfig.h"

#include "util/Hash.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace dimerec {
namespace {

using nlohmann::json;

// Every config field once, with its dotted key; shared by JSON in/out and overrides so
// the three can never disagree.
template <class Config, class Visitor>
void visitFields(Config& c, Visitor&& v) {
    v("name", c.name);
    v("data.dataset", c.data.dataset);
    v("data.format", c.data.format);
    v("data.protocol", c.data.protocol);
    v("data.maxLength", c.data.maxLength);
    v("data.minRating", c.data.minRating);
    v("data.userCore", c.data.userCore);
    v("data.itemCore", c.data.itemCore);
    v("data.splitSeed", c.data.splitSeed);
    v("model.model", c.model.model);
    v("model.gem", c.model.gem);
    v("model.dim", c.model.dim);
    v("model.interests", c.model.interests);
    v("model.diffusionSteps", c.model.diffusionSteps);
    v("model.schedule", c.model.schedule);
    v("model.betaStart", c.model.betaStart);
    v("model.betaEnd", c.model.betaEnd);
    v("model.geometry", c.model.geometry);
    v("model.noiseScale", c.model.noiseScale);
    v("model.reverseNoise", c.model.reverseNoise);
    v("model.lambda", c.model.lambda);
    v("model.mu", c.model.mu);
    v("model.useGemLoss", c.model.useGemLoss);
    v("model.useDiffusion", c.model.useDiffusion);
    v("model.denoiserHidden", c.model.denoiserHidden);
    v("model.negatives", c.model.negatives);
    v("model.negativeSampler", c.model.negativeSampler);
    v("model.samplesPerUser", c.model.samplesPerUser);
    v("model.layers", c.model.layers);
    v("model.heads", c.model.heads);
    v("model.dropout", c.model.dropout);
    v("train.optimizer", c.train.optimizer);
    v("train.learningRate", c.train.learningRate);
    v("train.weightDecay", c.train.weightDecay);
    v("train.batchSize", c.train.batchSize);
    v("train.epochs", c.train.epochs);
    v("train.maxSteps", c.train.maxSteps);
    v("train.clipGradNorm", c.train.clipGradNorm);
    v("train.evalEvery", c.train.evalEvery);
    v("train.earlyStopMetric", c.train.earlyStopMetric);
    v("train.patience", c.train.patience);
    v("train.seed", c.train.seed);
    v("train.threads", c.train.threads);
    v("train.device", c.train.device);
    v("eval.topK", c.eval.topK);
    v("eval.batchUsers", c.eval.batchUsers);
    v("eval.excludeHistory", c.eval.excludeHistory);
}

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

template <class T>
void readValue(const json& value, const std::string& key, T& field) {
    try {
        T parsed = value.get<T>();
        // json's get<int>() silently truncates 1.5; insist on integers for integer fields.
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
            if (!value.is_number_integer()) throw std::invalid_argument("not an integer");
        }
        field = parsed;
    } catch (const std::exception&) {
        throw std::invalid_argument("config key '" + key + "': expected " +
                                    json(field).type_name() + ", got " + value.dump());
    }
}

[[noreturn]] void invalid(const std::string& field, const std::string& what) {
    throw std::invalid_argument(field + ": " + what);
}

template <class T>
void requireAtLeast(const std::string& field, T value, T minimum) {
    if (value < minimum) {
        invalid(field, "must be >= " + json(minimum).dump() + ", got " + json(value).dump());
    }
}

void requireOneOf(const std::string& field, const std::string& value,
                  std::initializer_list<const char*> allowed) {
    std::string list;
    for (const char* option : allowed) {
        if (value == option) return;
        list += std::string(list.empty() ? "" : ", ") + option;
    }
    invalid(field, "must be one of " + list + ", got '" + value + "'");
}

}  // namespace

void validate(const RunConfig& c) {
    requireOneOf("data.format", c.data.format, {"auto", "movielens", "sequences", "csv"});
    requireOneOf("data.protocol", c.data.protocol, {"loo", "comirec", "dreamrec"});
    requireAtLeast("data.maxLength", c.data.maxLength, 1);
    requireAtLeast("data.minRating", c.data.minRating, 0.0f);
    requireAtLeast("data.userCore", c.data.userCore, 0);
    requireAtLeast("data.itemCore", c.data.itemCore, 0);
    requireOneOf(
        "model.model", c.model.model,
        {"dimerec", "comirec-sa", "comirec-dr", "mean-pool", "sasrec", "gru4rec", "most-pop"});
    requireOneOf("model.gem", c.model.gem, {"rule", "sa", "dr"});
    requireAtLeast("model.dim", c.model.dim, 2);
    requireAtLeast("model.interests", c.model.interests, 1);
    requireAtLeast("model.diffusionSteps", c.model.diffusionSteps, 1);
    requireOneOf("model.schedule", c.model.schedule, {"linear", "cosine", "exp"});
    if (!(c.model.betaStart > 0.0 && c.model.betaStart < 1.0)) {
        invalid("model.betaStart", "must lie in (0, 1), got " + json(c.model.betaStart).dump());
    }
    if (!(c.model.betaEnd >= c.model.betaStart && c.model.betaEnd < 1.0)) {
        invalid("model.betaEnd", "must lie in [betaStart, 1), got " + json(c.model.betaEnd).dump());
    }
    requireOneOf("model.geometry", c.model.geometry, {"geodesic", "euclidean"});
    requireOneOf("model.noiseScale", c.model.noiseScale, {"literal", "per-dim"});
    requireOneOf("model.reverseNoise", c.model.reverseNoise, {"sqrt", "literal", "none"});
    requireAtLeast("model.lambda", c.model.lambda, 0.0);
    requireAtLeast("model.mu", c.model.mu, 0.0);
    requireAtLeast("model.denoiserHidden", c.model.denoiserHidden, 0);
    requireAtLeast("model.negatives", c.model.negatives, 0);
    requireOneOf("model.negativeSampler", c.model.negativeSampler, {"uniform", "log-uniform"});
    requireAtLeast("model.samplesPerUser", c.model.samplesPerUser, 1);
    requireAtLeast("model.layers", c.model.layers, 1);
    requireAtLeast("model.heads", c.model.heads, 1);
    if (c.model.dim % c.model.heads != 0) {
        invalid("model.heads", "must divide model.dim (" + std::to_string(c.model.dim) + "), got " +
                                   std::to_string(c.model.heads));
    }
    if (!(c.model.dropout >= 0.0 && c.model.dropout < 1.0)) {
        invalid("model.dropout", "must lie in [0, 1), got " + json(c.model.dropout).dump());
    }
    requireOneOf("train.optimizer", c.train.optimizer, {"adam", "adamw"});
    if (!(c.train.learningRate > 0.0)) {
        invalid("train.learningRate", "must be > 0, got " + json(c.train.learningRate).dump());
    }
    requireAtLeast("train.weightDecay", c.train.weightDecay, 0.0);
    requireAtLeast("train.batchSize", c.train.batchSize, 1);
    requireAtLeast("train.epochs", c.train.epochs, 1);
    requireAtLeast<int64_t>("train.maxSteps", c.train.maxSteps, 0);
    requireAtLeast("train.clipGradNorm", c.train.clipGradNorm, 0.0);
    requireAtLeast<int64_t>("train.evalEvery", c.train.evalEvery, 0);
    requireAtLeast("train.patience", c.train.patience, 0);
    requireAtLeast("train.threads", c.train.threads, 0);
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
    for (int k : c.eval.topK) requireAtLeast("eval.topK", k, 1);
    requireAtLeast("eval.batchUsers", c.eval.batchUsers, 1);
}

json toJson(const RunConfig& config) {
    json out = json::object();
    visitFields(config,
                [&](const std::string& key, const auto& field) { out[pointerOf(key)] = field; });
    return out;
}

RunConfig runConfigFromJson(const json& in) {
    if (!in.is_object()) throw std::invalid_argument("config: expected a JSON object");
    RunConfig config;
    std::set<std::string> known;
    visitFields(config, [&](const std::string& key, auto& field) {
        known.insert(key);
        const auto pointer = pointerOf(key);
        if (in.contains(pointer)) readValue(in.at(pointer), key, field);
    });
    std::vector<std::string> present;
    collectLeafKeys(in, "", present);
    for (const std::string& key : present) {
        if (known.count(key) == 0) throw std::invalid_argument("config: unknown key '" + key + "'");
    }
    validate(config);
    return config;
}

std::string configHash(const RunConfig& config) {
    json canonical = toJson(config);
    canonical.erase("name");
    canonical["train"].erase("seed");
    // Where the run executes does not change what it computes.
    canonical["train"].erase("threads");
    canonical["train"].erase("device");
    return sha256Hex(canonical.dump());
}

void applyOverride(RunConfig& config, const std::string& assignment) {
    const size_t equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw std::invalid_argument("override '" + assignment + "': expected key=value");
    }
    const std::string key = assignment.substr(0, equals);
    const std::string text = assignment.substr(equals + 1);
    bool found = false;
    visitFields(config, [&](const std::string& name, auto& field) {
        if (name != key) return;
        found = true;
        using T = std::decay_t<decltype(field)>;
        json value;
        if constexpr (std::is_same_v<T, std::string>) {
            value = text;
        } else {
            value = json::parse(text, nullptr, false);
            if (value.is_discarded()) {
                throw std::invalid_argument("config key '" + key + "': cannot read '" + text + "'");
            }
        }
        readValue(value, key, field);
    });
    if (!found) throw std::invalid_argument("config: unknown key '" + key + "'");
    validate(config);
}

void applyInferenceOverride(RunConfig& config, const std::string& assignment) {
    const std::string key = assignment.substr(0, assignment.find('='));
    const bool inference =
        key.rfind("eval.", 0) == 0 || key == "model.reverseNoise" || key == "model.samplesPerUser";
    if (!inference) {
        throw std::invalid_argument("config key '" + key +
                                    "': fixed by the trained model; only eval.*, "
                                    "model.reverseNoise and model.samplesPerUser can change at "
                                    "inference");
    }
    applyOverride(config, assignment);
}

}  // namespace dimerec
