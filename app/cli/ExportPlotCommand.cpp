// `dimerec export plot …`: a paper's figures regenerated from the run store by a script, drawn
// by the same chart code as the workbench (widgets/MetricCharts, HammerMap, SphereView,
// StudyHeatMap) on an offscreen Qt platform.
#include "CliCommands.h"
#include "CliSupport.h"
#include "analysis/Aggregate.h"
#include "analysis/Comparison.h"
#include "analysis/DiffusionInspection.h"
#include "config/ConfigFile.h"
#include "analysis/EmbeddingAnalysis.h"
#include "analysis/UserBuckets.h"
#include "analysis/NormByFrequency.h"
#include "analysis/ReadoutRows.h"
#include "HammerMap.h"
#include "MetricCharts.h"
#include "PlotExport.h"
#include "PlotStyle.h"
#include "QCustomPlotInclude.h"
#include "SphereView.h"
#include "StudyHeatMap.h"
#include "analysis/StudyGrid.h"
#include "analysis/TableExport.h"
#include "config/ConfigFile.h"
#include "data/DatasetLoader.h"
#include "data/Protocols.h"
#include "data/Splits.h"
#include "store/RunStore.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <QApplication>
#include <QLocale>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>

namespace dimerec::cli {
namespace {

using json = nlohmann::json;

// Everything `export plot` is told on its command line.
struct PlotCommandOptions {
    std::string db = RunStore::defaultPath();
    std::vector<std::string> runs;  // ids or uuid prefixes
    std::string study;              // every finished run of a study, instead of --runs
    std::string kind = "loss";
    // loss: loss term; curve: validation metric; metric: bars; tradeoff: x; heatmap, sweep: the
    // metric averaged over seeds
    std::string metric;
    std::string yMetric = "diversity@50";  // tradeoff: y
    std::string split = "test";            // final metrics of metric / tradeoff / heatmap / sweep
    std::string xField;       // heatmap, sweep: swept field across; loss, curve: step | epoch
    std::string yField;       // heatmap: swept field up
    std::string seriesField;  // sweep: one line per value of this field
    std::vector<std::string> names;  // RUN=LABEL
    std::string output;
    std::string width = "8.5cm";
    std::string height = "6cm";
    int dpi = 300;
    double fontSize = 8.0;
    std::string config;  // forward-process: a run config file instead of the first run's
    int user = 1;        // hammer / sphere / reverse-chain: 1-based test case
    int samples = 24;    // hammer / sphere: reverse-process samples
    int topN = 10;
    std::vector<int64_t> edges;  // by-history-length, by-target-popularity: where buckets start
    std::vector<std::string> readouts;  // the same: further lines of stored readouts
    std::string reference;  // the same: the line the others are tested against ("" = none)
    bool logY = false;      // loss, curve, norm-by-frequency: a logarithmic y axis
};

struct LoadedRun {
    int64_t id = 0;
    RunDetails details;
    QString label;
};

std::vector<LoadedRun> loadRuns(const RunStore& store, const PlotCommandOptions& options) {
    std::vector<int64_t> ids;
    if (!options.study.empty()) {
        for (const RunSummary& run : store.listRuns(finishedStudyRuns(options.study)))
            ids.push_back(run.id);
    }
    for (const std::string& reference : options.runs) ids.push_back(store.resolveRun(reference));
    if (ids.empty()) throw std::invalid_argument("export plot: no runs (give --runs or --study)");
    std::vector<LoadedRun> runs;
    for (int64_t id : ids) {
        LoadedRun run;
        run.id = id;
        run.details = store.run(id);
        const RunSummary& summary = run.details.summary;
        run.label =
            summary.name.empty()
                ? QStringLiteral("#%1 %2").arg(id).arg(QString::fromStdString(summary.model))
                : QString::fromStdString(summary.name);
        for (const std::string& entry : options.names) {
            const size_t eq = entry.find('=');
            if (eq == std::string::npos) {
                throw std::invalid_argument("--name " + entry + ": expected RUN=LABEL");
            }
            if (store.resolveRun(entry.substr(0, eq)) == id) {
                run.label = QString::fromStdString(entry.substr(eq + 1));
            }
        }
        runs.push_back(std::move(run));
    }
    return runs;
}

QVector<RunMetrics> finalMetrics(const std::vector<LoadedRun>& runs, const std::string& split) {
    QVector<RunMetrics> metrics;
    for (const LoadedRun& run : runs) {
        RunMetrics entry;
        entry.id = run.id;
        entry.name = run.label;
        entry.metrics =
            split == "valid" ? run.details.summary.validMetrics : run.details.summary.testMetrics;
        metrics.push_back(entry);
    }
    return metrics;
}

// Curves of one series of every run ("train" loss terms or "valid" metrics), against the
// training step or, with `perEpoch`, the epochs trained (step / steps per epoch, so that models
// whose steps differ, such as SASRec's sequence batches and DimeRec's sample batches, line up).
QVector<Curve> curvesOf(const RunStore& store, const std::vector<LoadedRun>& runs,
                        const std::string& source, const std::string& name, bool perEpoch) {
    QVector<Curve> curves;
    for (const LoadedRun& run : runs) {
        Curve curve;
        curve.name = runs.size() == 1 ? QString::fromStdString(name) : run.label;
        if (runs.size() > 1) curve.runId = run.id;  // the run's colour, as in the workbench
        const std::vector<SeriesPoint> points = store.series(run.id, source, name);
        if (points.empty()) {
            throw std::invalid_argument("run " + std::to_string(run.id) + " has no " + source +
                                        " series '" + name + "'");
        }
        double stepsPerEpoch = 1.0;
        if (perEpoch) {
            const std::optional<int64_t> steps = store.stepsPerEpoch(run.id);
            if (!steps) {
                throw std::invalid_argument("--x epoch: run " + std::to_string(run.id) +
                                            " has not gone past its first epoch, so its epoch "
                                            "length is not known; plot it against --x step");
            }
            stepsPerEpoch = static_cast<double>(*steps);
        }
        for (const SeriesPoint& point : points) {
            curve.x.push_back(static_cast<double>(point.step) / stepsPerEpoch);
            curve.y.push_back(point.value);
        }
        curves.push_back(curve);
    }
    return curves;
}

EmbeddingAnalysis analyseFirst(const RunStore& store, const std::vector<LoadedRun>& runs,
                               const PlotCommandOptions& options) {
    const RunDetails& details = runs.front().details;
    if (details.bestCheckpoint.empty()) {
        throw std::invalid_argument("run " + std::to_string(runs.front().id) +
                                    " has no best checkpoint");
    }
    EmbeddingRequest request;
    request.checkpoint = details.bestCheckpoint;
    request.user = options.user - 1;
    request.samples = options.samples;
    request.topN = options.topN;
    request.distributionUsers = options.kind == "categories" ? 1000 : 0;
    for (const EmbeddingSnapshot& listed : details.embeddings) {
        request.snapshots.push_back(store.embeddingSnapshot(listed.id));
    }
    return analyseCheckpoint(request);
}

// Item-embedding norms by training frequency and the mean pairwise cosine (itemTableShape) of
// each run's last stored item-embedding snapshot, its item counts from the run's own dataset
// and split; printed as a table.
std::vector<NormCurve> normsByFrequency(const RunStore& store, const std::vector<LoadedRun>& runs) {
    std::vector<NormCurve> result;
    for (const LoadedRun& run : runs) {
        const std::vector<EmbeddingSnapshot>& listed = run.details.embeddings;
        if (listed.empty()) {
            throw std::invalid_argument("run " + std::to_string(run.id) +
                                        " has no item-embedding snapshot (its model has no item "
                                        "table, or its bundle was exported with --snapshots none)");
        }
        const EmbeddingSnapshot& last = *std::max_element(
            listed.begin(), listed.end(),
            [](const EmbeddingSnapshot& a, const EmbeddingSnapshot& b) { return a.step < b.step; });
        const EmbeddingSnapshot snapshot = store.embeddingSnapshot(last.id);
        const RunConfig config = runConfigFromJson(nlohmann::json::parse(run.details.configJson));
        const Splits splits = makeSplits(loadDataset(config.data), config.data);
        NormCurve curve;
        curve.name = run.label;
        curve.runId = run.id;
        curve.step = last.step;
        curve.shape = itemTableShape(snapshot.data, snapshot.dim, splits.itemCounts);
        std::cout << run.label.toStdString() << " (run " << run.id << ", snapshot " << last.label
                  << ")\n  bucket      items  mean norm  median norm\n";
        for (const NormBucket& bucket : curve.shape.norms) {
            std::cout << "  " << std::left << std::setw(11) << bucketLabel(bucket) << std::right
                      << std::setw(6) << bucket.items << std::fixed << std::setprecision(3)
                      << std::setw(11) << bucket.meanNorm << std::setw(13) << bucket.medianNorm
                      << std::defaultfloat << "\n";
        }
        std::cout << "  mean pairwise cosine of the item directions: " << std::fixed
                  << std::setprecision(3) << curve.shape.meanCosine << std::defaultfloat << "\n";
        result.push_back(std::move(curve));
    }
    return result;
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
    return text.empty() ? "none" : text;
}

// The metric grid of a study for `heatmap` and `sweep`, every option checked against the study.
MetricGrid studyGrid(const RunStore& store, const PlotCommandOptions& options,
                     const std::string& yField, const std::string& metric) {
    if (options.study.empty()) {
        throw std::invalid_argument("--kind " + options.kind + ": give --study");
    }
    const std::vector<std::string> studies = store.studies();
    if (std::find(studies.begin(), studies.end(), options.study) == studies.end()) {
        throw std::invalid_argument("--study " + options.study + ": no such study in " +
                                    options.db + " (studies: " + joined(studies) + ")");
    }
    const std::vector<StudyRun> runs = loadStudyRuns(store, options.study);
    const std::vector<std::string> swept = sweptFields(runs);
    const auto checkField = [&](const std::string& option, const std::string& field) {
        if (field.empty())
            throw std::invalid_argument("--kind " + options.kind + ": give " + option);
        if (std::find(swept.begin(), swept.end(), field) == swept.end()) {
            throw std::invalid_argument(option + " " + field + ": not a swept field of study " +
                                        options.study + " (swept: " + joined(swept) + ")");
        }
    };
    if (options.kind == "sweep" && !options.yField.empty()) {
        throw std::invalid_argument("--kind sweep: give the field of the lines with --series");
    }
    if (options.kind == "heatmap" && !options.seriesField.empty()) {
        throw std::invalid_argument("--kind heatmap: give the field up with --y");
    }
    checkField("--x", options.xField);
    if (options.kind == "heatmap") checkField("--y", yField);
    if (options.kind == "sweep" && !yField.empty()) checkField("--series", yField);
    std::set<std::string> metrics;
    for (const StudyRun& run : runs) {
        const auto& split =
            options.split == "valid" ? run.summary.validMetrics : run.summary.testMetrics;
        for (const auto& [name, value] : split) metrics.insert(name);
    }
    if (metrics.count(metric) == 0) {
        throw std::invalid_argument(
            "--metric " + metric + ": no finished run of study " + options.study + " has this " +
            options.split + " metric (metrics: " + joined({metrics.begin(), metrics.end()}) + ")");
    }
    return metricGrid(runs, options.xField, yField, metric, options.split);
}

// The metric by groups of test users (analysis/UserBuckets.h): one line per seed group of the
// runs (the mean over its seeds of each bucket's mean, error bars their std), from each run's
// stored per-user test ranks, and below each group a line per readout of `readouts` its runs
// stored (DimeRec's, eval/Readouts.h: split test/<name>). With a `reference` line, the cells
// of the others that differ from it over the bucket's users (userBucketPValues, p < 0.05 after
// Holm's correction) are marked. Prints the table, a dagger after each marked cell.
MetricGrid userBucketLines(const RunStore& store, const std::vector<LoadedRun>& runs,
                           UserGrouping grouping, const std::string& metric,
                           const std::vector<int64_t>& edges,
                           const std::vector<std::string>& readouts, const std::string& reference) {
    std::vector<RunSummary> summaries;
    std::vector<int64_t> ids;
    std::map<int64_t, const LoadedRun*> loadedRun;
    for (const LoadedRun& run : runs) {
        summaries.push_back(run.details.summary);
        ids.push_back(run.id);
        loadedRun[run.id] = &run;
    }
    const UserBuckets buckets = testUserBuckets(store, ids, grouping, edges);
    std::vector<ComparisonEntry> entries;
    for (std::vector<RunSummary>& group : seedGroupsOf(summaries)) {
        std::string label = group.size() > 1 ? seedGroupLabel(group.front())
                                             : loadedRun.at(group.front().id)->label.toStdString();
        entries.push_back(loadEntry(store, std::move(label), std::move(group)));
    }
    const size_t groups = entries.size();
    if (!readouts.empty()) entries = withReadoutEntries(entries, readouts);
    if (entries.size() == groups && !readouts.empty())
        std::cout << "no run stored the readout(s) asked for\n";
    std::vector<std::string> leftOut;
    MetricGrid grid = userBucketGrid(entries, buckets, metric, &leftOut);
    if (!reference.empty()) {
        std::vector<std::string> labels;
        for (const ComparisonEntry& entry : entries) labels.push_back(entry.label);
        const auto found = std::find(labels.begin(), labels.end(), reference);
        if (found == labels.end()) {
            throw std::invalid_argument("--reference '" + reference + "': no line is labelled so " +
                                        "(lines: " + joined(labels) + ")");
        }
        grid.marked =
            userBucketMarks(entries, buckets, metric, static_cast<size_t>(found - labels.begin()));
    }
    for (const std::string& label : leftOut) {
        std::cout << label << ": left out, some run has no per-user test ranks (stored before "
                  << "they were kept, or not evaluated yet)\n";
    }
    if (grid.y.values.empty()) throw std::invalid_argument("no run has per-user test ranks");
    std::cout << "test users by " << buckets.title << ":\n";
    for (size_t b = 0; b < buckets.labels.size(); ++b)
        std::cout << "  " << std::left << std::setw(8) << buckets.labels[b] << std::right
                  << std::setw(7) << buckets.users[b] << " users\n";
    for (size_t y = 0; y < grid.y.values.size(); ++y) {
        int64_t runsOfLine = 0;  // every run has users in every bucket it is drawn in
        for (size_t x = 0; x < grid.x.values.size(); ++x)
            runsOfLine = std::max(runsOfLine, grid.at(x, y).n);
        std::cout << grid.y.values[y].label << " (" << runsOfLine << " run(s)), " << metric << ":";
        for (size_t x = 0; x < grid.x.values.size(); ++x) {
            std::cout << "  " << formatMeanStd(grid.at(x, y)) << (grid.isMarked(x, y) ? "†" : "");
        }
        std::cout << "\n";
    }
    if (!reference.empty()) {
        std::cout << "† p < 0.05 against " << reference
                  << " over the bucket's users (paired t-test, Holm-corrected across the lines)\n";
    }
    return grid;
}

void exportPlotCommand(const PlotCommandOptions& options) {
    PlotExportOptions figure;
    double height = 0.0;
    LengthUnit heightUnit = LengthUnit::Centimetres;
    parseLength(QString::fromStdString(options.width), figure.width, figure.unit);
    parseLength(QString::fromStdString(options.height), height, heightUnit);
    figure.height = toPoints(height, heightUnit) / toPoints(1.0, figure.unit);
    figure.dpi = options.dpi;
    figure.fontSize = options.fontSize;
    const QString output = QString::fromStdString(options.output);
    const PlotFormat format = plotFormatForPath(output);
    if (options.logY && options.kind != "loss" && options.kind != "curve" &&
        options.kind != "norm-by-frequency") {
        throw std::invalid_argument(
            "--log-y applies to --kind loss, curve and norm-by-frequency, "
            "not '" +
            options.kind + "'");
    }

    // Qt only here: the rest of `dimerec` stays usable without a display.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "dimerec";
    static char* argv[] = {name, nullptr};
    QApplication app(argc, argv);
    QLocale::setDefault(QLocale::c());

    if (options.kind == "forward-process" && !options.config.empty()) {
        QCustomPlot plot;
        plot.resize(800, 600);
        const ForwardProfile profile =
            forwardProcessProfile(readRunConfigFile(options.config).model);
        drawForwardProfile(plot, profile);
        exportPlot(plot, output, figure);
        std::cout << "wrote " << formatName(format).toStdString() << " forward process ("
                  << profile.process << ") of " << options.config << " to " << options.output
                  << "\n";
        return;
    }
    const RunStore store(options.db, RunStore::Mode::ReadOnly);
    if (options.kind == "heatmap" || options.kind == "sweep") {
        const bool heatMap = options.kind == "heatmap";
        const std::string metricName = options.metric.empty() ? "ndcg@10" : options.metric;
        const MetricGrid grid =
            studyGrid(store, options, heatMap ? options.yField : options.seriesField, metricName);
        const QString metric = axisTitle(metricName) +
                               QStringLiteral(" (%1)").arg(QString::fromStdString(options.split));
        StudyHeatMap heatMapView;
        QCustomPlot sweepPlot;
        if (heatMap) {
            heatMapView.setGrid(grid, fieldTitle(options.xField), fieldTitle(options.yField),
                                metric);
        } else {
            drawSweepLines(sweepPlot, grid, metric);
        }
        exportPlot(heatMap ? *heatMapView.plot() : sweepPlot, output, figure);
        size_t cells = 0;
        int64_t runs = 0;
        for (const MetricStats& cell : grid.cells) {
            cells += cell.n > 0 ? 1 : 0;
            runs += cell.n;
        }
        std::cout << "wrote " << formatName(format).toStdString() << " " << metricName
                  << (heatMap ? " heat map" : " sweep plot") << " of study " << options.study
                  << ": " << cells << " cell(s) of " << runs << " run(s) to " << options.output
                  << "\n";
        return;
    }
    const std::vector<LoadedRun> runs = loadRuns(store, options);
    QCustomPlot plot;
    plot.resize(800, 600);
    std::string what;
    if (options.kind == "by-history-length" || options.kind == "by-target-popularity") {
        const bool history = options.kind == "by-history-length";
        const std::string metric = options.metric.empty() ? "ndcg@10" : options.metric;
        const MetricGrid grid = userBucketLines(
            store, runs, history ? UserGrouping::HistoryLength : UserGrouping::TargetPopularity,
            metric, options.edges, options.readouts, options.reference);
        drawSweepLines(plot, grid, axisTitle(metric) + QObject::tr(" (test)"));
        what = metric + (history ? " by history length" : " by target popularity");
    } else if (options.kind == "loss" || options.kind == "curve") {
        const bool loss = options.kind == "loss";
        const std::string series =
            options.metric.empty() ? (loss ? "total" : "ndcg@10") : options.metric;
        const bool perEpoch = options.xField == "epoch";
        if (!perEpoch && !options.xField.empty() && options.xField != "step") {
            throw std::invalid_argument("--kind " + options.kind + ": --x is step or epoch, not '" +
                                        options.xField + "'");
        }
        drawCurves(plot, curvesOf(store, runs, loss ? "train" : "valid", series, perEpoch),
                   perEpoch ? QObject::tr("epoch") : QObject::tr("training step"),
                   loss ? QObject::tr("loss (%1)").arg(QString::fromStdString(series))
                        : QObject::tr("validation %1").arg(axisTitle(series)));
        what = series + " curves";
    } else if (options.kind == "metric") {
        const std::string metric = options.metric.empty() ? "ndcg@10" : options.metric;
        if (drawMetricBars(plot, finalMetrics(runs, options.split), metric) == 0) {
            throw std::invalid_argument("none of the runs has the " + options.split + " metric '" +
                                        metric + "'");
        }
        what = metric + " bars";
    } else if (options.kind == "tradeoff") {
        const std::string x = options.metric.empty() ? "ndcg@10" : options.metric;
        if (drawTradeoff(plot, finalMetrics(runs, options.split), x, options.yMetric) == 0) {
            throw std::invalid_argument("no run has both " + x + " and " + options.yMetric);
        }
        what = options.yMetric + " vs " + x;
    } else if (options.kind == "hammer" || options.kind == "categories") {
        const EmbeddingAnalysis analysis = analyseFirst(store, runs, options);
        if (options.kind == "hammer") {
            drawHammerMap(plot, analysis.scene);
            what = "Hammer map of " + analysis.scene.userLabel;
        } else {
            if (analysis.historyShares.empty()) {
                throw std::invalid_argument("the run's dataset has no item categories");
            }
            QStringList names;
            for (const std::string& category : analysis.scene.categoryNames) {
                names << QString::fromStdString(category);
            }
            drawCategoryShares(plot, names, analysis.historyShares, analysis.recommendationShares,
                               QObject::tr("top-%1 recommendations").arg(options.topN));
            what = "category distribution";
        }
    } else if (options.kind == "norm-by-frequency") {
        drawNormsByFrequency(plot, normsByFrequency(store, runs));
        what = "item-embedding norms by training frequency";
    } else if (options.kind == "forward-process") {
        const RunConfig config =
            runConfigFromJson(nlohmann::json::parse(runs.front().details.configJson));
        const ForwardProfile profile = forwardProcessProfile(config.model);
        drawForwardProfile(plot, profile);
        what = "forward process (" + profile.process + ")";
    } else if (options.kind == "reverse-chain") {
        const RunDetails& details = runs.front().details;
        if (details.bestCheckpoint.empty())
            throw std::invalid_argument("run " + std::to_string(runs.front().id) +
                                        " has no best checkpoint");
        const ReverseChain chain =
            reverseChainOfCheckpoint(details.bestCheckpoint, options.user - 1);
        drawReverseChain(plot, chain);
        std::string spread;
        for (int count : chain.samplesByInterest)
            spread += (spread.empty() ? "" : " / ") + std::to_string(count);
        what = "reverse chain of " + chain.user +
               " (rank of the next item under x0: " + std::to_string(chain.targetRank) +
               "; nearest interest of " + std::to_string(kSpreadSamples) + " samples: " + spread +
               ")";
    } else if (options.kind == "sphere") {
        SphereView view;
        view.setScene(analyseFirst(store, runs, options).scene);
        view.setRotation(SphereView::obliqueView());
        view.exportTo(output, figure);
        std::cout << "wrote " << formatName(format).toStdString() << " sphere view of run "
                  << runs.front().id << " to " << options.output << "\n";
        return;
    }
    if (options.logY) fitLogY(plot);
    exportPlot(plot, output, figure);
    std::cout << "wrote " << formatName(format).toStdString() << " " << what << " of "
              << runs.size() << " run(s) to " << options.output << "\n";
}

}  // namespace

void addExportPlotCommand(CLI::App& app) {
    CLI::App* exportCommand = app.get_subcommand("export");
    CLI::App* plot = exportCommand->add_subcommand(
        "plot",
        "A figure of runs as vector PDF / SVG, PNG at a DPI, its data as CSV, or pgfplots (.tex "
        "with its data in a .csv beside it)");
    auto options = std::make_shared<PlotCommandOptions>();
    plot->add_option("--db", options->db,
                     "Run database (default: " + RunStore::defaultPath() + ")");
    CLI::Option* runs =
        plot->add_option("--runs", options->runs, "Runs (ids or uuid prefixes)")->delimiter(',');
    plot->add_option("--study", options->study, "Every finished run of this study, in id order")
        ->excludes(runs);
    plot->add_option("--kind", options->kind,
                     "loss: training loss curves; curve: validation metric curves; metric: bars "
                     "of a final metric (a family such as 'diversity': grouped by K); tradeoff: "
                     "scatter of --y-metric against --metric; hammer, sphere: embeddings of the "
                     "first run's best checkpoint; categories: its recommendations' category "
                     "distribution against the histories'; heatmap: the metric's mean over "
                     "seeds on a --x × --y grid of a --study; sweep: the metric (mean ± std over "
                     "seeds) against --x, one line per value of --series; forward-process: "
                     "mean ± sd of cos(x_t, x0) against t for the first run's (or --config's) "
                     "diffusion process, the sampler's x_T beside it; reverse-chain: the first "
                     "run's best checkpoint's reverse chain for --user, each state's cos to the "
                     "chain's output and to the true next item; norm-by-frequency: mean L2 norm "
                     "of the item embeddings by how often the items occur in training (0, 1-9, "
                     "10-99, ...), from each run's last stored embedding snapshot, with the "
                     "mean pairwise cosine of the item directions; "
                     "by-history-length: a per-user metric (default ndcg@10) over the test users "
                     "grouped by their history length (--edges), one line per seed group (mean "
                     "± std over its seeds), from the runs' per-user test ranks; "
                     "by-target-popularity: the same with users grouped by how often their test "
                     "target occurs in training (0-9, 10-99, ...: the long tail against the head)")
        ->capture_default_str()
        ->check(CLI::IsMember({"loss", "curve", "metric", "tradeoff", "hammer", "sphere",
                               "categories", "heatmap", "sweep", "forward-process", "reverse-chain",
                               "norm-by-frequency", "by-history-length", "by-target-popularity"}));
    plot->add_option("--edges", options->edges,
                     "by-history-length, by-target-popularity: where the buckets of test users "
                     "start (items before the target, default 5,10,20,50; training interactions "
                     "of the target, default 10,100,1000)")
        ->delimiter(',');
    plot->add_option("--readouts", options->readouts,
                     "by-history-length, by-target-popularity: also a line per seed group and "
                     "readout its runs stored "
                     "(DimeRec's " +
                         joined(readoutNames()) +
                         "; `dimerec evaluate --record` stores them for older runs), e.g. "
                         "--readouts interests")
        ->delimiter(',')
        ->check(CLI::IsMember(readoutNames()));
    plot->add_option("--reference", options->reference,
                     "by-history-length, by-target-popularity: the line (a seed group's or "
                     "readout's label) the others are tested against in each bucket, over its "
                     "users as `export table --by --significance` tests them; a dagger marks "
                     "p < 0.05 after Holm's correction across the lines");
    plot->add_option("--config", options->config,
                     "forward-process: the process of this run config (JSON) instead of a run's")
        ->check(CLI::ExistingFile);
    plot->add_option("--metric", options->metric,
                     "loss: the loss term (default total); curve, metric, heatmap, sweep: the "
                     "metric (default ndcg@10); tradeoff: the x axis (default ndcg@10)");
    plot->add_option("--x", options->xField,
                     "heatmap, sweep: the swept config field across, e.g. model.diffusionSteps; "
                     "loss, curve: step (default) or epoch (epochs trained, so that models with "
                     "different steps per epoch line up)");
    plot->add_option("--y", options->yField, "heatmap: the swept config field up");
    plot->add_option("--series", options->seriesField,
                     "sweep: one line per value of this swept field, e.g. model.schedule");
    plot->add_option("--y-metric", options->yMetric, "tradeoff: the y axis")->capture_default_str();
    plot->add_option("--split", options->split, "Final metrics of: test | valid")
        ->capture_default_str()
        ->check(CLI::IsMember({"test", "valid"}));
    plot->add_option("--name", options->names, "Label of a run: RUN=LABEL");
    plot->add_option("-o,--out", options->output,
                     "Output file: .pdf, .svg, .png, .csv or .tex (pgfplots; writes NAME.csv "
                     "beside it)")
        ->required();
    plot->add_option("--width", options->width, "Figure width: cm, mm, in or pt")
        ->capture_default_str();
    plot->add_option("--height", options->height, "Figure height: cm, mm, in or pt")
        ->capture_default_str();
    plot->add_flag("--log-y", options->logY,
                   "loss, curve, norm-by-frequency: a logarithmic y axis (e.g. norms that "
                   "span 0.04 to 11)");
    plot->add_option("--dpi", options->dpi, "PNG resolution")
        ->capture_default_str()
        ->check(CLI::Range(36, 2400));
    plot->add_option("--font-size", options->fontSize, "Base font size in points (titles +2)")
        ->capture_default_str()
        ->check(CLI::Range(4.0, 36.0));
    plot->add_option("--user", options->user,
                     "hammer, sphere, reverse-chain: the test case to mark (1-based)")
        ->capture_default_str();
    plot->add_option("--samples", options->samples, "hammer, sphere: reverse-process samples")
        ->capture_default_str();
    plot->add_option("--top-n", options->topN, "hammer, sphere, categories: recommendations")
        ->capture_default_str();
    plot->callback([options] { exportPlotCommand(*options); });
}

}  // namespace dimerec::cli
