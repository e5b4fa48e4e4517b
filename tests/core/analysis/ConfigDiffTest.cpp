#include "analysis/ConfigDiff.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace dimerec {
namespace {

TEST(ConfigDiff, OnlyTheFieldsThatDiffer) {
    const std::string a = R"({"name": "a", "model": {"lambda": 1.0, "gem": "sa", "dim": 64},
                              "eval": {"topK": [10, 20]}, "train": {"seed": 1}})";
    const std::string b = R"({"name": "a", "model": {"lambda": 0.0, "gem": "sa", "dim": 64},
                              "eval": {"topK": [10, 50]}, "train": {"seed": 1}})";
    const std::string c = R"({"name": "a", "model": {"lambda": 1.0, "gem": "sa", "dim": 64},
                              "eval": {"topK": [10, 20]}, "train": {"seed": 1, "extra": true}})";
    const std::vector<ConfigDifference> diff = configDiff({a, b, c});
    ASSERT_EQ(diff.size(), 3u);
    EXPECT_EQ(diff[0].field, "eval.topK");
    EXPECT_EQ(diff[0].values, (std::vector<std::string>{"[10,20]", "[10,50]", "[10,20]"}));
    EXPECT_EQ(diff[1].field, "model.lambda");
    EXPECT_EQ(diff[1].values, (std::vector<std::string>{"1.0", "0.0", "1.0"}));
    EXPECT_EQ(diff[2].field, "train.extra");
    EXPECT_EQ(diff[2].values, (std::vector<std::string>{"", "", "true"}));
}

TEST(ConfigDiff, IdenticalAndInvalid) {
    EXPECT_TRUE(configDiff({R"({"a": 1})", R"({"a": 1})"}).empty());
    EXPECT_TRUE(configDiff({}).empty());
    EXPECT_THROW(configDiff({R"({"a": 1})", "{not json"}), std::invalid_argument);
    EXPECT_THROW(configDiff({"[1, 2]"}), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
