#include "analysis/ResultTable.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

namespace dimerec {

ResultTable::ResultTable(std::vector<ResultColumn> columns) : columns_(std::move(columns)) {}

void ResultTable::addRow(const std::string& label, std::vector<ResultCell> cells,
                         std::optional<bool> excludeHistory) {
    if (cells.size() != columns_.size()) {
        throw std::invalid_argument("ResultTable: row \"" + label + "\" has " +
                                    std::to_string(cells.size()) + " cells for " +
                                    std::to_string(columns_.size()) + " columns");
    }
    rows_.push_back(ResultRow{label, std::move(cells), excludeHistory});
}

const ResultCell& ResultTable::cell(size_t row, size_t column) const {
    if (row >= rows_.size() || column >= columns_.size()) {
        throw std::out_of_range("ResultTable: no cell (" + std::to_string(row) + ", " +
                                std::to_string(column) + ") in a table of " +
                                std::to_string(rows_.size()) + " rows and " +
                                std::to_string(columns_.size()) + " columns");
    }
    return rows_[row].cells[column];
}

void ResultTable::setBaseline(std::optional<size_t> row) {
    if (row && *row >= rows_.size()) {
        throw std::out_of_range("ResultTable: baseline row " + std::to_string(*row) +
                                " does not exist (" + std::to_string(rows_.size()) + " rows)");
    }
    baseline_ = row;
}

std::optional<double> ResultTable::relativeDelta(size_t row, size_t column) const {
    const ResultCell& value = cell(row, column);
    if (!baseline_ || *baseline_ == row || value.stats.n == 0) {
        return std::nullopt;
    }
    const ResultCell& base = cell(*baseline_, column);
    if (base.stats.n == 0 || base.stats.mean == 0.0) {
        return std::nullopt;
    }
    return (value.stats.mean - base.stats.mean) / std::fabs(base.stats.mean);
}

CellRank ResultTable::rank(size_t row, size_t column, double resolution) const {
    const bool higher = columns_.at(column).higherIsBetter;
    // Scores oriented so that larger is better, rounded to the printed digit when asked.
    const auto score = [&](const ResultCell& c) {
        const double oriented = higher ? c.stats.mean : -c.stats.mean;
        return resolution > 0.0 ? std::round(oriented / resolution) : oriented;
    };
    if (cell(row, column).stats.n == 0) {
        return CellRank::None;
    }
    std::vector<double> distinct;
    for (const ResultRow& r : rows_) {
        if (r.cells[column].stats.n > 0) {
            distinct.push_back(score(r.cells[column]));
        }
    }
    std::sort(distinct.begin(), distinct.end(), std::greater<>());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    const double mine = score(cell(row, column));
    if (mine == distinct[0]) {
        return CellRank::Best;
    }
    return distinct.size() > 1 && mine == distinct[1] ? CellRank::Second : CellRank::None;
}

std::string ResultTable::historyNote() const {
    std::vector<std::string> excluded;
    std::vector<std::string> kept;
    for (const ResultRow& row : rows_) {
        if (row.excludeHistory) (*row.excludeHistory ? excluded : kept).push_back(row.label);
    }
    if (excluded.empty() && kept.empty()) return "";
    if (kept.empty()) return "History items excluded from the ranking.";
    if (excluded.empty()) return "History items not excluded from the ranking.";
    const auto list = [](const std::vector<std::string>& labels) {
        std::string text;
        for (const std::string& label : labels) text += (text.empty() ? "" : ", ") + label;
        return text;
    };
    return "Mixed: history items excluded from the ranking for " + list(excluded) +
           "; not excluded for " + list(kept) + ".";
}

std::string ResultTable::significanceNote(double alpha) const {
    std::set<std::string> userMethods;
    // method → reason → the columns it applies to
    std::map<std::string, std::map<std::string, std::set<std::string>>> seedTests;
    for (size_t c = 0; c < columns_.size(); ++c) {
        for (const ResultRow& row : rows_) {
            const std::optional<CellTest>& test = row.cells[c].test;
            if (!test) continue;
            if (test->perUser) {
                userMethods.insert(test->method);
            } else {
                seedTests[test->method][test->seedLevelReason].insert(columns_[c].label);
            }
        }
    }
    if (userMethods.empty() && seedTests.empty()) return "";
    const auto list = [](const std::set<std::string>& items, const char* separator) {
        std::string text;
        for (const std::string& item : items) text += (text.empty() ? "" : separator) + item;
        return text;
    };
    // "HR@10, NDCG@10 (run #3 has no per-user ranks; run #5 has no per-user ranks)": the
    // reasons of each set of columns once, however many rows gave them.
    const auto seedColumns = [&](const std::map<std::string, std::set<std::string>>& reasons) {
        std::map<std::string, std::set<std::string>> reasonsOfColumns;
        for (const auto& [reason, columns] : reasons)
            reasonsOfColumns[list(columns, ", ")].insert(reason);
        std::set<std::string> parts;
        for (const auto& [columns, why] : reasonsOfColumns)
            parts.insert(columns + " (" + list(why, "; ") + ")");
        return list(parts, ", ");
    };
    char level[32];
    std::snprintf(level, sizeof level, "%g", alpha);
    std::string note = "† p < " + std::string(level);
    if (baseline_) note += " against " + rows_[*baseline_].label;
    note += ": two-sided ";
    if (!userMethods.empty()) {
        note += list(userMethods, ", ") +
                " over the test users both rows share (a seed group's per-user values "
                "averaged over its seeds first";
        if (std::any_of(userMethods.begin(), userMethods.end(),
                        [](const std::string& m) { return m.rfind("Wilcoxon", 0) == 0; })) {
            note += "; Wilcoxon: zero differences dropped, ties and continuity corrected";
        }
        note += "), Holm-corrected across the rows of each column.";
        for (const auto& [method, reasons] : seedTests)
            note += " Seed-level " + method + " for " + seedColumns(reasons) + ".";
        return note;
    }
    std::set<std::string> methods;
    std::map<std::string, std::set<std::string>> reasons;
    for (const auto& [method, columnsByReason] : seedTests) {
        methods.insert(method);
        for (const auto& [reason, columns] : columnsByReason)
            reasons[reason].insert(columns.begin(), columns.end());
    }
    return note + list(methods, ", ") + " over the seeds, Holm-corrected across the rows of " +
           "each column; per-user tests were not possible for " + seedColumns(reasons) + ".";
}

std::string metricLabel(const std::string& key) {
    static const std::vector<std::string> kAcronyms = {"hr", "ndcg", "mrr", "map", "auc", "ild"};
    const size_t at = key.find('@');
    std::string name = key.substr(0, at);
    const std::string rest = at == std::string::npos ? "" : key.substr(at);
    if (std::find(kAcronyms.begin(), kAcronyms.end(), name) != kAcronyms.end()) {
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    } else if (!name.empty()) {
        name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    }
    return name + rest;
}

bool metricHigherIsBetter(const std::string& key) {
    const auto startsWith = [&key](const char* prefix) { return key.rfind(prefix, 0) == 0; };
    return !(startsWith("gini") || startsWith("loss") || key == "total");
}

}  // namespace dimerec
