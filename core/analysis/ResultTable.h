#pragma once

#include "analysis/Significance.h"
#include "store/RunRecords.h"

#include <optional>
#include <string>
#include <vector>

namespace dimerec {

// One metric column of a result table.
struct ResultColumn {
    std::string key;             // metric key as stored, e.g. "ndcg@10"
    std::string label;           // header text, e.g. "NDCG@10" (see metricLabel)
    bool higherIsBetter = true;  // which end of the column is marked best
};

// How a cell was tested against the baseline row (analysis/Comparison decides).
struct CellTest {
    std::string method;           // the test behind the p-value, e.g. "paired t-test"
    bool perUser = false;         // paired over the test users both rows share; else seeds
    int64_t n = 0;                // users (perUser) or seeds (pairs; Welch: all) tested
    double pValue = 1.0;          // before Holm's correction
    double meanDifference = 0.0;  // mean of the row's values − the baseline's (users or seeds)
    std::optional<BootstrapInterval> interval;  // per user: paired bootstrap interval of it
    std::optional<TestResult> seedTest;         // per user: the seed-level test beside it
    std::string seedLevelReason;                // not per user: why ("not a per-user metric", …)
};

// One cell: the metric over a run (n = 1) or a seed group (mean ± std over n seeds).
struct ResultCell {
    MetricStats stats;  // n = 0: no value (the run lacks the metric)
    // Significance of the difference to the baseline row, if tested: the p-value of `test`
    // after Holm's correction across the tested rows of the column (what the marks use).
    std::optional<double> pValue;
    std::optional<CellTest> test = {};
};

struct ResultRow {
    std::string label;  // run, seed group or variant name (plain text, escaped on export)
    std::vector<ResultCell> cells;  // one per column
    // Whether the row's rankings left out each user's history items (eval.excludeHistory);
    // std::nullopt when not known. The exporters say which setting the table used.
    std::optional<bool> excludeHistory;
};

// Where a cell ranks in its column.
enum class CellRank { None, Best, Second };

// Rows are runs or variants, columns metrics — the layout of a paper's results or ablation
// table. Knows which cells are best and second best and their deltas to a baseline row; the
// exporters (TableExport.h) and the comparison view render it.
class ResultTable {
public:
    explicit ResultTable(std::vector<ResultColumn> columns = {});

    // Appends a row; `cells` must have one entry per column (std::invalid_argument otherwise).
    void addRow(const std::string& label, std::vector<ResultCell> cells,
                std::optional<bool> excludeHistory = std::nullopt);

    const std::vector<ResultColumn>& columns() const { return columns_; }
    const std::vector<ResultRow>& rows() const { return rows_; }
    const ResultCell& cell(size_t row, size_t column) const;

    // The row other rows are compared with; std::nullopt for none.
    void setBaseline(std::optional<size_t> row);
    std::optional<size_t> baseline() const { return baseline_; }

    // (mean − baseline mean) / |baseline mean|: +0.05 reads "5 % higher". Empty for the
    // baseline row itself, without a baseline, when either cell is empty or the baseline is 0.
    std::optional<double> relativeDelta(size_t row, size_t column) const;

    // Best and second best of a column by mean, in the column's direction. Means that print
    // the same are tied: with `resolution` > 0 (the value of the last printed digit) they
    // are compared rounded to it, so every tied best cell is marked best and the second is
    // the next distinct printed value.
    CellRank rank(size_t row, size_t column, double resolution = 0.0) const;

    // The sentence the exporters add about eval.excludeHistory, over the rows whose setting is
    // known: "History items excluded from the ranking." when all excluded them, "History items
    // not excluded from the ranking." when none did, "Mixed: history items excluded from the
    // ranking for A, B; not excluded for C." otherwise; "" when no row's setting is known.
    std::string historyNote() const;

    // The sentence the exporters add about significance marks, "" when no cell was tested:
    // the mark, the baseline, the test and what it pairs, and Holm's correction, e.g.
    // "† p < 0.05 against SASRec: two-sided paired t-test over the test users both rows
    // share (a seed group's per-user values averaged over its seeds first), Holm-corrected
    // across the rows of each column." Columns tested over seeds instead are named with why.
    std::string significanceNote(double alpha) const;

private:
    std::vector<ResultColumn> columns_;
    std::vector<ResultRow> rows_;
    std::optional<size_t> baseline_;
};

// Header text for a metric key: "ndcg@10" → "NDCG@10", "recall@20" → "Recall@20".
std::string metricLabel(const std::string& key);
// Whether larger values of a metric are better: true except for the Gini index and losses.
bool metricHigherIsBetter(const std::string& key);

}  // namespace dimerec
