// `dimerec export table …`: the tables of a paper, regenerated from the run store by a script.
#include "CliCommands.h"
#include "analysis/Comparison.h"
#include "analysis/RunTable.h"
#include "analysis/TableExport.h"
#include "store/RunStore.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace dimerec::cli {
namespace {

// Everything `export table` is told on its command line.
struct TableOptions {
    std::string db = RunStore::defaultPath();
    std::vector<std::string> runs;  // ids or uuid prefixes, in row order
    std::string study;
    std::vector<std::string> metrics;
    std::string split = "test";
    bool groupSeeds = false;
    bool readouts = false;       // a row per further readout a run stored (DimeRec, issue 19)
    std::string by;              // "", history-length or target-popularity: bucket columns
    std::vector<int64_t> edges;  // with `by`: where the buckets start
    std::string baseline;        // id or uuid prefix; "" = none
    std::string reference;       // row label of the study the others are tested against; "" = none
    bool significance = false;
    std::string test = "t";          // t | wilcoxon: the paired test (per user, else per seed)
    std::vector<std::string> names;  // RUN=LABEL row labels
    std::string format;              // latex | markdown | csv; "" = from the output's extension
    std::string output;              // file; "" = standard output
    TableFormat table;
    bool percent = false;
    bool noStd = false;
};

std::string formatOf(const TableOptions& options) {
    if (!options.format.empty()) {
        return options.format;
    }
    const auto endsWith = [&options](const std::string& suffix) {
        return options.output.size() >= suffix.size() &&
               options.output.compare(options.output.size() - suffix.size(), suffix.size(),
                                      suffix) == 0;
    };
    if (endsWith(".tex")) return "latex";
    if (endsWith(".md")) return "markdown";
    if (endsWith(".csv")) return "csv";
    throw std::invalid_argument(
        "give --format latex|markdown|csv (or an -o file ending in "
        ".tex, .md or .csv)");
}

// A finished run of `study` in the row labelled `label`: named `label`, or `label` followed by
// " seed N" as a sweep names its trials.
int64_t runOfLabel(const RunStore& store, const std::string& study, const std::string& label) {
    RunQuery query;
    query.study = study;
    query.statuses = {"finished"};
    query.sortBy = "id";
    query.descending = false;
    query.limit = 0;
    const std::string seeded = label + " seed ";
    for (const RunSummary& run : store.listRuns(query)) {
        const bool trialOfLabel =
            run.name.compare(0, seeded.size(), seeded) == 0 &&
            run.name.find_first_not_of("0123456789", seeded.size()) == std::string::npos &&
            run.name.size() > seeded.size();
        if (run.name == label || trialOfLabel) return run.id;
    }
    throw std::invalid_argument("--reference '" + label + "': no finished run of study '" + study +
                                "' is named '" + label + "' or '" + seeded + "N'");
}

void exportTable(TableOptions options) {
    const std::string format = formatOf(options);
    const RunStore store(options.db, RunStore::Mode::ReadOnly);
    RunTableRequest request;
    for (const std::string& run : options.runs) {
        request.runs.push_back(store.resolveRun(run));
    }
    request.study = options.study;
    request.metrics = options.metrics;
    request.split = options.split;
    request.groupSeeds = options.groupSeeds;
    request.readouts = options.readouts;
    if (!options.by.empty()) {
        request.byUsers = options.by == "history-length" ? UserGrouping::HistoryLength
                                                         : UserGrouping::TargetPopularity;
        request.edges = options.edges;
    }
    request.significance = options.significance;
    request.test = options.test == "wilcoxon" ? SeedTest::Wilcoxon : SeedTest::PairedT;
    if (!options.baseline.empty()) {
        request.baselineRun = store.resolveRun(options.baseline);
    }
    if (!options.reference.empty()) {
        request.baselineRun = runOfLabel(store, options.study, options.reference);
        request.groupSeeds = true;
        request.significance = true;
    }
    for (const std::string& name : options.names) {
        const size_t equals = name.find('=');
        if (equals == std::string::npos || equals == 0) {
            throw std::invalid_argument("--name wants RUN=LABEL, got '" + name + "'");
        }
        request.labels[store.resolveRun(name.substr(0, equals))] = name.substr(equals + 1);
    }
    const std::vector<ResultTable> tables = buildRunTables(store, request);

    options.table.scale = options.percent ? 100.0 : 1.0;
    options.table.showStd = !options.noStd;
    std::string text;
    for (const ResultTable& table : tables) {
        if (format == "csv") {
            // One header: the tables share their columns, and each row says its setting.
            const std::string csv = toCsv(table, options.table);
            text += text.empty() ? csv : csv.substr(csv.find('\n') + 1);
        } else {
            if (!text.empty()) text += "\n";
            text += format == "latex" ? toLatex(table, options.table)
                                      : toMarkdown(table, options.table);
        }
    }
    if (options.output.empty()) {
        std::cout << text;
        return;
    }
    std::ofstream file(options.output, std::ios::binary);
    file << text;
    file.close();
    if (!file) {
        throw std::runtime_error("could not write " + options.output);
    }
    std::cout << "wrote a " << format << " table of " << tables.front().rows().size()
              << " rows and " << tables.front().columns().size()
              << (options.by.empty() ? " metrics" : " buckets of test users") << " to "
              << options.output << "\n";
    if (tables.size() > 1)
        std::cout << "followed by the same rows under the other eval.excludeHistory setting, "
                     "which the runs stored because some test targets are items of their own "
                     "history (--split "
                  << kTestHistoryExcluded << " or " << kTestHistoryKept << " for one table)\n";
}

}  // namespace

void addExportCommands(CLI::App& app) {
    CLI::App* exportCommand = app.add_subcommand("export", "Export tables for papers");
    exportCommand->require_subcommand(1);
    CLI::App* table = exportCommand->add_subcommand(
        "table", "Results of runs or seed groups as a LaTeX (booktabs), Markdown or CSV table");
    auto options = std::make_shared<TableOptions>();
    table->add_option("--db", options->db,
                      "Run database (default: " + RunStore::defaultPath() + ")");
    CLI::Option* runs = table
                            ->add_option("--runs", options->runs,
                                         "Runs (ids or uuid prefixes), one row each, in this order")
                            ->delimiter(',');
    CLI::Option* study = table->add_option("--study", options->study,
                                           "Every finished run of this study, in id order");
    runs->excludes(study);
    table
        ->add_option("--metrics", options->metrics,
                     "Metric columns, e.g. hr@10,ndcg@10 (default: every metric of the runs)")
        ->delimiter(',');
    table
        ->add_option("--split", options->split,
                     "Final metrics of: test (each run's own eval.excludeHistory; where runs "
                     "also stored their test under the other setting, because some test targets "
                     "are items of their own history, a second table of that setting follows), "
                     "valid, or the test with history excluded or kept whatever the runs' setting")
        ->capture_default_str()
        ->check(CLI::IsMember({"test", "valid", kTestHistoryExcluded, kTestHistoryKept}));
    table->add_flag("--group-seeds", options->groupSeeds,
                    "One row per seed group (same config): mean ± std over seeds");
    table->add_flag("--readouts", options->readouts,
                    "After each row, a row per further readout its runs stored (DimeRec's "
                    "Algorithm 2, DAM samples, interests and fused readouts), labelled "
                    "\"<row> [<readout> readout]\"");
    table
        ->add_option("--by", options->by,
                     "Columns of one per-user metric (--metrics) over buckets of test users: by "
                     "history-length (items before the target) or target-popularity (the "
                     "target's training interactions); deltas and --significance over each "
                     "bucket's users")
        ->check(CLI::IsMember({"history-length", "target-popularity"}));
    table
        ->add_option("--edges", options->edges,
                     "With --by: where the buckets start (default 5,10,20,50 for history-length, "
                     "10,100,1000 for target-popularity)")
        ->delimiter(',')
        ->needs("--by");
    table->add_option("--baseline", options->baseline,
                      "Run (grouped: its group) the others are compared with: relative deltas");
    CLI::Option* reference = table->add_option(
        "--reference", options->reference,
        "With --study: the row (a sweep's variant, e.g. full) the others are compared with: "
        "seed groups, relative deltas and significance marks");
    reference->needs(study);
    reference->excludes("--baseline");
    table->add_flag("--significance", options->significance,
                    "With --baseline: mark cells that differ at p < alpha, Holm-corrected across "
                    "the rows of each column; paired over the test users both rows share "
                    "(a seed group's per-user values averaged over its seeds), over the seeds "
                    "both ran where runs lack per-user ranks. The table's footnote says which");
    table
        ->add_option("--test", options->test,
                     "Paired test: t (paired t-test) or wilcoxon (signed-rank, zero differences "
                     "dropped)")
        ->capture_default_str()
        ->check(CLI::IsMember({"t", "wilcoxon"}));
    table->add_option("--alpha", options->table.alpha, "Significance level of the dagger mark")
        ->capture_default_str();
    table->add_option("--name", options->names, "Row label of a run (or its group): RUN=LABEL");
    table->add_option("--format", options->format, "latex | markdown | csv (default: from -o)")
        ->check(CLI::IsMember({"latex", "markdown", "csv"}));
    table->add_option("-o,--output", options->output,
                      "Write to this file instead of standard output");
    table->add_option("--caption", options->table.caption,
                      "Table caption (the note on whether history items were excluded from the "
                      "ranking follows it)");
    table->add_option("--label", options->table.label, "LaTeX label, e.g. tab:main");
    table->add_option("--corner", options->table.cornerLabel, "Header of the label column")
        ->capture_default_str();
    table->add_option("--decimals", options->table.decimals, "Digits after the point")
        ->capture_default_str()
        ->check(CLI::Range(0, 12));
    table->add_flag("--percent", options->percent, "Print values × 100");
    table->add_flag("--no-std", options->noStd, "Means only, without ± std");
    table->add_flag("--transpose", options->table.runsAsColumns,
                    "One column per run (or group), one row per metric");
    table->callback([options] {
        if (options->runs.empty() && options->study.empty()) {
            throw std::invalid_argument("export table: give --runs or --study");
        }
        exportTable(*options);
    });
}

}  // namespace dimerec::cli
