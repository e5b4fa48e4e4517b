// `dimerec runs …`: the run store from a terminal or a script. Tables are aligned text;
// --json and --csv give the same rows for programs.
#include "CliCommands.h"
#include "CliSupport.h"
#include "analysis/TableExport.h"
#include "config/RunConfig.h"
#include "store/RunStore.h"
#include "util/BuildInfo.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <unistd.h>

namespace dimerec::cli {
namespace {

using nlohmann::json;

struct Output {
    bool json = false;  // one JSON document
    bool csv = false;   // RFC 4180 CSV with a header row
};

// A table of text cells; rendered aligned, as CSV, or as JSON objects keyed by header.
struct Table {
    std::vector<std::string> headers;
    std::vector<std::vector<std::string>> rows;
};

size_t displayWidth(const std::string& text) {
    // UTF-8: count lead bytes only, so "λ=1" is three columns wide.
    return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

void printTable(const Table& table, const Output& output) {
    if (output.json) {
        json rows = json::array();
        for (const auto& row : table.rows) {
            json object;
            for (size_t i = 0; i < table.headers.size(); ++i) object[table.headers[i]] = row[i];
            rows.push_back(object);
        }
        std::cout << rows.dump(2) << "\n";
        return;
    }
    if (output.csv) {
        auto line = [](const std::vector<std::string>& cells) {
            for (size_t i = 0; i < cells.size(); ++i) {
                std::cout << (i ? "," : "") << csvField(cells[i]);
            }
            std::cout << "\n";
        };
        line(table.headers);
        for (const auto& row : table.rows) line(row);
        return;
    }
    std::vector<size_t> widths;
    for (const auto& header : table.headers) widths.push_back(displayWidth(header));
    for (const auto& row : table.rows) {
        for (size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], displayWidth(row[i]));
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (size_t i = 0; i < cells.size(); ++i) {
            text += cells[i];
            if (i + 1 < cells.size())
                text += std::string(widths[i] - displayWidth(cells[i]) + 2, ' ');
        }
        std::cout << text << "\n";
    };
    line(table.headers);
    for (const auto& row : table.rows) line(row);
}

std::string formatTime(double unixSeconds) {
    if (unixSeconds <= 0.0) return "";
    const std::time_t time = static_cast<std::time_t>(unixSeconds);
    std::tm local{};
    localtime_r(&time, &local);
    char text[32];
    std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M", &local);
    return text;
}

std::string formatNumber(double value, int precision = 4) {
    if (std::isnan(value)) return "";
    std::ostringstream out;
    out << std::fixed << std::setprecision(precision) << value;
    return out.str();
}

std::string join(const std::vector<std::string>& parts, const char* separator) {
    std::string text;
    for (const auto& part : parts) text += (text.empty() ? "" : separator) + part;
    return text;
}

void addOutputFlags(CLI::App* command, const std::shared_ptr<Output>& output) {
    CLI::Option* jsonFlag = command->add_flag("--json", output->json, "Print JSON");
    command->add_flag("--csv", output->csv, "Print CSV")->excludes(jsonFlag);
}

void addDbOption(CLI::App* command, const std::shared_ptr<std::string>& db) {
    command->add_option("--db", *db, "Run database (default: " + RunStore::defaultPath() + ")");
}

struct ListOptions {
    RunQuery query;
    std::vector<std::string> metrics = {"ndcg@10", "hr@10"};
    bool ascending = false;
};

void addFilterOptions(CLI::App* command, RunQuery& query) {
    command->add_option("-f,--filter", query.text,
                        "Text in name, model, dataset, study, tags or notes");
    command->add_option("--tag", query.tags, "Only runs with this tag (repeatable)");
    command->add_option("--status", query.statuses,
                        "Only runs with this status (repeatable): queued, running, finished, "
                        "failed, cancelled, interrupted");
    command->add_option("--model", query.model, "Only runs of this model");
    command->add_option("--dataset", query.dataset, "Only runs on this dataset");
    command->add_option("--study", query.study, "Only runs of this study");
    command->add_flag("--archived", query.includeArchived, "Include archived runs");
}

std::string countCell(int64_t count) {
    return count > 0 ? std::to_string(count) : "";
}

void listRuns(const std::string& db, ListOptions options, const Output& output) {
    const RunStore store(db);
    options.query.descending = !options.ascending;
    const std::vector<RunSummary> runs = store.listRuns(options.query);
    if (output.json) {
        json rows = json::array();
        for (const RunSummary& run : runs) {
            json row = toJson(run);
            const TrainingExtent extent = store.trainingExtent(run.id);
            row["epochs"] = extent.epochs;
            row["bestEpoch"] = extent.bestEpoch;
            rows.push_back(std::move(row));
        }
        std::cout << json{{"total", store.countRuns(options.query)}, {"runs", rows}}.dump(2)
                  << "\n";
        return;
    }
    Table table;
    table.headers = {"id",     "uuid",    "study", "name",   "model",      "dataset", "seed",
                     "status", "started", "steps", "epochs", "best epoch", "wall"};
    for (const std::string& metric : options.metrics) table.headers.push_back(metric);
    table.headers.push_back("tags");
    for (const RunSummary& run : runs) {
        std::vector<std::string> row = {std::to_string(run.id),
                                        run.uuid.substr(0, 8),
                                        run.study,
                                        run.name,
                                        run.model,
                                        run.dataset,
                                        std::to_string(run.seed),
                                        run.status,
                                        formatTime(run.startedAt),
                                        std::to_string(run.steps)};
        const TrainingExtent extent = store.trainingExtent(run.id);
        row.push_back(countCell(extent.epochs));
        row.push_back(countCell(extent.bestEpoch));
        row.push_back(run.elapsedSeconds > 0 ? duration(run.elapsedSeconds) : "");
        for (const std::string& metric : options.metrics) {
            const auto found = run.testMetrics.find(metric);
            row.push_back(found == run.testMetrics.end() ? "" : formatNumber(found->second));
        }
        row.push_back(join(run.tags, ","));
        table.rows.push_back(std::move(row));
    }
    printTable(table, output);
    if (!output.csv) {
        std::cout << runs.size() << " of " << store.countRuns(options.query) << " runs\n";
    }
}

void showRun(const std::string& db, const std::string& reference, bool asJson) {
    const RunStore store(db);
    const RunDetails details = store.run(store.resolveRun(reference));
    const RunSummary& s = details.summary;
    const Provenance& p = details.provenance;
    if (asJson) {
        json out = toJson(s);
        out["config"] = json::parse(details.configJson);
        out["datasetFingerprint"] = details.datasetFingerprint;
        out["provenance"] = provenanceToJson(p);
        out["notes"] = details.notes;
        out["bestCheckpoint"] = details.bestCheckpoint;
        out["lastCheckpoint"] = details.lastCheckpoint;
        out["series"] = json::array();
        for (const SeriesInfo& info : details.series) {
            out["series"].push_back(
                {{"source", info.source}, {"name", info.name}, {"points", info.points}});
        }
        std::cout << out.dump(2) << "\n";
        return;
    }
    auto field = [](const std::string& key, const std::string& value) {
        std::cout << key << std::string(key.size() < 20 ? 20 - key.size() : 1, ' ') << value
                  << "\n";
    };
    field("run", std::to_string(s.id) + " (" + s.uuid + ")");
    field("name", s.name);
    field("study", s.study);
    field("status", s.status + (s.message.empty() ? "" : ": " + s.message));
    field("model", s.model);
    field("dataset", s.dataset + " (" + s.protocol + ")");
    field("dataset fingerprint", details.datasetFingerprint);
    field("seed", std::to_string(s.seed));
    field("config hash", s.configHash);
    field("started", formatTime(s.startedAt));
    field("ended", formatTime(s.endedAt));
    field("steps", std::to_string(s.steps));
    field("elapsed", formatNumber(s.elapsedSeconds, 1) + " s");
    field("tags", join(s.tags, ", "));
    field("program", p.programVersion + " (commit " + p.gitCommit + ")");
    field("LibTorch", p.libtorchVersion);
    field("BLAS", blasDescription(p.blasLibrary, p.blasKernels));
    if (!p.cpu.empty()) field("CPU", p.cpu);
    field("device", p.device + ", " + std::to_string(p.threads) + " threads");
    field("host", p.host + " (pid " + std::to_string(p.pid) + ")");
    field("best checkpoint", details.bestCheckpoint);
    field("last checkpoint", details.lastCheckpoint);
    if (!details.notes.empty()) field("notes", details.notes);
    for (const auto& [split, metrics] :
         {std::pair{"test", &s.testMetrics}, std::pair{"valid", &s.validMetrics}}) {
        for (const auto& [name, value] : *metrics)
            field(std::string(split) + " " + name, formatNumber(value));
    }
    for (const SeriesInfo& info : details.series) {
        field("series " + info.source + "/" + info.name, std::to_string(info.points) + " points");
    }
    std::cout << "config\n" << details.configJson << "\n";
}

// Metric rows × run columns, with each run's difference to the first.
void compareRuns(const std::string& db, const std::vector<std::string>& references,
                 const Output& output) {
    const RunStore store(db);
    std::vector<RunSummary> runs;
    for (const std::string& reference : references) {
        runs.push_back(store.run(store.resolveRun(reference)).summary);
    }
    std::set<std::string> metrics;
    for (const RunSummary& run : runs) {
        for (const auto& [name, value] : run.testMetrics) metrics.insert(name);
    }
    Table table;
    table.headers = {"metric"};
    for (size_t i = 0; i < runs.size(); ++i) {
        const std::string label = "run " + std::to_string(runs[i].id);
        table.headers.push_back(label);
        if (i > 0) table.headers.push_back("Δ " + label);
    }
    for (const std::string& metric : metrics) {
        std::vector<std::string> row = {metric};
        const auto base = runs[0].testMetrics.find(metric);
        for (size_t i = 0; i < runs.size(); ++i) {
            const auto found = runs[i].testMetrics.find(metric);
            const bool has = found != runs[i].testMetrics.end();
            row.push_back(has ? formatNumber(found->second) : "");
            if (i == 0) continue;
            const bool both = has && base != runs[0].testMetrics.end();
            row.push_back(both ? (found->second >= base->second ? "+" : "") +
                                     formatNumber(found->second - base->second)
                               : "");
        }
        table.rows.push_back(std::move(row));
    }
    printTable(table, output);
}

// Seed groups among the filtered runs: mean ± std over seeds, per metric.
void compareGroups(const std::string& db, const RunQuery& query,
                   const std::vector<std::string>& metrics, const Output& output) {
    const RunStore store(db);
    const std::vector<SeedGroup> groups = store.seedGroups(query);
    if (output.json) {
        json out = json::array();
        for (const SeedGroup& group : groups) {
            json stats;
            for (const auto& [name, m] : group.metrics) {
                stats[name] = {{"n", m.n},           {"mean", m.mean}, {"std", m.stdDev},
                               {"stdErr", m.stdErr}, {"min", m.min},   {"max", m.max}};
            }
            out.push_back({{"configHash", group.configHash},
                           {"name", group.name},
                           {"model", group.model},
                           {"dataset", group.dataset},
                           {"runIds", group.runIds},
                           {"seeds", group.seeds},
                           {"metrics", stats}});
        }
        std::cout << out.dump(2) << "\n";
        return;
    }
    Table table;
    table.headers = {"config", "name", "model", "dataset", "runs"};
    for (const std::string& metric : metrics) {
        table.headers.push_back(metric + " mean");
        table.headers.push_back(metric + " std");
        table.headers.push_back(metric + " n");
    }
    for (const SeedGroup& group : groups) {
        std::vector<std::string> row = {group.configHash.substr(0, 10), group.name, group.model,
                                        group.dataset, std::to_string(group.runIds.size())};
        for (const std::string& metric : metrics) {
            const auto found = group.metrics.find(metric);
            const bool has = found != group.metrics.end();
            row.push_back(has ? formatNumber(found->second.mean) : "");
            row.push_back(has ? formatNumber(found->second.stdDev) : "");
            row.push_back(has ? std::to_string(found->second.n) : "0");
        }
        table.rows.push_back(std::move(row));
    }
    printTable(table, output);
}

struct ExportOptions {
    std::string run;
    std::string out;
    std::string study;
    std::string outDir;
    std::string snapshots = "all";
    int64_t trainPoints = 0;
    bool resumable = false;
};

std::string formatSize(uintmax_t bytes) {
    return formatNumber(static_cast<double>(bytes) / (1024.0 * 1024.0), 2) + " MiB";
}

// One bundle per finished run of the study, named by study and run uuid: a file already there
// holds that run, so it is kept and a rerun after more trials finished writes only the new ones.
// With --resumable also the latest unfinished run of each trial that has not finished, with its
// last checkpoint, as <study>-<uuid>.unfinished.json.gz: written again each time (the run may
// have gone on), and removed once the run's finished bundle is there.
void exportStudy(const RunStore& store, const std::string& db, const ExportOptions& options,
                 RunStore::Snapshots snapshots) {
    RunQuery query;
    query.study = options.study;
    query.statuses = {"finished"};
    if (options.resumable)
        query.statuses.insert(query.statuses.end(), {"cancelled", "interrupted"});
    query.includeArchived = true;  // as the sweep counts them
    query.sortBy = "id";
    query.descending = false;
    query.limit = 0;
    const std::vector<RunSummary> runs = store.listRuns(query);
    // The trials (config and seed) that finished, and each other trial's latest run.
    std::set<std::pair<std::string, uint64_t>> finished;
    std::map<std::pair<std::string, uint64_t>, const RunSummary*> unfinished;
    for (const RunSummary& run : runs) {
        const auto trial = std::make_pair(run.configHash, run.seed);
        if (run.status == "finished") {
            finished.insert(trial);
        } else {
            unfinished[trial] = &run;
        }
    }
    if (finished.empty() && unfinished.empty())
        throw std::invalid_argument("no finished run of study '" + options.study + "' in " + db);
    std::filesystem::create_directories(options.outDir);
    int written = 0;
    int kept = 0;
    int carried = 0;
    uintmax_t bytes = 0;
    for (const RunSummary& run : runs) {
        const std::filesystem::path file = std::filesystem::path(options.outDir) /
                                           RunStore::bundleFileName(options.study, run.uuid);
        const std::filesystem::path carriedFile =
            std::filesystem::path(options.outDir) /
            RunStore::bundleFileName(options.study, run.uuid, true);
        if (run.status == "finished") {
            if (std::filesystem::exists(file)) {
                ++kept;
            } else {
                store.exportBundle(run.id, file.string(), snapshots, options.trainPoints);
                ++written;
            }
            std::filesystem::remove(carriedFile);  // it finished since
            bytes += std::filesystem::file_size(file);
            continue;
        }
        const auto trial = std::make_pair(run.configHash, run.seed);
        if (finished.count(trial) > 0 || unfinished.at(trial) != &run) {
            std::filesystem::remove(carriedFile);  // superseded by a later run of the trial
            continue;
        }
        if (RunStore::resumableCheckpoint(store.run(run.id)).empty()) continue;
        store.exportBundle(run.id, carriedFile.string(), snapshots, options.trainPoints, true);
        ++carried;
        bytes += std::filesystem::file_size(carriedFile);
    }
    std::cout << "exported " << written << " run(s) of study " << options.study << " to "
              << options.outDir << ", " << kept << " already there";
    if (options.resumable) std::cout << ", " << carried << " unfinished with their last checkpoint";
    std::cout << "; " << written + kept + carried << " bundle(s), " << formatSize(bytes)
              << " in all\n";
}

void exportRuns(const std::string& db, const ExportOptions& options) {
    const bool oneRun = !options.run.empty();
    const bool study = !options.study.empty();
    if (oneRun == study)
        throw std::invalid_argument("runs export needs either a run (id or uuid) or --study NAME");
    if (oneRun && options.out.empty())
        throw std::invalid_argument("runs export RUN needs -o FILE, the bundle to write");
    if (oneRun && !options.outDir.empty())
        throw std::invalid_argument("--out-dir goes with --study; runs export RUN writes -o FILE");
    if (study && options.outDir.empty())
        throw std::invalid_argument(
            "runs export --study needs --out-dir DIR, the folder for one bundle per run");
    if (study && !options.out.empty())
        throw std::invalid_argument(
            "-o goes with a run; runs export --study writes into --out-dir");
    const RunStore::Snapshots snapshots = options.snapshots == "none" ? RunStore::Snapshots::None
                                          : options.snapshots == "final"
                                              ? RunStore::Snapshots::Final
                                              : RunStore::Snapshots::All;
    const RunStore store(db);
    if (study) {
        exportStudy(store, db, options, snapshots);
        return;
    }
    const int64_t id = store.resolveRun(options.run);
    store.exportBundle(id, options.out, snapshots, options.trainPoints, options.resumable);
    std::cout << "exported run " << id << " to " << options.out << " ("
              << formatSize(std::filesystem::file_size(options.out)) << ")\n";
}

void importRuns(const std::string& db, const std::vector<std::string>& paths,
                const std::string& study) {
    RunStore store(db);
    const std::vector<std::string> files = RunStore::runFilesIn(paths);
    int added = 0;
    int stored = 0;
    for (const std::string& path : files) {
        const RunStore::FileImport result = store.importFile(path, study);
        added += static_cast<int>(result.added.size());
        if (result.database) {
            std::cout << "imported " << result.added.size() << " new run(s) from " << path << "\n";
        } else if (result.storedAs == 0) {
            std::cout << "imported run " << result.added.front() << " from " << path << "\n";
        } else {
            std::cout << "skipped " << path << ": its run is stored already as run "
                      << result.storedAs << "\n";
            ++stored;
        }
    }
    if (files.size() > 1 || stored > 0)
        std::cout << added << " run(s) imported, " << stored << " already stored\n";
}

}  // namespace

void addRunsCommands(CLI::App& app) {
    CLI::App* runs = app.add_subcommand("runs", "List, inspect, compare, tag and move stored runs");
    runs->require_subcommand(1);
    auto db = std::make_shared<std::string>(RunStore::defaultPath());

    auto listOptions = std::make_shared<ListOptions>();
    auto listOutput = std::make_shared<Output>();
    CLI::App* list = runs->add_subcommand("list", "List runs, newest first");
    addDbOption(list, db);
    addFilterOptions(list, listOptions->query);
    list->add_option("--sort", listOptions->query.sortBy,
                     "Sort by id, name, study, model, dataset, protocol, seed, status, started, "
                     "ended, steps, elapsed, config_hash, or a metric test:ndcg@10 / valid:hr@10")
        ->capture_default_str();
    list->add_flag("--asc", listOptions->ascending, "Ascending order (default: descending)");
    list->add_option("--limit", listOptions->query.limit, "Rows to show (0 = all)")
        ->capture_default_str();
    list->add_option("--offset", listOptions->query.offset, "Rows to skip")->capture_default_str();
    list->add_option("--metric", listOptions->metrics, "Test metric columns to show")
        ->capture_default_str();
    addOutputFlags(list, listOutput);
    list->callback([db, listOptions, listOutput] { listRuns(*db, *listOptions, *listOutput); });

    auto showRef = std::make_shared<std::string>();
    auto showJson = std::make_shared<bool>(false);
    CLI::App* show = runs->add_subcommand("show", "Show one run: config, provenance, metrics");
    addDbOption(show, db);
    show->add_option("run", *showRef, "Run id or uuid (prefix)")->required();
    show->add_flag("--json", *showJson, "Print JSON");
    show->callback([db, showRef, showJson] { showRun(*db, *showRef, *showJson); });

    auto compareRefs = std::make_shared<std::vector<std::string>>();
    auto compareGroupsFlag = std::make_shared<bool>(false);
    auto compareQuery = std::make_shared<RunQuery>();
    auto compareMetrics =
        std::make_shared<std::vector<std::string>>(std::vector<std::string>{"ndcg@10", "hr@10"});
    auto compareOutput = std::make_shared<Output>();
    CLI::App* compare = runs->add_subcommand(
        "compare", "Compare the test metrics of runs, or of seed groups (--groups)");
    addDbOption(compare, db);
    compare->add_option("runs", *compareRefs, "Run ids or uuids; the first is the baseline");
    compare->add_flag("--groups", *compareGroupsFlag,
                      "Aggregate runs with equal configs over seeds (mean, std, n)");
    addFilterOptions(compare, *compareQuery);
    compare->add_option("--metric", *compareMetrics, "Metrics of the --groups table")
        ->capture_default_str();
    addOutputFlags(compare, compareOutput);
    compare->callback(
        [db, compareRefs, compareGroupsFlag, compareQuery, compareMetrics, compareOutput] {
            if (*compareGroupsFlag) {
                compareGroups(*db, *compareQuery, *compareMetrics, *compareOutput);
            } else if (compareRefs->size() < 2) {
                throw std::invalid_argument("runs compare needs two or more runs, or --groups");
            } else {
                compareRuns(*db, *compareRefs, *compareOutput);
            }
        });

    auto tagRef = std::make_shared<std::string>();
    auto tagAdd = std::make_shared<std::vector<std::string>>();
    auto tagRemove = std::make_shared<std::vector<std::string>>();
    auto tagNotes = std::make_shared<std::string>();
    CLI::App* tag = runs->add_subcommand("tag", "Add or remove tags of a run, or set its notes");
    addDbOption(tag, db);
    tag->add_option("run", *tagRef, "Run id or uuid (prefix)")->required();
    tag->add_option("tags", *tagAdd, "Tags to add");
    tag->add_option("--remove", *tagRemove, "Tags to remove");
    CLI::Option* notesOption = tag->add_option("--notes", *tagNotes, "Replace the run's notes");
    tag->callback([db, tagRef, tagAdd, tagRemove, tagNotes, notesOption] {
        RunStore store(*db);
        const int64_t id = store.resolveRun(*tagRef);
        store.addTags(id, *tagAdd);
        store.removeTags(id, *tagRemove);
        if (notesOption->count() > 0) store.setNotes(id, *tagNotes);
        std::cout << "run " << id << " tags: " << join(store.run(id).summary.tags, ", ") << "\n";
    });

    auto deleteRefs = std::make_shared<std::vector<std::string>>();
    auto deleteYes = std::make_shared<bool>(false);
    auto archive = std::make_shared<bool>(false);
    CLI::App* remove = runs->add_subcommand("delete", "Delete (or archive) runs");
    addDbOption(remove, db);
    remove->add_option("runs", *deleteRefs, "Run ids or uuids")->required();
    remove->add_flag("--archive", *archive, "Archive (hide from lists) instead of deleting");
    remove->add_flag("-y,--yes", *deleteYes, "Really delete (deleting cannot be undone)");
    remove->callback([db, deleteRefs, deleteYes, archive] {
        if (!*archive && !*deleteYes) {
            throw std::invalid_argument(
                "deleting runs cannot be undone: add --yes (or use --archive)");
        }
        RunStore store(*db);
        std::vector<int64_t> ids;
        for (const std::string& reference : *deleteRefs) ids.push_back(store.resolveRun(reference));
        for (const int64_t id : ids) {
            if (*archive) {
                store.setArchived(id, true);
                std::cout << "archived run " << id << "\n";
            } else {
                store.deleteRun(id);
                std::cout << "deleted run " << id << "\n";
            }
        }
    });

    auto exportOptions = std::make_shared<ExportOptions>();
    CLI::App* exportCommand = runs->add_subcommand(
        "export",
        "Write a run to one bundle file (.json, or .json.gz compressed), or every finished run "
        "of a study to one bundle each (--study, --out-dir)");
    addDbOption(exportCommand, db);
    exportCommand->add_option("run", exportOptions->run, "Run id or uuid (prefix)");
    exportCommand->add_option("-o,--out", exportOptions->out, "Bundle file to write (with a run)");
    exportCommand->add_option("--study", exportOptions->study,
                              "Export every finished run of this study instead of one run");
    exportCommand->add_option("--out-dir", exportOptions->outDir,
                              "Folder for the study's bundles, <study>-<run uuid>.json.gz; "
                              "bundles already there are kept, so a rerun adds the new runs");
    exportCommand
        ->add_option("--snapshots", exportOptions->snapshots,
                     "Embedding snapshots to carry: all, final (the last one) or none; "
                     "metrics, readouts and per-user target ranks are always carried")
        ->check(CLI::IsMember({"all", "final", "none"}))
        ->capture_default_str();
    exportCommand
        ->add_option("--train-points", exportOptions->trainPoints,
                     "Keep at most about N points of each training-loss series (the first, "
                     "every k-th and the last, exact values); 0 = every step. Validation and "
                     "test series are always whole")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    exportCommand->add_flag(
        "--resumable", exportOptions->resumable,
        "A cancelled or interrupted run's bundle carries its last checkpoint (a few to tens of "
        "MB), so that a sweep continues it where the bundle is imported; with --study, each "
        "unfinished trial's latest run is exported too, as <study>-<run uuid>.unfinished.json.gz");
    exportCommand->callback([db, exportOptions] { exportRuns(*db, *exportOptions); });

    auto importPaths = std::make_shared<std::vector<std::string>>();
    auto importStudy = std::make_shared<std::string>();
    CLI::App* importCommand =
        runs->add_subcommand("import",
                             "Add runs from bundle files, folders of bundles, or other run "
                             "databases (a run already stored is kept and reported)");
    addDbOption(importCommand, db);
    importCommand
        ->add_option("bundles", *importPaths,
                     "Bundle files, folders of bundles (*.json, *.json.gz), or run databases "
                     "(.sqlite) whose runs are all imported")
        ->required();
    importCommand->add_option("--study", *importStudy,
                              "Study to put the runs in (default: theirs)");
    importCommand->callback(
        [db, importPaths, importStudy] { importRuns(*db, *importPaths, *importStudy); });
}

}  // namespace dimerec::cli
