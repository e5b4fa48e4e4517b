#pragma once

#include "analysis/NormByFrequency.h"
#include "analysis/StudyGrid.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <map>
#include <string>
#include <vector>

class QCustomPlot;

namespace dimerec {

struct ForwardProfile;
struct ReverseChain;

// The charts of the diversity view and of `dimerec export plot`, drawn from plain values onto
// a QCustomPlot (replacing what it showed), so that the window and the command line draw
// identical figures.

// One run's final metrics, as the run store keeps them ("ndcg@10", "diversity@50", …).
struct RunMetrics {
    qint64 id = 0;  // its bars take the run's colour (runColours); 0: palette order
    QString name;   // label in legends and on the trade-off plot
    std::map<std::string, double> metrics;
};

// One line of a curve plot.
struct Curve {
    QString name;
    QVector<double> x;
    QVector<double> y;
    qint64 runId = 0;  // a run's curve takes the run's colour (runColours); 0: palette order
};

// "diversity@50" → ("diversity", 50); a name without "@K" → (name, 0).
std::pair<std::string, int> splitMetric(const std::string& metric);
// The cut-offs K at which any run has `family`@K, ascending.
std::vector<int> cutoffsOf(const QVector<RunMetrics>& runs, const std::string& family);

// Bar chart of a metric over runs. `metric` with "@K" (or without a K: e.g. probe_accuracy):
// one bar per run; a family name without "@K" that the runs have at several cut-offs
// ("diversity"): groups of bars per K, one colour per run. Returns the number of bars drawn.
int drawMetricBars(QCustomPlot& plot, const QVector<RunMetrics>& runs, const std::string& metric);

// Scatter of y against x over runs, each point labelled with the run's name. Runs lacking
// either metric are left out; returns the number of points.
int drawTradeoff(QCustomPlot& plot, const QVector<RunMetrics>& runs, const std::string& x,
                 const std::string& y);

// Category distributions side by side: per category, the share among the users' histories and
// among the recommendations (categoryShares), categories sorted by history share.
void drawCategoryShares(QCustomPlot& plot, const QStringList& categories,
                        const std::vector<double>& history,
                        const std::vector<double>& recommendations, const QString& recLabel);

// One line of drawNormsByFrequency: an item table's shape (a run's snapshot or checkpoint).
struct NormCurve {
    QString name;
    qint64 runId = 0;  // the CSV's run column; distinct runs take their run colours
    qint64 step = 0;   // the snapshot's training step (the CSV's snapshot_step)
    ItemTableShape shape;
};
// Mean L2 norm of the item embeddings against their training-frequency buckets, one line per
// curve, the y axis from 0; its CSV holds every bucket (items, mean and median norm) with the
// curve's mean pairwise cosine of the item directions.
void drawNormsByFrequency(QCustomPlot& plot, const std::vector<NormCurve>& curves);

// Line plot of curves with a legend.
void drawCurves(QCustomPlot& plot, const QVector<Curve>& curves, const QString& xLabel,
                const QString& yLabel);

// Sensitivity figure: the metric's mean over the runs of each cell (error bars: their sample
// std) against the values of grid.x, one line per value of grid.y (the series field; one line
// without it). Numeric x values sit at their values (on a log axis when positive and spanning
// two decades or more), categories evenly spaced. The plot's CSV data becomes the grid
// (metricGridCsv) until another chart is drawn on it. A cell of grid.marked gets a dagger in
// its line's colour above its error bar. Returns the number of points drawn.
int drawSweepLines(QCustomPlot& plot, const MetricGrid& grid, const QString& metricLabel);

// The diffusion inspector (analysis/DiffusionInspection.h). Forward process: mean cos(x_t, x0)
// against t with a ±sd band, and the sampler's x_T as a point with its sd just right of t = T.
// Returns the number of steps drawn.
int drawForwardProfile(QCustomPlot& plot, const ForwardProfile& profile);
// One user's reverse chain: cos of each state to the chain's output and to the true next item,
// t running from T (left) to 0. Returns the number of states drawn.
int drawReverseChain(QCustomPlot& plot, const ReverseChain& chain);

// Axis title of a config field: "model.lambda" → "λ (model.lambda)", "model.mu" → "μ
// (model.mu)", others as they are.
QString fieldTitle(const std::string& field);
// Short name of a config field for legends: "λ", "μ", else its last part ("schedule").
QString fieldSymbol(const std::string& field);

// Axis title of a metric: analysis' metricLabel ("diversity@50" → "Diversity@50"), the probe
// spelled out.
QString axisTitle(const std::string& metric);

}  // namespace dimerec
