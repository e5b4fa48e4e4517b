#include "MetricCharts.h"

#include "PlotExport.h"
#include "PlotStyle.h"
#include "QCustomPlotInclude.h"
#include "analysis/DiffusionInspection.h"
#include "analysis/ResultTable.h"
#include "analysis/TableExport.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

namespace dimerec {
namespace {

// Okabe–Ito colours: distinguishable with any colour vision and in greyscale print.
const QColor kSeriesColours[] = {QColor(0, 114, 178),  QColor(230, 159, 0),  QColor(0, 158, 115),
                                 QColor(213, 94, 0),   QColor(86, 180, 233), QColor(204, 121, 167),
                                 QColor(240, 228, 66), QColor(0, 0, 0)};

QColor seriesColour(int i) {
    return kSeriesColours[i % static_cast<int>(std::size(kSeriesColours))];
}

QString tr(const char* text) {
    return QCoreApplication::translate("MetricCharts", text);
}

constexpr double kLogAxisSpan = 100.0;  // numeric sweeps over this ratio or more: log x axis
constexpr double kDodge = 0.04;         // sweep lines side by side: this share of an x step apart

void reset(QCustomPlot& plot) {
    plot.clearPlottables();
    plot.clearItems();
    setPlotDataTable(plot, {});
    plot.xAxis->setScaleType(QCPAxis::stLinear);
    plot.xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    plot.xAxis->setTickLabelRotation(0);
    plot.xAxis->setRangeReversed(false);
    setLogY(plot, false);
    setLegendShown(plot, false);
    for (QCPAxis* axis : {plot.xAxis, plot.yAxis}) {
        axis->grid()->setVisible(true);
        axis->setTicks(true);
        axis->setTickLabels(true);
        axis->setBasePen(QPen(Qt::black, 0));
    }
    plot.xAxis->grid()->setVisible(false);
}

// The legend below the axis rect, never over the data.
void showLegend(QCustomPlot& plot) {
    placeLegendBelow(plot);
    setLegendShown(plot, true);
}

// y range from 0 to a little above the largest value (bars start at 0).
void fitBars(QCustomPlot& plot, double largest) {
    plot.yAxis->setRange(0.0, largest > 0.0 ? largest * 1.18 : 1.0);
}

}  // namespace

std::pair<std::string, int> splitMetric(const std::string& metric) {
    const size_t at = metric.rfind('@');
    if (at == std::string::npos) return {metric, 0};
    try {
        return {metric.substr(0, at), std::stoi(metric.substr(at + 1))};
    } catch (const std::exception&) {
        return {metric, 0};
    }
}

std::vector<int> cutoffsOf(const QVector<RunMetrics>& runs, const std::string& family) {
    std::set<int> cutoffs;
    for (const RunMetrics& run : runs) {
        for (const auto& [name, value] : run.metrics) {
            const auto [base, k] = splitMetric(name);
            if (base == family && k > 0) cutoffs.insert(k);
        }
    }
    return {cutoffs.begin(), cutoffs.end()};
}

QString fieldTitle(const std::string& field) {
    const QString name = QString::fromStdString(field);
    if (field == "model.lambda") return QStringLiteral("λ (%1)").arg(name);
    if (field == "model.mu") return QStringLiteral("μ (%1)").arg(name);
    return name;
}

QString fieldSymbol(const std::string& field) {
    if (field == "model.lambda") return QStringLiteral("λ");
    if (field == "model.mu") return QStringLiteral("μ");
    return QString::fromStdString(field.substr(field.rfind('.') + 1));
}

QString axisTitle(const std::string& metric) {
    if (metric == "probe_accuracy") return tr("Linear-probe accuracy");
    return QString::fromStdString(metricLabel(metric));
}

int drawMetricBars(QCustomPlot& plot, const QVector<RunMetrics>& runs, const std::string& metric) {
    reset(plot);
    QVector<qint64> ids;
    for (const RunMetrics& run : runs) ids.push_back(run.id);
    const QVector<QColor> colours = runColours(ids);
    const bool single = splitMetric(metric).second > 0 ||
                        std::any_of(runs.begin(), runs.end(), [&metric](const RunMetrics& run) {
                            return run.metrics.count(metric) > 0;
                        });
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    int bars = 0;
    double largest = 0.0;
    if (single) {
        // One bar per run, each in its run's colour.
        for (int i = 0; i < runs.size(); ++i) {
            ticker->addTick(i + 1, runs[i].name);
            const auto found = runs[i].metrics.find(metric);
            if (found == runs[i].metrics.end()) continue;
            auto* bar = new QCPBars(plot.xAxis, plot.yAxis);
            bar->setName(runs[i].name);
            bar->setWidth(0.6);
            bar->setPen(Qt::NoPen);
            bar->setBrush(runs[i].id != 0 ? colours[i] : seriesColour(i));
            bar->addData(i + 1, found->second);
            largest = std::max(largest, found->second);
            ++bars;
        }
        plot.xAxis->setRange(0.3, runs.size() + 0.7);
        plot.xAxis->setLabel(QString());
        // Many runs: vertical labels, each under its own bar. Slanted ones reach sideways by
        // their length, and QCustomPlot's margins leave room only below the axis: at −30° the
        // first long name ran past the left edge and was dropped (a 13-run figure labelled
        // its second bar with the first name that showed), at +30° the last ones past the
        // right edge.
        if (runs.size() > 4) plot.xAxis->setTickLabelRotation(-90);
    } else {
        // Groups per cut-off K, one bar per run in each.
        const std::vector<int> cutoffs = cutoffsOf(runs, metric);
        auto* group = new QCPBarsGroup(&plot);
        group->setSpacingType(QCPBarsGroup::stAbsolute);
        group->setSpacing(1);
        const double width = 0.8 / std::max<qsizetype>(1, runs.size());
        for (size_t c = 0; c < cutoffs.size(); ++c) {
            ticker->addTick(static_cast<double>(c + 1), QStringLiteral("@%1").arg(cutoffs[c]));
        }
        for (int i = 0; i < runs.size(); ++i) {
            auto* bar = new QCPBars(plot.xAxis, plot.yAxis);
            bar->setName(runs[i].name);
            bar->setWidth(width);
            bar->setPen(Qt::NoPen);
            bar->setBrush(runs[i].id != 0 ? colours[i] : seriesColour(i));
            bar->setBarsGroup(group);
            for (size_t c = 0; c < cutoffs.size(); ++c) {
                const auto found = runs[i].metrics.find(metric + "@" + std::to_string(cutoffs[c]));
                if (found == runs[i].metrics.end()) continue;
                bar->addData(static_cast<double>(c + 1), found->second);
                largest = std::max(largest, found->second);
                ++bars;
            }
        }
        plot.xAxis->setRange(0.4, cutoffs.size() + 0.6);
        plot.xAxis->setLabel(tr("cut-off K"));
        if (runs.size() > 1) showLegend(plot);
    }
    plot.xAxis->setTicker(ticker);
    plot.yAxis->setLabel(axisTitle(metric));
    fitBars(plot, largest);
    plot.replot();
    return bars;
}

int drawTradeoff(QCustomPlot& plot, const QVector<RunMetrics>& runs, const std::string& x,
                 const std::string& y) {
    reset(plot);
    plot.xAxis->grid()->setVisible(true);
    QCPGraph* graph = plot.addGraph();
    graph->setName(QStringLiteral("%1 vs %2").arg(axisTitle(y), axisTitle(x)));
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDisc, QPen(Qt::black), seriesColour(0), 7));
    QVector<double> xs;
    QVector<double> ys;
    QStringList names;
    for (const RunMetrics& run : runs) {
        const auto fx = run.metrics.find(x);
        const auto fy = run.metrics.find(y);
        if (fx == run.metrics.end() || fy == run.metrics.end()) continue;
        xs.push_back(fx->second);
        ys.push_back(fy->second);
        names.push_back(run.name);
    }
    // Points in x order for the graph; labels go with their points.
    std::vector<int> order(static_cast<size_t>(xs.size()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&xs](int a, int b) { return xs[a] < xs[b]; });
    for (int i : order) {
        graph->addData(xs[i], ys[i]);
        auto* label = new QCPItemText(&plot);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(xs[i], ys[i]);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setPadding(QMargins(4, 0, 0, 2));
        label->setText(names[i]);
        label->setClipToAxisRect(false);
    }
    plot.xAxis->setLabel(axisTitle(x));
    plot.yAxis->setLabel(axisTitle(y));
    if (!xs.isEmpty()) {
        const auto [xMin, xMax] = std::minmax_element(xs.begin(), xs.end());
        const auto [yMin, yMax] = std::minmax_element(ys.begin(), ys.end());
        const double xPad = std::max((*xMax - *xMin) * 0.15, std::abs(*xMax) * 0.05 + 1e-6);
        const double yPad = std::max((*yMax - *yMin) * 0.15, std::abs(*yMax) * 0.05 + 1e-6);
        // Labels extend right of their points: more room on that side.
        plot.xAxis->setRange(*xMin - xPad, *xMax + 2.5 * xPad);
        plot.yAxis->setRange(*yMin - yPad, *yMax + 1.5 * yPad);
    }
    plot.replot();
    return static_cast<int>(xs.size());
}

int drawSweepLines(QCustomPlot& plot, const MetricGrid& grid, const QString& metricLabel) {
    reset(plot);
    const std::vector<FieldValue>& xs = grid.x.values;
    const bool numeric = grid.x.numeric();
    const bool log =
        numeric && xs.front().number > 0.0 && xs.back().number / xs.front().number >= kLogAxisSpan;
    const auto key = [&](size_t x) { return numeric ? xs[x].number : static_cast<double>(x); };
    // The series' points at one x sit a little apart so that their error bars do not hide each
    // other: by a share of the smallest step between x values (of its log on a log axis).
    double step = 1.0;
    for (size_t x = 1; numeric && x < xs.size(); ++x) {
        const double gap =
            log ? std::log(xs[x].number / xs[x - 1].number) : xs[x].number - xs[x - 1].number;
        step = x == 1 ? gap : std::min(step, gap);
    }
    const double lines = static_cast<double>(grid.y.values.size());
    const auto dodged = [&](size_t x, size_t y) {
        const double offset = (static_cast<double>(y) - (lines - 1) / 2) * kDodge * step;
        return log ? key(x) * std::exp(offset) : key(x) + offset;
    };
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    // A category's note in parentheses ("1-4 (7162)": the users of a history bucket) goes on
    // a second line, or the labels run into each other on a narrow figure.
    for (size_t x = 0; x < xs.size(); ++x) {
        QString label = QString::fromStdString(xs[x].label);
        if (!numeric) label.replace(QStringLiteral(" ("), QStringLiteral("\n("));
        ticker->addTick(key(x), label);
    }
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    int points = 0;
    const bool series = !grid.y.field.empty();
    for (size_t y = 0; y < grid.y.values.size(); ++y) {
        const QColor colour = seriesColour(static_cast<int>(y));
        QCPGraph* graph = plot.addGraph();
        const QString label = QString::fromStdString(grid.y.values[y].label);
        // A config field's value reads "λ = 0.2"; a named series (a seed group) by its name.
        const bool configField = grid.y.field.find('.') != std::string::npos;
        graph->setName(!series ? metricLabel
                       : configField
                           ? QStringLiteral("%1 = %2").arg(fieldSymbol(grid.y.field), label)
                           : label);
        // Past the palette's eight colours lines repeat a colour, dashed and with other
        // markers (a comparison with its readouts easily has ten lines).
        const int round = static_cast<int>(y / std::size(kSeriesColours));
        const QCPScatterStyle::ScatterShape shapes[] = {
            QCPScatterStyle::ssDisc, QCPScatterStyle::ssSquare, QCPScatterStyle::ssTriangle};
        graph->setPen(QPen(colour, 1.5, round == 0 ? Qt::SolidLine : Qt::DashLine));
        graph->setScatterStyle(QCPScatterStyle(shapes[round % static_cast<int>(std::size(shapes))],
                                               colour, colour, 6));
        auto* bars = new QCPErrorBars(plot.xAxis, plot.yAxis);
        bars->removeFromLegend();
        bars->setPen(QPen(colour, 1.2));
        bars->setWhiskerWidth(6);
        QVector<double> keys;
        QVector<double> means;
        QVector<double> stds;
        for (size_t x = 0; x < xs.size(); ++x) {
            const MetricStats& stats = grid.at(x, y);
            if (stats.n == 0) continue;
            keys << dodged(x, y);
            means << stats.mean;
            stds << stats.stdDev;
            low = std::min(low, stats.mean - stats.stdDev);
            high = std::max(high, stats.mean + stats.stdDev);
            if (grid.isMarked(x, y)) {
                auto* dagger = new QCPItemText(&plot);
                dagger->position->setType(QCPItemPosition::ptPlotCoords);
                dagger->position->setCoords(keys.back(), stats.mean + stats.stdDev);
                dagger->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
                dagger->setText(QStringLiteral("†"));
                dagger->setColor(colour);
            }
        }
        graph->setData(keys, means, true);
        bars->setDataPlottable(graph);
        bars->setData(stds);
        points += static_cast<int>(keys.size());
    }
    plot.xAxis->setTicker(ticker);
    plot.xAxis->setLabel(fieldTitle(grid.x.field));
    plot.yAxis->setLabel(metricLabel);
    if (xs.empty()) {
        plot.xAxis->setRange(0.0, 1.0);
    } else if (log) {
        plot.xAxis->setScaleType(QCPAxis::stLogarithmic);
        plot.xAxis->setRange(xs.front().number / 1.5, xs.back().number * 1.5);
    } else if (numeric) {
        const double pad = std::max((xs.back().number - xs.front().number) * 0.06,
                                    std::abs(xs.front().number) * 0.05 + 1e-9);
        plot.xAxis->setRange(xs.front().number - pad, xs.back().number + pad);
    } else {
        plot.xAxis->setRange(-0.5, static_cast<double>(xs.size()) - 0.5);
    }
    if (series) showLegend(plot);
    if (low <= high) {
        const double span = std::max(high - low, std::abs(high) * 0.05 + 1e-9);
        plot.yAxis->setRange(low - 0.1 * span, high + 0.1 * span);
    }
    setPlotDataTable(plot, [grid] { return QString::fromStdString(metricGridCsv(grid)); });
    plot.replot();
    return points;
}

void drawCategoryShares(QCustomPlot& plot, const QStringList& categories,
                        const std::vector<double>& history,
                        const std::vector<double>& recommendations, const QString& recLabel) {
    reset(plot);
    std::vector<int> order;
    for (int c = 0; c < categories.size(); ++c) {
        const double h =
            static_cast<size_t>(c) < history.size() ? history[static_cast<size_t>(c)] : 0.0;
        const double r = static_cast<size_t>(c) < recommendations.size()
                             ? recommendations[static_cast<size_t>(c)]
                             : 0.0;
        if (h > 0.0 || r > 0.0) order.push_back(c);
    }
    std::stable_sort(order.begin(), order.end(), [&history](int a, int b) {
        const auto share = [&history](int c) {
            return static_cast<size_t>(c) < history.size() ? history[static_cast<size_t>(c)] : 0.0;
        };
        return share(a) > share(b);
    });
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    auto* group = new QCPBarsGroup(&plot);
    auto* historyBars = new QCPBars(plot.xAxis, plot.yAxis);
    historyBars->setName(tr("users' histories"));
    historyBars->setBrush(QColor(150, 150, 150));
    auto* recBars = new QCPBars(plot.xAxis, plot.yAxis);
    recBars->setName(recLabel);
    recBars->setBrush(seriesColour(0));
    double largest = 0.0;
    for (size_t i = 0; i < order.size(); ++i) {
        const auto c = static_cast<size_t>(order[i]);
        const double key = static_cast<double>(i + 1);
        ticker->addTick(key, categories[order[i]]);
        const double h = c < history.size() ? history[c] : 0.0;
        const double r = c < recommendations.size() ? recommendations[c] : 0.0;
        historyBars->addData(key, h);
        recBars->addData(key, r);
        largest = std::max({largest, h, r});
    }
    for (QCPBars* bars : {historyBars, recBars}) {
        bars->setPen(Qt::NoPen);
        bars->setWidth(0.38);
        bars->setBarsGroup(group);
    }
    plot.xAxis->setTicker(ticker);
    plot.xAxis->setTickLabelRotation(order.size() > 6 ? -40 : 0);
    plot.xAxis->setRange(0.4, order.size() + 0.6);
    plot.xAxis->setLabel(QString());
    plot.yAxis->setLabel(tr("share of category labels"));
    showLegend(plot);
    fitBars(plot, largest);
    plot.replot();
}

void drawCurves(QCustomPlot& plot, const QVector<Curve>& curves, const QString& xLabel,
                const QString& yLabel) {
    reset(plot);
    plot.xAxis->grid()->setVisible(true);
    QVector<qint64> ids;
    for (const Curve& curve : curves) ids.push_back(curve.runId);
    const QVector<QColor> colours = runColours(ids);
    for (int i = 0; i < curves.size(); ++i) {
        QCPGraph* graph = plot.addGraph();
        graph->setName(curves[i].name);
        const QColor colour = curves[i].runId != 0 ? colours[i] : seriesColour(i);
        graph->setPen(QPen(colour, 1.5));
        graph->setData(curves[i].x, curves[i].y, true);
    }
    plot.xAxis->setLabel(xLabel);
    plot.yAxis->setLabel(yLabel);
    plot.rescaleAxes();
    if (!curves.isEmpty()) showLegend(plot);
    plot.replot();
}

void drawNormsByFrequency(QCustomPlot& plot, const std::vector<NormCurve>& curves) {
    std::map<int64_t, std::string> byLowest;  // every bucket of any curve, by its lower bound
    for (const NormCurve& curve : curves)
        for (const NormBucket& bucket : curve.shape.norms)
            byLowest[bucket.lowest] = bucketLabel(bucket);
    std::map<int64_t, double> position;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (const auto& [lowest, label] : byLowest) {
        position[lowest] = static_cast<double>(position.size() + 1);
        ticker->addTick(position[lowest], QString::fromStdString(label));
    }
    std::set<qint64> runs;
    for (const NormCurve& curve : curves) runs.insert(curve.runId);
    const bool runColoured = curves.size() > 1 && runs.size() == curves.size();
    QVector<Curve> lines;
    QString csv = QStringLiteral(
        "run,label,snapshot_step,bucket,items,mean_norm,median_norm,run_mean_pairwise_cosine\n");
    double largest = 0.0;  // the axis from 0, with room above the highest mark
    for (const NormCurve& curve : curves) {
        Curve line;
        line.name = curve.name;
        if (runColoured) line.runId = curve.runId;
        for (const NormBucket& bucket : curve.shape.norms) {
            line.x.push_back(position[bucket.lowest]);
            line.y.push_back(bucket.meanNorm);
            largest = std::max(largest, bucket.meanNorm);
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8\n")
                       .arg(curve.runId)
                       .arg(QString::fromStdString(csvField(curve.name.toStdString())))
                       .arg(curve.step)
                       .arg(QString::fromStdString(bucketLabel(bucket)))
                       .arg(bucket.items)
                       .arg(bucket.meanNorm, 0, 'g', 6)
                       .arg(bucket.medianNorm, 0, 'g', 6)
                       .arg(curve.shape.meanCosine, 0, 'g', 6);
        }
        lines.push_back(line);
    }
    drawCurves(plot, lines, tr("training occurrences of the item"), tr("mean item-embedding norm"));
    for (int i = 0; i < plot.graphCount(); ++i)
        plot.graph(i)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    plot.xAxis->setTicker(ticker);
    plot.xAxis->setRange(0.5, static_cast<double>(position.size()) + 0.5);
    plot.yAxis->setRange(0.0, largest > 0.0 ? largest * 1.08 : 1.0);
    setPlotDataTable(plot, [csv] { return csv; });
    plot.replot();
}

int drawForwardProfile(QCustomPlot& plot, const ForwardProfile& profile) {
    reset(plot);
    const int steps = static_cast<int>(profile.mean.size());
    QVector<double> t;
    QVector<double> mean;
    QVector<double> lower;
    QVector<double> upper;
    for (int i = 0; i < steps; ++i) {
        t << i + 1;
        mean << profile.mean[static_cast<size_t>(i)];
        lower << profile.mean[static_cast<size_t>(i)] - profile.sd[static_cast<size_t>(i)];
        upper << profile.mean[static_cast<size_t>(i)] + profile.sd[static_cast<size_t>(i)];
    }
    const QColor colour = seriesColour(0);
    QCPGraph* low = plot.addGraph();
    low->setData(t, lower, true);
    low->setPen(Qt::NoPen);
    low->removeFromLegend();
    QCPGraph* band = plot.addGraph();
    band->setName(tr("± sd"));
    band->setData(t, upper, true);
    band->setPen(Qt::NoPen);
    QColor fill = colour;
    fill.setAlpha(50);
    band->setBrush(fill);
    band->setChannelFillGraph(low);
    QCPGraph* line = plot.addGraph();
    line->setName(tr("mean (training's x_t)"));
    line->setData(t, mean, true);
    line->setPen(QPen(colour, 1.5));
    // The sampler's start, a little right of t = T, so that it reads as "beside" step T.
    const double startAt = steps + std::max(1.0, 0.06 * steps);
    QCPGraph* start = plot.addGraph();
    start->setName(tr("sampler's x_T"));
    start->setData({startAt}, {profile.startMean}, true);
    start->setLineStyle(QCPGraph::lsNone);
    start->setPen(QPen(seriesColour(3), 1.5));
    start->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
    auto* error = new QCPErrorBars(plot.xAxis, plot.yAxis);
    error->removeFromLegend();
    error->setDataPlottable(start);
    error->setData({profile.startSd});
    error->setPen(QPen(seriesColour(3), 1.5));
    plot.xAxis->setLabel(tr("diffusion step t"));
    plot.yAxis->setLabel(tr("cos(x_t, x₀)"));
    plot.xAxis->setRange(0.0, startAt + std::max(1.0, 0.04 * steps));
    plot.yAxis->setRange(-1.05, 1.05);
    // The CSV: the statistics themselves rather than the band's edges.
    setPlotDataTable(plot, [profile] {
        const auto number = [](double value) {
            return QString::number(value, 'g', QLocale::FloatingPointShortest);
        };
        QString csv = QStringLiteral("t,mean_cos,sd_cos\n");
        for (size_t i = 0; i < profile.mean.size(); ++i)
            csv += QStringLiteral("%1,%2,%3\n")
                       .arg(i + 1)
                       .arg(number(profile.mean[i]), number(profile.sd[i]));
        return csv + QStringLiteral("sampler,%1,%2\n")
                         .arg(number(profile.startMean), number(profile.startSd));
    });
    showLegend(plot);
    plot.replot();
    return steps;
}

int drawReverseChain(QCustomPlot& plot, const ReverseChain& chain) {
    reset(plot);
    QVector<double> t;
    for (int step : chain.steps) t << step;
    const QVector<double> toFinal(chain.toFinal.begin(), chain.toFinal.end());
    const QVector<double> toTarget(chain.toTarget.begin(), chain.toTarget.end());
    QCPGraph* final = plot.addGraph();
    final->setName(tr("to the output x₀"));
    final->setData(t, toFinal);
    final->setPen(QPen(seriesColour(0), 1.5));
    QCPGraph* target = plot.addGraph();
    target->setName(tr("to the next item"));
    target->setData(t, toTarget);
    target->setPen(QPen(seriesColour(1), 1.5));
    plot.xAxis->setLabel(tr("reverse step t (from T down to 0)"));
    plot.yAxis->setLabel(tr("cos(x_t, ·)"));
    // The chain runs from t = T to 0: left to right.
    plot.xAxis->setRangeReversed(true);
    plot.xAxis->setRange(0.0, chain.steps.empty() ? 1.0 : chain.steps.front());
    plot.yAxis->setRange(-1.05, 1.05);
    showLegend(plot);
    plot.replot();
    return static_cast<int>(chain.steps.size());
}

}  // namespace dimerec
