#include "analysis/Aggregate.h"
#include "analysis/ResultTable.h"
#include "analysis/TableExport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace dimerec {
namespace {

ResultCell single(double value) {
    return ResultCell{aggregate({value}), std::nullopt};
}

ResultCell seeds(std::vector<double> values, std::optional<double> pValue = std::nullopt) {
    return ResultCell{aggregate(values), pValue};
}

// Two baselines with one run each and a model over three seeds; SASRec is the baseline.
// DimeRec's seeds give mean 0.0900 / sd 0.0010 (HR), 0.0450 / 0.0020 (NDCG), 0.5000 / 0.0100
// (Gini, lower is better). Deltas to SASRec by hand: ComiRec +5.0 %, +2.5 %, −8.3 %;
// DimeRec +12.5 %, +12.5 %, −16.7 %.
ResultTable mainTable() {
    ResultTable table(
        {{"hr@10", "HR@10", true}, {"ndcg@10", "NDCG@10", true}, {"gini@10", "Gini@10", false}});
    table.addRow("SASRec", {single(0.0800), single(0.0400), single(0.6000)});
    table.addRow("ComiRec-SA", {single(0.0840), single(0.0410), single(0.5500)});
    table.addRow("DimeRec (λ=1, 50%)",
                 {seeds({0.089, 0.090, 0.091}, 0.01), seeds({0.043, 0.045, 0.047}, 0.2),
                  seeds({0.49, 0.50, 0.51})});
    table.setBaseline(0);
    return table;
}

TableFormat paperFormat() {
    TableFormat format;
    format.caption = "Results on ML-1M (mean ± std over seeds)";
    format.label = "tab:main";
    return format;
}

TEST(ResultTable, RanksAndDeltas) {
    const ResultTable table = mainTable();
    EXPECT_EQ(table.rank(2, 0), CellRank::Best);
    EXPECT_EQ(table.rank(1, 0), CellRank::Second);
    EXPECT_EQ(table.rank(0, 0), CellRank::None);
    // Gini: lower is better.
    EXPECT_EQ(table.rank(2, 2), CellRank::Best);
    EXPECT_EQ(table.rank(0, 2), CellRank::None);
    EXPECT_FALSE(table.relativeDelta(0, 0).has_value());
    EXPECT_NEAR(*table.relativeDelta(1, 0), 0.05, 1e-12);
    EXPECT_NEAR(*table.relativeDelta(2, 2), -1.0 / 6.0, 1e-12);
}

TEST(ResultTable, TiesAtThePrintedPrecision) {
    // 0.08501 and 0.08499 both print as 0.0850: both best, and 0.0800 is second.
    ResultTable table({{"hr@10", "HR@10", true}});
    table.addRow("a", {single(0.08501)});
    table.addRow("b", {single(0.08499)});
    table.addRow("c", {single(0.0800)});
    table.addRow("missing", {ResultCell{}});
    EXPECT_EQ(table.rank(0, 0, 1e-4), CellRank::Best);
    EXPECT_EQ(table.rank(1, 0, 1e-4), CellRank::Best);
    EXPECT_EQ(table.rank(2, 0, 1e-4), CellRank::Second);
    EXPECT_EQ(table.rank(3, 0, 1e-4), CellRank::None);
    // Compared exactly, b is second and c unmarked.
    EXPECT_EQ(table.rank(1, 0), CellRank::Second);
    EXPECT_EQ(table.rank(2, 0), CellRank::None);
}

TEST(ResultTable, RejectsMalformedRows) {
    ResultTable table({{"hr@10", "HR@10", true}});
    EXPECT_THROW(table.addRow("a", {}), std::invalid_argument);
    EXPECT_THROW(table.setBaseline(0), std::out_of_range);
    EXPECT_THROW(table.cell(0, 0), std::out_of_range);
}

TEST(ResultTable, MetricNames) {
    EXPECT_EQ(metricLabel("ndcg@10"), "NDCG@10");
    EXPECT_EQ(metricLabel("hr@20"), "HR@20");
    EXPECT_EQ(metricLabel("recall@50"), "Recall@50");
    EXPECT_EQ(metricLabel("diversity"), "Diversity");
    EXPECT_TRUE(metricHigherIsBetter("ndcg@10"));
    EXPECT_FALSE(metricHigherIsBetter("gini@20"));
}

TEST(TableExport, LatexGolden) {
    const std::string expected =
        "% Requires \\usepackage{booktabs}\n"
        "\\begin{table}[t]\n"
        "  \\centering\n"
        "  \\caption{Results on ML-1M (mean $\\pm$ std over seeds)}\n"
        "  \\label{tab:main}\n"
        "  \\begin{tabular}{lccc}\n"
        "    \\toprule\n"
        "    Model & HR@10 & NDCG@10 & Gini@10 \\\\\n"
        "    \\midrule\n"
        "    SASRec & 0.0800 & 0.0400 & 0.6000 \\\\\n"
        "    ComiRec-SA & \\underline{0.0840} {\\scriptsize (+5.0\\%)} & "
        "\\underline{0.0410} {\\scriptsize (+2.5\\%)} & "
        "\\underline{0.5500} {\\scriptsize (-8.3\\%)} \\\\\n"
        "    DimeRec ($\\lambda$=1, 50\\%) ($n{=}3$) & "
        "$\\mathbf{0.0900 \\pm 0.0010}^{\\dagger}$ {\\scriptsize (+12.5\\%)} & "
        "$\\mathbf{0.0450 \\pm 0.0020}$ {\\scriptsize (+12.5\\%)} & "
        "$\\mathbf{0.5000 \\pm 0.0100}$ {\\scriptsize (-16.7\\%)} \\\\\n"
        "    \\bottomrule\n"
        "  \\end{tabular}\n"
        "\\end{table}\n";
    EXPECT_EQ(toLatex(mainTable(), paperFormat()), expected);
}

TEST(TableExport, LatexTransposedPercentagesNoDeltas) {
    TableFormat format;
    format.cornerLabel = "Metric";
    format.runsAsColumns = true;
    format.scale = 100.0;
    format.decimals = 2;
    format.showDeltas = false;
    const std::string expected =
        "% Requires \\usepackage{booktabs}\n"
        "\\begin{table}[t]\n"
        "  \\centering\n"
        "  \\begin{tabular}{lccc}\n"
        "    \\toprule\n"
        "    Metric & SASRec & ComiRec-SA & DimeRec ($\\lambda$=1, 50\\%) ($n{=}3$) \\\\\n"
        "    \\midrule\n"
        "    HR@10 & 8.00 & \\underline{8.40} & $\\mathbf{9.00 \\pm 0.10}^{\\dagger}$ \\\\\n"
        "    NDCG@10 & 4.00 & \\underline{4.10} & $\\mathbf{4.50 \\pm 0.20}$ \\\\\n"
        "    Gini@10 & 60.00 & \\underline{55.00} & $\\mathbf{50.00 \\pm 1.00}$ \\\\\n"
        "    \\bottomrule\n"
        "  \\end{tabular}\n"
        "\\end{table}\n";
    EXPECT_EQ(toLatex(mainTable(), format), expected);
}

TEST(TableExport, MarkdownGolden) {
    const std::string expected =
        "| Model | HR@10 | NDCG@10 | Gini@10 |\n"
        "| :--- | ---: | ---: | ---: |\n"
        "| SASRec | 0.0800 | 0.0400 | 0.6000 |\n"
        "| ComiRec-SA | <u>0.0840</u> (+5.0%) | <u>0.0410</u> (+2.5%) | <u>0.5500</u> (-8.3%) |\n"
        "| DimeRec (λ=1, 50%) (n=3) | **0.0900 ± 0.0010**† (+12.5%) | "
        "**0.0450 ± 0.0020** (+12.5%) | **0.5000 ± 0.0100** (-16.7%) |\n"
        "\n"
        "Table: Results on ML-1M (mean ± std over seeds)\n";
    EXPECT_EQ(toMarkdown(mainTable(), paperFormat()), expected);
}

TEST(TableExport, CsvGolden) {
    // Full-precision doubles, as the arithmetic leaves them: the expected strings are the
    // shortest round-trip forms of the same operations done in Python (repr of the sums,
    // means, sample sds and deltas), e.g. (0.089 + 0.090 + 0.091) / 3 = 0.09000000000000001.
    const std::string expected =
        "Model,hr@10,hr@10_std,hr@10_n,hr@10_delta,hr@10_p,ndcg@10,ndcg@10_std,ndcg@10_n,"
        "ndcg@10_delta,ndcg@10_p,gini@10,gini@10_std,gini@10_n,gini@10_delta,gini@10_p\n"
        "SASRec,0.08,0,1,,,0.04,0,1,,,0.6,0,1,,\n"
        "ComiRec-SA,0.084,0,1,0.050000000000000044,,0.041,0,1,0.025000000000000022,,"
        "0.55,0,1,-0.08333333333333323,\n"
        "\"DimeRec (λ=1, 50%)\",0.09000000000000001,0.0010000000000000009,3,0.1250000000000001,"
        "0.01,0.045000000000000005,0.0020000000000000018,3,0.1250000000000001,0.2,"
        "0.5,0.010000000000000009,3,-0.16666666666666663,\n";
    EXPECT_EQ(toCsv(mainTable()), expected);
}

// Every export says whether the rows ranked the users' history items (eval.excludeHistory):
// in the caption (after the given one) and as the last CSV column.
TEST(TableExport, SaysWhetherHistoryItemsWereExcluded) {
    ResultTable table({{"hr@10", "HR@10", true}});
    table.addRow("A", {single(0.5)}, true);
    table.addRow("B", {single(0.25)}, true);
    table.addRow("unknown", {single(0.125)});
    EXPECT_EQ(table.historyNote(), "History items excluded from the ranking.");
    TableFormat format;
    format.caption = "ML-1M";
    EXPECT_NE(
        toLatex(table, format).find("\\caption{ML-1M. History items excluded from the ranking.}"),
        std::string::npos);
    const std::string markdown = toMarkdown(table);
    EXPECT_EQ(markdown.substr(markdown.find("\nTable: ")),
              "\nTable: History items excluded from the ranking.\n");
    EXPECT_EQ(toCsv(table),
              "Model,hr@10,excludeHistory\nA,0.5,true\nB,0.25,true\nunknown,0.125,\n");

    table.addRow("C", {single(0.0625)}, false);
    EXPECT_EQ(table.historyNote(),
              "Mixed: history items excluded from the ranking for A, B; not excluded for C.");
    ResultTable old({{"hr@10", "HR@10", true}});
    old.addRow("C", {single(0.0625)}, false);
    EXPECT_EQ(old.historyNote(), "History items not excluded from the ranking.");
    EXPECT_EQ(ResultTable({{"hr@10", "HR@10", true}}).historyNote(), "");
}

TEST(TableExport, CsvQuotingAndEmptyCells) {
    ResultTable table({{"hr@10", "HR@10", true}});
    table.addRow("say \"hi\", then", {single(0.125)});
    table.addRow("none", {ResultCell{}});
    EXPECT_EQ(toCsv(table), "Model,hr@10\n\"say \"\"hi\"\", then\",0.125\nnone,\n");
}

TEST(TableExport, Escaping) {
    EXPECT_EQ(escapeLatex("a_b & c% $5 #1 {x} ~ ^ \\ <|>"),
              "a\\_b \\& c\\% \\$5 \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} "
              "\\textbackslash{} \\textless{}\\textbar{}\\textgreater{}");
    EXPECT_EQ(escapeLatex("μ = 0.5, Café"), "$\\mu$ = 0.5, Café");
    EXPECT_EQ(escapeMarkdown("a|b *c* _d_ <u>"), "a\\|b \\*c\\* \\_d\\_ \\<u\\>");
}

TEST(TableExport, MissingCellsAndPerCellSeeds) {
    // Row "x" has 3 seeds for HR but 2 for NDCG: the counts go into the cells, not the label.
    ResultTable table({{"hr@10", "HR@10", true}, {"ndcg@10", "NDCG@10", true}});
    table.addRow("x", {seeds({0.1, 0.2, 0.3}), seeds({0.1, 0.3})});
    table.addRow("y", {single(0.5), ResultCell{}});
    TableFormat format;
    format.decimals = 2;
    format.markBest = false;
    EXPECT_EQ(toMarkdown(table, format),
              "| Model | HR@10 | NDCG@10 |\n"
              "| :--- | ---: | ---: |\n"
              "| x | 0.20 ± 0.10 (n=3) | 0.20 ± 0.14 (n=2) |\n"
              "| y | 0.50 | – |\n");
}

TEST(TableExport, LatexCompilesWithPdflatex) {
    // Debian's texlive-latex-base + texlive-latex-recommended provide pdflatex and booktabs;
    // scripts/install-deps.sh does not install them, so without them this is skipped, in CI too.
    if (std::system("command -v pdflatex > /dev/null 2>&1") != 0) {
        GTEST_SKIP() << "pdflatex not installed: the LaTeX table is not compiled";
    }
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("dimerec-latex-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    TableFormat transposed = paperFormat();
    transposed.runsAsColumns = true;
    transposed.label = "tab:transposed";
    {
        std::ofstream document(dir / "table.tex");
        document << "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n"
                 << "\\usepackage{booktabs}\n\\begin{document}\n"
                 << toLatex(mainTable(), paperFormat()) << toLatex(mainTable(), transposed)
                 << "\\end{document}\n";
    }
    const std::string command = "cd '" + dir.string() +
                                "' && pdflatex -interaction=nonstopmode -halt-on-error table.tex"
                                " > pdflatex.log 2>&1";
    const int status = std::system(command.c_str());
    std::string log;
    if (status != 0) {
        std::ifstream file(dir / "pdflatex.log");
        log.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
    EXPECT_EQ(status, 0) << log;
    EXPECT_TRUE(std::filesystem::exists(dir / "table.pdf"));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dimerec
