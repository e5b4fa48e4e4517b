#include "analysis/TableExport.h"

#include "analysis/ResultTable.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

namespace dimerec {

namespace {

// A cell as the text formats show it, before LaTeX or Markdown syntax is applied.
struct CellText {
    bool empty = true;
    std::string mean;    // formatted, scaled mean
    std::string stdDev;  // formatted, scaled std; "" when not shown
    CellRank rank = CellRank::None;
    std::string delta;  // "+3.1%"; "" when not shown
    bool significant = false;
    int64_t n = 0;  // seeds to show in the cell; 0 = none
};

// A row or column heading with the seeds to show beside it (0 = none).
struct Heading {
    std::string text;
    int64_t n = 0;
};

// The table as headings and cells, already transposed when asked.
struct Grid {
    std::string corner;
    std::vector<Heading> header;
    std::vector<Heading> rowHeadings;
    std::vector<std::vector<CellText>> cells;  // [row][column]
};

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    std::string text = buffer;
    // A value that rounds to zero prints without a sign.
    if (text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos) {
        text.erase(0, 1);
    }
    return text;
}

// Seeds shared by every filled cell of a row; 0 when they differ or there are none.
int64_t uniformSeeds(const ResultRow& row) {
    int64_t n = 0;
    for (const ResultCell& cell : row.cells) {
        if (cell.stats.n == 0) {
            continue;
        }
        if (n != 0 && cell.stats.n != n) {
            return 0;
        }
        n = cell.stats.n;
    }
    return n;
}

Grid buildGrid(const ResultTable& table, const TableFormat& format) {
    const double resolution = std::pow(10.0, -format.decimals) / format.scale;
    Grid grid;
    grid.corner = format.cornerLabel;
    for (const ResultColumn& column : table.columns()) {
        grid.header.push_back(Heading{column.label, 0});
    }
    for (size_t r = 0; r < table.rows().size(); ++r) {
        const ResultRow& row = table.rows()[r];
        const int64_t rowSeeds = uniformSeeds(row);
        grid.rowHeadings.push_back(Heading{row.label, format.showN && rowSeeds > 1 ? rowSeeds : 0});
        std::vector<CellText> texts;
        for (size_t c = 0; c < row.cells.size(); ++c) {
            const ResultCell& cell = row.cells[c];
            CellText text;
            if (cell.stats.n > 0) {
                text.empty = false;
                text.mean = fixed(cell.stats.mean * format.scale, format.decimals);
                if (format.showStd && cell.stats.n > 1) {
                    text.stdDev = fixed(cell.stats.stdDev * format.scale, format.decimals);
                }
                if (format.markBest) {
                    text.rank = table.rank(r, c, resolution);
                }
                if (const auto delta = table.relativeDelta(r, c); delta && format.showDeltas) {
                    char buffer[32];
                    std::snprintf(buffer, sizeof buffer, "%+.1f%%", *delta * 100.0);
                    text.delta = buffer;
                }
                text.significant = cell.pValue && *cell.pValue < format.alpha;
                if (format.showN && rowSeeds == 0 && cell.stats.n > 1) {
                    text.n = cell.stats.n;
                }
            }
            texts.push_back(text);
        }
        grid.cells.push_back(std::move(texts));
    }
    if (format.runsAsColumns) {
        Grid transposed;
        transposed.corner = grid.corner;
        transposed.header = grid.rowHeadings;
        transposed.rowHeadings = grid.header;
        transposed.cells.assign(grid.header.size(), std::vector<CellText>(grid.rowHeadings.size()));
        for (size_t r = 0; r < grid.rowHeadings.size(); ++r) {
            for (size_t c = 0; c < grid.header.size(); ++c) {
                transposed.cells[c][r] = grid.cells[r][c];
            }
        }
        return transposed;
    }
    return grid;
}

std::string latexHeading(const Heading& heading) {
    std::string text = escapeLatex(heading.text);
    if (heading.n > 0) {
        text += " ($n{=}" + std::to_string(heading.n) + "$)";
    }
    return text;
}

std::string latexCell(const CellText& cell) {
    if (cell.empty) {
        return "--";
    }
    std::string text;
    if (!cell.stdDev.empty()) {
        // The dagger goes inside the formula: two abutting formulas ("$…$$^…$") look like $$.
        const std::string math = cell.mean + " \\pm " + cell.stdDev;
        const std::string dagger = cell.significant ? "^{\\dagger}" : "";
        switch (cell.rank) {
            case CellRank::Best:
                text = "$\\mathbf{" + math + "}" + dagger + "$";
                break;
            case CellRank::Second:
                text = "\\underline{$" + math + dagger + "$}";
                break;
            case CellRank::None:
                text = "$" + math + dagger + "$";
                break;
        }
    } else {
        switch (cell.rank) {
            case CellRank::Best:
                text = "\\textbf{" + cell.mean + "}";
                break;
            case CellRank::Second:
                text = "\\underline{" + cell.mean + "}";
                break;
            case CellRank::None:
                text = cell.mean;
                break;
        }
        if (cell.significant) {
            text += "$^{\\dagger}$";
        }
    }
    if (cell.n > 0) {
        text += " ($n{=}" + std::to_string(cell.n) + "$)";
    }
    if (!cell.delta.empty()) {
        text += " {\\scriptsize (" + escapeLatex(cell.delta) + ")}";
    }
    return text;
}

std::string markdownHeading(const Heading& heading) {
    std::string text = escapeMarkdown(heading.text);
    if (heading.n > 0) {
        text += " (n=" + std::to_string(heading.n) + ")";
    }
    return text;
}

std::string markdownCell(const CellText& cell) {
    if (cell.empty) {
        return "–";
    }
    std::string text = cell.stdDev.empty() ? cell.mean : cell.mean + " ± " + cell.stdDev;
    switch (cell.rank) {
        case CellRank::Best:
            text = "**" + text + "**";
            break;
        case CellRank::Second:
            text = "<u>" + text + "</u>";
            break;
        case CellRank::None:
            break;
    }
    if (cell.significant) {
        text += "†";
    }
    if (cell.n > 0) {
        text += " (n=" + std::to_string(cell.n) + ")";
    }
    if (!cell.delta.empty()) {
        text += " (" + cell.delta + ")";
    }
    return text;
}

// The caption followed by the table's note on history exclusion (ResultTable::historyNote).
std::string captionWithNote(const ResultTable& table, const TableFormat& format) {
    const std::string note = table.historyNote();
    if (format.caption.empty() || note.empty()) return format.caption + note;
    return format.caption + (format.caption.back() == '.' ? " " : ". ") + note;
}

}  // namespace

// Shortest text that reads back as the same double.
std::string exactNumber(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) {
        return text;
    }
    std::string quoted = "\"";
    for (char c : text) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

std::string escapeLatex(const std::string& text) {
    static const std::map<std::string, std::string> kSymbols = {
        {"±", "$\\pm$"},       {"×", "$\\times$"},      {"−", "$-$"},         {"≤", "$\\leq$"},
        {"≥", "$\\geq$"},      {"→", "$\\rightarrow$"}, {"α", "$\\alpha$"},   {"β", "$\\beta$"},
        {"γ", "$\\gamma$"},    {"δ", "$\\delta$"},      {"ε", "$\\epsilon$"}, {"θ", "$\\theta$"},
        {"λ", "$\\lambda$"},   {"μ", "$\\mu$"},         {"σ", "$\\sigma$"},   {"τ", "$\\tau$"},
        {"†", "$^{\\dagger}$"}};
    std::string out;
    for (size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            // One UTF-8 sequence: known symbols become math, anything else (é, ü…) is left to
            // the document's UTF-8 input encoding.
            const size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            const std::string sequence = text.substr(i, length);
            const auto symbol = kSymbols.find(sequence);
            out += symbol != kSymbols.end() ? symbol->second : sequence;
            i += length;
            continue;
        }
        switch (c) {
            case '&':
            case '%':
            case '$':
            case '#':
            case '_':
            case '{':
            case '}':
                out += '\\';
                out += static_cast<char>(c);
                break;
            case '~':
                out += "\\textasciitilde{}";
                break;
            case '^':
                out += "\\textasciicircum{}";
                break;
            case '\\':
                out += "\\textbackslash{}";
                break;
            case '<':
                out += "\\textless{}";
                break;
            case '>':
                out += "\\textgreater{}";
                break;
            case '|':
                out += "\\textbar{}";
                break;
            case '\n':
            case '\r':
            case '\t':
                out += ' ';
                break;
            default:
                out += static_cast<char>(c);
        }
        ++i;
    }
    return out;
}

std::string escapeMarkdown(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '\\':
            case '|':
            case '*':
            case '_':
            case '`':
            case '[':
            case ']':
            case '<':
            case '>':
                out += '\\';
                out += c;
                break;
            case '\n':
            case '\r':
            case '\t':
                out += ' ';
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string toLatex(const ResultTable& table, const TableFormat& format) {
    const Grid grid = buildGrid(table, format);
    std::ostringstream out;
    out << "% Requires \\usepackage{booktabs}\n"
        << "\\begin{table}[t]\n"
        << "  \\centering\n";
    if (const std::string caption = captionWithNote(table, format); !caption.empty()) {
        out << "  \\caption{" << escapeLatex(caption) << "}\n";
    }
    if (!format.label.empty()) {
        out << "  \\label{" << format.label << "}\n";
    }
    out << "  \\begin{tabular}{l" << std::string(grid.header.size(), 'c') << "}\n"
        << "    \\toprule\n"
        << "    " << escapeLatex(grid.corner);
    for (const Heading& heading : grid.header) {
        out << " & " << latexHeading(heading);
    }
    out << " \\\\\n    \\midrule\n";
    for (size_t r = 0; r < grid.rowHeadings.size(); ++r) {
        out << "    " << latexHeading(grid.rowHeadings[r]);
        for (const CellText& cell : grid.cells[r]) {
            out << " & " << latexCell(cell);
        }
        out << " \\\\\n";
    }
    out << "    \\bottomrule\n"
        << "  \\end{tabular}\n";
    if (const std::string note = table.significanceNote(format.alpha); !note.empty()) {
        out << "  \\par\\smallskip{\\footnotesize\\raggedright " << escapeLatex(note) << "\\par}\n";
    }
    out << "\\end{table}\n";
    return out.str();
}

std::string toMarkdown(const ResultTable& table, const TableFormat& format) {
    const Grid grid = buildGrid(table, format);
    std::ostringstream out;
    out << "| " << escapeMarkdown(grid.corner);
    for (const Heading& heading : grid.header) {
        out << " | " << markdownHeading(heading);
    }
    out << " |\n| :---";
    for (size_t c = 0; c < grid.header.size(); ++c) {
        out << " | ---:";
    }
    out << " |\n";
    for (size_t r = 0; r < grid.rowHeadings.size(); ++r) {
        out << "| " << markdownHeading(grid.rowHeadings[r]);
        for (const CellText& cell : grid.cells[r]) {
            out << " | " << markdownCell(cell);
        }
        out << " |\n";
    }
    if (const std::string caption = captionWithNote(table, format); !caption.empty()) {
        out << "\nTable: " << caption << "\n";
    }
    if (const std::string note = table.significanceNote(format.alpha); !note.empty()) {
        out << "\n" << escapeMarkdown(note) << "\n";
    }
    return out.str();
}

std::string toCsv(const ResultTable& table, const TableFormat& format) {
    bool seeds = false;
    bool pValues = false;
    bool tests = false;
    for (const ResultRow& row : table.rows()) {
        for (const ResultCell& cell : row.cells) {
            seeds = seeds || cell.stats.n > 1;
            pValues = pValues || cell.pValue.has_value();
            tests = tests || cell.test.has_value();
        }
    }
    const bool deltas = table.baseline().has_value();
    const bool history = !table.historyNote().empty();  // some row's setting is known
    std::ostringstream out;
    out << csvField(format.cornerLabel);
    for (const ResultColumn& column : table.columns()) {
        out << ',' << csvField(column.key);
        if (seeds) {
            out << ',' << csvField(column.key + "_std") << ',' << csvField(column.key + "_n");
        }
        if (deltas) {
            out << ',' << csvField(column.key + "_delta");
        }
        if (pValues) {
            out << ',' << csvField(column.key + "_p");
        }
        if (tests) {
            for (const char* suffix : {"_p_unadjusted", "_tested_over", "_tested_n", "_diff",
                                       "_diff_low", "_diff_high", "_p_seeds"}) {
                out << ',' << csvField(column.key + suffix);
            }
        }
    }
    if (history) out << ",excludeHistory";
    out << '\n';
    for (size_t r = 0; r < table.rows().size(); ++r) {
        const ResultRow& row = table.rows()[r];
        out << csvField(row.label);
        for (size_t c = 0; c < row.cells.size(); ++c) {
            const ResultCell& cell = row.cells[c];
            const bool filled = cell.stats.n > 0;
            out << ',' << (filled ? exactNumber(cell.stats.mean) : "");
            if (seeds) {
                out << ',' << (filled ? exactNumber(cell.stats.stdDev) : "") << ',' << cell.stats.n;
            }
            if (deltas) {
                const auto delta = table.relativeDelta(r, c);
                out << ',' << (delta ? exactNumber(*delta) : "");
            }
            if (pValues) {
                out << ',' << (cell.pValue ? exactNumber(*cell.pValue) : "");
            }
            if (tests) {
                const std::optional<CellTest>& test = cell.test;
                if (!test) {
                    out << ",,,,,,,";
                    continue;
                }
                const auto optional = [](const auto& value, auto get) {
                    return value ? exactNumber(get(*value)) : std::string();
                };
                out << ',' << exactNumber(test->pValue) << ','
                    << (test->perUser ? "users" : "seeds") << ',' << test->n << ','
                    << exactNumber(test->meanDifference) << ','
                    << optional(test->interval, [](const BootstrapInterval& i) { return i.low; })
                    << ','
                    << optional(test->interval, [](const BootstrapInterval& i) { return i.high; })
                    << ','
                    << optional(test->seedTest, [](const TestResult& t) { return t.pValue; });
            }
        }
        if (history)
            out << ',' << (row.excludeHistory ? (*row.excludeHistory ? "true" : "false") : "");
        out << '\n';
    }
    return out.str();
}

}  // namespace dimerec
