#include "config/RunConfig.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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
    config.model.gem = "dr";
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
    EXPECT_EQ(errorOf(json{{"model", {{"lamda", 1}}}}), "config: unknown key 'model.lamda'");
    EXPECT_EQ(errorOf(json{{"model", {{"lambda", -1}}}}), "model.lambda: must be >= 0.0, got -1.0");
    EXPECT_EQ(errorOf(json{{"train", {{"batchSize", 1.5}}}}),
              "config key 'train.batchSize': expected number, got 1.5");
    EXPECT_EQ(errorOf(json{{"model", {{"gem", "gru"}}}}),
              "model.gem: must be one of rule, sa, dr, got 'gru'");
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
    EXPECT_EQ(config.model.gem, "rule");
    EXPECT_FALSE(config.model.useGemLoss);
    EXPECT_EQ(config.eval.topK, (std::vector<int>{10, 20}));
    EXPECT_THROW(applyOverride(config, "model.nope=1"), std::invalid_argument);
    EXPECT_THROW(applyOverride(config, "model.lambda=-1"), std::invalid_argument);
}

TEST(RunConfig, InferenceOverridesTouchOnlyInferenceFields) {
    RunConfig config;
    applyInferenceOverride(config, "model.samplesPerUser=4");
    applyInferenceOverride(config, "model.reverseNoise=none");
    applyInferenceOverride(config, "eval.topK=[10]");
    EXPECT_EQ(config.model.samplesPerUser, 4);
    EXPECT_EQ(config.model.reverseNoise, "none");
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

}  // namespace
}  // namespace dimerec
