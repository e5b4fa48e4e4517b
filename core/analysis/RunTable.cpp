#include "analysis/RunTable.h"

#include "analysis/Comparison.h"
#include "analysis/ReadoutRows.h"
#include "store/RunStore.h"

#include <algorithm>
#include <stdexcept>

namespace dimerec {

namespace {

// Rows of the table: one run, or the runs of one seed group in id order.
struct RowRuns {
    std::vector<RunSummary> runs;
};

std::string runLabel(const RunSummary& run) {
    return run.name.empty() ? run.model + " #" + std::to_string(run.id) : run.name;
}

std::vector<RunSummary> selectRuns(const RunStore& store, const RunTableRequest& request) {
    std::vector<RunSummary> runs;
    if (!request.runs.empty()) {
        for (int64_t id : request.runs) {
            runs.push_back(store.run(id).summary);
        }
        return runs;
    }
    if (request.study.empty()) {
        throw std::invalid_argument("run table: give runs or a study");
    }
    RunQuery query;
    query.study = request.study;
    query.statuses = {"finished"};
    query.sortBy = "id";
    query.descending = false;
    query.limit = 0;
    runs = store.listRuns(query);
    if (runs.empty()) {
        throw std::invalid_argument("run table: study '" + request.study + "' in " + store.path() +
                                    " has no finished runs");
    }
    return runs;
}

std::vector<RowRuns> groupRows(const std::vector<RunSummary>& runs, bool groupSeeds) {
    std::vector<RowRuns> rows;
    std::map<std::string, size_t> rowOfHash;
    for (const RunSummary& run : runs) {
        if (groupSeeds) {
            const auto [found, added] = rowOfHash.emplace(run.configHash, rows.size());
            if (!added) {
                rows[found->second].runs.push_back(run);
                continue;
            }
        }
        rows.push_back(RowRuns{{run}});
    }
    for (RowRuns& row : rows) {
        std::sort(row.runs.begin(), row.runs.end(),
                  [](const RunSummary& a, const RunSummary& b) { return a.id < b.id; });
    }
    return rows;
}

// The rows of the request's table as comparison entries, and how to compare them.
struct TableInput {
    std::vector<ComparisonEntry> entries;
    ComparisonRequest comparison;
};

TableInput tableInput(const RunStore& store, const RunTableRequest& request) {
    requireComparisonSplit(request.split);
    const std::vector<RunSummary> runs = selectRuns(store, request);
    const std::vector<RowRuns> rows = groupRows(runs, request.groupSeeds);

    ComparisonRequest comparison;
    comparison.metrics = request.metrics;
    comparison.split = request.split;
    comparison.test = request.test;
    comparison.significance = request.significance;
    std::vector<ComparisonEntry> entries;
    for (const RowRuns& row : rows) {
        std::string label =
            request.groupSeeds ? seedGroupLabel(row.runs.front()) : runLabel(row.runs.front());
        for (const RunSummary& run : row.runs) {
            if (const auto custom = request.labels.find(run.id); custom != request.labels.end()) {
                label = custom->second;
            }
        }
        entries.push_back(loadEntry(store, std::move(label), row.runs));
    }
    if (request.readouts) entries = withReadoutEntries(entries);
    if (request.baselineRun != 0) {
        // The first entry holding the run is its own readout's; readout entries follow it.
        for (size_t e = 0; e < entries.size() && !comparison.baseline; ++e) {
            for (const RunSummary& run : entries[e].runs) {
                if (run.id == request.baselineRun) comparison.baseline = e;
            }
        }
        if (!comparison.baseline) {
            throw std::invalid_argument("run table: baseline run " +
                                        std::to_string(request.baselineRun) +
                                        " is not among the selected runs");
        }
    }
    return {std::move(entries), std::move(comparison)};
}

}  // namespace

ResultTable buildRunTable(const RunStore& store, const RunTableRequest& request) {
    const TableInput input = tableInput(store, request);
    return buildComparisonTable(input.entries, input.comparison);
}

namespace {

// The table by user buckets: one column per bucket of the one metric, each built as
// buildComparisonTable builds a column from the entries as the bucket sees them.
ResultTable bucketTable(const RunStore& store, const RunTableRequest& request,
                        const TableInput& input) {
    if (request.metrics.size() != 1) {
        throw std::invalid_argument(
            "run table by user groups: give one per-user metric (e.g. "
            "ndcg@10), not " +
            std::to_string(request.metrics.size()));
    }
    if (request.split != "test") {
        throw std::invalid_argument(
            "run table by user groups: the buckets are of test users, "
            "so the split is test, not " +
            request.split);
    }
    std::vector<int64_t> runs;
    for (const ComparisonEntry& entry : input.entries) {
        for (const RunSummary& run : entry.runs) runs.push_back(run.id);
    }
    const UserBuckets buckets = testUserBuckets(store, runs, *request.byUsers, request.edges);
    const std::string& metric = request.metrics.front();
    std::vector<ResultColumn> columns;
    std::vector<ResultTable> perBucket;
    for (size_t b = 0; b < buckets.labels.size(); ++b) {
        perBucket.push_back(buildComparisonTable(bucketEntries(input.entries, buckets, b, metric),
                                                 input.comparison));
        ResultColumn column = perBucket.back().columns().front();
        column.label = bucketLabel(buckets, b);
        columns.push_back(std::move(column));
    }
    ResultTable table(columns);
    for (size_t row = 0; row < input.entries.size(); ++row) {
        std::vector<ResultCell> cells;
        for (const ResultTable& bucket : perBucket) cells.push_back(bucket.cell(row, 0));
        table.addRow(perBucket.front().rows()[row].label, std::move(cells),
                     perBucket.front().rows()[row].excludeHistory);
    }
    table.setBaseline(perBucket.front().baseline());
    return table;
}

}  // namespace

std::vector<ResultTable> buildRunTables(const RunStore& store, const RunTableRequest& request) {
    TableInput input = tableInput(store, request);
    if (request.byUsers) return {bucketTable(store, request, input)};
    std::vector<ResultTable> tables{buildComparisonTable(input.entries, input.comparison)};
    const std::string other = request.split == "test" ? otherHistoryOf(input.entries) : "";
    if (!other.empty()) {
        // The same columns, so that the two tables line up (and a CSV of both reads as one).
        input.comparison.split = other;
        input.comparison.metrics.clear();
        for (const ResultColumn& column : tables.front().columns())
            input.comparison.metrics.push_back(column.key);
        tables.push_back(buildComparisonTable(input.entries, input.comparison));
    }
    return tables;
}

}  // namespace dimerec
