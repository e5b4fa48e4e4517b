#include "analysis/UserComparison.h"

#include "eval/RankingMetrics.h"
#include "util/TargetRanks.h"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <stdexcept>

namespace dimerec {

namespace {

enum class Accuracy { Hr, Recall, Ndcg, Mrr };

struct ParsedMetric {
    Accuracy kind = Accuracy::Hr;
    int k = 0;
};

std::optional<ParsedMetric> parseMetric(const std::string& metric) {
    const size_t at = metric.find('@');
    if (at == std::string::npos) return std::nullopt;
    const std::string name = metric.substr(0, at);
    ParsedMetric parsed;
    if (name == "hr") {
        parsed.kind = Accuracy::Hr;
    } else if (name == "recall") {
        parsed.kind = Accuracy::Recall;
    } else if (name == "ndcg") {
        parsed.kind = Accuracy::Ndcg;
    } else if (name == "mrr") {
        parsed.kind = Accuracy::Mrr;
    } else {
        return std::nullopt;
    }
    const char* first = metric.data() + at + 1;
    const char* last = metric.data() + metric.size();
    const auto [end, error] = std::from_chars(first, last, parsed.k);
    if (error != std::errc() || end != last || first == last || parsed.k < 1) return std::nullopt;
    return parsed;
}

double pick(const CaseAccuracy& accuracy, Accuracy kind) {
    switch (kind) {
        case Accuracy::Hr:
            return accuracy.hr;
        case Accuracy::Recall:
            return accuracy.recall;
        case Accuracy::Ndcg:
            return accuracy.ndcg;
        case Accuracy::Mrr:
            return accuracy.mrr;
    }
    return 0.0;
}

}  // namespace

bool isPerUserMetric(const std::string& metric) {
    return parseMetric(metric).has_value();
}

std::optional<UserValues> userValues(const TargetRanks& ranks, const std::string& metric) {
    const std::optional<ParsedMetric> parsed = parseMetric(metric);
    if (!parsed) return std::nullopt;
    // Cases grouped by user (stable: a user's cases keep their order).
    std::vector<size_t> order(ranks.cases());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&ranks](size_t i, size_t j) { return ranks.user(i) < ranks.user(j); });
    UserValues result;
    for (size_t first = 0; first < order.size();) {
        const int32_t user = ranks.user(order[first]);
        double sum = 0.0;
        size_t last = first;
        for (; last < order.size() && ranks.user(order[last]) == user; ++last) {
            const size_t c = order[last];
            sum +=
                pick(caseAccuracy(ranks.ranksBegin(c), ranks.ranksEnd(c), parsed->k), parsed->kind);
        }
        result.users.push_back(user);
        result.values.push_back(sum / static_cast<double>(last - first));
        first = last;
    }
    return result;
}

UserValues averageOverRuns(const std::vector<UserValues>& runs) {
    if (runs.empty()) throw std::invalid_argument("averageOverRuns: no runs");
    if (runs.size() == 1) return runs.front();
    UserValues result;
    std::vector<size_t> at(runs.size(), 0);
    for (size_t i = 0; i < runs.front().users.size(); ++i) {
        const int32_t user = runs.front().users[i];
        double sum = runs.front().values[i];
        bool everywhere = true;
        for (size_t r = 1; r < runs.size() && everywhere; ++r) {
            const std::vector<int32_t>& users = runs[r].users;
            while (at[r] < users.size() && users[at[r]] < user) ++at[r];
            everywhere = at[r] < users.size() && users[at[r]] == user;
            if (everywhere) sum += runs[r].values[at[r]];
        }
        if (!everywhere) continue;
        result.users.push_back(user);
        result.values.push_back(sum / static_cast<double>(runs.size()));
    }
    return result;
}

std::optional<UserComparison> compareUsers(const UserValues& a, const UserValues& b) {
    std::vector<double> x;
    std::vector<double> y;
    for (size_t i = 0, j = 0; i < a.users.size() && j < b.users.size();) {
        if (a.users[i] < b.users[j]) {
            ++i;
        } else if (b.users[j] < a.users[i]) {
            ++j;
        } else {
            x.push_back(a.values[i++]);
            y.push_back(b.values[j++]);
        }
    }
    if (x.size() < 2) return std::nullopt;
    UserComparison result;
    result.users = static_cast<int64_t>(x.size());
    result.tTest = pairedTTest(x, y);
    result.wilcoxon = wilcoxonSignedRank(x, y);
    result.meanDifference = result.tTest.meanDifference;
    result.interval = pairedBootstrapInterval(x, y);
    return result;
}

}  // namespace dimerec
