#pragma once

#include "analysis/ResultTable.h"
#include "analysis/Significance.h"
#include "store/RunRecords.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dimerec {

class RunStore;

// How a comparison tests an entry against the baseline. The store keeps final metrics per run,
// not per user, so the samples are seeds: the paired tests pair the seeds both entries ran.
enum class SeedTest { PairedT, Wilcoxon, Welch };

// "paired t-test", "Wilcoxon signed-rank", "Welch t-test".
std::string seedTestName(SeedTest test);

// One column of a comparison or one row of an ablation table: a single run, or the runs of a
// seed group (same config, different seeds).
struct ComparisonEntry {
    std::string label;                                  // shown as the column / row header
    std::vector<RunSummary> runs;                       // at least one
    std::optional<bool> excludeHistory = std::nullopt;  // the runs' eval.excludeHistory, if known
};

// eval.excludeHistory of a stored config (RunDetails::configJson); std::nullopt when the config
// does not say (a partial config written by hand) or is not JSON.
std::optional<bool> excludeHistoryOf(const std::string& configJson);

struct ComparisonRequest {
    std::vector<std::string> metrics;  // metric keys in order; empty: every metric the entries have
    std::string split = "test";        // final metrics of: test | valid
    std::optional<size_t> baseline;    // entry the others are compared with (deltas, p-values)
    SeedTest test = SeedTest::PairedT;
};

// Seed → value of `metric` over the entry's runs that have it; a seed run twice counts once
// (its first run in the entry's order).
std::map<uint64_t, double> valuesBySeed(const ComparisonEntry& entry, const std::string& metric,
                                        const std::string& split);

// `a` against `b` on one metric. Paired tests use the seeds both ran, Welch every seed of
// each; std::nullopt when fewer than two values (pairs) are available.
std::optional<TestResult> compareSeeds(const ComparisonEntry& a, const ComparisonEntry& b,
                                       const std::string& metric, const std::string& split,
                                       SeedTest test);

// One row per entry (mean ± std over its seeds, with the entry's excludeHistory), one column
// per metric, the request's
// baseline set and every other cell's p-value against it. Throws std::invalid_argument for
// no entries, an entry without runs, an unknown split or a baseline out of range.
ResultTable buildComparisonTable(const std::vector<ComparisonEntry>& entries,
                                 const ComparisonRequest& request);

// The label of a seed group: its first run's name without a trailing "seed N" (a sweep names
// its trials "<variant> <settings> seed <n>"), else the model.
std::string seedGroupLabel(const RunSummary& firstRun);

// The seed groups (by config hash) of a study's finished runs, in order of their first run,
// labelled by seedGroupLabel.
std::vector<ComparisonEntry> studyEntries(const RunStore& store, const std::string& study);

}  // namespace dimerec
