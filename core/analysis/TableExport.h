#pragma once

#include <string>

namespace dimerec {

class ResultTable;

// How a ResultTable is printed for a paper.
struct TableFormat {
    // LaTeX \caption / Markdown "Table:" line; "" = none. The exporters append the table's
    // note on history exclusion (ResultTable::historyNote) to it.
    std::string caption;
    std::string label;                  // LaTeX \label key, e.g. "tab:main"; "" = none
    std::string cornerLabel = "Model";  // header of the row-label column
    int decimals = 4;                   // digits after the point of every printed number
    double scale = 1.0;                 // printed values are multiplied by it (100: percentages)
    bool showStd = true;                // mean ± std for cells over more than one seed
    bool showN = true;                  // the number of seeds of rows (or cells) with n > 1
    bool showDeltas = true;             // relative delta to the baseline row after each value
    bool markBest = true;               // best in bold, second best underlined
    double alpha = 0.05;                // cells whose p-value is below it get a dagger (†)
    bool runsAsColumns = false;         // transposed: one column per row of the table
};

// A booktabs `table` (needs \usepackage{booktabs}): best \textbf, second \underline,
// mean ± std as $a \pm b$, labels escaped for LaTeX; below the tabular a footnote naming the
// significance test and Holm's correction when cells were tested (significanceNote).
std::string toLatex(const ResultTable& table, const TableFormat& format = {});

// A pipe table: best **bold**, second <u>underlined</u>, labels escaped; the caption follows
// as a pandoc "Table:" line, then the significance note when cells were tested.
std::string toMarkdown(const ResultTable& table, const TableFormat& format = {});

// Plain numbers for other tools, unscaled and unrounded: label, then per metric its mean and,
// when the table has them, `<key>_std`, `<key>_n`, `<key>_delta` (to the baseline) and, when
// cells were tested, `<key>_p` (Holm-corrected, what the marks use), `_p_unadjusted`,
// `_tested_over` (users | seeds), `_tested_n`, `_diff` (mean difference to the baseline),
// `_diff_low` / `_diff_high` (its paired bootstrap 95 % interval, per user only) and
// `_p_seeds` (the seed-level test beside a per-user one); last `excludeHistory` (true /
// false / empty) when some row's setting is known. Empty fields where a cell has no value.
std::string toCsv(const ResultTable& table, const TableFormat& format = {});

// Text escaped for a LaTeX text-mode argument; a few Greek letters and symbols become math.
std::string escapeLatex(const std::string& text);
// Text escaped for a Markdown table cell.
std::string escapeMarkdown(const std::string& text);
// A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break.
std::string csvField(const std::string& text);
// The shortest text that reads back as the same double.
std::string exactNumber(double value);

}  // namespace dimerec
