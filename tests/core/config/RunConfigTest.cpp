#include "config/ConfigFields.h"
#include "config/RunConfig.h"
#include "ConfigSamples.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <type_traits>
#include <utility>

namespace dimerec {
namespace {

using nlohmann::json;

std::string errorOf(const json& in) {
    try {
        runConfigFromJson(in);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "";
}

TEST(RunConfig, RoundTripsThroughJson) {
    RunConfig config;
    config.model.lambda = 0.5;
    config.model.gem = GemKind::DynamicRouting;
    config.eval.topK = {10, 20};
    config.train.earlyStopMetric = "hr@20";
    const RunConfig back = runConfigFromJson(toJson(config));
    EXPECT_EQ(toJson(back), toJson(config));
}

TEST(RunConfig, MissingKeysKeepDefaults) {
    const RunConfig config = runConfigFromJson(json{{"model", {{"mu", 2.0}}}});
    EXPECT_DOUBLE_EQ(config.model.mu, 2.0);
    EXPECT_DOUBLE_EQ(config.model.lambda, 1.0);
    EXPECT_EQ(config.model.diffusionSteps, 100);
}

TEST(RunConfig, RejectsUnknownKeysWrongTypesAndBadValuesByName) {
    EXPECT_EQ(errorOf(json{{"model", {{"lamda", 1}}}}),
              "config: unknown key 'model.lamda'"
              " (did you mean 'model.lambda'? dimerec config --list-fields lists them all)");
    EXPECT_EQ(errorOf(json{{"model", {{"lambda", -1}}}}), "model.lambda: must be >= 0.0, got -1.0");
    EXPECT_EQ(errorOf(json{{"train", {{"batchSize", 1.5}}}}),
              "config key 'train.batchSize': expected number, got 1.5");
    EXPECT_EQ(errorOf(json{{"model", {{"gem", "gru"}}}}),
              "model.gem: must be one of rule, sa, dr, sasrec, got 'gru'");
    EXPECT_EQ(errorOf(json{{"train", {{"earlyStopMetric", "ndcg@7"}}}}),
              "train.earlyStopMetric: its cut-off must be one of eval.topK, got 'ndcg@7'");
}

TEST(RunConfig, HashIgnoresSeedNameThreadsAndDeviceButNotModelFields) {
    RunConfig a;
    RunConfig b = a;
    b.train.seed = 7;
    b.name = "other";
    b.train.device = "cpu";
    b.train.threads = 3;
    EXPECT_EQ(configHash(a), configHash(b));
    b.model.mu = 0.5;
    EXPECT_NE(configHash(a), configHash(b));
    EXPECT_EQ(configHash(a).size(), 64u);
}

TEST(RunConfig, OverridesParseTypedValues) {
    RunConfig config;
    applyOverride(config, "model.lambda=0.25");
    applyOverride(config, "model.gem=rule");
    applyOverride(config, "model.useGemLoss=false");
    applyOverride(config, "eval.topK=[10,20]");
    applyOverride(config, "train.earlyStopMetric=ndcg@20");
    EXPECT_DOUBLE_EQ(config.model.lambda, 0.25);
    EXPECT_EQ(config.model.gem, GemKind::Rule);
    EXPECT_FALSE(config.model.useGemLoss);
    EXPECT_EQ(config.eval.topK, (std::vector<int>{10, 20}));
    EXPECT_THROW(applyOverride(config, "model.nope=1"), std::invalid_argument);
    EXPECT_THROW(applyOverride(config, "model.lambda=-1"), std::invalid_argument);
}

// Found by fuzz_config: an integer beyond the field's type was converted with undefined
// behaviour (a double) or wrapped round (an integer), and text that is not UTF-8 made the
// config's JSON throw a type error naming no key when it was hashed.
TEST(RunConfig, OverridesRefuseIntegersBeyondTheFieldAndTextThatIsNotUtf8) {
    const auto errorOf = [](const std::string& assignment) -> std::string {
        RunConfig config;
        try {
            applyOverride(config, assignment);
        } catch (const std::invalid_argument& error) {
            return error.what();
        }
        return "accepted";
    };
    EXPECT_EQ(errorOf("train.maxSteps=5000063584817281727940"),
              "config key 'train.maxSteps': expected number, got 5.000063584817282e+21");
    EXPECT_EQ(errorOf("model.dim=4294967297"),
              "config key 'model.dim': expected number, got 4294967297");
    EXPECT_EQ(errorOf("train.seed=-1"), "config key 'train.seed': expected number, got -1");
    EXPECT_EQ(errorOf("train.maxSteps=9223372036854775807"), "accepted");
    // The elements of an integer list likewise (found by fuzz_experiment's second campaign:
    // "topK": [10, 66666666666666666666620] was undefined behaviour).
    EXPECT_EQ(
        errorOf("eval.topK=[10,66666666666666666666620]"),
        "config key 'eval.topK': expected a list of integers, got [10,6.666666666666666e+22]");
    EXPECT_EQ(errorOf("eval.topK=[10,2.5]"),
              "config key 'eval.topK': expected a list of integers, got [10,2.5]");
    EXPECT_EQ(errorOf("data.dataset=caf\xE9.csv"),
              "config key 'data.dataset': the value is not UTF-8 text; give it in UTF-8 (rename "
              "a file or folder whose name is in another encoding)");
}

TEST(RunConfig, InferenceOverridesTouchOnlyInferenceFields) {
    RunConfig config;
    applyInferenceOverride(config, "model.samplesPerUser=4");
    applyInferenceOverride(config, "model.reverseNoise=none");
    applyInferenceOverride(config, "eval.topK=[10]");
    EXPECT_EQ(config.model.samplesPerUser, 4);
    EXPECT_EQ(config.model.reverseNoise, ReverseNoise::None);
    EXPECT_EQ(config.eval.topK, (std::vector<int>{10}));
    try {
        applyInferenceOverride(config, "model.dim=32");
        FAIL() << "model.dim is fixed by the trained parameters";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("'model.dim': fixed by the trained model"),
                  std::string::npos)
            << error.what();
    }
    EXPECT_EQ(config.model.dim, 64);
    EXPECT_THROW(applyInferenceOverride(config, "model.reverseNoise=loud"), std::invalid_argument);
}

// Stored configs must keep their hash: sweeps find finished trials and seed groups by it. The
// hex strings were computed by commit 7bbad2f's configHash (before the field table existed).
TEST(RunConfig, HashesOfStoredConfigsStayPinned) {
    auto hashOf = [](std::initializer_list<const char*> overrides) {
        RunConfig config;
        for (const char* assignment : overrides) applyOverride(config, assignment);
        return configHash(config);
    };
    // Stored configs hold every field, so those written while eval.excludeHistory defaulted
    // to false, model.reverseNoise to sqrt and model.schedule to linear say so and keep their
    // hashes; the overrides below spell that out. model.protectGem=false is its first default,
    // left out of the hash.
    EXPECT_EQ(hashOf({"eval.excludeHistory=false", "model.reverseNoise=sqrt",
                      "model.protectGem=false", "model.schedule=linear"}),
              "2a7514402954100174eb8bc9a7a48c135b8594986392b553d9e758458f232517");
    EXPECT_EQ(
        hashOf({"model.model=comirec-sa", "eval.excludeHistory=false", "model.reverseNoise=sqrt",
                "model.protectGem=false", "model.schedule=linear"}),
        "fa93e996062ec5f8e2368b8ad27e8a7572204273d4f3a34538361310394039e0");
    EXPECT_EQ(
        hashOf({"model.lambda=0.5", "data.protocol=comirec", "eval.excludeHistory=false",
                "model.reverseNoise=sqrt", "model.protectGem=false", "model.schedule=linear"}),
        "ee7572e32845607d746bbe642e586beaf33eaac325568e7f3b308c682fb1237c");
    EXPECT_EQ(hashOf({"eval.excludeHistory=false", "model.protectGem=false", "data.minRating=3.5",
                      "model.gem=dr", "train.optimizer=adamw", "eval.topK=[10,20]",
                      "train.earlyStopMetric=recall@20", "model.reverseNoise=none",
                      "model.schedule=cosine", "data.format=sequences",
                      "model.negativeSampler=log-uniform", "model.noiseScale=per-dim",
                      "model.geometry=euclidean", "name=x", "train.seed=7", "train.device=cpu",
                      "train.threads=3"}),
              "e8f79a8bd02b158ba4fe3901f767cec63f362cf0a5ea72260ed5ea3279b6298e");
}

// A field added after hash v1 leaves the hash alone at its default and changes it otherwise.
TEST(RunConfig, FieldsAddedAfterHashV1CountOnlyAwayFromTheirDefault) {
    for (const FieldDescriptor& field : runConfigFields()) {
        if (!field.has(kAddedAfterHashV1)) continue;
        ASSERT_FALSE(field.has(kNotHashed)) << field.key;
        RunConfig changed;
        applyOverride(changed, field.key + "=" + nonDefaultText(field));
        EXPECT_NE(configHash(changed), configHash(RunConfig{})) << field.key;
    }
    // The default config changed on purpose twice in issue 19: eval.excludeHistory became true,
    // as RecBole evaluates (so the default hashes differently from hash v1's 2a7514…, kept by
    // stored configs, see HashesOfStoredConfigsStayPinned), then the study chose
    // model.reverseNoise=literal and model.protectGem=true; in issue 20 the T × schedule check
    // chose model.schedule=linear-scaled. Each previous default keeps its hash (62a38…, 30aeb4…):
    // protectGem is left out at its first default, false.
    EXPECT_EQ(configHash(RunConfig{}),
              "4117490f751169c7ce4b7b6c6b2316822db96dca6dbbc580293acf53c1063853");
    RunConfig previous;
    applyOverride(previous, "model.schedule=linear");
    EXPECT_EQ(configHash(previous),
              "62a38cb408840a69a1eb29b912475bb6990cdf57a5eed9d49871d3b63305756f");
    applyOverride(previous, "model.reverseNoise=sqrt");
    applyOverride(previous, "model.protectGem=false");
    EXPECT_EQ(configHash(previous),
              "30aeb43e4f77efde688ce585980fd6365c1b7119e96c3fcb04e1f3f693ae18a2");
}

// Every field: a value other than its default survives JSON and --set, changes the hash unless
// the field is one of the four that do not change what is computed, and changes nothing else.
TEST(RunConfig, EveryFieldRoundTripsAndIsHashed) {
    const std::set<std::string> unhashed = {"name", "train.seed", "train.threads", "train.device"};
    std::set<std::string> keys;
    for (const FieldDescriptor& field : runConfigFields()) {
        SCOPED_TRACE(field.key);
        EXPECT_TRUE(keys.insert(field.key).second) << "duplicate key";
        EXPECT_FALSE(field.label.empty());
        EXPECT_FALSE(field.tooltip.empty());
        EXPECT_EQ(field.get(RunConfig{}), field.defaultValue);
        RunConfig changed;
        applyOverride(changed, field.key + "=" + nonDefaultText(field));
        const json value = field.get(changed);
        EXPECT_NE(value, field.defaultValue);
        EXPECT_EQ(field.get(runConfigFromJson(toJson(changed))), value);
        EXPECT_EQ(unhashed.count(field.key) == 1, field.has(kNotHashed));
        EXPECT_EQ(configHash(changed) == configHash(RunConfig{}), field.has(kNotHashed));
        // Only this field moved: the accessor reaches its own member.
        for (const FieldDescriptor& other : runConfigFields()) {
            if (&other != &field) {
                EXPECT_EQ(other.get(changed), other.defaultValue) << other.key;
            }
        }
    }
}

TEST(RunConfig, ChoiceTablesNameEveryEnumeratorOnce) {
    for (const FieldDescriptor& field : runConfigFields()) {
        if (field.kind != FieldKind::Choice) continue;
        std::set<std::string> names;
        for (const auto& [name, label] : field.choices) {
            EXPECT_TRUE(names.insert(name).second) << field.key << " " << name;
            RunConfig config;
            field.set(config, name);
            EXPECT_EQ(field.get(config), name) << field.key;
        }
    }
    // The enums are dense from 0; the last enumerator of each is in its table.
    EXPECT_EQ(choices(ModelKind{}).size(), static_cast<size_t>(ModelKind::MostPop) + 1);
    EXPECT_EQ(choices(GemKind{}).size(), static_cast<size_t>(GemKind::SasRec) + 1);
    EXPECT_EQ(choices(BetaSchedule{}).size(), static_cast<size_t>(BetaSchedule::Exp) + 1);
    EXPECT_EQ(choices(NoiseGeometry{}).size(), static_cast<size_t>(NoiseGeometry::Euclidean) + 1);
    EXPECT_EQ(choices(NoiseScale{}).size(), static_cast<size_t>(NoiseScale::ProjectedDdpm) + 1);
    EXPECT_EQ(choices(ReverseNoise{}).size(), static_cast<size_t>(ReverseNoise::SqrtOverD) + 1);
    EXPECT_EQ(choices(NegativeSampler{}).size(),
              static_cast<size_t>(NegativeSampler::LogUniform) + 1);
    EXPECT_EQ(choices(OptimizerKind{}).size(), static_cast<size_t>(OptimizerKind::AdamW) + 1);
    EXPECT_EQ(choices(DataFormat{}).size(), static_cast<size_t>(DataFormat::Csv) + 1);
    EXPECT_EQ(choices(Protocol{}).size(), static_cast<size_t>(Protocol::DreamRec) + 1);
}

// Guard against a member with no descriptor: a table-driven test cannot see a member that is
// not in the table, so count the members of each config struct directly. An aggregate T can be
// brace-initialised from at most as many values as it has members; AnyMember converts to any
// member type, so the largest N with T{AnyMember × N} well-formed is T's member count. A new
// member without a descriptor makes the count exceed the table's keys of that section.
struct AnyMember {
    template <class T>
    operator T&() const;  // declared only: used in unevaluated contexts
};

template <class T, class... Args>
auto braceInit(int) -> decltype(T{std::declval<Args>()...}, std::true_type{});
template <class T, class... Args>
std::false_type braceInit(...);

template <class T, size_t... I>
constexpr bool initialisableFrom(std::index_sequence<I...>) {
    return decltype(braceInit<T, decltype((void)I, AnyMember{})...>(0))::value;
}

template <class T, size_t N = 0>
constexpr size_t memberCount() {
    if constexpr (initialisableFrom<T>(std::make_index_sequence<N + 1>{})) {
        return memberCount<T, N + 1>();
    } else {
        return N;
    }
}

// The counting itself, on a struct whose members are known.
struct ThreeMembers {
    int a = 0;
    std::string b;
    std::vector<int> c;
};
static_assert(memberCount<ThreeMembers>() == 3);
// RunConfig: name and the four sections.
static_assert(memberCount<RunConfig>() == 5, "a new RunConfig member needs a descriptor");

TEST(RunConfig, EveryStructMemberHasADescriptor) {
    auto fieldsIn = [](const std::string& section) {
        size_t count = 0;
        for (const FieldDescriptor& field : runConfigFields()) {
            if (field.key.rfind(section + ".", 0) == 0) ++count;
        }
        return count;
    };
    EXPECT_EQ(memberCount<DataConfig>(), fieldsIn("data"));
    EXPECT_EQ(memberCount<ModelConfig>(), fieldsIn("model"));
    EXPECT_EQ(memberCount<TrainConfig>(), fieldsIn("train"));
    EXPECT_EQ(memberCount<EvalConfig>(), fieldsIn("eval"));
    EXPECT_EQ(runConfigFields().size(), fieldsIn("data") + fieldsIn("model") + fieldsIn("train") +
                                            fieldsIn("eval") + 1);  // + name
}

TEST(RunConfig, InferenceOnlyAndDatasetFieldsComeFromTheTable) {
    std::set<std::string> inference;
    std::set<std::string> dataset;
    for (const FieldDescriptor& field : runConfigFields()) {
        if (field.has(kInferenceOnly)) inference.insert(field.key);
        if (field.has(kChangesDataset)) dataset.insert(field.key);
    }
    EXPECT_EQ(inference, (std::set<std::string>{"eval.topK", "eval.batchUsers",
                                                "eval.excludeHistory", "model.reverseNoise",
                                                "model.samplesPerUser", "model.readout"}));
    EXPECT_EQ(dataset, (std::set<std::string>{"data.dataset", "data.format", "data.minRating",
                                              "data.userCore", "data.itemCore"}));
    DataConfig a;
    DataConfig b;
    b.protocol = Protocol::ComiRec;  // splits the same dataset differently
    b.maxLength = 20;
    EXPECT_TRUE(sameDataset(a, b));
    b.userCore = 5;
    EXPECT_FALSE(sameDataset(a, b));
}

TEST(RunConfig, PretrainGemStepsIsValidatedFromItsDescriptor) {
    RunConfig config;
    applyOverride(config, "train.pretrainGemSteps=100");
    EXPECT_EQ(config.train.pretrainGemSteps, 100);
    try {
        applyOverride(config, "train.pretrainGemSteps=-1");
        FAIL() << "negative step counts are invalid";
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "train.pretrainGemSteps: must be >= 0, got -1");
    }
}

// The warm start trains DimeRec's GEM with L_gem, so a w/o L_gem config that asks for one is
// refused, naming the field; the GEM-only model (no diffusion) and other models are not
// affected. "Protect the GEM" is then out of scope (it has no effect: ModelTest's
// ProtectedGem... shows the gradients).
TEST(RunConfig, WithoutLGemTheGemIsNotWarmStartedAndNotProtected) {
    const auto errorOf = [](RunConfig config) -> std::string {
        try {
            validate(config);
        } catch (const std::invalid_argument& error) {
            return error.what();
        }
        return "";
    };
    RunConfig config;
    config.model.useGemLoss = false;
    EXPECT_EQ(errorOf(config), "");
    EXPECT_FALSE(inScope(FieldScope::DimeRecGemLoss, config.model));
    config.train.pretrainGemSteps = 1300;
    EXPECT_EQ(errorOf(config),
              "train.pretrainGemSteps: must be 0 without L_gem (model.useGemLoss false): the warm "
              "start trains the GEM with L_gem, got 1300");
    config.model.useDiffusion = false;
    EXPECT_EQ(errorOf(config), "");
    config.model.useDiffusion = true;
    config.model.model = ModelKind::SasRec;
    EXPECT_EQ(errorOf(config), "");

    // Overrides check their own field; the rules across fields wait until all are applied, so
    // the w/o L_gem ablation of a warm-started config can be given in either order.
    RunConfig warm;
    warm.train.pretrainGemSteps = 1300;
    EXPECT_NO_THROW(applyOverride(warm, "model.useGemLoss=false"));
    EXPECT_NE(errorOf(warm), "");
    applyOverride(warm, "train.pretrainGemSteps=0");
    EXPECT_EQ(errorOf(warm), "");
    EXPECT_THROW(applyOverride(warm, "train.pretrainGemSteps=-1"), std::invalid_argument);
}

// DimeRec's SASRec GEM is built from SASRec's layers, heads and dropout, so the form enables
// them for it; the full softmax stays the sequence models' own (the GEM trains with L_gem).
TEST(RunConfig, TheSasRecGemTakesSasRecsEncoderFields) {
    const auto applies = [](const std::string& key, const ModelConfig& model) {
        return inScope(findConfigField(key)->scope, model);
    };
    ModelConfig model;  // DimeRec with the SA GEM
    for (const char* key : {"model.layers", "model.heads", "model.dropout", "model.fullSoftmax"})
        EXPECT_FALSE(applies(key, model)) << key;
    model.gem = GemKind::SasRec;
    for (const char* key : {"model.layers", "model.heads", "model.dropout"})
        EXPECT_TRUE(applies(key, model)) << key;
    EXPECT_FALSE(applies("model.fullSoftmax", model));
    EXPECT_TRUE(applies("model.gem", model));
    model.model = ModelKind::ComiRecSa;  // the GEM field is DimeRec's alone
    EXPECT_FALSE(applies("model.heads", model));
    model.model = ModelKind::SasRec;
    for (const char* key : {"model.layers", "model.heads", "model.dropout", "model.fullSoftmax"})
        EXPECT_TRUE(applies(key, model)) << key;
    model.model = ModelKind::Gru4Rec;
    EXPECT_FALSE(applies("model.heads", model));
    EXPECT_TRUE(applies("model.layers", model));
}

}  // namespace
}  // namespace dimerec
