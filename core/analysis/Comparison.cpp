#include "analysis/Comparison.h"
#include "analysis/StudyGrid.h"

#include "analysis/Aggregate.h"
#include "analysis/StudyGrid.h"
#include "store/RunStore.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <set>
#include <stdexcept>

namespace dimerec {

namespace {

std::vector<double> valuesOf(const std::map<uint64_t, double>& bySeed) {
    std::vector<double> values;
    values.reserve(bySeed.size());
    for (const auto& [seed, value] : bySeed) {
        values.push_back(value);
    }
    return values;
}

// "dimerec λ=1 seed 3" → "dimerec λ=1"; names without a trailing "seed <digits>" stay.
std::string withoutSeedSuffix(const std::string& name) {
    size_t end = name.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(name[end - 1]))) {
        --end;
    }
    const std::string word = " seed ";
    if (end == name.size() || end < word.size() ||
        name.compare(end - word.size(), word.size(), word) != 0) {
        return name;
    }
    return name.substr(0, end - word.size());
}

}  // namespace

std::string seedTestName(SeedTest test) {
    switch (test) {
        case SeedTest::PairedT:
            return "paired t-test";
        case SeedTest::Wilcoxon:
            return "Wilcoxon signed-rank";
        case SeedTest::Welch:
            return "Welch t-test";
    }
    return "";
}

std::map<uint64_t, double> valuesBySeed(const ComparisonEntry& entry, const std::string& metric,
                                        const std::string& split) {
    std::map<uint64_t, double> values;
    for (const RunSummary& run : entry.runs) {
        if (const double* value = splitMetric(run, metric, split)) {
            values.emplace(run.seed, *value);
        }
    }
    return values;
}

std::optional<TestResult> compareSeeds(const ComparisonEntry& a, const ComparisonEntry& b,
                                       const std::string& metric, const std::string& split,
                                       SeedTest test) {
    const std::map<uint64_t, double> first = valuesBySeed(a, metric, split);
    const std::map<uint64_t, double> second = valuesBySeed(b, metric, split);
    if (test == SeedTest::Welch) {
        if (first.size() < 2 || second.size() < 2) {
            return std::nullopt;
        }
        return welchTTest(valuesOf(first), valuesOf(second));
    }
    std::vector<double> x;
    std::vector<double> y;
    for (const auto& [seed, value] : first) {
        if (const auto other = second.find(seed); other != second.end()) {
            x.push_back(value);
            y.push_back(other->second);
        }
    }
    if (x.size() < 2) {
        return std::nullopt;
    }
    return test == SeedTest::PairedT ? pairedTTest(x, y) : wilcoxonSignedRank(x, y);
}

ResultTable buildComparisonTable(const std::vector<ComparisonEntry>& entries,
                                 const ComparisonRequest& request) {
    if (entries.empty()) {
        throw std::invalid_argument("comparison: no runs to compare");
    }
    if (request.split != "test" && request.split != "valid") {
        throw std::invalid_argument("comparison: split must be test or valid, not '" +
                                    request.split + "'");
    }
    if (request.baseline && *request.baseline >= entries.size()) {
        throw std::invalid_argument("comparison: baseline " + std::to_string(*request.baseline) +
                                    " is not one of the " + std::to_string(entries.size()) +
                                    " entries");
    }
    std::vector<std::string> metrics = request.metrics;
    if (metrics.empty()) {
        std::set<std::string> all;
        for (const ComparisonEntry& entry : entries) {
            for (const RunSummary& run : entry.runs) {
                for (const auto& [name, value] :
                     request.split == "test" ? run.testMetrics : run.validMetrics) {
                    all.insert(name);
                }
            }
        }
        metrics.assign(all.begin(), all.end());
    }
    std::vector<ResultColumn> columns;
    for (const std::string& metric : metrics) {
        columns.push_back(ResultColumn{metric, metricLabel(metric), metricHigherIsBetter(metric)});
    }
    ResultTable table(columns);
    for (size_t e = 0; e < entries.size(); ++e) {
        if (entries[e].runs.empty()) {
            throw std::invalid_argument("comparison: entry '" + entries[e].label + "' has no runs");
        }
        std::vector<ResultCell> cells;
        for (const std::string& metric : metrics) {
            ResultCell cell;
            cell.stats = aggregate(valuesOf(valuesBySeed(entries[e], metric, request.split)));
            if (request.baseline && *request.baseline != e) {
                if (const auto result = compareSeeds(entries[e], entries[*request.baseline], metric,
                                                     request.split, request.test)) {
                    cell.pValue = result->pValue;
                }
            }
            cells.push_back(cell);
        }
        table.addRow(entries[e].label, std::move(cells), entries[e].excludeHistory);
    }
    table.setBaseline(request.baseline);
    return table;
}

std::optional<bool> excludeHistoryOf(const std::string& configJson) {
    const nlohmann::json config = nlohmann::json::parse(configJson, nullptr, false);
    const nlohmann::json::json_pointer key("/eval/excludeHistory");
    if (!config.is_object() || !config.contains(key) || !config.at(key).is_boolean()) {
        return std::nullopt;
    }
    return config.at(key).get<bool>();
}

std::string seedGroupLabel(const RunSummary& firstRun) {
    const std::string label = withoutSeedSuffix(firstRun.name);
    return label.empty() ? firstRun.model : label;
}

std::vector<ComparisonEntry> studyEntries(const RunStore& store, const std::string& study) {
    std::vector<ComparisonEntry> entries;
    std::map<std::string, size_t> entryOfHash;
    for (RunSummary& run : store.listRuns(finishedStudyRuns(study))) {
        const auto [found, added] = entryOfHash.emplace(run.configHash, entries.size());
        if (added) {
            // A seed group shares its config hash, so its first run's setting is the group's.
            entries.push_back(ComparisonEntry{
                seedGroupLabel(run), {}, excludeHistoryOf(store.run(run.id).configJson)});
        }
        entries[found->second].runs.push_back(std::move(run));
    }
    return entries;
}

}  // namespace dimerec
