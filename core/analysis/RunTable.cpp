#include "analysis/RunTable.h"

#include "analysis/Aggregate.h"
#include "analysis/Comparison.h"
#include "analysis/ReadoutRows.h"
#include "analysis/Significance.h"
#include "store/RunStore.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace dimerec {

namespace {

// Rows of the table: one run, or the runs of one seed group in id order.
struct RowRuns {
    std::vector<RunSummary> runs;  // seen through `readout` when it is set (readoutView)
    std::string readout;           // "" = the runs' own readout
};

const std::map<std::string, double>& splitMetrics(const RunSummary& run, const std::string& split) {
    return split == "test" ? run.testMetrics : run.validMetrics;
}

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
        rows.push_back(RowRuns{{run}, ""});
    }
    for (RowRuns& row : rows) {
        std::sort(row.runs.begin(), row.runs.end(),
                  [](const RunSummary& a, const RunSummary& b) { return a.id < b.id; });
    }
    return rows;
}

// Each row followed by one per readout any of its runs stored.
std::vector<RowRuns> withReadoutRows(const std::vector<RowRuns>& rows) {
    std::vector<RowRuns> out;
    for (const RowRuns& row : rows) {
        out.push_back(row);
        std::set<std::string> readouts;
        for (const RunSummary& run : row.runs) {
            for (const std::string& name : storedReadouts(run)) readouts.insert(name);
        }
        for (const std::string& readout : readouts) {
            RowRuns view{{}, readout};
            for (const RunSummary& run : row.runs) view.runs.push_back(readoutView(run, readout));
            out.push_back(std::move(view));
        }
    }
    return out;
}

// Seed → value of `metric` over a row's runs that have it.
std::map<uint64_t, double> valuesBySeed(const RowRuns& row, const std::string& metric,
                                        const std::string& split) {
    std::map<uint64_t, double> values;
    for (const RunSummary& run : row.runs) {
        const auto& metrics = splitMetrics(run, split);
        if (const auto found = metrics.find(metric); found != metrics.end()) {
            values.emplace(run.seed, found->second);
        }
    }
    return values;
}

std::vector<double> valuesOf(const std::map<uint64_t, double>& bySeed) {
    std::vector<double> values;
    for (const auto& [seed, value] : bySeed) {
        values.push_back(value);
    }
    return values;
}

// p-value of `row` against `baseline` on one metric: paired over seeds when both ran the
// same seeds, Welch otherwise; none with fewer than two seeds on either side.
std::optional<double> pValue(const std::map<uint64_t, double>& row,
                             const std::map<uint64_t, double>& baseline) {
    if (row.size() < 2 || baseline.size() < 2) {
        return std::nullopt;
    }
    const bool sameSeeds =
        std::equal(row.begin(), row.end(), baseline.begin(), baseline.end(),
                   [](const auto& a, const auto& b) { return a.first == b.first; });
    return sameSeeds ? pairedTTest(valuesOf(row), valuesOf(baseline)).pValue
                     : welchTTest(valuesOf(row), valuesOf(baseline)).pValue;
}

}  // namespace

ResultTable buildRunTable(const RunStore& store, const RunTableRequest& request) {
    if (request.split != "test" && request.split != "valid") {
        throw std::invalid_argument("run table: split must be test or valid, not '" +
                                    request.split + "'");
    }
    const std::vector<RunSummary> runs = selectRuns(store, request);
    const std::vector<RowRuns> grouped = groupRows(runs, request.groupSeeds);
    const std::vector<RowRuns> rows = request.readouts ? withReadoutRows(grouped) : grouped;

    std::vector<std::string> metrics = request.metrics;
    if (metrics.empty()) {
        std::set<std::string> all;
        for (const RowRuns& row : rows) {
            for (const RunSummary& run : row.runs) {
                for (const auto& [name, value] : splitMetrics(run, request.split)) {
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

    std::optional<size_t> baseline;
    if (request.baselineRun != 0) {
        for (size_t r = 0; r < rows.size() && !baseline; ++r) {
            for (const RunSummary& run : rows[r].runs) {
                if (run.id == request.baselineRun) {
                    baseline = r;
                }
            }
        }
        if (!baseline) {
            throw std::invalid_argument("run table: baseline run " +
                                        std::to_string(request.baselineRun) +
                                        " is not among the selected runs");
        }
    }

    ResultTable table(columns);
    for (size_t r = 0; r < rows.size(); ++r) {
        std::string label = request.groupSeeds ? seedGroupLabel(rows[r].runs.front())
                                               : runLabel(rows[r].runs.front());
        for (const RunSummary& run : rows[r].runs) {
            if (const auto custom = request.labels.find(run.id); custom != request.labels.end()) {
                label = custom->second;
            }
        }
        if (!rows[r].readout.empty()) label = readoutLabel(label, rows[r].readout);
        std::vector<ResultCell> cells;
        for (const std::string& metric : metrics) {
            const std::map<uint64_t, double> values = valuesBySeed(rows[r], metric, request.split);
            ResultCell cell;
            cell.stats = aggregate(valuesOf(values));
            if (request.significance && baseline && *baseline != r) {
                cell.pValue = pValue(values, valuesBySeed(rows[*baseline], metric, request.split));
            }
            cells.push_back(cell);
        }
        // The runs of a row share their config hash, hence their eval.excludeHistory.
        table.addRow(label, std::move(cells),
                     excludeHistoryOf(store.run(rows[r].runs.front().id).configJson));
    }
    table.setBaseline(baseline);
    return table;
}

}  // namespace dimerec
