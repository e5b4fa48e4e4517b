#include "analysis/Comparison.h"

#include "analysis/Aggregate.h"
#include "analysis/ReadoutRows.h"
#include "analysis/StudyGrid.h"
#include "analysis/UserComparison.h"
#include "store/RunStore.h"
#include "util/TargetRanks.h"

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

// An entry's per-user values of `metric`, averaged over its runs, or why there are none.
struct EntryUsers {
    std::optional<UserValues> values;
    std::string reason;
};

EntryUsers entryUsers(const ComparisonEntry& entry, const std::string& metric) {
    if (!isPerUserMetric(metric)) return {std::nullopt, "not a per-user metric"};
    std::vector<UserValues> runs;
    for (size_t r = 0; r < entry.runs.size(); ++r) {
        const TargetRanks* ranks = r < entry.ranks.size() ? entry.ranks[r].get() : nullptr;
        if (ranks == nullptr) {
            return {std::nullopt,
                    "run #" + std::to_string(entry.runs[r].id) + " has no per-user ranks"};
        }
        runs.push_back(*userValues(*ranks, metric));
    }
    return {averageOverRuns(runs), ""};
}

}  // namespace

ComparisonEntry loadEntry(const RunStore& store, std::string label, std::vector<RunSummary> runs) {
    if (runs.empty()) throw std::invalid_argument("comparison: entry '" + label + "' has no runs");
    ComparisonEntry entry;
    entry.label = std::move(label);
    // A seed group shares its config hash, so its first run's settings are the group's.
    const RunDetails first = store.run(runs.front().id);
    entry.excludeHistory = excludeHistoryOf(first.configJson);
    entry.datasetFingerprint = first.datasetFingerprint;
    const auto load = [&store](int64_t run, const std::string& split) {
        std::optional<TargetRanks> ranks = store.targetRanks(run, split);
        return ranks ? std::make_shared<const TargetRanks>(std::move(*ranks)) : nullptr;
    };
    std::set<std::string> readouts;
    for (const RunSummary& run : runs) {
        for (const std::string& readout : storedReadouts(run)) readouts.insert(readout);
    }
    for (const RunSummary& run : runs) {
        entry.ranks.push_back(load(run.id, "test"));
        if (entry.excludeHistory)
            entry.otherHistoryRanks.push_back(
                load(run.id, otherHistorySplit(!*entry.excludeHistory)));
        for (const std::string& readout : readouts)
            entry.readoutRanks[readout].push_back(load(run.id, "test/" + readout));
    }
    entry.runs = std::move(runs);
    return entry;
}

void requireComparisonSplit(const std::string& split) {
    if (split != "test" && split != "valid" && split != kTestHistoryExcluded &&
        split != kTestHistoryKept)
        throw std::invalid_argument("split must be test, valid, " +
                                    std::string(kTestHistoryExcluded) + " or " + kTestHistoryKept +
                                    ", not '" + split + "'");
}

std::vector<ComparisonEntry> entriesForSplit(const std::vector<ComparisonEntry>& entries,
                                             const std::string& split, std::string* readSplit) {
    if (split != kTestHistoryExcluded && split != kTestHistoryKept) {
        *readSplit = split;
        return entries;
    }
    *readSplit = "test";
    const bool exclude = split == kTestHistoryExcluded;
    std::vector<ComparisonEntry> out;
    for (const ComparisonEntry& entry : entries) {
        if (entry.excludeHistory == exclude) {
            out.push_back(entry);
            continue;
        }
        ComparisonEntry view = entry;
        view.excludeHistory = exclude;
        view.ranks = entry.otherHistoryRanks;
        view.otherHistoryRanks = entry.ranks;
        // Stored as a readout's test is: the run seen through it, as a readout row sees it.
        for (RunSummary& run : view.runs) run = readoutView(run, otherHistoryName(exclude));
        out.push_back(std::move(view));
    }
    return out;
}

std::string otherHistoryOf(const std::vector<ComparisonEntry>& entries) {
    std::optional<bool> first;
    bool stored = false;
    for (const ComparisonEntry& entry : entries) {
        if (!first) first = entry.excludeHistory;
        for (const RunSummary& run : entry.runs) {
            for (const bool exclude : {true, false})
                stored = stored || run.readoutMetrics.count(otherHistorySplit(exclude)) > 0;
        }
    }
    if (!stored || !first) return "";
    return *first ? kTestHistoryKept : kTestHistoryExcluded;
}

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

std::optional<CellTest> testCell(const ComparisonEntry& a, const ComparisonEntry& b,
                                 const std::string& metric, const std::string& split,
                                 SeedTest test) {
    const std::optional<TestResult> seeds = compareSeeds(a, b, metric, split, test);
    std::string reason;
    if (test == SeedTest::Welch) {
        reason = "Welch's test is unpaired";
    } else if (split != "test") {
        reason = "per-user ranks are kept for the test split";
    } else if (a.runs.front().dataset != b.runs.front().dataset ||
               a.runs.front().protocol != b.runs.front().protocol ||
               (!a.datasetFingerprint.empty() && !b.datasetFingerprint.empty() &&
                a.datasetFingerprint != b.datasetFingerprint)) {
        reason = "different datasets or protocols";
    } else {
        const EntryUsers first = entryUsers(a, metric);
        const EntryUsers second = entryUsers(b, metric);
        reason = first.values ? second.reason : first.reason;
        if (first.values && second.values) {
            if (const auto users = compareUsers(*first.values, *second.values)) {
                CellTest cell;
                const TestResult& result =
                    test == SeedTest::PairedT ? users->tTest : users->wilcoxon;
                cell.method = test == SeedTest::PairedT ? "paired t-test" : "Wilcoxon signed-rank";
                cell.perUser = true;
                cell.n = users->users;
                cell.pValue = result.pValue;
                cell.meanDifference = users->meanDifference;
                cell.interval = users->interval;
                cell.seedTest = seeds;
                return cell;
            }
            reason = "fewer than two shared users";
        }
    }
    if (!seeds) return std::nullopt;
    CellTest cell;
    cell.method = seedTestName(test);
    cell.n = seeds->n;
    cell.pValue = seeds->pValue;
    cell.meanDifference = seeds->meanDifference;
    cell.seedLevelReason = reason;
    return cell;
}

ResultTable buildComparisonTable(const std::vector<ComparisonEntry>& shownEntries,
                                 const ComparisonRequest& shownRequest) {
    if (shownEntries.empty()) {
        throw std::invalid_argument("comparison: no runs to compare");
    }
    requireComparisonSplit(shownRequest.split);
    ComparisonRequest request = shownRequest;
    const std::vector<ComparisonEntry> entries =
        entriesForSplit(shownEntries, shownRequest.split, &request.split);
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
    for (const ComparisonEntry& entry : entries) {
        if (entry.runs.empty()) {
            throw std::invalid_argument("comparison: entry '" + entry.label + "' has no runs");
        }
    }
    // cells[e][m]; the tests of a column are corrected together (Holm) before the rows are added.
    std::vector<std::vector<ResultCell>> cells(entries.size(),
                                               std::vector<ResultCell>(metrics.size()));
    for (size_t m = 0; m < metrics.size(); ++m) {
        std::vector<size_t> tested;
        std::vector<double> pValues;
        for (size_t e = 0; e < entries.size(); ++e) {
            ResultCell& cell = cells[e][m];
            cell.stats = aggregate(valuesOf(valuesBySeed(entries[e], metrics[m], request.split)));
            if (!request.significance || !request.baseline || *request.baseline == e ||
                cell.stats.n == 0) {
                continue;
            }
            cell.test = testCell(entries[e], entries[*request.baseline], metrics[m], request.split,
                                 request.test);
            if (!cell.test) continue;
            tested.push_back(e);
            pValues.push_back(cell.test->pValue);
        }
        const std::vector<double> adjusted = holmAdjust(pValues);
        for (size_t t = 0; t < tested.size(); ++t) cells[tested[t]][m].pValue = adjusted[t];
    }
    ResultTable table(columns);
    for (size_t e = 0; e < entries.size(); ++e)
        table.addRow(entries[e].label, std::move(cells[e]), entries[e].excludeHistory);
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

std::vector<std::vector<RunSummary>> seedGroupsOf(std::vector<RunSummary> runs) {
    std::vector<std::vector<RunSummary>> groups;
    std::map<std::string, size_t> groupOfHash;
    for (RunSummary& run : runs) {
        const auto [found, added] = groupOfHash.emplace(run.configHash, groups.size());
        if (added) groups.emplace_back();
        groups[found->second].push_back(std::move(run));
    }
    return groups;
}

std::vector<ComparisonEntry> studyEntries(const RunStore& store, const std::string& study) {
    std::vector<ComparisonEntry> entries;
    for (std::vector<RunSummary>& runs : seedGroupsOf(store.listRuns(finishedStudyRuns(study)))) {
        std::string label = seedGroupLabel(runs.front());
        entries.push_back(loadEntry(store, std::move(label), std::move(runs)));
    }
    return entries;
}

}  // namespace dimerec
