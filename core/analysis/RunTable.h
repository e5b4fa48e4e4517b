#pragma once

#include "analysis/Comparison.h"
#include "analysis/ResultTable.h"
#include "analysis/UserBuckets.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dimerec {

class RunStore;

// Which runs of the store go into a result table, and how.
struct RunTableRequest {
    std::vector<int64_t> runs;  // run ids in row order; empty: the finished runs of `study`
    std::string study;          // used when `runs` is empty
    std::vector<std::string>
        metrics;                 // metric keys in column order; empty: every metric the runs have
    std::string split = "test";  // requireComparisonSplit's
    bool groupSeeds = false;     // one row per config hash: mean ± std over its seeds
    int64_t baselineRun = 0;     // the run (grouped: its group) others are compared with; 0 = none
    bool significance = false;   // with a baseline: each cell tested against it
    SeedTest test = SeedTest::PairedT;      // the test (over users where possible, else seeds)
    std::map<int64_t, std::string> labels;  // row labels by run id (grouped: any run of the group)
    // Each row followed by a row per further readout its runs stored (analysis/ReadoutRows.h),
    // labelled "<row label> [<readout> readout]".
    bool readouts = false;
    // With a grouping the columns are buckets of test users (analysis/UserBuckets.h) of the one
    // per-user metric `metrics` names: each cell the row's mean over its seeds of the bucket's
    // mean, deltas and tests over the bucket's users (bucketEntries). Test split only.
    std::optional<UserGrouping> byUsers;
    std::vector<int64_t> edges;  // where the buckets start; empty: defaultEdges
};

// Builds the table of `request` from the store's final metrics. Rows are labelled by the
// run's name (else "model #id"); a seed group by what its runs' names share, minus a
// trailing "seed" ("dimerec λ=1 seed 1" and "… seed 2" → "dimerec λ=1"), else its model.
// Significance as buildComparisonTable tests it: over the test users both rows share where
// every run keeps per-user ranks, else over the seeds both rows ran (rows of one seed then
// get none); Holm-corrected across the rows of each column. A seed that a group ran twice
// counts once (its first run).
// Throws std::invalid_argument for an empty selection, an unknown split or a baseline
// outside the selection, and StoreError for runs the store does not have.
ResultTable buildRunTable(const RunStore& store, const RunTableRequest& request);

// buildRunTable's table (by user buckets with `byUsers`), and for the split "test" when some
// selected run also stored its test
// under the history setting it was not configured with (Comparison's otherHistoryOf: data
// whose test targets repeat history items, e.g. Yelp), the table of that setting after it,
// with the same columns: comparisons on such data show both settings (issue 19, item 8).
std::vector<ResultTable> buildRunTables(const RunStore& store, const RunTableRequest& request);

}  // namespace dimerec
