#pragma once

#include "analysis/ResultTable.h"
#include "analysis/Significance.h"
#include "store/RunRecords.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dimerec {

class RunStore;
class TargetRanks;

// How a comparison tests an entry against the baseline. The paired tests pair the test users
// both entries share when every run of both keeps its per-user ranks (TargetRanks) and the
// metric derives from them (hr, recall, ndcg, mrr @K), each user's value averaged over a seed
// group's seeds; otherwise, and for Welch's unpaired test always, the samples are seeds (the
// paired tests pair the seeds both entries ran).
enum class SeedTest { PairedT, Wilcoxon, Welch };

// "paired t-test", "Wilcoxon signed-rank", "Welch t-test".
std::string seedTestName(SeedTest test);

// One column of a comparison or one row of an ablation table: a single run, or the runs of a
// seed group (same config, different seeds).
struct ComparisonEntry {
    std::string label;                                  // shown as the column / row header
    std::vector<RunSummary> runs;                       // at least one
    std::optional<bool> excludeHistory = std::nullopt;  // the runs' eval.excludeHistory, if known
    // Per run (in the order of runs): its test target ranks, nullptr where the store has none.
    // Empty when not loaded: every test of the entry is then seed-level.
    std::vector<std::shared_ptr<const TargetRanks>> ranks = {};
    // The same for its test under the other history setting (otherHistorySplit), where stored.
    std::vector<std::shared_ptr<const TargetRanks>> otherHistoryRanks = {};
    // The same for each further readout the runs stored ("interests" → its "test/interests"
    // ranks per run), which analysis/ReadoutRows.h's rows take as theirs.
    std::map<std::string, std::vector<std::shared_ptr<const TargetRanks>>> readoutRanks = {};
    std::string datasetFingerprint = {};  // of the first run; per-user pairs need equal ones
};

// An entry of `runs` (at least one) with what the store keeps beside their summaries: the
// first run's eval.excludeHistory and dataset fingerprint, every run's test target ranks (also
// under the other history setting). Loaded once, so that the tests do not go back to the store.
ComparisonEntry loadEntry(const RunStore& store, std::string label, std::vector<RunSummary> runs);

// eval.excludeHistory of a stored config (RunDetails::configJson); std::nullopt when the config
// does not say (a partial config written by hand) or is not JSON.
std::optional<bool> excludeHistoryOf(const std::string& configJson);

// The test metrics under one history setting whatever the runs were configured with (issue 19,
// item 8): splits "test-history-excluded" and "test-history-kept" of a request. A run whose
// eval.excludeHistory is the other one contributes what it stored under otherHistorySplit
// (nothing where it stored none); "test" and "valid" are each run's own setting.
inline constexpr const char* kTestHistoryExcluded = "test-history-excluded";
inline constexpr const char* kTestHistoryKept = "test-history-kept";

// Throws std::invalid_argument unless `split` is one a comparison can show: test, valid,
// kTestHistoryExcluded or kTestHistoryKept.
void requireComparisonSplit(const std::string& split);

// The entries as `split` shows them, each with the split its runs' metrics are read from:
// under a history split, an entry configured with the other setting becomes its runs' stored
// metrics and ranks of that setting (empty metrics where none are stored), labelled and
// ranked as before, with its excludeHistory set to the split's, read from "test"; other
// splits leave the entries as they are.
std::vector<ComparisonEntry> entriesForSplit(const std::vector<ComparisonEntry>& entries,
                                             const std::string& split, std::string* readSplit);

// The history split that shows the test of `entries` under the setting their first entry was
// not configured with, when some run of them stored it (kTestHistoryKept after history
// excluded); "" when none did.
std::string otherHistoryOf(const std::vector<ComparisonEntry>& entries);

struct ComparisonRequest {
    std::vector<std::string> metrics;  // metric keys in order; empty: every metric the entries have
    std::string split = "test";        // requireComparisonSplit's
    std::optional<size_t> baseline;    // entry the others are compared with (deltas, p-values)
    SeedTest test = SeedTest::PairedT;
    bool significance = true;  // test the entries against the baseline (false: deltas only)
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

// `a` against `b` on one metric as the tables test it (ResultCell::test): over the users both
// share when possible (the request's paired test, the bootstrap interval and the seed-level
// test beside it), else over seeds with the reason; std::nullopt when neither can be tested.
std::optional<CellTest> testCell(const ComparisonEntry& a, const ComparisonEntry& b,
                                 const std::string& metric, const std::string& split,
                                 SeedTest test);

// One row per entry (mean ± std over its seeds, with the entry's excludeHistory), one column
// per metric, the request's baseline set and every other cell tested against it (testCell),
// the p-values Holm-corrected across the tested rows of each column. Throws
// std::invalid_argument for no entries, an entry without runs, an unknown split or a baseline
// out of range.
ResultTable buildComparisonTable(const std::vector<ComparisonEntry>& entries,
                                 const ComparisonRequest& request);

// The label of a seed group: its first run's name without a trailing "seed N" (a sweep names
// its trials "<variant> <settings> seed <n>"), else the model.
std::string seedGroupLabel(const RunSummary& firstRun);

// Runs grouped by config hash (each group one config's seeds), in the order of each group's
// first run, the runs of a group in the order given.
std::vector<std::vector<RunSummary>> seedGroupsOf(std::vector<RunSummary> runs);

// The seed groups (by config hash) of a study's finished runs, in order of their first run,
// labelled by seedGroupLabel.
std::vector<ComparisonEntry> studyEntries(const RunStore& store, const std::string& study);

}  // namespace dimerec
